"""Cards, and the pages made of them: the catalogue and the skills page, with their filter.

A card shows an entry's title, description, top keywords, skill and tool counts, how
connected it is and when it last changed (:func:`card_facts`); the same facts go to
``cards.json`` for the filter's cards and sorts. A page of cards is one page while it fits
``max_index_bytes``, else numbered pages of a bounded size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from ...analysis.relations import Relations
from ...catalogue.capabilities import capabilities
from ...catalogue.catalogue import Catalogue
from ...outputs.export import browser_entry, raw_path
from ...sources import strings, text
from ...sources.manifests import Manifest
from ...sources.model import COMPLEXITIES, Entry, Kind
from ..incremental import digest_of
from ..render import render
from .registry import CATALOGUE, NO_SEARCH, SKILLS, Page, Registry, chunks

CARDS = "cards.json"
"""What cards show besides ``catalogue.json``: skills, counts and dates (site path)."""
CARD_KEYWORDS = 4
"""Keywords a card shows: declared ones first."""
CARD_BYTES = 1100
"""Estimated HTML size of a catalogue card, before its title and description."""
MAX_EXPERTISE_OPTIONS = 200
"""Expertise suggested in the catalogue filter (the most shared ones)."""
POWERFUL = frozenset(
    {
        "bypass-permissions",
        "hooks",
        "mcp",
        "shell",
        "network",
        "agents",
        "auto-mode",
        "reads-differently",
    }
)
"""Capability flags the catalogue's risk facet hides: every tool alone (an agent without a
``tools`` list) or accepting edits is not enough; starting other agents (which may have
every tool), auto mode and a file Claude Code reads as granting more than it shows are."""


def timestamps(catalogue: Catalogue, dates: Mapping[str, int] | None) -> dict[str, int]:
    """``kind/name`` -> time of the last commit, for the catalogue's "recently changed" sort."""
    if not dates:
        return {}
    return {f"{e.kind.value}/{e.name}": dates[e.path] for e in catalogue.entries if e.path in dates}


def card_facts(
    entry: Entry, relations: Relations, updated: Mapping[str, int] | None = None
) -> dict[str, object]:
    """What a card shows and sorts by: top keywords (declared first), skill and tool counts
    (tools None: every tool), how connected it is, its last commit time and raw file."""
    if entry.kind == Kind.PERSONA:
        caps = capabilities(entry)
        tools = None if caps.all_tools else len(caps.tools)
        skills = len(relations.skills_of.get(entry.name, ()))
        links = skills + len(relations.related.get(entry.name, ()))
    else:
        tools, skills = None, 0
        links = len(relations.personas_of.get(entry.name, ()))
    keywords = list(dict.fromkeys((*entry.keywords, *entry.keywords_derived)))
    return {
        "keywords": keywords[:CARD_KEYWORDS],
        "skills": skills,
        "tools": tools,
        "links": links,
        "updated": (updated or {}).get(f"{entry.kind.value}/{entry.name}", 0),
        "raw": raw_path(entry),
    }


def cards_data(
    catalogue: Catalogue,
    relations: Relations,
    dates: Mapping[str, int] | None,
    directory_urls: bool = True,
) -> dict[str, object]:
    """``cards.json``: the skills, shaped like ``catalogue.json``'s personas, and each
    entry's card facts by ``kind/name``, for the catalogue filter's cards and sorts."""
    updated = timestamps(catalogue, dates)
    return {
        "skills": [{"kind": "skill", **browser_entry(s, directory_urls)} for s in catalogue.skills],
        "facts": {
            f"{e.kind.value}/{e.name}": card_facts(e, relations, updated) for e in catalogue.entries
        },
    }


def risky(entry: Entry) -> bool:
    """Whether an agent has a powerful setting the risk facet hides (:data:`POWERFUL`)."""
    return entry.kind == Kind.PERSONA and bool(POWERFUL & set(capabilities(entry).flag_ids))


