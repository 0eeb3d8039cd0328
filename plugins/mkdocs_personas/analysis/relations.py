"""What goes together: keyword and expertise indexes, related skills and personas.

Everything here is built from inverted indexes (term -> entries), so the cost grows
with the postings actually shared, never with the square of the catalogue. Results are
deterministic: ties are broken by name and scores are rounded before sorting.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..catalogue.catalogue import Catalogue
from ..sources import collector, text
from ..sources.model import Entry, Kind, Reference

if TYPE_CHECKING:
    from .similarity import Profile


@dataclass(frozen=True)
class Term:
    """A keyword or expertise, with every persona that declares it."""

    key: str
    label: str
    """The spelling shown: the most common one, ties to the first in A–Z order."""
    slug: str
    letter: str
    personas: tuple[str, ...]
    """Persona names, sorted."""
    derived: frozenset[str] = frozenset()
    """Those of ``personas`` for which the term is a derived keyword, not a declared one."""

    @property
    def declared(self) -> tuple[str, ...]:
        """The personas that declare the term themselves."""
        return tuple(n for n in self.personas if n not in self.derived)


@dataclass(frozen=True)
class Suggestion:
    """A skill or persona related to an entry, with why."""

    name: str
    score: float
    reasons: tuple[str, ...]
    explicit: bool = False
    """Named by the entry itself (``skills:``), rather than inferred."""
    collection: str | None = None
    """The collection both share, when that counted towards the score."""


@dataclass(frozen=True)
class Options:
    """How related skills and personas are inferred."""

    suggest_skills: int = 5
    """Inferred skills shown per persona (0 turns inference off)."""
    related_personas: int = 5
    """Similar personas shown per persona (0 turns it off)."""
    min_score: float = 0.03
    """Lowest similarity (0–1) for a suggestion."""
    collection_signal: bool = True
    """Whether sharing a collection folder counts as a reason."""
    collection_bonus: float = 0.15
    max_document_frequency: int = 100
    """Terms found in more entries than this are too common to relate anything; a fixed
    bound (not a share of the catalogue) keeps the cost linear in the number of entries."""


@dataclass(frozen=True)
class Relations:
    """The derived structure of a catalogue."""

    keywords: tuple[Term, ...] = ()
    expertise: tuple[Term, ...] = ()
    skills_of: dict[str, tuple[Suggestion, ...]] = field(default_factory=dict)
    """Persona name -> its named skills, then its suggested ones."""
    personas_of: dict[str, tuple[Suggestion, ...]] = field(default_factory=dict)
    """Skill name -> personas that name it, then those it was suggested for."""
    related: dict[str, tuple[Suggestion, ...]] = field(default_factory=dict)
    """Persona name -> similar personas."""

    @cached_property
    def conflicts(self) -> tuple[Term, ...]:
        """Keywords claimed by several personas, most contested first (worked out once:
        the home page and the conflicts page both show them)."""
        shared = [
            Term(t.key, t.label, t.slug, t.letter, t.declared)
            for t in self.keywords
            if len(t.declared) > 1
        ]
        return tuple(sorted(shared, key=lambda t: (-len(t.personas), text.sort_key(t.label))))


def index_terms(
    values: Iterable[tuple[str, Iterable[str]]],
    derived: Iterable[tuple[str, Iterable[str]]] = (),
) -> tuple[Term, ...]:
    """Group ``(persona, labels)`` by label identity into A–Z sorted terms; ``derived``
    labels join the same terms, marked as derived for their personas."""
    personas: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, Counter] = defaultdict(Counter)
    declared: set[tuple[str, str]] = set()
    for name, labels in values:
        for label in labels:
            k = text.key(label)
            personas[k].add(name)
            spellings[k][label] += 1
            declared.add((k, name))
    marked: dict[str, set[str]] = defaultdict(set)
    for name, labels in derived:
        for label in labels:
            k = text.key(label)
            if (k, name) in declared:
                continue
            personas[k].add(name)
            marked[k].add(name)
            spellings[k].setdefault(label, 0)
    labels = {
        k: min(counts.items(), key=lambda item: (-item[1], text.sort_key(item[0])))[0]
        for k, counts in spellings.items()
    }
    slugs = text.unique_slugs(list(labels), labels)
    terms = [
        Term(
            k,
            labels[k],
            slugs[k],
            text.letter(slugs[k]),
            tuple(sorted(personas[k])),
            frozenset(marked.get(k, ())),
        )
        for k in labels
    ]
    return tuple(sorted(terms, key=lambda t: (t.letter, text.sort_key(t.label), t.slug)))


def _named(refs: Iterable[Reference], resolve: Callable[[str], str | None]) -> list[Suggestion]:
    """The references that resolve to a name, once each, as explicit suggestions."""
    names = dict.fromkeys(resolve(r.name) for r in refs)
    return [Suggestion(name, 1.0, (), explicit=True) for name in names if name is not None]


def _resolver(
    catalogue: Catalogue, kind: Kind, entry: Entry, *, other: bool = False
) -> Callable[[str], str | None]:
    """How ``entry``'s references to ``kind`` find names: :meth:`Catalogue.resolve`
    (the slug of the written text; the same collection first when several files share
    it); with ``other``, a reference to the entry itself resolves to nothing."""

    def resolve(written: str) -> str | None:
        found = catalogue.resolve(kind, written, entry.collection)
        if found is None or (other and found.name == entry.name):
            return None
        return found.name

    return resolve


class Memory:
    """What :func:`relate` keeps between calls (``mkdocs serve`` rebuilds): each file's
    terms, and the last result with what it was computed from."""

    def __init__(self) -> None:
        self.profiles: dict[tuple, Profile] = {}
        self.by_file: dict[tuple, Profile] = {}
        self.key: tuple | None = None
        self.relations: Relations | None = None

    def profile(self, entry: Entry) -> Profile:
        """An entry's terms; the very same object as last time when they did not change."""
        from .similarity import profile

        found = self.profiles.get((entry.kind, entry.path, entry.raw))
        if found is None:
            found = profile(entry)
            previous = self.by_file.get((entry.kind, entry.path))
            if previous == found:
                found = previous
            self.profiles[(entry.kind, entry.path, entry.raw)] = found
        self.by_file[(entry.kind, entry.path)] = found
        return found

    def forget_all_but(self, entries: Iterable[Entry]) -> None:
        """Keep the terms of these entries only (files that were edited or removed go)."""
        self.profiles = {
            key: self.profiles[key]
            for key in ((e.kind, e.path, e.raw) for e in entries)
            if key in self.profiles
        }


