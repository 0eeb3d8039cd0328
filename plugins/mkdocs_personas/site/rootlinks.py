"""Links to the site's root (``/en/docs/overview``) in persona bodies and bundled Markdown.

A file written for another site links to that site's root: on ours such a link leads into
our own 404. Each link (or image) whose address starts with one ``/`` is checked against
the pages and files of this build: one that names a page of ours becomes a relative link
to it (so it also works when the site lives below a path of its host); one that names
nothing of ours is shown as text with the address as written (``overview
(/en/docs/overview)``), and a warning names ``file:line:col``. Links that the build writes
after the pages (raw files, conversions, zips, data files) are left as written.

The MkDocs side: a Markdown tree processor that runs before MkDocs' own link handling.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File

from ..sources.model import Entry, Problem

log = get_plugin_logger("personas")

WRITTEN_LATER = ("personas.json", "catalogue.json", "cards.json", "match.json")
"""Data files the build writes after the pages (``export.py``)."""


@dataclass
class RootLinks:
    """What a build publishes, to tell a root link that leads somewhere from one that
    does not."""

    sources: dict[str, str] = field(default_factory=dict)
    """Site path (no leading ``/``) -> the ``src_uri`` of the file published there."""
    entries: frozenset[str] = frozenset()
    """``personas/<name>`` and ``skills/<name>`` folders: raw files, conversions and zips
    are written below them after the pages."""
    prefix: str = "/"
    """The path of ``site_url`` (``/`` when the site is at its host's root)."""
    lookup: Callable[[File], Entry | None] = lambda file: None
    """The entry (or bundled document) a generated page shows."""
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        files: Iterable[File],
        entries: Iterable[Entry],
        site_url: str | None,
        lookup: Callable[[File], Entry | None],
    ) -> RootLinks:
        sources: dict[str, str] = {}
        for file in files:
            url = unquote(file.url or "")
            for path in (url, url.rstrip("/"), file.dest_uri):
                sources.setdefault(path, file.src_uri)
            if url.endswith("/"):
                sources.setdefault(url + "index.html", file.src_uri)
        folders = frozenset(f"{e.kind.value}s/{e.name}" for e in entries)
        prefix = urlsplit(site_url or "").path or "/"
        prefix = prefix if prefix.endswith("/") else prefix + "/"
        return cls(sources, folders, prefix, lookup)

    def target(self, url: str) -> str | None:
        """The site path a root link names when it is something this build publishes
        (``""`` for the home page), else None."""
        path = unquote(urlsplit(url).path)
        if not path.startswith(self.prefix):
            return None
        path = posixpath.normpath(path[len(self.prefix) :]) if path != self.prefix else ""
        path = "" if path == "." else path
        if path in self.sources or path + "/" in self.sources:
            return path
        if path in WRITTEN_LATER or path == "persona.schema.json":
            return path
        parts = path.split("/")
        if len(parts) >= 2 and "/".join(parts[:2]) in self.entries:
            return path
        if path.endswith(".md") and path[:-3] in self.entries:  # personas/<name>.md
            return path
        return None

    def resolve(self, url: str, src_uri: str) -> str | None:
        """A root link as this page should write it: relative to a page of ours, as
        written for files written later, or None when it leads nowhere on this site."""
        path = self.target(url)
        if path is None:
            return None
        source = self.sources.get(path) or self.sources.get(path + "/")
        if source is None:
            return url
        parts = urlsplit(url)
        suffix = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else ""
        )
        return posixpath.relpath(source, posixpath.dirname(src_uri) or ".") + suffix

    def report(self, entry: Entry, url: str, kind: str) -> None:
        """A warning at the link's place in its file."""
        index = entry.raw.find(url, entry.body_offset)
        if index < 0:
            index = entry.raw.find(url)
        line = entry.raw.count("\n", 0, index) + 1 if index >= 0 else 1
        col = index - (entry.raw.rfind("\n", 0, index) + 1) + 1 if index >= 0 else 1
        message = (
            f"the {kind} {url!r} points at the root of a site, and this site has no page "
            "there (it was written for another site): it is shown as text with its address; "
            "write the full address (https://...) of the page it means, or a relative link "
            "to a file of this repository"
        )
        problem = Problem(entry.path, line, col, "link", message, fatal=False)
        self.problems.append(problem)
        log.info(str(problem))


def is_root_link(url: str) -> bool:
    """``/path`` (one slash): a link to the root of whatever site shows the page."""
    return url.startswith("/") and not url.startswith("//")


def as_text(element: Element, url: str) -> None:
    """Turn a link into its text followed by its address, an image into its
    description followed by its address: nothing to click, nothing lost."""
    text = "".join(element.itertext()).strip()
    if element.tag == "img":
        text = (element.get("alt") or "").strip()
        element.text = text
    element.tag = "span"
    for attribute in ("href", "src", "alt", "title"):
        element.attrib.pop(attribute, None)
    shown = url if not text else f" ({url})"
    if text == url:
        shown = ""
    element.tail = shown + (element.tail or "")


class _Processor(Treeprocessor):
    def __init__(self, md: Markdown, extension: RootLinkExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: Element) -> None:
        links = self.extension.links
        if links is None:
            return
        try:
            file = self.md.treeprocessors["relpath"].file  # the page MkDocs renders
        except (KeyError, AttributeError):
            return
        entry = links.lookup(file) if file is not None else None
        if entry is None:
            return
        for element in root.iter():
            key = {"a": "href", "img": "src"}.get(element.tag)
            url = element.get(key) if key else None
            if not url or not is_root_link(url):
                continue
            resolved = links.resolve(url, file.src_uri)
            if resolved is None:
                links.report(entry, url, "link" if key == "href" else "image")
                as_text(element, url)
            elif resolved != url:
                element.set(key, resolved)


class RootLinkExtension(Extension):
    """Carries the processor into MkDocs' Markdown renderer."""

    def __init__(self, links: RootLinks | None = None) -> None:
        super().__init__()
        self.links = links

    def extendMarkdown(self, md: Markdown) -> None:
        # Before the skills' link processor (1) and MkDocs' relpath (0).
        md.treeprocessors.register(_Processor(md, self), "personas_root_links", 2)


def install(config, links: RootLinks) -> None:
    """Have MkDocs' Markdown renderer check root links with ``links`` (once per config)."""
    for extension in config.markdown_extensions:
        if isinstance(extension, RootLinkExtension):
            extension.links = links
            return
    config.markdown_extensions.append(RootLinkExtension(links))
