"""Where every generated page lives: the only state the page kinds share.

Each page kind (``page_entries``, ``page_bundles``, ``page_terms``, ``page_cards``,
``page_home``, ``page_match``, ``page_changes``) plans its pages into one
:class:`Registry`, which gives each a virtual MkDocs file and answers every URL question:
an entry's page, where a term is listed, a page's URL relative to the page being rendered
(:class:`Links`, for templates). Page kinds import this module and never each other's
state; ``pages.Site`` puts them together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_relative_url

from ...analysis.relations import Term
from ...sources.examples import summary
from ...sources.model import Entry, Kind

HOME = "index.md"
CATALOGUE = "catalogue/index.md"
KEYWORDS = "keywords/index.md"
CONFLICTS = "keywords/conflicts.md"
EXPERTISE = "expertise/index.md"
SKILLS = "skills/index.md"
MATCH = "match/index.md"
CHANGES = "changes/index.md"
FIND = "find/index.md"
INDEX_PAGES = (HOME, CATALOGUE, EXPERTISE, KEYWORDS, CONFLICTS, SKILLS, MATCH, CHANGES, FIND)
"""Pages that stay in the navigation; every other generated page is reached from them."""

NO_SEARCH = {"exclude": True}
MAX_TAGS = 5
"""Tags put in a page's meta (Material's search shows them as chips): declared first."""


class GeneratedFile(File):
    """A generated page's virtual file, which knows whether it changed since the last build."""

    changed = True
    """Set by :class:`~.incremental.Rebuilds`; MkDocs' dirty builds skip unchanged pages."""

    def is_modified(self) -> bool:
        return self.changed


@dataclass
class Page:
    """What one generated page shows."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    entry: Entry | None = None
    description: str = ""
    keywords: Sequence[str] = ()
    search: dict | None = None
    file: File | None = None


def meta(page: Page) -> dict:
    """Page meta for MkDocs and Material; every value is HTML-escaped text."""
    result = {"title": str(escape(page.title))}
    if page.description:
        result["description"] = str(escape(summary(page.description, 300)))
    if page.keywords:
        tags = list(dict.fromkeys(page.keywords))[:MAX_TAGS]
        result["tags"] = [str(escape(k)) for k in tags]
    if page.search:
        result["search"] = page.search
    return result


class TermPlace(Protocol):
    """A kind of term (keywords, expertise): the folder its pages live in."""

    @property
    def folder(self) -> str: ...


class Registry:
    """Every page the plugin adds to a build, by source path, and where each term is listed."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.config = config
        self.pages: dict[str, Page] = {}
        self.term_index: dict[tuple[str, str], str] = {}
        """(folder, slug) -> the A–Z page that lists a term."""
        self.term_pages: dict[tuple[str, str], str] = {}
        """(folder, slug) -> the page of a term of its own, for terms many personas share."""

    def add(self, src_uri: str, page: Page) -> Page:
        """Give ``page`` its virtual file at ``src_uri``; index pages stay in the navigation."""
        inclusion = InclusionLevel.INCLUDED if src_uri in INDEX_PAGES else InclusionLevel.NOT_IN_NAV
        page.file = GeneratedFile.generated(self.config, src_uri, content="", inclusion=inclusion)
        self.pages[src_uri] = page
        return page

    def page(self, file: File) -> Page | None:
        """The plan of a generated page, or None for pages the plugin did not add."""
        page = self.pages.get(file.src_uri)
        return page if page is not None and page.file is file else None

    def files(self) -> list[File]:
        return [page.file for page in self.pages.values()]

    def url(self, src_uri: str, fragment: str = "") -> str:
        """Site-relative URL of a generated page."""
        url = self.pages[src_uri].file.url
        return url + ("#" + fragment if fragment else "")

    @staticmethod
    def entry_src(entry: Entry) -> str:
        """The virtual source path of an entry's page: a skill's is in its own folder, so
        that the relative links of its ``SKILL.md`` resolve as they do on disk."""
        if entry.kind == Kind.SKILL:
            return f"skills/{entry.name}/index.md"
        return f"{entry.kind.value}s/{entry.name}.md"

    def entry_url(self, entry: Entry) -> str:
        return self.url(self.entry_src(entry))

    def term_url(self, kind: TermPlace, term: Term) -> str:
        """A term's stable URL: its entry in the A–Z index."""
        return self.url(self.term_index[(kind.folder, term.slug)], term.slug)

    def term_page_url(self, kind: TermPlace, term: Term) -> str | None:
        """The URL of a term's own page, if it has one."""
        src = self.term_pages.get((kind.folder, term.slug))
        return self.url(src) if src else None

    def tag_url(self, kind: TermPlace, term: Term) -> str:
        """Where a tag on a persona page points: the term's page, else its index entry."""
        return self.term_page_url(kind, term) or self.term_url(kind, term)


