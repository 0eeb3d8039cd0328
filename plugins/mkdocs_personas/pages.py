"""The generated MkDocs pages: where each lives, its meta, and the HTML it shows.

A :class:`Site` is built once per build from the catalogue and its relations. It
creates one virtual MkDocs file per page, and later turns each page's rendered
Markdown into its final content: sanitized body plus fragments from our own
autoescaping templates. Index pages split by letter when one page would grow past
``max_index_bytes``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.utils import get_relative_url

from . import convert, strings, text
from . import page_home as home
from .bundles import Bundle
from .capabilities import capabilities
from .catalogue import Catalogue
from .diff import Diff
from .examples import summary
from .export import raw_path
from .incremental import digest_of, fingerprint
from .manifests import Manifest
from .model import COMPLEXITIES, Entry, Kind
from .page_bundles import BundleDocument, BundlePlan
from .relations import Relations, Suggestion, Term
from .render import render
from .sanitize import Policy, sanitize

CATALOGUE = "catalogue/index.md"
KEYWORDS = "keywords/index.md"
CONFLICTS = "keywords/conflicts.md"
EXPERTISE = "expertise/index.md"
SKILLS = "skills/index.md"
MATCH = "match/index.md"
CHANGES = "changes/index.md"
FIND = "find/index.md"
HOME = home.HOME
INDEX_PAGES = (HOME, CATALOGUE, EXPERTISE, KEYWORDS, CONFLICTS, SKILLS, MATCH, CHANGES, FIND)
"""Pages that stay in the navigation; every other generated page is reached from them."""

MAX_TAGS = 5
"""Tags put in a page's meta (Material's search shows them as chips): declared first."""
MAX_EXPERTISE_OPTIONS = 200
"""Expertise suggested in the catalogue filter (the most shared ones)."""
MAX_CONFLICTS = 500
"""Rows on the keyword conflicts page (most contested first)."""
CARD_BYTES = 1100
"""Estimated HTML size of a catalogue card, before its title and description."""
NO_SEARCH = {"exclude": True}


@dataclass(frozen=True)
class TermKind:
    """Keywords or expertise: where their index lives and when a term gets its own page."""

    folder: str
    field: str
    page_from: int
    """Personas sharing a term from which it gets a page of its own."""

    @property
    def title(self) -> str:
        """The index's title, in the site's language."""
        return strings.tr(f"index.{self.folder}.title")

    @property
    def singular(self) -> str:
        """One term of this kind, in words (``activation keyword``)."""
        return strings.tr(f"index.{self.folder}.singular")

    @property
    def intro(self) -> str:
        """The index's first sentence."""
        return strings.tr(f"index.{self.folder}.intro")


TERM_KINDS = {
    "keywords": TermKind("keywords", "keywords", 251),
    "expertise": TermKind("expertise", "expertise", 3),
}


