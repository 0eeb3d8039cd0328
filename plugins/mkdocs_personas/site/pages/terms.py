"""The pages of terms: A–Z indexes of activation keywords and expertise, the pages of terms
many personas share, and the keyword conflicts page.

An index is one page while it fits ``max_index_bytes``, else one page per letter (a letter
that alone is too large is cut into numbered parts, and ``letters/parts.json`` forwards the
old anchors). A term with its own page shows only its count in the index, so that no page
grows with the number of personas sharing a term.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from ...analysis.relations import Relations, Term
from ...sources import strings, text
from ...sources.model import Entry, Kind
from .registry import CONFLICTS, NO_SEARCH, Page, Registry, chunks

MAX_CONFLICTS = 500
"""Rows on the keyword conflicts page (most contested first)."""


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
KEYWORDS, EXPERTISE = TERM_KINDS["keywords"], TERM_KINDS["expertise"]


def letter_label(letter: str) -> str:
    """How an A–Z group is shown: ``A``, ``0–9`` or ``Other``."""
    return {text.DIGITS: "0–9", text.OTHER: strings.tr("letters.other")}.get(letter, letter.upper())


class Terms:
    """The term pages of one build, and where an entry's chips point."""

    def __init__(self, registry: Registry, relations: Relations, max_index_bytes: int) -> None:
        self.registry = registry
        self.relations = relations
        self.max_index_bytes = max_index_bytes
        self.by_key = {
            kind.folder: {t.key: t for t in getattr(relations, kind.field)}
            for kind in TERM_KINDS.values()
        }
        """Folder -> normalised label -> term."""
        self.forwarding: dict[str, dict[str, str]] = {}
        """Folder -> slug -> page, for the terms of letters cut into several pages."""

    # Planning -------------------------------------------------------------------------

    def plan(self) -> None:
        for kind in TERM_KINDS.values():
            self._plan_kind(kind, getattr(self.relations, kind.field))
        self._plan_conflicts()

    def _plan_kind(self, kind: TermKind, terms: Sequence[Term]) -> None:
        """Plan the pages of the terms that list many personas, then the A–Z index: one
        page while it fits ``max_index_bytes``, else a page of letters."""
        self._plan_term_pages(kind, terms)
        groups = [(letter, list(items)) for letter, items in groupby(terms, lambda t: t.letter)]
        context = {
            "kind": kind,
            "letters": [letter for letter, _ in groups],
            "derived_any": any(t.derived for t in terms),
        }

        def size(term: Term) -> int:
            own_page = (kind.folder, term.slug) in self.registry.term_pages
            return 200 + 2 * len(term.label) + 100 * (0 if own_page else len(term.personas))

        if sum(map(size, terms)) <= self.max_index_bytes:
            self._plan_index(kind, terms, context, groups)
        else:
            self._plan_letters(kind, context, groups, size)

    def _plan_term_pages(self, kind: TermKind, terms: Sequence[Term]) -> None:
        """A page of its own for each term that at least ``kind.page_from`` personas share."""
        for term in terms:
            if len(term.personas) >= kind.page_from:
                src = f"{kind.folder}/{term.slug}.md"
                self.registry.term_pages[(kind.folder, term.slug)] = src
                description = strings.tr("term.description", kind=kind.singular, label=term.label)
                self.registry.add(
                    src,
                    Page(
                        term.label,
                        "term.html",
                        {"term": term, "kind": kind},
                        description=description,
                        search=NO_SEARCH,
                    ),
                )

    def _plan_index(
        self, kind: TermKind, terms: Sequence[Term], context: dict, groups: list
    ) -> None:
        """The whole A–Z index on one page."""
        index = f"{kind.folder}/index.md"
        self.registry.add(
            index,
            Page(kind.title, "term_index.html", {**context, "groups": groups}, search=NO_SEARCH),
        )
        self.registry.term_index.update(((kind.folder, t.slug), index) for t in terms)

    def _plan_letters(self, kind: TermKind, context: dict, groups: list, size) -> None:
        """A page per letter (in numbered parts where one letter is too large), and the
        index as a page of letters."""
        folder = kind.folder
        parts: dict[str, list[dict]] = {}
        for letter, items in groups:
            cut = chunks(items, size, self.max_index_bytes)
            parts[letter] = []
            for number, chunk in enumerate(cut, 1):
                src = (
                    f"{folder}/letters/{letter}.md"
                    if number == 1
                    else (f"{folder}/letters/{letter}-{number}.md")
                )
                label = letter_label(letter) + (f" ({number})" if len(cut) > 1 else "")
                parts[letter].append({"src": src, "label": label, "count": len(chunk)})
                self.registry.add(
                    src,
                    Page(
                        strings.tr("index.letter_part", title=kind.title, letter=label),
                        "term_index.html",
                        {**context, "groups": [(letter, chunk)]},
                        search=NO_SEARCH,
                    ),
                )
                self.registry.term_index.update(((folder, t.slug), src) for t in chunk)
                if len(cut) > 1:
                    self.forwarding.setdefault(folder, {}).update((t.slug, src) for t in chunk)
        self.registry.add(
            f"{folder}/index.md",
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

    def _plan_conflicts(self) -> None:
        conflicts = self.relations.conflicts
        self.registry.add(
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

    # Where chips point ----------------------------------------------------------------

    def tag_url(self, label: str) -> str:
        """An expertise chip: the term's page, else its index entry."""
        return self.registry.tag_url(EXPERTISE, self.by_key["expertise"][text.key(label)])

    def keyword_url(self, label: str) -> str:
        """A declared keyword's chip: its index entry."""
        return self.registry.term_url(KEYWORDS, self.by_key["keywords"][text.key(label)])

    def derived_keyword_url(self, entry: Entry, label: str) -> str | None:
        """Where a derived keyword's chip points: its index entry, for personas (skills'
        keywords are not in the keyword index)."""
        term = self.by_key["keywords"].get(text.key(label))
        if entry.kind != Kind.PERSONA or term is None:
            return None
        return self.registry.term_url(KEYWORDS, term)

    # Data ------------------------------------------------------------------------------

    def data_files(self) -> dict[str, object]:
        """Where each term of a letter cut into several pages lives, for the index to
        forward old anchors (site path -> JSON data)."""
        return {
            f"{folder}/letters/parts.json": {
                slug: self.registry.url(src) for slug, src in slugs.items()
            }
            for folder, slugs in self.forwarding.items()
        }
