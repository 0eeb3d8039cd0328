"""Checks on built sites that several test modules share."""

from __future__ import annotations

from html.parser import HTMLParser
import posixpath
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
            if parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in set(page_at(target).ids):
                    broken.append(f"{html.relative_to(site)}: {link} (no such anchor)")
    return broken