def letter_label(letter: str) -> str:
    """How an A–Z group is shown: ``A``, ``0–9`` or ``Other``."""
    return {text.DIGITS: "0–9", text.OTHER: strings.tr("letters.other")}.get(letter, letter.upper())


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
        changes: Diff | None = None,
        pagefind: bool = False,
        manifests: Mapping[str, Manifest] | None = None,
        bundles: Mapping[str, Bundle] | None = None,
        home_mode: str | None = None,
        dates: Mapping[str, int] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.home_mode = home_mode
        """``page``, ``embed`` or None: see :func:`.home.mode`."""
        self.dates = dates
        """Path -> time of the last commit (None without git)."""
        self.updated = home.timestamps(catalogue, dates)
        self.bundles = dict(bundles or {})
        self.manifests = dict(manifests or {})
        self.relations = relations
        self.config = config
        self.policy = policy
        self.edit_uri = edit_uri
        self.changes = changes
        self.pagefind = pagefind
        self.badges: dict[tuple[str, str], str] = {}
        if changes is not None:
            for change in changes.changes:
                if change.status in ("added", "renamed", "changed"):
                    label = "changed" if change.status == "changed" else "new"
                    self.badges[(change.kind, change.name)] = label
        self.max_index_bytes = max_index_bytes
        self.pages: dict[str, Page] = {}
        self.bodies: dict[str, str] = {}
        """Sanitized bodies between :meth:`searchable` and :meth:`content`."""
        self.cards: dict[tuple, Markup] = {}
        self.terms = {
            kind.folder: {t.key: t for t in getattr(relations, kind.field)}
            for kind in TERM_KINDS.values()
        }
        self._plan()

    # Planning: which pages exist and where terms live ------------------------------

    def _add(self, src_uri: str, page: Page) -> None:
        inclusion = InclusionLevel.INCLUDED if src_uri in INDEX_PAGES else InclusionLevel.NOT_IN_NAV
        page.file = GeneratedFile.generated(self.config, src_uri, content="", inclusion=inclusion)
        self.pages[src_uri] = page

    def _plan(self) -> None:
        for entry in self.catalogue.entries:
            src = self.entry_src(entry)
            self._add(src, self._entry_page(entry))
            self.pages[src].file.edit_uri = self.edit_uri(entry)
            if entry.kind == Kind.SKILL and not self.config.use_directory_urls:
                self.pages[src].file.dest_uri = f"skills/{entry.name}.html"  # the URL contract
        self._plan_shared_names()
        self.term_pages: dict[tuple[str, str], str] = {}
        self.term_index: dict[tuple[str, str], str] = {}
        self.forwarding: dict[str, dict[str, str]] = {}
        """Folder -> slug -> page, for the terms of letters cut into several pages."""
        for kind in TERM_KINDS.values():
            self._plan_terms(kind, getattr(self.relations, kind.field))
        conflicts = self.relations.conflicts
        self._add(
            CONFLICTS,
            Page(
                strings.tr("conflicts.title"),
                "conflicts.html",
                {
                    "conflicts": conflicts[:MAX_CONFLICTS],
                    "more": len(conflicts) - MAX_CONFLICTS,
                    "names_per_row": 8,
                },
                search=NO_SEARCH,
            ),
        )
        self._plan_cards(
            CATALOGUE, strings.tr("catalogue.title"), self.catalogue.personas, self.catalogue.skills
        )
        self.pages[CATALOGUE].context["filter"] = self._filter_options()
        self._plan_cards(SKILLS, strings.tr("catalogue.skills_title"), (), self.catalogue.skills)
        self.pages[SKILLS].context["filter"] = {
            **self._filter_options(),
            **{"expertise": [], "models": [], "complexities": [], "risk": False},
            "kinds": False,
            "kind": "skill",
        }
        self.home = (
            home.context(self.catalogue, self.relations, self.manifests, dates=self.dates)
            if self.home_mode
            else None
        )
        if self.home_mode == "page":
            self._add(
                HOME,
                Page(self.config.site_name, "home.html", {**self.home}, search=NO_SEARCH),
            )
        self._add(MATCH, Page(strings.tr("match.title"), "match.html", search=NO_SEARCH))
        if self.pagefind:
            self._add(FIND, Page(strings.tr("find.title"), "find.html", search=NO_SEARCH))
        if self.changes is not None:
            self._add(
                CHANGES,
                Page(
                    strings.tr("changes.title"),
                    "changes.html",
                    {"diff": self.changes},
                    search=NO_SEARCH,
                ),
            )
        self.bundle_plan = BundlePlan(self, self.bundles)
        for src, document in self.bundle_plan.documents.items():
            page = Page(document.title, "bundle.html", entry=document)
            page.description = document.description
            self._add(src, page)
            self.pages[src].file.edit_uri = self.edit_uri(document)

    def _plan_shared_names(self) -> None:
        """A page at the plain URL of a name that several files share, listing them all
        (each of them lives at ``<name>-<collection>``), so no file takes the name over."""
        for (kind, slug), names in sorted(self.catalogue.ambiguous.items()):
            entries = [self.catalogue.get(kind, name) for name in names]
            entries = [e for e in entries if e is not None]
            if not entries:
                continue
            probe = Entry(kind, slug, slug, "", "", "", 0, 1)
            src = self.entry_src(probe)
            if src in self.pages:
                continue
            self._add(
                src,
                Page(
                    strings.tr(f"shared.title_{kind.value}", name=entries[0].written_name or slug),
                    "shared_name.html",
                    {"shared": entries, "shared_kind": kind.value, "shared_name": slug},
                    description=strings.tr(
                        f"shared.description_{kind.value}", count=len(entries), name=slug
                    ),
                    search=NO_SEARCH,
                ),
            )
            if kind == Kind.SKILL and not self.config.use_directory_urls:
                self.pages[src].file.dest_uri = f"skills/{slug}.html"

    def _filter_options(self) -> dict:
        """The choices of the catalogue filter's facets; a facet without choices is left
        out (the template shows only those with a value)."""
        personas = self.catalogue.personas
        entries = self.catalogue.entries
        expertise = sorted(self.relations.expertise, key=lambda t: (-len(t.personas), t.key))
        return {
            "complexities": [c for c in COMPLEXITIES if any(p.complexity == c for p in entries)],
            "collections": sorted({e.collection for e in entries if e.collection}),
            "models": sorted({p.model for p in personas if p.model}),
            "expertise": sorted(
                (t.label for t in expertise[:MAX_EXPERTISE_OPTIONS]), key=text.sort_key
            ),
            "kinds": bool(personas) and bool(self.catalogue.skills),
            "risk": any(home.risky(p) for p in personas),
            "recent": bool(self.updated),
            "kind": "",
        }

    def _entry_page(self, entry: Entry) -> Page:
        return Page(
            entry.title,
            "entry.html",
            entry=entry,
            description=entry.description,
            keywords=(*entry.keywords, *entry.expertise, *entry.keywords_derived),
            search={"boost": 2} if entry.kind == Kind.PERSONA else None,
        )

    def _plan_terms(self, kind: TermKind, terms: Sequence[Term]) -> None:
        """Plan an A–Z index and the pages of terms that list many personas.

        The index is one page while it fits ``max_index_bytes``, else one page per letter.
        A term with its own page shows only its count in the index, so that no page
        grows with the number of personas sharing a term.
        """
        folder = kind.folder
        for term in terms:
            if len(term.personas) >= kind.page_from:
                src = f"{folder}/{term.slug}.md"
                self.term_pages[(folder, term.slug)] = src
                self._add(
                    src,
                    Page(
                        term.label,
                        "term.html",
                        {"term": term, "kind": kind},
                        description=strings.tr(
                            "term.description", kind=kind.singular, label=term.label
                        ),
                        search=NO_SEARCH,
                    ),
                )
        groups = [(letter, list(items)) for letter, items in groupby(terms, lambda t: t.letter)]
        context = {
            "kind": kind,
            "letters": [letter for letter, _ in groups],
            "derived_any": any(t.derived for t in terms),
        }
        home = f"{folder}/index.md"

        def size(term: Term) -> int:
            listed = 0 if (folder, term.slug) in self.term_pages else len(term.personas)
            return 200 + 2 * len(term.label) + 100 * listed

        if sum(map(size, terms)) <= self.max_index_bytes:
            self._add(
                home,
                Page(
                    kind.title, "term_index.html", {**context, "groups": groups}, search=NO_SEARCH
                ),
            )
            self.term_index.update(((folder, t.slug), home) for t in terms)
            return
        parts: dict[str, list[dict]] = {}
        for letter, items in groups:
            chunks = _chunks(items, size, self.max_index_bytes)
            parts[letter] = []
            for number, chunk in enumerate(chunks, 1):
                src = (
                    f"{folder}/letters/{letter}.md"
                    if number == 1
                    else (f"{folder}/letters/{letter}-{number}.md")
                )
                label = letter_label(letter) + (f" ({number})" if len(chunks) > 1 else "")
                parts[letter].append({"src": src, "label": label, "count": len(chunk)})
                self._add(
                    src,
                    Page(
                        strings.tr("index.letter_part", title=kind.title, letter=label),
                        "term_index.html",
                        {**context, "groups": [(letter, chunk)]},
                        search=NO_SEARCH,
                    ),
                )
                self.term_index.update(((folder, t.slug), src) for t in chunk)
                if len(chunks) > 1:
                    self.forwarding.setdefault(folder, {}).update((t.slug, src) for t in chunk)
        self._add(
            home,
            Page(
                kind.title,
                "letters.html",
                {
                    **context,
                    "parts": parts,
                    "intro": kind.intro,
                    "forwarding": f"{folder}/letters/parts.json"
                    if folder in self.forwarding
                    else "",
                },
                search=NO_SEARCH,
            ),
        )

    def _plan_cards(
        self, home: str, title: str, personas: Sequence[Entry], skills: Sequence[Entry]
    ) -> None:
        """Plan pages of cards: one page while it fits, else numbered pages of a bounded size."""
        entries = [*personas, *skills]

        def card_size(entry: Entry) -> int:
            return CARD_BYTES + len(entry.title) + min(len(entry.description), 240)

        common = {
            "personas_count": len(self.catalogue.personas),
            "skills_count": len(self.catalogue.skills),
            "collections": self.catalogue.collections,
        }
        if sum(map(card_size, entries)) <= self.max_index_bytes:
            self._add(
                home,
                Page(
                    title,
                    "catalogue.html",
                    {
                        **common,
                        "groups": self._groups(personas),
                        "skills": list(skills),
                        "parts": [],
                    },
                    search=NO_SEARCH,
                ),
            )
            return
        chunks = _chunks(entries, card_size, self.max_index_bytes)
        folder = home.rsplit("/", 1)[0]
        parts = [
            {
                "src": f"{folder}/page/{number}.md",
                "number": number,
                "first": chunk[0].title,
                "last": chunk[-1].title,
                "count": len(chunk),
            }
            for number, chunk in enumerate(chunks, 1)
        ]
        self._add(
            home,
            Page(
                title,
                "catalogue.html",
                {
                    **common,
                    "groups": [],
                    "skills": [],
                    "parts": parts,
                },
                search=NO_SEARCH,
            ),
        )
        for part, chunk in zip(parts, chunks, strict=True):
            in_part = [e for e in chunk if e.kind == Kind.PERSONA]
            self._add(
                part["src"],
                Page(
                    f"{title}, page {part['number']}",
                    "catalogue.html",
                    {
                        **common,
                        "groups": self._groups(in_part),
                        "skills": [e for e in chunk if e.kind == Kind.SKILL],
                        "parts": parts,
                    },
                    search=NO_SEARCH,
                ),
            )

    def _groups(self, personas: Sequence[Entry]) -> list[dict]:
        if len(self.catalogue.collections) < 2:
            only = self.manifests.get(personas[0].collection) if personas else None
            group = {"label": None, "id": None, "entries": list(personas), "manifest": only}
            return [group] if personas else []
        groups: dict[str, list[Entry]] = {}
        for entry in personas:
            groups.setdefault(entry.collection or "", []).append(entry)
        return [
            {
                "label": name or "Other",
                "id": "collection_" + text.slug(name or "other"),
                "entries": entries,
                "manifest": self.manifests.get(name),
            }
            for name, entries in sorted(groups.items(), key=lambda g: (g[0] == "", g[0]))
        ]

    def fingerprints(
        self, texts: dict[tuple, str] | None = None
    ) -> dict[str, tuple[GeneratedFile, str]]:
        """src_uri -> (file, digest of everything the page shows), for incremental rebuilds.

        ``texts`` keeps the digest of each source text between builds.
        """
        texts = {} if texts is None else texts
        result = {}
        relations = self.relations
        kinds = {"keywords": TERM_KINDS["keywords"], "expertise": TERM_KINDS["expertise"]}
        term_pages = sorted(self.term_pages)
        memo: dict[int, object] = {}
        # What every card shows besides its entry (counts, dates): for the pages with cards.
        cards = digest_of(
            repr([home.card_facts(e, self.relations, self.updated) for e in self.catalogue.entries])
        )
        for src_uri, page in self.pages.items():
            entry = page.entry
            if entry is None:
                listed = sorted(
                    {name for term in _terms_in(page.context) for name in term.personas}
                )
                digest = fingerprint(
                    page.title,
                    page.template,
                    page.context,
                    [self.catalogue.get(Kind.PERSONA, name) for name in listed],
                    self.badges,
                    term_pages if page.template == "term_index.html" else None,
                    cards if page.template in ("catalogue.html", "term.html", "home.html") else "",
                    memo=memo,
                )
            elif isinstance(entry, BundleDocument):
                digest = digest_of(
                    repr((entry.raw, entry.path, self.bundle_plan.fingerprint(entry)))
                )
            else:
                linked = tuple(
                    (
                        s.name,
                        s.score,
                        s.reasons,
                        s.collection,
                        s.explicit,
                        self.catalogue.get(kind, s.name).title,
                    )
                    for kind, items in (
                        (Kind.SKILL, relations.skills_of.get(entry.name, ())),
                        (Kind.PERSONA, relations.related.get(entry.name, ())),
                        (Kind.PERSONA, relations.personas_of.get(entry.name, ())),
                    )
                    for s in items
                )
                urls = (
                    tuple(
                        self.tag_url(kinds["expertise"], self.terms["expertise"][text.key(label)])
                        for label in entry.expertise
                    )
                    + tuple(
                        self.term_url(kinds["keywords"], self.terms["keywords"][text.key(label)])
                        for label in entry.keywords
                    )
                    + tuple(
                        str(self._keyword_link(entry, label, _Links(self, entry.url)))
                        for label in entry.keywords_derived
                    )
                )
                badge = self.badges.get((entry.kind.value, entry.name))
                text_key = (entry.kind, entry.path, entry.raw)
                text_digest = texts.get(text_key)
                if text_digest is None:
                    text_digest = texts[text_key] = digest_of(entry.raw)
                bundle = self.bundle_plan.fingerprint(entry)
                digest = digest_of(
                    repr((text_digest, entry.path, entry.collection, linked, urls, badge, bundle))
                )
            result[src_uri] = (page.file, digest)
        return result

    # URLs ---------------------------------------------------------------------------

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

    def term_url(self, kind: TermKind, term: Term) -> str:
        """A term's stable URL: its entry in the A–Z index."""
        return self.url(self.term_index[(kind.folder, term.slug)], term.slug)

    def term_page_url(self, kind: TermKind, term: Term) -> str | None:
        """The URL of a term's own page, if it has one."""
        src = self.term_pages.get((kind.folder, term.slug))
        return self.url(src) if src else None

    def tag_url(self, kind: TermKind, term: Term) -> str:
        """Where a tag on a persona page points: the term's page, else its index entry."""
        return self.term_page_url(kind, term) or self.term_url(kind, term)

    # Rendering ----------------------------------------------------------------------

    def files(self) -> list[File]:
        """The virtual MkDocs files of every generated page, download and zip."""
        return [page.file for page in self.pages.values()] + self.bundle_plan.files

    def data_files(self) -> dict[str, object]:
        """Data files the site needs besides pages (site path -> JSON data): where each term
        of a letter cut into several pages lives, for the index to forward old anchors;
        the cards' skills, counts and dates (:data:`.home.CARDS`)."""
        files: dict[str, object] = {
            f"{folder}/letters/parts.json": {slug: self.url(src) for slug, src in slugs.items()}
            for folder, slugs in self.forwarding.items()
        }
        files[home.CARDS] = home.cards_data(
            self.catalogue, self.relations, self.dates, self.config.use_directory_urls
        )
        return files

    def page(self, file: File) -> Page | None:
        """The plan of a generated page, or None for pages the plugin did not add."""
        page = self.pages.get(file.src_uri)
        return page if page is not None and page.file is file else None

    def meta(self, page: Page) -> dict:
        """Page meta for MkDocs and Material; every value is HTML-escaped text."""
        meta = {"title": str(escape(page.title))}
        if page.description:
            meta["description"] = str(escape(summary(page.description, 300)))
        if page.keywords:
            tags = list(dict.fromkeys(page.keywords))[:MAX_TAGS]
            meta["tags"] = [str(escape(k)) for k in tags]
        if page.search:
            meta["search"] = page.search
        return meta

    def markdown(self, page: Page) -> str:
        """The Markdown MkDocs renders for a page: the body of an entry, else nothing."""
        return separate_lists(page.entry.body) if page.entry else ""

    def searchable(self, page: Page, html: str, page_url: str) -> str:
        """What search indexes: an entry's title, description and sanitized body.

        Index pages are final at this point. An entry's header and relations are added
        by :meth:`content` after search has read the page, so that search ranks the
        entry by its own text, not by the titles of the personas it links to.
        """
        if page.entry is None:
            return self._render(page, page_url, {})
        body = sanitize(html, self.policy) if self.policy else html
        self.bodies[page.file.src_uri] = body
        entry = page.entry
        lede = "" if entry.description_in_body else f"<p>{escape(entry.description)}</p>"
        return f"<h1>{escape(entry.title)}</h1>{lede}{body}"

    def content(self, page: Page, page_url: str, edit_url: str | None) -> str:
        """The final HTML of an entry's page: header, body and relations."""
        body = self.bodies.pop(page.file.src_uri, "")
        links = _Links(self, page_url)
        return self._render(
            page,
            page_url,
            {
                **self._entry_context(page.entry, links),
                "body": Markup(body),
                "edit_url": edit_url,
            },
        )

    def _render(self, page: Page, page_url: str, extra: dict) -> str:
        links = _Links(self, page_url)
        context = {
            "filter": None,
            **page.context,
            "title": page.title,
            "links": links,
            "catalogue": self.catalogue,
            "persona_kind": Kind.PERSONA,
            "skill_kind": Kind.SKILL,
            "keyword_kind": TERM_KINDS["keywords"],
            "badges": self.badges,
            "pagefind": self.pagefind,
            "letter_hrefs": links.letters(page),
            "card": lambda entry: self.card(entry, links.root()),
            **extra,
        }
        return str(render(page.template, **context))

    def home_fragment(self, page_url: str) -> Markup:
        """The home's parts, for an author's ``docs/index.md`` that embeds them."""
        page = Page(self.config.site_name, "home.html", {**(self.home or {}), "embedded": True})
        return Markup(self._render(page, page_url, {}))

    def card(self, entry: Entry, root: str) -> Markup:
        """A catalogue card, rendered once per entry and folder depth."""
        key = (entry.kind, entry.name, root)
        html = self.cards.get(key)
        if html is None:
            html = render(
                "card.html",
                entry=entry,
                href=root + self.entry_url(entry),
                badge=self.badges.get((entry.kind.value, entry.name)),
                facts=home.card_facts(entry, self.relations, self.updated),
                root=root,
            )
            self.cards[key] = html
        return html

    def _keyword_link(self, entry: Entry, label: str, links: _Links) -> str | None:
        """Where a derived keyword's chip points: its index entry, for personas (skills'
        keywords are not in the keyword index)."""
        term = self.terms["keywords"].get(text.key(label))
        if entry.kind != Kind.PERSONA or term is None:
            return None
        return links.to(self.term_url(TERM_KINDS["keywords"], term))

    def _entry_context(self, entry: Entry, links: _Links) -> dict:
        if isinstance(entry, BundleDocument):
            return self.bundle_plan.document_context(entry, links)
        relations = self.relations
        raw = raw_path(entry)
        keywords, expertise = TERM_KINDS["keywords"], TERM_KINDS["expertise"]

        def listed(kind: Kind, items: Sequence[Suggestion]) -> list[tuple[str, str, str]]:
            """(title, link, why) of each related entry."""
            targets = [(self.catalogue.get(kind, s.name), s) for s in items]
            return [(target.title, links.entry(target), why(s)) for target, s in targets]

        users = relations.personas_of.get(entry.name, ())
        return {
            "entry": entry,
            "expertise": [
                (label, links.to(self.tag_url(expertise, self.terms["expertise"][text.key(label)])))
                for label in entry.expertise
            ],
            "keywords": [
                (label, links.to(self.term_url(keywords, self.terms["keywords"][text.key(label)])))
                for label in entry.keywords
            ],
            "derived_keywords": [
                (label, self._keyword_link(entry, label, links)) for label in entry.keywords_derived
            ],
            "skills": listed(Kind.SKILL, relations.skills_of.get(entry.name, ())),
            "related": listed(Kind.PERSONA, relations.related.get(entry.name, ())),
            "named": listed(Kind.PERSONA, [s for s in users if s.explicit]),
            "suggested": listed(Kind.PERSONA, [s for s in users if not s.explicit]),
            "facts": _facts(entry),
            "raw_url": links.to(raw),
            "download_name": posixpath.basename(raw),
            "bundle": self.bundle_plan.tree(entry, links),
            **self._use_context(entry, links),
        }

    def _use_context(self, entry: Entry, links: _Links) -> dict:
        """What an agent may do, and the "Use this" tabs (``convert.py``): commands point
        at ``site_url``, or in a preview build at ``PERSONAS_PREVIEW_URL`` (else none)."""
        preview = convert.is_preview(self.changes is not None)
        base = convert.download_base(self.config.site_url, preview)
        if entry.kind == Kind.PERSONA:
            tabs = convert.persona_tabs(entry, base)
        else:
            tabs = convert.skill_tabs(entry, base, self.bundle_plan.zips.get(entry.name))
        return {
            "capabilities": capabilities(entry) if entry.kind == Kind.PERSONA else None,
            "use_preview": preview,
            "use_tabs": [
                {
                    **vars(tab),
                    "href": links.to(tab.download),
                    "file": posixpath.basename(tab.download),
                    "docs": convert.TARGETS[tab.key].docs if entry.kind == Kind.PERSONA else "",
                }
                for tab in tabs
            ],
        }


