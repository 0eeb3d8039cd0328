"""A Content Security Policy for each built page, as a ``<meta>`` element.

Defence in depth behind the sanitizer: scripts may come only from the site itself or be
one of the page's own inline scripts (allowed by hash), workers and requests stay on the
site's origin, and plugins, ``<base>`` and off-site form targets are refused. Plain
Python, no MkDocs import: the plugin calls :func:`add_policy` on every page it writes.
"""

from __future__ import annotations

import base64
import hashlib
import re

DATA_TYPES = frozenset({"application/json", "application/ld+json"})
"""``<script type>`` values a browser never runs (Material's ``__config`` is JSON)."""

_HEAD = re.compile(r"<head(?:\s[^<>]*)?>", re.IGNORECASE)
_CHARSET = re.compile(r"\s*<meta\s+charset=[^<>]*>", re.IGNORECASE)


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(
    r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""", re.IGNORECASE
)


def _inline_scripts(html: str) -> list[str]:
    """The text of every inline script that a browser would run, in order.

    The pages are our build's own output (bodies are sanitized, so no script element
    comes from a persona), which a scan for script elements reads exactly and much
    faster than a full HTML parser. Missing a script would only block it, never allow
    one: the policy allows nothing but the hashes found here.
    """
    texts = []
    for match in _SCRIPT.finditer(html):
        attributes = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
            for m in _ATTRIBUTE.finditer(match.group(1))
        }
        if "src" in attributes:
            continue
        if attributes.get("type", "").strip().lower() in DATA_TYPES:
            continue
        texts.append(match.group(2))
    return texts


def script_hashes(html: str) -> list[str]:
    """CSP source expressions (``'sha256-…'``) for the page's inline scripts, in order."""
    hashes: list[str] = []
    for text in _inline_scripts(html):
        # Browsers hash the script's text after the parser normalized line breaks.
        normalized = text.replace("\r\n", "\n").replace("\r", "\n")
        digest = hashlib.sha256(normalized.encode("utf-8")).digest()
        source = f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def policy(hashes: list[str], *, pagefind: bool, remote_images: bool = False) -> str:
    """The policy text for a page whose inline scripts have ``hashes``.

    Pagefind compiles its WebAssembly index reader, hence ``'wasm-unsafe-eval'`` when it
    is the search backend (it allows WebAssembly only, not ``eval``). Images come from the
    site itself and ``data:`` URLs (Material's icons in its style sheets), and from any
    https host only with ``remote_images``: a third-party image tells its host who reads
    the page.
    """
    images = "img-src 'self' data:" + (" https:" if remote_images else "")
    scripts = ["'self'", *(["'wasm-unsafe-eval'"] if pagefind else []), *hashes]
    directives = [
        "default-src 'self'",
        f"script-src {' '.join(scripts)}",
        "worker-src 'self'",
        "connect-src 'self'",
        images,
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def add_policy(html: str, *, pagefind: bool, remote_images: bool = False) -> str:
    """``html`` with a Content Security Policy ``<meta>`` first in ``<head>``.

    The policy goes before every element that loads or runs anything; only a leading
    ``<meta charset>`` stays ahead of it, since browsers look for the encoding in the
    first 1024 bytes. A page without a ``<head>`` start tag is returned unchanged (a
    policy outside the head is ignored by browsers).
    """
    head = _HEAD.search(html)
    if head is None:
        return html
    at = head.end()
    charset = _CHARSET.match(html, at)
    if charset is not None:
        at = charset.end()
    content = policy(script_hashes(html), pagefind=pagefind, remote_images=remote_images)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    return html[:at] + meta + html[at:]
