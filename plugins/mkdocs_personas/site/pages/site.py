"""The generated MkDocs pages of one build: every page kind, put together.

A :class:`Site` is built once per build from the catalogue and its relations. Each page
kind plans its pages into one :class:`~.page_registry.Registry` (the only state they
share), in a fixed order: entries and shared names (``page_entries``), terms
(``page_terms``), cards (``page_cards``), the home (``page_home``), the matcher and
search (``page_match``), the preview's changes (``page_changes``), and last skill
bundles (``page_bundles``), whose pages never take an address planned before them. The
Site then turns each page's rendered Markdown into its final content: sanitized body
plus fragments from our own autoescaping templates, with the context its kind builds.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Mapping

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation, Section

from ...analysis.relations import Relations, Term
from ...catalogue.bundles import Bundle
from ...catalogue.catalogue import Catalogue
from ...catalogue.sanitize import Policy, sanitize
from ...outputs.diff import Diff
from ...sources.manifests import Manifest
from ...sources.model import Entry, Kind
from ..incremental import card_digest, digest_of, fingerprint
from ..render import render
from . import changes as page_changes
from . import match as page_match
from .bundles import BundleDocument, BundlePlan
from .cards import Cards
from .entries import Entries, separate_lists
from .home import Home
from .registry import INDEX_PAGES, GeneratedFile, Links, Page, Registry, meta
from .terms import KEYWORDS, Terms

WITH_CARDS = ("catalogue.html", "term.html", "home.html")
"""Templates of pages that show cards (their fingerprints include every card's facts)."""

_SHAPE = operator.attrgetter(
    *(f.name for f in dataclasses.fields(Entry) if f.name not in ("raw", "runtime"))
)
"""Every field of an entry but its file's text (and Claude Code's reading of it, which
is made from the text): see :meth:`Site.shape`."""


class Site:
    """Every page the plugin adds to a build, and the HTML each shows."""

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
        self.relations = relations
        self.config = config
        self.policy = policy
        self.changes = changes
        self.pagefind = pagefind
        self.home_mode = home_mode
        """``page``, ``embed`` or None: see :func:`.page_home.mode`."""
        self.registry = Registry(config)
        self.badges = page_changes.badges(changes)
        manifests = dict(manifests or {})
        self.bundle_plan = BundlePlan(self.registry, catalogue, dict(bundles or {}), edit_uri)
        self.terms = Terms(self.registry, relations, max_index_bytes)
        self.entries = Entries(
            self.registry,
            catalogue,
            relations,
            terms=self.terms,
            bundles=self.bundle_plan,
            badges=self.badges,
            edit_uri=edit_uri,
            compared=changes is not None,
        )
        self.cards = Cards(
            self.registry,
            catalogue,
            relations,
            manifests=manifests,
            dates=dates,
            badges=self.badges,
            max_index_bytes=max_index_bytes,
        )
        self.home = Home(
            self.registry, catalogue, relations, manifests=manifests, dates=dates, mode=home_mode
        )
        self.bodies: dict[str, str] = {}
        """Sanitized bodies between :meth:`searchable` and :meth:`content`."""
        self._plan()

    def _plan(self) -> None:
        """Each page kind plans its pages; the order is the order of files in the build."""
        self.entries.plan()
        self.terms.plan()
        self.cards.plan()
        self.home.plan()
        page_match.plan(self.registry, pagefind=self.pagefind)
        page_changes.plan(self.registry, self.changes)
        self.bundle_plan.plan()

    @property
    def pages(self) -> dict[str, Page]:
        """Source path -> plan of every generated page."""
        return self.registry.pages

    def files(self) -> list[File]:
        """The virtual MkDocs files of every generated page, download and zip."""
        return self.registry.files() + self.bundle_plan.files

    def data_files(self) -> dict[str, object]:
        """Data files the site needs besides pages (site path -> JSON data): where each term
        of a letter cut into several pages lives, for the index to forward old anchors;
        the cards' skills, counts and dates (:data:`.page_cards.CARDS`)."""
        return {**self.terms.data_files(), **self.cards.data_files()}

    def page(self, file: File) -> Page | None:
        """The plan of a generated page, or None for pages the plugin did not add."""
        return self.registry.page(file)

    def meta(self, page: Page) -> dict:
        """Page meta for MkDocs and Material; every value is HTML-escaped text."""
        return meta(page)

    # Rendering ----------------------------------------------------------------------

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
        links = Links(self.registry, page_url)
        entry = page.entry
        if isinstance(entry, BundleDocument):
            context = self.bundle_plan.document_context(entry, links)
        else:
            context = self.entries.context(entry, links)
        return self._render(page, page_url, {**context, "body": Markup(body), "edit_url": edit_url})

    def _render(self, page: Page, page_url: str, extra: dict) -> str:
        """A page's fragment, with what every fragment may use."""
        links = Links(self.registry, page_url)
        context = {
            "filter": None,
            **page.context,
            "title": page.title,
            "links": links,
            "catalogue": self.catalogue,
            "persona_kind": Kind.PERSONA,
            "skill_kind": Kind.SKILL,
            "keyword_kind": KEYWORDS,
            "badges": self.badges,
            "pagefind": self.pagefind,
            "letter_hrefs": links.letters(page),
            "card": lambda entry: self.cards.card(entry, links.root()),
            **extra,
        }
        return str(render(page.template, **context))

    def home_fragment(self, page_url: str) -> Markup:
        """The home's parts, for an author's ``docs/index.md`` that embeds them."""
        return Markup(self._render(self.home.embedded(), page_url, {}))

    # Incremental builds ---------------------------------------------------------------

    def shape(self) -> tuple:
        """Everything an entry page shows but the entries' own texts: every entry's other
        fields (names, titles, keywords, tags, findings... decide where chips and links
        lead and what they say) and the badges. Two builds of equal shape and the same
        relations give an entry page whose file is the same text the same fingerprint."""
        return (tuple(map(_SHAPE, self.catalogue.entries)), self.badges)

    def entry_texts(self) -> dict[str, tuple[str, str]]:
        """src_uri -> (file text, bundle fingerprint) of each entry page: what, besides
        :meth:`shape`, an entry page's fingerprint reads (``reuse`` of
        :meth:`fingerprints`)."""
        return {
            src_uri: (page.entry.raw, self.bundle_plan.fingerprint(page.entry))
            for src_uri, page in self.pages.items()
            if page.entry is not None and not isinstance(page.entry, BundleDocument)
        }

    def fingerprints(
        self,
        texts: dict[tuple, str] | None = None,
        reuse: Mapping[str, tuple[str, str, str]] | None = None,
    ) -> dict[str, tuple[GeneratedFile, str]]:
        """src_uri -> (file, digest of everything the page shows), for incremental rebuilds.

        ``texts`` keeps the digest of each source text between builds. ``reuse`` (src_uri
        -> (file text, bundle fingerprint, digest)) holds the last build's entry pages
        when it had this build's :meth:`shape` and relations: an entry page whose file is
        the very same text (the same string: the reader's cache kept it) and whose bundle
        is unchanged keeps its digest, which is not worked out again (a body edit under
        ``mkdocs serve`` changes one entry's text and nothing of the shape).
        """
        texts = {} if texts is None else texts
        reuse = reuse or {}
        result = {}
        term_pages = sorted(self.registry.term_pages)
        memo: dict[int, object] = {}
        cards = self.cards.digest()
        shown: dict[str, object] = {}
        urls: dict[tuple, str] = {}
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
                    [
                        shown.get(name)
                        or shown.setdefault(
                            name, card_digest(self.catalogue.get(Kind.PERSONA, name), memo)
                        )
                        for name in listed
                    ],
                    self.badges,
                    term_pages if page.template == "term_index.html" else None,
                    cards if page.template in WITH_CARDS else "",
                    memo=memo,
                )
            elif isinstance(entry, BundleDocument):
                digest = digest_of(
                    repr((entry.raw, entry.path, self.bundle_plan.fingerprint(entry)))
                )
            else:
                last = reuse.get(src_uri)
                if (
                    last is not None
                    and last[0] is entry.raw
                    and last[1] == self.bundle_plan.fingerprint(entry)
                ):
                    digest = last[2]
                else:
                    digest = self.entries.fingerprint(entry, texts, urls)
            result[src_uri] = (page.file, digest)
        return result


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