_FACTS = (("license", "license"), ("compatibility", "compatibility"), ("version", "version"))
"""Front-matter fields kept as extra metadata that an entry's header shows (label, key)."""


def _facts(entry: Entry) -> list[tuple[str, str]]:
    """Short text facts for the header: a skill's license and compatibility, for example."""
    facts = []
    for label, key in _FACTS:
        value = entry.extra.get(key)
        if isinstance(value, str) and value.strip():
            facts.append((label, " ".join(value.split())[:200]))
    return facts


_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|1[.)])[ \t]+\S")
_FENCE = re.compile(r" {0,3}(```|~~~)")


def separate_lists(body: str) -> str:
    """Let a list start right after a paragraph line, as on GitHub (CommonMark).

    Persona files are written for GitHub, where ``**Group:**`` followed by ``- item``
    lines is a label and a list; Python-Markdown would read both as one paragraph. A
    blank line is put between them; fenced code is left alone.
    """
    lines: list[str] = []
    fence = None
    paragraph = False
    for line in body.split("\n"):
        marker = _FENCE.match(line)
        if fence is not None or marker:
            if fence is None:
                fence = marker.group(1)
            elif marker and marker.group(1) == fence:
                fence = None
            lines.append(line)
            paragraph = False
            continue
        item = _LIST_ITEM.match(line)
        if paragraph and item:
            lines.append("")
        lines.append(line)
        stripped = line.strip()
        paragraph = (
            bool(stripped) and not item and not line[0].isspace() and (stripped[0] not in "#>|<")
        )
    return "\n".join(lines)


