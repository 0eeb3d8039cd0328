"""Checks on built sites that several test modules share."""

from __future__ import annotations

import posixpath
import signal
import subprocess
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit


class _Page(HTMLParser):
    """Links and element ids of a page; links inside a persona's own body are kept apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.body_links: list[str] = []
        self.ids: list[str] = []
        self._body_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "div" and (self._body_depth or "pc-body" in (values.get("class") or "")):
            self._body_depth += 1
        if values.get("id"):
            self.ids.append(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.append(values["name"])
        for attribute in ("href", "src"):
            if values.get(attribute) and tag in ("a", "link", "script", "img"):
                links = self.body_links if self._body_depth else self.links
                links.append(values[attribute])

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._body_depth:
            self._body_depth -= 1


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def links(fragment: str, page_url: str) -> list[str]:
    """The site-relative URLs that the links of an HTML fragment point to."""
    page = _Page()
    page.feed(fragment)
    base = PurePosixPath("/" + page_url)
    resolved = []
    for link in page.links:
        parts = urlsplit(link)
        path = posixpath.normpath(str(base / parts.path)) if parts.path else str(base)
        url = path.lstrip("/") + ("/" if parts.path.endswith("/") and path != "/" else "")
        resolved.append(url + (f"#{parts.fragment}" if parts.fragment else ""))
    return resolved


def broken_links(site: Path) -> list[str]:
    """Every relative link the site adds (persona bodies aside) whose file or anchor is missing."""
    cache: dict[Path, _Page] = {}

    def page_at(path: Path) -> _Page:
        if path not in cache:
            cache[path] = parse(path)
        return cache[path]

    broken = []
    for html in sorted(site.rglob("*.html")):
        if html.name == "404.html":
            continue
        for link in page_at(html).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("#__"):
                continue
            target = (html.parent / unquote(parts.path)).resolve() if parts.path else html
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{html.relative_to(site)}: {link}")
                continue
            if (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in set(page_at(target).ids)
            ):
                broken.append(f"{html.relative_to(site)}: {link} (no such anchor)")
    return broken


UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = (
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcset",
)
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "path",
}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}


class _Audit(HTMLParser):
    """Collects every element and attribute that could run code or restyle the page."""

    def __init__(self, content_tags: set[str] | None) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.content_tags = content_tags
        self.in_content = 0
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        where = f"<{tag} {' '.join(k for k, _ in attrs)}>"
        classes = values.get("class") or ""
        if self.in_content or (tag == "article" and "md-content__inner" in classes):
            if tag not in VOID_TAGS:
                self.in_content += 1
            if self.content_tags is not None and tag not in self.content_tags:
                self.found.append(f"element outside the allowlist in content: {where}")
            if tag == "form" and not any(name.startswith("data-pc-") for name, _ in attrs):
                self.found.append(f"a form that is not one of the plugin's widgets: {where}")
            if any(name == "style" and tag not in ("td", "th") for name, _ in attrs):
                self.found.append(f"style attribute in content: {where}")
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"forbidden element: {where}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append(f"meta refresh: {where}")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"event handler {name}={value!r} on <{tag}>")
            if name.lower() in URL_ATTRIBUTES and value:
                compact = "".join(value.split()).lower()
                if compact.startswith(UNSAFE_SCHEMES):
                    self.found.append(f"unsafe URL {name}={value!r} on <{tag}>")
        if tag == "script":
            self.in_script = True
            src = values.get("src") or ""
            if src and not ("assets/" in src and src.endswith(".js")):
                self.found.append(f"script from {src!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        if self.in_content and tag not in VOID_TAGS:
            self.in_content -= 1

    def handle_data(self, data):
        if self.in_script and "alert(" in data:
            self.found.append(f"script with a payload: {data[:80]!r}")


CONTENT_TAGS = set(
    """article header section nav div p span a h1 h2 h3 h4 h5 h6 ul ol li dl dt dd strong em b i
    code pre table thead tbody tr th td blockquote img input label details summary button hr br
    sup sub kbd mark del ins small abbr caption figure figcaption q s u var samp colgroup col
    tfoot svg path form select option datalist textarea noscript aside""".split()
)
"""What may appear inside a page's content: the sanitizer's allowlist, our fragments'
elements (forms only as the plugin's own filter and matcher), and Material's own content
buttons (whose icons are SVG)."""


def unsafe_markup(html: str, content_tags: set[str] | None = CONTENT_TAGS) -> list[str]:
    """Everything in a page that could run code or sits outside the content allowlist."""
    audit = _Audit(content_tags)
    audit.feed(html)
    return audit.found


def tree(site: Path) -> dict[str, bytes]:
    """Every file of a built site, by relative path."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def stop_serve(process: subprocess.Popen) -> bool:
    """Stop ``mkdocs serve`` with Ctrl-C, as a user does: MkDocs then deletes its temporary
    site folder, which a SIGTERM would leave behind in the temporary directory. Whether it
    stopped on Ctrl-C (else it is killed after 30 s)."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False