@collector.pausing
def relate(
    catalogue: Catalogue, options: Options = Options(), memory: Memory | None = None
) -> Relations:
    """Build the keyword and expertise indexes and the related skills and personas.

    With a ``memory``, an unchanged input (the same terms, keywords, expertise,
    collections and references; a body edit outside headings changes none of them)
    returns the previous result instead of computing it again.
    """
    from .similarity import Ranking, Space  # numpy loads only when relations are built

    memory = memory or Memory()
    personas, skills = catalogue.personas, catalogue.skills
    profiles = [memory.profile(e) for e in (*personas, *skills)]
    memory.forget_all_but(personas + skills)
    key = (
        options,
        *(
            (
                e.kind,
                e.name,
                e.collection,
                e.keywords,
                e.keywords_derived,
                e.expertise,
                tuple(r.name for r in e.skills),
                tuple(r.name for r in e.related),
                p,
            )
            for e, p in zip((*personas, *skills), profiles, strict=True)
        ),
    )
    if key == memory.key and memory.relations is not None:
        return memory.relations
    keywords = index_terms(
        ((p.name, p.keywords) for p in personas),
        ((p.name, p.keywords_derived) for p in personas),
    )
    expertise = index_terms((p.name, p.expertise) for p in personas)
    count = len(personas)
    infer = bool(options.suggest_skills or options.related_personas) and count
    space = Space(profiles, options.max_document_frequency) if infer else None
    bonus = options.collection_bonus if options.collection_signal else 0.0
    collections = [e.collection for e in personas]
    if infer and options.suggest_skills and skills:
        skill_ranking = Ranking(
            space.cosines(slice(0, count), slice(count, None)),
            collections,
            [s.collection for s in skills],
            bonus,
        )
    else:
        skill_ranking = None
    if infer and options.related_personas:
        persona_ranking = Ranking(
            space.cosines(slice(0, count), slice(0, count)), collections, collections, bonus
        )
    else:
        persona_ranking = None
    skill_index = {s.name: i for i, s in enumerate(skills)}
    persona_index = {p.name: i for i, p in enumerate(personas)}
    declared = [{text.key(label): label for label in (*p.keywords, *p.expertise)} for p in personas]

    skills_of: dict[str, tuple[Suggestion, ...]] = {}
    related: dict[str, tuple[Suggestion, ...]] = {}
    users: dict[str, list[Suggestion]] = defaultdict(list)
    for index, persona in enumerate(personas):
        chosen = _named(persona.skills, _resolver(catalogue, Kind.SKILL, persona))
        for suggestion in chosen:
            users[suggestion.name].append(Suggestion(persona.name, 1.0, (), explicit=True))
        if skill_ranking is not None:
            exclude = {skill_index[s.name] for s in chosen}
            for match in skill_ranking.best(
                index, options.suggest_skills, options.min_score, exclude
            ):
                name = skills[match.index].name
                reasons = space.reasons(index, count + match.index)
                shared = persona.collection if match.same_collection else None
                chosen.append(Suggestion(name, match.score, reasons, collection=shared))
                users[name].append(
                    Suggestion(persona.name, match.score, reasons, collection=shared)
                )
        skills_of[persona.name] = tuple(chosen)

        found = _named(persona.related, _resolver(catalogue, Kind.PERSONA, persona, other=True))
        if persona_ranking is not None:
            exclude = {index, *(persona_index[s.name] for s in found)}
            for match in persona_ranking.best(
                index, options.related_personas, options.min_score, exclude
            ):
                i = match.index
                both = tuple(label for key, label in declared[index].items() if key in declared[i])
                shared = persona.collection if match.same_collection else None
                found.append(
                    Suggestion(
                        personas[i].name,
                        match.score,
                        both[:3] or space.reasons(index, i),
                        collection=shared,
                    )
                )
        related[persona.name] = tuple(found)

    def order(items: list[Suggestion]) -> tuple[Suggestion, ...]:
        named = [s for s in items if s.explicit]
        inferred = sorted((s for s in items if not s.explicit), key=lambda s: (-s.score, s.name))
        return (*named, *inferred)

    personas_of = {s.name: order(users.get(s.name, [])) for s in skills}
    memory.key = key
    memory.relations = Relations(keywords, expertise, skills_of, personas_of, related)
    return memory.relations