def why(suggestion: Suggestion) -> str:
    """Why a skill or persona is listed: named in front matter, or what it shares."""
    if suggestion.explicit:
        return "named in front matter"
    parts = []
    if suggestion.reasons:
        parts.append("shares: " + ", ".join(suggestion.reasons))
    if suggestion.collection:
        parts.append(f"same collection: {suggestion.collection}")
    return "; ".join(parts)


class _Links:
    """URLs relative to the page being rendered, for templates."""

    def __init__(self, site: Site, page_url: str) -> None:
        self.site, self.page_url = site, page_url
        relative = get_relative_url(".", page_url)
        self._root = relative if relative.endswith("/") else relative + "/"

    def to(self, url: str) -> str:
        path, _, fragment = url.partition("#")
        relative = get_relative_url(path or ".", self.page_url) if path else ""
        return relative + ("#" + fragment if fragment else "")

    def entry(self, entry: Entry) -> str:
        """An entry's page, by way of the site root (cheap, and index pages list many)."""
        return self._root + self.site.entry_url(entry)

    def term(self, kind: TermKind, term: Term) -> str:
        return self.to(self.site.term_url(kind, term))

    def term_page(self, kind: TermKind, term: Term) -> str | None:
        url = self.site.term_page_url(kind, term)
        return self.to(url) if url else None

    def page(self, src_uri: str) -> str:
        return self.to(self.site.url(src_uri))

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
            if split in self.site.pages:
                result[letter] = self.to(self.site.url(split))
            else:
                result[letter] = f"#letter_{letter}"
        return result


def _chunks(items: Sequence, size: Callable[[object], int], budget: int) -> list[list]:
    """``items`` in order, cut into runs whose estimated sizes each fit ``budget``."""
    chunks: list[list] = [[]]
    used = 0
    for item in items:
        cost = size(item)
        if chunks[-1] and used + cost > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(item)
        used += cost
    return chunks


def _terms_in(value: object):
    """Every :class:`Term` inside a page's context."""
    if isinstance(value, Term):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _terms_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _terms_in(item)


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