class Cards:
    """The catalogue and skills pages of one build, and every card they and others show."""

    def __init__(
        self,
        registry: Registry,
        catalogue: Catalogue,
        relations: Relations,
        *,
        manifests: Mapping[str, Manifest],
        dates: Mapping[str, int] | None,
        badges: Mapping[tuple[str, str], str],
        max_index_bytes: int,
    ) -> None:
        self.registry = registry
        self.catalogue = catalogue
        self.relations = relations
        self.manifests = manifests
        self.dates = dates
        """Path -> time of the last commit (None without git)."""
        self.updated = timestamps(catalogue, dates)
        self.badges = badges
        self.max_index_bytes = max_index_bytes
        self.rendered: dict[tuple, Markup] = {}
        """(kind, name, root) -> a card's HTML."""

    # Planning -------------------------------------------------------------------------

    def plan(self) -> None:
        catalogue = self.catalogue
        title = strings.tr("catalogue.title")
        self._plan_pages(CATALOGUE, title, catalogue.personas, catalogue.skills)
        self.registry.pages[CATALOGUE].context["filter"] = self.filter_options()
        self._plan_pages(SKILLS, strings.tr("catalogue.skills_title"), (), catalogue.skills)
        self.registry.pages[SKILLS].context["filter"] = {
            **self.filter_options(),
            **{"expertise": [], "models": [], "complexities": [], "risk": False},
            "kinds": False,
            "kind": "skill",
        }

    def filter_options(self) -> dict:
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
            "risk": any(risky(p) for p in personas),
            "recent": bool(self.updated),
            "kind": "",
        }

    def _plan_pages(
        self, index: str, title: str, personas: Sequence[Entry], skills: Sequence[Entry]
    ) -> None:
        """Plan pages of cards: one page while it fits, else numbered pages of a bounded size."""
        entries = [*personas, *skills]
        common = {
            "personas_count": len(self.catalogue.personas),
            "skills_count": len(self.catalogue.skills),
            "collections": self.catalogue.collections,
        }
        if sum(map(_card_size, entries)) <= self.max_index_bytes:
            context = {"groups": self._groups(personas), "skills": list(skills), "parts": []}
            self.registry.add(
                index, Page(title, "catalogue.html", {**common, **context}, search=NO_SEARCH)
            )
            return
        self._plan_parts(index, title, entries, common)

    def _plan_parts(self, index: str, title: str, entries: list[Entry], common: dict) -> None:
        """The index as a list of numbered parts, and a page of cards per part."""
        cut = chunks(entries, _card_size, self.max_index_bytes)
        folder = index.rsplit("/", 1)[0]
        parts = [
            {
                "src": f"{folder}/page/{number}.md",
                "number": number,
                "first": chunk[0].title,
                "last": chunk[-1].title,
                "count": len(chunk),
            }
            for number, chunk in enumerate(cut, 1)
        ]
        context = {"groups": [], "skills": [], "parts": parts}
        self.registry.add(
            index, Page(title, "catalogue.html", {**common, **context}, search=NO_SEARCH)
        )
        for part, chunk in zip(parts, cut, strict=True):
            context = {
                "groups": self._groups([e for e in chunk if e.kind == Kind.PERSONA]),
                "skills": [e for e in chunk if e.kind == Kind.SKILL],
                "parts": parts,
            }
            self.registry.add(
                part["src"],
                Page(
                    f"{title}, page {part['number']}",
                    "catalogue.html",
                    {**common, **context},
                    search=NO_SEARCH,
                ),
            )

    def _groups(self, personas: Sequence[Entry]) -> list[dict]:
        """Personas by collection, each group with its manifest."""
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

    # What cards show ------------------------------------------------------------------

    def card(self, entry: Entry, root: str) -> Markup:
        """A catalogue card, rendered once per entry and folder depth."""
        key = (entry.kind, entry.name, root)
        html = self.rendered.get(key)
        if html is None:
            html = render(
                "card.html",
                entry=entry,
                href=root + self.registry.entry_url(entry),
                badge=self.badges.get((entry.kind.value, entry.name)),
                facts=card_facts(entry, self.relations, self.updated),
                root=root,
            )
            self.rendered[key] = html
        return html

    def digest(self) -> str:
        """A digest of what every card shows besides its entry (counts, dates), for the
        fingerprints of pages with cards."""
        return digest_of(
            repr([card_facts(e, self.relations, self.updated) for e in self.catalogue.entries])
        )

    def data_files(self) -> dict[str, object]:
        """``cards.json`` (:data:`CARDS`)."""
        directory_urls = self.registry.config.use_directory_urls
        return {CARDS: cards_data(self.catalogue, self.relations, self.dates, directory_urls)}


def _card_size(entry: Entry) -> int:
    return CARD_BYTES + len(entry.title) + min(len(entry.description), 240)
