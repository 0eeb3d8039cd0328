"""The generated MkDocs pages: where each lives, its meta, and the HTML it shows.

A :class:`Site` is built once per build from the catalogue and its relations. It
creates one virtual MkDocs file per page, and later turns each page's rendered
Markdown into its final content: sanitized body plus fragments from our own
autoescaping templates. Index pages split by letter when one page would grow past
``max_index_bytes``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.utils import get_relative_url

from . import text
from .catalogue import Catalogue
from .model import Entry, Kind
from .relations import Relations, Term
from .render import render
from .sanitize import Policy, sanitize

CATALOGUE = "catalogue/index.md"
KEYWORDS = "keywords/index.md"
CONFLICTS = "keywords/conflicts.md"
EXPERTISE = "expertise/index.md"
SKILLS = "skills/index.md"
INDEX_PAGES = (CATALOGUE, EXPERTISE, KEYWORDS, CONFLICTS, SKILLS)
"""Pages that stay in the navigation; every other generated page is reached from them."""


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


class Site:
    """Every page the plugin adds to a build, and the links between them."""

    def __init__(
        self,
        catalogue: Catalogue,
        relations: Relations,
        config: MkDocsConfig,
        *,
        max_index_bytes: int = 800_000,
        policy: Policy | None = None,
        edit_uri: Callable[[Entry], str | None] = lambda entry: None,
    ) -> None:
        self.catalogue = catalogue
        self.relations = relations
        self.config = config
        self.policy = policy
        self.edit_uri = edit_uri
        self.max_index_bytes = max_index_bytes
        self.pages: dict[str, Page] = {}
        self.keyword_by_key = {t.key: t for t in relations.keywords}
        self.expertise_by_key = {t.key: t for t in relations.expertise}
        self._plan()

    # Planning: which pages exist and where terms live ------------------------------

    def _add(self, src_uri: str, page: Page) -> None:
        inclusion = InclusionLevel.INCLUDED if src_uri in INDEX_PAGES else InclusionLevel.NOT_IN_NAV
        page.file = File.generated(self.config, src_uri, content="", inclusion=inclusion)
        self.pages[src_uri] = page

    def _plan(self) -> None:
        for entry in self.catalogue.entries:
            self._add(f"{entry.kind.value}s/{entry.name}.md", self._entry_page(entry))
            self.pages[f"{entry.kind.value}s/{entry.name}.md"].file.edit_uri = self.edit_uri(entry)
        self.keyword_home = self._plan_terms(
            "keywords",
            self.relations.keywords,
            "Keyword index",
            set(),
            "Every activation keyword, A to Z, with the personas it activates.",
        )
        shared = {t.slug for t in self.relations.expertise if len(t.personas) > 1}
        self.expertise_pages = shared
        for term in self.relations.expertise:
            if term.slug in shared:
                self._add(
                    f"expertise/{term.slug}.md",
                    Page(
                        term.label,
                        "term.html",
                        {"term": term, "what": "expertise"},
                        description=f"Personas with the expertise {term.label}",
                        search={"exclude": True},
                    ),
                )
        self.expertise_home = self._plan_terms(
            "expertise",
            self.relations.expertise,
            "Expertise",
            shared,
            "Every expertise declared by a persona, with how many personas share it.",
        )
        self._add(
            CONFLICTS,
            Page(
                "Keyword conflicts",
                "conflicts.html",
                {"conflicts": self.relations.conflicts},
                search={"exclude": True},
            ),
        )
        self._plan_catalogue()

    def _entry_page(self, entry: Entry) -> Page:
        return Page(
            entry.title,
            "entry.html",
            entry=entry,
            description=entry.description,
            keywords=(*entry.keywords, *entry.expertise),
            search={"boost": 2} if entry.kind == Kind.PERSONA else None,
        )

    def _plan_terms(
        self, folder: str, terms: Sequence[Term], title: str, pages: set[str], intro: str
    ) -> dict[str, str]:
        """Plan an A–Z index; return term slug -> src_uri of the page that lists it."""
        groups = [(letter, list(items)) for letter, items in groupby(terms, lambda t: t.letter)]
        estimate = sum(
            120 + len(t.label) * 2 + 90 * (1 if t.slug in pages else len(t.personas)) for t in terms
        )
        home = f"{folder}/index.md"
        context = {"intro": intro, "term_pages_slugs": pages, "letters": [g[0] for g in groups]}
        if estimate <= self.max_index_bytes:
            self._add(
                home,
                Page(
                    title,
                    "term_index.html",
                    {**context, "groups": groups},
                    search={"exclude": True},
                ),
            )
            return {t.slug: home for t in terms}
        where: dict[str, str] = {}
        counts = {letter: len(items) for letter, items in groups}
        self._add(
            home,
            Page(title, "letters.html", {**context, "counts": counts}, search={"exclude": True}),
        )
        for letter, items in groups:
            src = f"{folder}/letters/{letter}.md"
            self._add(
                src,
                Page(
                    f"{title}: {letter.upper()}",
                    "term_index.html",
                    {**context, "groups": [(letter, items)]},
                    search={"exclude": True},
                ),
            )
            where.update((t.slug, src) for t in items)
        return where

    def _plan_catalogue(self) -> None:
        personas, skills = self.catalogue.personas, self.catalogue.skills
        estimate = sum(420 + len(e.title) + min(len(e.description), 240) for e in personas + skills)
        common = {
            "personas_count": len(personas),
            "skills_count": len(skills),
            "collections": self.catalogue.collections,
        }
        if estimate <= self.max_index_bytes:
            self._add(
                CATALOGUE,
                Page(
                    "Catalogue",
                    "catalogue.html",
                    {
                        **common,
                        "groups": self._groups(personas),
                        "skills": skills,
                        "letters": [],
                    },
                    search={"exclude": True},
                ),
            )
            self._add(
                SKILLS,
                Page(
                    "Skills",
                    "catalogue.html",
                    {
                        **common,
                        "groups": [],
                        "skills": skills,
                        "letters": [],
                    },
                    search={"exclude": True},
                ),
            )
            return
        by_letter: dict[str, list[Entry]] = {}
        for entry in sorted(personas, key=lambda e: text.sort_key(e.title)):
            by_letter.setdefault(text.letter(text.slug(entry.title)), []).append(entry)
        letters = sorted(by_letter)
        self.catalogue_letters = letters
        self._add(
            CATALOGUE,
            Page(
                "Catalogue",
                "letters.html",
                {
                    **common,
                    "intro": f"{len(personas)} personas and {len(skills)} skills.",
                    "letters": letters,
                    "counts": {k: len(v) for k, v in by_letter.items()},
                },
                search={"exclude": True},
            ),
        )
        for letter in letters:
            self._add(
                f"catalogue/letters/{letter}.md",
                Page(
                    f"Catalogue: {letter.upper()}",
                    "catalogue.html",
                    {
                        **common,
                        "groups": self._groups(by_letter[letter]),
                        "skills": [],
                        "letters": letters,
                    },
                    search={"exclude": True},
                ),
            )
        self._add(
            SKILLS,
            Page(
                "Skills",
                "catalogue.html",
                {
                    **common,
                    "groups": [],
                    "skills": skills,
                    "letters": [],
                },
                search={"exclude": True},
            ),
        )

    def _groups(self, personas: Sequence[Entry]) -> list[dict]:
        if len(self.catalogue.collections) < 2:
            return [{"label": None, "id": None, "entries": list(personas)}]
        groups: dict[str, list[Entry]] = {}
        for entry in personas:
            groups.setdefault(entry.collection or "", []).append(entry)
        return [
            {
                "label": name or "Other",
                "id": "collection_" + text.slug(name or "other"),
                "entries": entries,
            }
            for name, entries in sorted(groups.items(), key=lambda g: (g[0] == "", g[0]))
        ]

    # URLs ---------------------------------------------------------------------------

    def url(self, src_uri: str, fragment: str = "") -> str:
        """Site-relative URL of a generated page."""
        url = self.pages[src_uri].file.url
        return url + ("#" + fragment if fragment else "")

    def entry_url(self, entry: Entry) -> str:
        return self.url(f"{entry.kind.value}s/{entry.name}.md")

    def keyword_url(self, term: Term) -> str:
        return self.url(self.keyword_home[term.slug], term.slug)

    def expertise_url(self, term: Term) -> str:
        if term.slug in self.expertise_pages:
            return self.url(f"expertise/{term.slug}.md")
        return self.url(self.expertise_home[term.slug], term.slug)

    @staticmethod
    def raw_path(entry: Entry) -> str:
        """Where the raw source file is published, next to the entry's page."""
        if entry.kind == Kind.SKILL:
            return f"skills/{entry.name}/SKILL.md"
        return f"personas/{entry.name}.md"

    # Rendering ----------------------------------------------------------------------

    def files(self) -> list[File]:
        """The virtual MkDocs files of every generated page."""
        return [page.file for page in self.pages.values()]

    def page(self, file: File) -> Page | None:
        """The plan of a generated page, or None for pages the plugin did not add."""
        page = self.pages.get(file.src_uri)
        return page if page is not None and page.file is file else None

    def meta(self, page: Page) -> dict:
        """Page meta for MkDocs and Material; every value is HTML-escaped text."""
        meta = {"title": str(escape(page.title))}
        if page.description:
            meta["description"] = str(escape(" ".join(page.description.split())[:300]))
        if page.keywords:
            meta["tags"] = [str(escape(k)) for k in page.keywords]
        if page.search:
            meta["search"] = page.search
        return meta

    def markdown(self, page: Page) -> str:
        """The Markdown MkDocs renders for a page: the body of an entry, else nothing."""
        return page.entry.body if page.entry else ""

    def content(self, page: Page, html: str, page_url: str, edit_url: str | None) -> str:
        """The final HTML of a page: sanitized body inside our fragment template."""
        links = _Links(self, page_url)
        context = {
            **page.context,
            "title": page.title,
            "links": links,
            "catalogue": self.catalogue,
            "persona_kind": Kind.PERSONA,
            "skill_kind": Kind.SKILL,
            "letter_hrefs": links.letters(page),
            "term_pages": {},
            "inline_limit": 3,
        }
        if page.entry is not None:
            context.update(self._entry_context(page.entry, html, links), edit_url=edit_url)
        if "term_pages_slugs" in page.context:
            context["term_pages"] = {
                slug: links.to(self.url(f"expertise/{slug}.md"))
                for slug in page.context["term_pages_slugs"]
            }
        if page.template == "term.html":
            index = self.expertise_home[page.context["term"].slug]
            context.update(index_href=links.to(self.url(index)), what_plural="expertise")
        return str(render(page.template, **context))

    def _entry_context(self, entry: Entry, html: str, links: _Links) -> dict:
        relations = self.relations
        raw = self.raw_path(entry)
        return {
            "entry": entry,
            "body": Markup(sanitize(html, self.policy)),
            "expertise": [
                (label, links.to(self.expertise_url(self.expertise_by_key[text.key(label)])))
                for label in entry.expertise
            ],
            "keywords": [
                (label, links.to(self.keyword_url(self.keyword_by_key[text.key(label)])))
                for label in entry.keywords
            ],
            "skills": relations.skills_of.get(entry.name, ()),
            "related": relations.related.get(entry.name, ()),
            "users": relations.personas_of.get(entry.name, ()),
            "raw_url": links.to(raw),
            "download_name": posixpath.basename(raw),
        }