class Links:
    """URLs relative to the page being rendered, for templates."""

    def __init__(self, registry: Registry, page_url: str) -> None:
        self.registry, self.page_url = registry, page_url
        relative = get_relative_url(".", page_url)
        self._root = relative if relative.endswith("/") else relative + "/"

    def to(self, url: str) -> str:
        path, _, fragment = url.partition("#")
        relative = get_relative_url(path or ".", self.page_url) if path else ""
        return relative + ("#" + fragment if fragment else "")

    def entry(self, entry: Entry) -> str:
        """An entry's page, by way of the site root (cheap, and index pages list many)."""
        return self._root + self.registry.entry_url(entry)

    def term(self, kind: TermPlace, term: Term) -> str:
        return self.to(self.registry.term_url(kind, term))

    def term_page(self, kind: TermPlace, term: Term) -> str | None:
        url = self.registry.term_page_url(kind, term)
        return self.to(url) if url else None

    def page(self, src_uri: str) -> str:
        return self.to(self.registry.url(src_uri))

    def page_file(self, path: str) -> str:
        """A file the build writes at ``path`` below the site root."""
        return self.to(path)

    def root(self) -> str:
        """The site root, relative to the page."""
        return self._root

    def letters(self, page: Page) -> dict[str, str]:
        """Where each letter of an A–Z page's letter bar points."""
        if not page.context.get("letters"):
            return {}
        folder = page.file.src_uri.split("/", 1)[0]
        result = {}
        for letter in page.context.get("letters", ()):
            split = f"{folder}/letters/{letter}.md"
            if split in self.registry.pages:
                result[letter] = self.to(self.registry.url(split))
            else:
                result[letter] = f"#letter_{letter}"
        return result


def chunks(items: Sequence, size: Callable[[object], int], budget: int) -> list[list]:
    """``items`` in order, cut into runs whose estimated sizes each fit ``budget``."""
    result: list[list] = [[]]
    used = 0
    for item in items:
        cost = size(item)
        if result[-1] and used + cost > budget:
            result.append([])
            used = 0
        result[-1].append(item)
        used += cost
    return result


# Tables of contents of generated pages ----------------------------------------------------

TITLE_ID = "pc-title"
"""The id of a generated page's ``<h1>``: its table of contents starts there, and so does
Material's "Skip to content" link (the first focusable element of every page)."""


def outline(toc: Sequence, title: str, sections: Sequence[tuple[str, str]] = ()) -> list:
    """A generated page's table of contents: its title (:data:`TITLE_ID`) holding the
    headings of its body, then ``sections`` (``(text, id)``: our fragments' headings, which
    Material cannot see, such as "Skills" and "Related personas")."""
    top = AnchorLink(str(escape(title)), TITLE_ID, 1)
    items = list(toc)
    for item in items:  # the body's own H1 repeats the title: keep what it holds
        top.children.extend(item.children if item.level == 1 else [item])
    for text, anchor in sections:
        top.children.append(AnchorLink(str(escape(text)), anchor, 2))
    return TableOfContents([top])
