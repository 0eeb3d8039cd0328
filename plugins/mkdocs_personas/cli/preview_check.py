"""Check that a downloaded preview artifact holds only static files that cannot carry script.

Runs in the publish job of the trusted "Publish preview" workflow (with the
mkdocs-personas its default branch pins) on the site its build job made from a pull
request's content: a second wall behind that build's sanitizer, so it uses the standard
library (and the plugin's own policy text) only and trusts nothing in the folder:
symlinks, special files, odd names, unexpected file types and oversized trees are all
refused, and so is anything that could run script in a reader's browser:

- a JavaScript, stylesheet, source map or WebAssembly file that is not byte-identical to
  a file of a trusted theme folder (``--assets``: Material's ``templates`` folder, the
  plugin's ``templates/theme`` folder, a reference Pagefind output);
- in HTML, a ``<script>`` that is neither Material's JSON configuration (the only JSON
  script the site writes), nor an external
  script of the site, nor an inline script that one of the trusted folders' templates
  writes (its ``{{ ... }}`` values limited to path characters); an event-handler
  attribute (``on*=``); a ``javascript:``/``vbscript:`` URL or a ``data:`` link; frames,
  objects, ``<base>``, meta refresh and SVG animation elements; a clobbered ``__config``
  or another duplicated ``__`` id, which Material's scripts would read;
- SVG files, service workers, XML other than the sitemap;
- an HTML page without the site's Content Security Policy: exactly one ``<meta
  http-equiv="Content-Security-Policy">`` in ``<head>``, before every script, whose
  content is exactly the policy the plugin writes with the hashes of the page's own inline
  scripts and no other;
- an HTML page whose Material configuration (``<script id="__config">``, which Material's
  bundle reads: its ``search`` is the URL of the search worker it starts) is not what the
  trusted configuration produces: JSON with Material's keys, ``base`` the page's path to
  the site root, ``search`` the theme's own worker below that root, no markup or URL in any
  other value, and every other value equal on all pages.

    python -m mkdocs_personas.preview_check [--assets DIR]... FOLDER
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import inspect
import json
import os
import posixpath
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import product
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..site.csp import policy

ALLOWED_SUFFIXES = {
    ".html",
    ".css",
    ".js",
    ".json",
    ".txt",
    ".md",
    ".map",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".ico",
    ".woff",
    ".woff2",
    ".ttf",
    ".zip",
}
INERT = {".markdown", ".toml", ".py", ".sh", ".bash", ".yaml", ".yml", ".csv"}
"""Inert text the build publishes only below ``skills/`` (a skill's bundled files) and
``personas/<name>/convert/`` (a persona as another tool's agent file)."""
INERT_PLACES = re.compile(r"site/(?:skills/[^/]+/|personas/[^/]+/convert/[a-z]+/)")
KNOWN_ONLY = {".js", ".mjs", ".css", ".map", ".pagefind"}
"""Files that must be byte-identical to a file of a trusted theme folder."""
SITEMAP = ("site/sitemap.xml", "site/sitemap.xml.gz")
PAGEFIND_DATA = re.compile(
    r"site/pagefind/(?:pagefind-entry\.json|pagefind\.[a-z0-9_-]+\.pf_meta"
    r"|fragment/[a-z0-9_-]+\.pf_fragment|index/[a-z0-9_-]+\.pf_index"
    r"|filter/[a-z0-9_-]+\.pf_filter|wasm\.[a-z0-9_-]+\.pagefind)\Z"
)
"""Pagefind's index (data its own scripts fetch); its WebAssembly must also be known."""
SERVICE_WORKER = re.compile(r"(?:sw|service-?worker[\w.-]*)\.m?js\Z", re.IGNORECASE)
TOP_FILES = {"summary.json"}
"""Beside ``site/``: the change summary the trusted build wrote (posted as data)."""
TOP_LEVEL = {"site", *TOP_FILES}
SAFE_NAME = re.compile(r"[A-Za-z0-9._@+-][A-Za-z0-9._@+ -]*\Z")
MAX_FILES = 200_000
MAX_BYTES = 1_000_000_000

DATA_TYPES = {"application/json"}
"""Script types a browser never runs (Material's ``__config``)."""
FORBIDDEN_TAGS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "portal",
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
    "foreignobject",
    "use",
    "handler",
    "listener",
}
URL_ATTRIBUTES = {
    "href",
    "xlink:href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "srcset",
    "ping",
    "cite",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "manifest",
}
SCRIPT_SCHEMES = ("javascript:", "vbscript:")
NAVIGATION_ATTRIBUTES = {"href", "xlink:href", "action", "formaction"}
PLACEHOLDER = "(?!//)[A-Za-z0-9._~/%+-]{0,200}"
"""What a template's ``{{ ... }}`` may stand for inside a trusted inline script: a path
on the site (no scheme, no ``//host``)."""
_JINJA = re.compile(r"\{\{[^{}]*\}\}")
_RAW_SCRIPT = re.compile(r"<script", re.IGNORECASE)
_RAW_CONFIG = re.compile(r"""\bid\s*=\s*["']?__config\b""", re.IGNORECASE)
_POLICY_FIRST = re.compile(
    r"\s*(?:<!doctype html>\s*)?(?:<html(?:\s[^<>]*)?>\s*)?<head(?:\s[^<>]*)?>\s*"
    r"(?:<meta charset=\"?[A-Za-z0-9_-]+\"?>\s*)?"
    r'<meta http-equiv="Content-Security-Policy" content="([^"<>&]*)">',
    re.IGNORECASE,
)
"""Where the plugin writes the policy: first in ``<head>``, after ``<meta charset>`` only,
and nothing but the doctype and ``<html>`` before the head. Checked on the text itself, so
that no construct two HTML parsers read differently (``<!-->``) can hide the policy in a
place browsers ignore."""
_CONTROL = re.compile(r"[\x00-\x20]+")
CONFIG_KEYS = frozenset(
    {"base", "features", "translations", "search", "annotate", "tags", "version"}
)
"""The keys of Material's ``__config`` (``base.html``); any other is refused."""
WORKERS = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js\Z")
"""Material's search worker, as its ``templates`` folder holds it."""
_URL_LIKE = re.compile(r"[\x00-\x20]*(?:[A-Za-z][A-Za-z0-9+.-]*:|[/\\]{2})")
TRANSLATION_KEY = re.compile(r"[a-z]+(?:\.[a-z]+)*\Z")
ABSOLUTE_BASE = re.compile(r"/(?:[A-Za-z0-9._~-]+/)*\Z")
"""The ``base`` Material writes in ``404.html`` (a path from the site's URL, not relative)."""
_SITEMAP_TAG = re.compile(
    r"<\?xml version=\"1\.0\" encoding=\"UTF-8\"\?>"
    r"|<urlset xmlns=\"http://www\.sitemaps\.org/schemas/sitemap/0\.9\""
    r"(?: xmlns:xhtml=\"http://www\.w3\.org/1999/xhtml\")?>"
    r"|</?(?:urlset|url|loc|lastmod|changefreq|priority)>"
    r"|<xhtml:link rel=\"alternate\" hreflang=\"[A-Za-z0-9_-]{1,20}\""
    r" href=\"(?!\s*(?:javascript|vbscript|data):)[^\"<>\s]*\"/>",
    re.IGNORECASE,
)
"""The tags of a sitemap: MkDocs' own, and the language alternates mkdocs-static-i18n adds
(an inert ``<link>`` each)."""


def _template_scripts(template: str) -> list[str]:
    """The text of every attribute-less ``<script>`` a template writes."""
    texts, start = [], template.find("<script>")
    while start >= 0:
        end = template.find("</script>", start)
        if end < 0:
            break
        texts.append(template[start + len("<script>") : end])
        start = template.find("<script>", end)
    return texts


@dataclass
class Known:
    """What the trusted theme folders allow: file hashes and inline-script patterns."""

    hashes: set[str] = field(default_factory=set)
    scripts: list[re.Pattern[str]] = field(default_factory=list)
    workers: set[str] = field(default_factory=set)
    """Paths (from a theme folder) of the search workers Material's ``__config`` names."""

    @classmethod
    def from_folders(cls, folders: list[Path]) -> Known:
        """Hash every asset and read every template's inline scripts under ``folders``."""
        known = cls()
        patterns: set[str] = set()
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                if path.is_symlink() or not path.is_file():
                    continue
                if path.suffix.lower() in KNOWN_ONLY:
                    known.hashes.add(hashlib.sha256(path.read_bytes()).hexdigest())
                    relative = path.relative_to(folder).as_posix()
                    if WORKERS.match(relative):
                        known.workers.add(relative)
                elif path.suffix == ".html":
                    for text in _template_scripts(path.read_text(encoding="utf-8")):
                        if "{%" not in text and "{#" not in text:
                            pieces = _JINJA.split(text)
                            patterns.add(PLACEHOLDER.join(re.escape(p) for p in pieces))
        known.scripts = [re.compile(p) for p in sorted(patterns)]
        return known

    def allows_script(self, text: str) -> bool:
        return any(pattern.fullmatch(text) for pattern in self.scripts)


class _PageAudit(HTMLParser):
    """Everything in one HTML page that could run script."""

    def __init__(self, known: Known, site_file: Callable[[str], bool]) -> None:
        super().__init__(convert_charrefs=True)
        self.known = known
        self.site_file = site_file
        self.found: list[str] = []
        self.scripts = 0
        self.ids: dict[str, int] = {}
        self._script: tuple[str, list[str]] | None = None
        self.inline: list[str] = []
        """The text of every inline script a browser runs, in order."""
        self.configs: list[str] = []
        """The text of every ``<script id="__config">``."""
        self.policies: list[tuple[str, bool]] = []
        """Each Content Security Policy ``<meta>``: its content, and whether it comes in
        ``<head>`` before every script (where browsers apply it to all of them)."""
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}> element")
        equiv = values.get("http-equiv", "").strip().lower()
        if tag == "meta" and equiv == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        if tag == "meta" and equiv == "content-security-policy":
            early = not self.in_body and self.scripts == 0
            self.policies.append((values.get("content", ""), early))
        if tag == "body":
            self.in_body = True
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"event handler {name}= on <{tag}>")
            if name in URL_ATTRIBUTES and value:
                compact = _CONTROL.sub("", value).lower()
                if compact.startswith(SCRIPT_SCHEMES) or (
                    name in NAVIGATION_ATTRIBUTES and compact.startswith("data:")
                ):
                    self.found.append(f"{compact.split(':')[0]}: URL in {name}= on <{tag}>")
        ident = values.get("id", "")
        if ident.startswith("__"):
            self.ids[ident] = self.ids.get(ident, 0) + 1
            if self.ids[ident] == 2:
                self.found.append(f"id={ident!r} used twice (Material reads the first)")
            if ident == "__config" and not (
                tag == "script" and values.get("type", "").lower() in DATA_TYPES
            ):
                self.found.append(f"<{tag} id='__config'> is not Material's configuration")
        if tag == "script":
            self.scripts += 1
            kind = self._script_kind(values)
            if ident == "__config" and kind == "data":
                kind = "config"
            self._script = (kind, [])

    def _script_kind(self, values: dict[str, str]) -> str:
        """``src`` (checked here), ``data`` or ``inline`` (checked at its end tag)."""
        kind = values.get("type", "").strip().lower()
        if "src" in values:
            src = values["src"]
            parts = urlsplit(src)
            if parts.scheme or parts.netloc or src.startswith(("//", "\\")):
                self.found.append(f"<script src={src!r}> from outside the site")
            elif not parts.path.endswith(".js") or not self.site_file(unquote(parts.path)):
                self.found.append(f"<script src={src!r}> is not a script file of the site")
            return "src"
        if kind in DATA_TYPES:
            return "data"
        if kind not in ("", "text/javascript", "module"):
            self.found.append(f"<script type={kind!r}>")
        return "inline"

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._script is None:
            return
        kind, pieces = self._script
        text = "".join(pieces)
        if kind == "src" and text.strip():
            self.found.append("<script src> with inline text")
        elif kind == "inline":
            self.inline.append(text)
            if not self.known.allows_script(text):
                self.found.append(f"inline <script> the theme does not write: {text[:80]!r}")
        elif kind == "config":
            self.configs.append(text)
        elif kind == "data":
            self.found.append(
                f"a JSON <script> that is not Material's configuration: {text[:80]!r}"
            )
        self._script = None