class _Links:
    """URLs relative to the page being rendered, for templates."""

    def __init__(self, site: Site, page_url: str) -> None:
        self.site, self.page_url = site, page_url

    def to(self, url: str) -> str:
        path, _, fragment = url.partition("#")
        relative = get_relative_url(path or ".", self.page_url) if path else ""
        return relative + ("#" + fragment if fragment else "")

    def entry(self, entry: Entry) -> str:
        return self.to(self.site.entry_url(entry))

    def keyword(self, term: Term) -> str:
        return self.to(self.site.keyword_url(term))

    def letters(self, page: Page) -> dict[str, str]:
        """Where each letter of an A–Z page's letter bar points."""
        folder = page.file.src_uri.split("/", 1)[0]
        result = {}
        for letter in page.context.get("letters", ()):
            split = f"{folder}/letters/{letter}.md"
            if split in self.site.pages:
                result[letter] = self.to(self.site.url(split))
            else:
                result[letter] = f"#letter_{letter}"
        return result


def prune_nav(nav: Navigation, site: Site) -> Navigation:
    """Drop generated detail pages from the navigation, keeping the index pages."""

    def keep(item) -> bool:
        file = getattr(item, "file", None)
        page = site.page(file) if file is not None else None
        return page is None or file.src_uri in INDEX_PAGES

    def prune(items: list) -> list:
        kept = []
        for item in items:
            if isinstance(item, Section):
                item.children = prune(item.children)
                if item.children:
                    kept.append(item)
            elif keep(item):
                kept.append(item)
        return kept

    nav.items = prune(nav.items)
    nav.pages = [p for p in nav.pages if keep(p)]
    return nav
