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
from html.parser import HTMLParser

DATA_TYPES = frozenset({"application/json", "application/ld+json"})
"""``<script type>`` values a browser never runs (Material's ``__config`` is JSON)."""

_HEAD = re.compile(r"<head(?:\s[^<>]*)?>", re.IGNORECASE)
_CHARSET = re.compile(r"\s*<meta\s+charset=[^<>]*>", re.IGNORECASE)


class _InlineScripts(HTMLParser):
    """The text of every inline script that a browser would run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.texts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        values = dict(attrs)
        kind = (values.get("type") or "").strip().lower()
        external = values.get("src") is not None
        self._current = None if external or kind in DATA_TYPES else []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.texts.append("".join(self._current))
            self._current = None


def script_hashes(html: str) -> list[str]:
    """CSP source expressions (``'sha256-…'``) for the page's inline scripts, in order."""
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    hashes: list[str] = []
    for text in parser.texts:
        # Browsers hash the script's text after the parser normalized line breaks.
        normalized = text.replace("\r\n", "\n").replace("\r", "\n")
        digest = hashlib.sha256(normalized.encode("utf-8")).digest()
        source = f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def policy(hashes: list[str], *, pagefind: bool) -> str:
    """The policy text for a page whose inline scripts have ``hashes``.

    Pagefind compiles its WebAssembly index reader, hence ``'wasm-unsafe-eval'`` when it
    is the search backend (it allows WebAssembly only, not ``eval``).
    """
    scripts = ["'self'", *(["'wasm-unsafe-eval'"] if pagefind else []), *hashes]
    directives = [
        "default-src 'self'",
        f"script-src {' '.join(scripts)}",
        "worker-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data: https:",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def add_policy(html: str, *, pagefind: bool) -> str:
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
    content = policy(script_hashes(html), pagefind=pagefind)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    return html[:at] + meta + html[at:]
