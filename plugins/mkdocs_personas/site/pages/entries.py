"""The page of each persona and skill: its header, chips, relations and "Use this" panel,
and the page at the plain URL of a name that several files share.

An entry's page is planned at :meth:`.Registry.entry_src`; MkDocs renders its body
(:func:`separate_lists` first), and :meth:`Entries.context` adds what the fragment
``entry.html`` shows around it once search has read the page.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence

from ...analysis.relations import Relations, Suggestion
from ...catalogue.capabilities import capabilities
from ...catalogue.catalogue import Catalogue
from ...outputs import convert
from ...outputs.export import raw_path
from ...sources import strings
from ...sources.model import Entry, Kind
from ..incremental import digest_of
from .bundles import BundlePlan
from .registry import NO_SEARCH, Links, Page, Registry
from .terms import Terms


class Entries:
    """The persona and skill pages of one build."""

    def __init__(
        self,
        registry: Registry,
        catalogue: Catalogue,
        relations: Relations,
        *,
        terms: Terms,
        bundles: BundlePlan,
        badges: Mapping[tuple[str, str], str],
        edit_uri: Callable[[Entry], str | None],
        compared: bool,
    ) -> None:
        self.registry = registry
        self.catalogue = catalogue
        self.relations = relations
        self.terms = terms
        self.bundles = bundles
        self.badges = badges
        self.edit_uri = edit_uri
        self.compared = compared
        """Whether the build compares with a base revision (a preview)."""

    # Planning -------------------------------------------------------------------------

    def plan(self) -> None:
        """A page per entry, then a page per name that several files share."""
        directory_urls = self.registry.config.use_directory_urls
        for entry in self.catalogue.entries:
            page = self.registry.add(self.registry.entry_src(entry), _entry_page(entry))
            page.file.edit_uri = self.edit_uri(entry)
            if entry.kind == Kind.SKILL and not directory_urls:
                page.file.dest_uri = f"skills/{entry.name}.html"  # the URL contract
        self._plan_shared_names()

    def _plan_shared_names(self) -> None:
        """A page at the plain URL of a name that several files share, listing them all
        (each of them lives at ``<name>-<collection>``), so no file takes the name over."""
        for (kind, slug), names in sorted(self.catalogue.ambiguous.items()):
            entries = [self.catalogue.get(kind, name) for name in names]
            entries = [e for e in entries if e is not None]
            if not entries:
                continue
            probe = Entry(kind, slug, slug, "", "", "", 0, 1)
            src = self.registry.entry_src(probe)
            if src in self.registry.pages:
                continue
            page = self.registry.add(
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
            if kind == Kind.SKILL and not self.registry.config.use_directory_urls:
                page.file.dest_uri = f"skills/{slug}.html"

    # What an entry's page shows -------------------------------------------------------

    def context(self, entry: Entry, links: Links) -> dict:
        """Everything ``entry.html`` shows around an entry's body."""
        raw = raw_path(entry)
        return {
            "entry": entry,
            **self._chips(entry, links),
            **self._relations(entry, links),
            "facts": _facts(entry),
            "raw_url": links.to(raw),
            "download_name": posixpath.basename(raw),
            "bundle": self.bundles.tree(entry, links),
            **self._use_context(entry, links),
        }

    def _chips(self, entry: Entry, links: Links) -> dict:
        """Expertise and keywords, each linked to its term."""
        terms = self.terms
        return {
            "expertise": [(label, links.to(terms.tag_url(label))) for label in entry.expertise],
            "keywords": [(label, links.to(terms.keyword_url(label))) for label in entry.keywords],
            "derived_keywords": [
                (label, _to(links, terms.derived_keyword_url(entry, label)))
                for label in entry.keywords_derived
            ],
        }

    def _relations(self, entry: Entry, links: Links) -> dict:
        """The skills, related personas and users of an entry, each with why it is listed."""
        relations = self.relations

        def listed(kind: Kind, items: Sequence[Suggestion]) -> list[tuple[str, str, str]]:
            """(title, link, why) of each related entry."""
            targets = [(self.catalogue.get(kind, s.name), s) for s in items]
            return [(target.title, links.entry(target), why(s)) for target, s in targets]

        users = relations.personas_of.get(entry.name, ())
        return {
            "skills": listed(Kind.SKILL, relations.skills_of.get(entry.name, ())),
            "related": listed(Kind.PERSONA, relations.related.get(entry.name, ())),
            "named": listed(Kind.PERSONA, [s for s in users if s.explicit]),
            "suggested": listed(Kind.PERSONA, [s for s in users if not s.explicit]),
        }

    def _use_context(self, entry: Entry, links: Links) -> dict:
        """What an agent may do, and the "Use this" tabs (``convert.py``): commands point
        at ``site_url``, or in a preview build at ``PERSONAS_PREVIEW_URL`` (else none)."""
        preview = convert.is_preview(self.compared)
        base = convert.download_base(self.registry.config.site_url, preview)
        if entry.kind == Kind.PERSONA:
            tabs = convert.persona_tabs(entry, base)
        else:
            tabs = convert.skill_tabs(entry, base, self.bundles.zips.get(entry.name))
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

    # Incremental builds ---------------------------------------------------------------

    def fingerprint(
        self, entry: Entry, texts: dict[tuple, str], urls: dict[tuple, str] | None = None
    ) -> str:
        """A digest of everything an entry's page shows: its text, the titles and reasons
        of what it links to, where its chips point, its badge and its bundle. ``texts``
        keeps the digest of each source text between builds; ``urls``, where each chip
        points, shared by the entries of one build (many share a keyword)."""
        relations = self.relations
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
        urls = {} if urls is None else urls
        chips = []
        for where, labels in (("tag", entry.expertise), ("keyword", entry.keywords)):
            for label in labels:
                url = urls.get((where, label))
                if url is None:
                    url = urls[where, label] = (
                        self.terms.tag_url(label)
                        if where == "tag"
                        else self.terms.keyword_url(label)
                    )
                chips.append(url)
        if entry.keywords_derived:
            links = Links(self.registry, entry.url)
            chips += [
                str(_to(links, self.terms.derived_keyword_url(entry, label)))
                for label in entry.keywords_derived
            ]
        badge = self.badges.get((entry.kind.value, entry.name))
        text_key = (entry.kind, entry.path, entry.raw)
        text_digest = texts.get(text_key)
        if text_digest is None:
            text_digest = texts[text_key] = digest_of(entry.raw)
        bundle = self.bundles.fingerprint(entry)
        return digest_of(
            repr((text_digest, entry.path, entry.collection, linked, chips, badge, bundle))
        )


def _entry_page(entry: Entry) -> Page:
    return Page(
        entry.title,
        "entry.html",
        entry=entry,
        description=entry.description,
        keywords=(*entry.keywords, *entry.expertise, *entry.keywords_derived),
        search={"boost": 2} if entry.kind == Kind.PERSONA else None,
    )


def _to(links: Links, url: str | None) -> str | None:
    return links.to(url) if url is not None else None


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