def _hash(script: str) -> str:
    """A CSP source expression for an inline script, as browsers hash its text."""
    normalized = script.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(normalized.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _policy_options() -> list[dict[str, bool]]:
    """Every combination of the policy's switches (``pagefind``, ``remote_images``...):
    each is a policy the plugin can write, depending on the site's configuration."""
    names = [
        name
        for name, parameter in inspect.signature(policy).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    return [
        dict(zip(names, values, strict=True))
        for values in product((False, True), repeat=len(names))
    ]


POLICY_OPTIONS = _policy_options()


def check_policy(audit: _PageAudit) -> tuple[list[str], str | None]:
    """The page's Content Security Policy is the plugin's, for exactly its own scripts; and
    which of the plugin's policies it is (the same on every page of one site)."""
    if not audit.policies:
        return ["no Content Security Policy <meta> (every page of the site carries one)"], None
    if len(audit.policies) > 1:
        return [f"{len(audit.policies)} Content Security Policy <meta> elements, not one"], None
    content, early = audit.policies[0]
    if not early:
        return ["the Content Security Policy <meta> is not in <head> before every script"], None
    hashes = list(dict.fromkeys(_hash(script) for script in audit.inline))
    for options in POLICY_OPTIONS:
        if content == policy(hashes, **options):
            return [], policy([], **options)
    return [
        f"Content Security Policy {content[:300]!r} is not the site's policy for this "
        f"page's {len(hashes)} inline script(s): {policy(hashes, **POLICY_OPTIONS[0])!r}"
    ], None


def _strings(value: object) -> list[str]:
    """Every string in a JSON value: its keys and its texts."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *_strings(item))]
    return []


def check_config(page: str, texts: list[str], known: Known) -> tuple[list[str], object]:
    """Problems with the page's Material configuration, and the part of it (all but
    ``base`` and ``search``) that must be equal on every page."""
    if len(texts) != 1:
        return [f"{len(texts)} Material configurations (<script id='__config'>), not one"], None
    try:
        config = json.loads(texts[0])
    except ValueError as error:
        return [f"Material configuration is not JSON: {error}"], None
    if not isinstance(config, dict) or not {"base", "search"} <= set(config):
        return ["Material configuration without 'base' and 'search'"], None
    unknown = sorted(set(config) - CONFIG_KEYS)
    found = [f"Material configuration: unknown key {key!r}" for key in unknown]
    base, search = config["base"], config["search"]
    depth = posixpath.dirname(page).count("/")
    relative = "/".join([".."] * depth) or "."
    if not isinstance(base, str) or not (
        base == relative or (posixpath.basename(page) == "404.html" and ABSOLUTE_BASE.match(base))
    ):
        found.append(f"Material configuration: base {base!r}, expected {relative!r}")
        base = relative
    root = "" if base == "." else base.rstrip("/") + "/"
    workers = {root + worker for worker in known.workers}
    if search not in workers:
        expected = " or ".join(repr(w) for w in sorted(workers)) or "the theme's search worker"
        found.append(f"Material configuration: search {str(search)[:200]!r}, expected {expected}")
    rest = {k: v for k, v in config.items() if k not in ("base", "search")}
    for text in _strings(rest):
        if "<" in text or ">" in text or _URL_LIKE.match(text):
            found.append(f"Material configuration holds markup or a URL: {text[:200]!r}")
    translations = rest.pop("translations", {})
    if not isinstance(translations, dict) or not all(
        isinstance(v, str) and TRANSLATION_KEY.match(k) for k, v in translations.items()
    ):
        found.append("Material configuration: translations are not interface strings")
    # The rest is equal on every page; the translations follow each page's language.
    return found, rest


def audit_html(
    text: str, known: Known, site_file: Callable[[str], bool], page: str = "site/index.html"
) -> tuple[list[str], object]:
    """What in one page could run script (``site_file(path)``: does the site hold it), and
    the part of its Material configuration that every page shares. ``page`` is the
    page's path in the artifact (``site/...``)."""
    audit = _PageAudit(known, site_file)
    audit.feed(text)
    audit.close()
    raw = len(_RAW_SCRIPT.findall(text))
    if raw != audit.scripts:
        audit.found.append(f"{raw} '<script' in the text but {audit.scripts} script elements")
    configs = len(_RAW_CONFIG.findall(text))
    if configs != len(audit.configs):
        audit.found.append(
            f"{configs} 'id=__config' in the text but {len(audit.configs)} Material "
            "configuration(s) (Material reads the first)"
        )
    first = _POLICY_FIRST.match(text)
    if audit.policies and (first is None or first.group(1) != audit.policies[0][0]):
        audit.found.append(
            "the Content Security Policy <meta> is not the first thing in <head> (after "
            "<meta charset> only), where the plugin writes it"
        )
    found, kind = check_policy(audit)
    audit.found += found
    found, shared = check_config(page, audit.configs, known)
    if isinstance(shared, dict) and kind is not None:
        shared = {**shared, "Content-Security-Policy": kind}
    return audit.found + found, shared


def _site_file(site: Path, page: Path) -> Callable[[str], bool]:
    """A lookup: does a script URL written in ``page`` name a regular .js file of ``site``."""

    def exists(path: str) -> bool:
        if path.startswith("/"):
            # Path-absolute (404 pages): the site's URL prefix is unknown, so try each suffix.
            parts = PurePosixPath(path).parts[1:]
            candidates = [Path(site, *parts[i:]) for i in range(len(parts))]
        else:
            candidates = [page.parent / path]
        for candidate in candidates:
            resolved = Path(os.path.normpath(candidate))
            inside = resolved == site or site in resolved.parents
            if inside and resolved.is_file() and not resolved.is_symlink():
                return True
        return False

    return exists


def check_file(
    relative: str, path: Path, site: Path, known: Known, shared: dict[str, object] | None = None
) -> list[str]:
    """What is wrong with one regular file of the artifact (``shared`` collects each
    page's configuration that must be equal on every page)."""
    suffix = path.suffix.lower()
    if relative in TOP_FILES:
        return []
    if SERVICE_WORKER.match(path.name):
        return [f"{relative}: a service worker"]
    if PAGEFIND_DATA.match(relative) and suffix != ".pagefind":
        return []
    if relative in SITEMAP:
        if suffix == ".xml":
            text = path.read_text(encoding="utf-8", errors="replace")
            stray = [t for t in re.findall(r"<[^<>]*>?", text) if not _SITEMAP_TAG.fullmatch(t)]
            return [f"{relative}: not a plain sitemap: {stray[0][:80]!r}"] if stray else []
        return []
    if suffix in KNOWN_ONLY:
        if suffix == ".pagefind" and not PAGEFIND_DATA.match(relative):
            return [f"{relative}: file type .pagefind not allowed here"]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in known.hashes:
            return [f"{relative}: {suffix} file that is not one of the theme's or plugin's own"]
        return []
    if suffix in INERT and INERT_PLACES.match(relative):
        return []
    if suffix not in ALLOWED_SUFFIXES:
        return [f"{relative}: file type {path.suffix or '(none)'} not allowed"]
    if suffix == ".html":
        text = path.read_text(encoding="utf-8", errors="replace")
        found, config = audit_html(text, known, _site_file(site, path), relative)
        if shared is not None and config is not None:
            shared[relative] = config
        return [f"{relative}: {p}" for p in found]
    return []


def check_shared(shared: dict[str, object]) -> list[str]:
    """Every page's Material configuration (but ``base`` and ``search``) and the kind of its
    policy equal the home page's: they all come from the one trusted configuration."""
    reference = shared.get("site/index.html")
    if not isinstance(reference, dict):
        return []
    found = []
    for page, config in sorted(shared.items()):
        if isinstance(config, dict) and config != reference:
            keys = sorted(k for k in {*config, *reference} if config.get(k) != reference.get(k))
            found.append(
                f"{page}: Material configuration or policy differs from site/index.html's "
                f"in {', '.join(keys)} (all pages come from one configuration)"
            )
    return found


def problems(root: Path, known: Known | None = None) -> list[str]:
    """Everything wrong with the artifact at ``root`` (empty if it can be published)."""
    known = known or Known()
    found: list[str] = []
    if root.is_symlink() or not root.is_dir():
        return [f"{root}: not a folder"]
    for entry in sorted(os.listdir(root)):
        if entry not in TOP_LEVEL:
            found.append(f"{entry}: unexpected at the top of the artifact")
    site = Path(os.path.abspath(root / "site"))
    files = total = 0
    shared: dict[str, object] = {}
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        for name in [*dirs, *sorted(names)]:
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            info = os.lstat(path)
            if not SAFE_NAME.match(name):
                found.append(f"{relative!r}: unsafe file name")
            if stat.S_ISLNK(info.st_mode):
                found.append(f"{relative}: symlink")
            elif stat.S_ISDIR(info.st_mode):
                continue
            elif not stat.S_ISREG(info.st_mode):
                found.append(f"{relative}: not a regular file")
            else:
                files += 1
                total += info.st_size
                if info.st_nlink > 1:
                    found.append(f"{relative}: hard link")
                elif files <= MAX_FILES and total <= MAX_BYTES:
                    found += check_file(relative, Path(os.path.abspath(path)), site, known, shared)
    found += check_shared(shared)
    if files > MAX_FILES or total > MAX_BYTES:
        found.append(f"too large: {files} files, {total} bytes")
    if not (root / "site" / "index.html").is_file():
        found.append("site/index.html: missing")
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mkdocs_personas.preview_check", description=__doc__.strip().splitlines()[0]
    )
    parser.add_argument(
        "--assets",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="a trusted theme folder whose files may appear byte-identical (repeatable)",
    )
    parser.add_argument("folder", type=Path, metavar="FOLDER")
    args = parser.parse_args(argv[1:])
    missing = [str(d) for d in args.assets if not d.is_dir()]
    if missing:
        print(f"::error::preview check: no such folder: {missing[0]}", file=sys.stderr)
        return 2
    found = problems(args.folder, Known.from_folders(args.assets))
    for problem in found:
        print(f"::error::preview artifact: {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
