"""What goes together: keyword and expertise indexes, related skills and personas.

Everything here is built from inverted indexes (term -> entries), so the cost grows
with the postings actually shared, never with the square of the catalogue. Results are
deterministic: ties are broken by name and scores are rounded before sorting.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from . import text
from .catalogue import Catalogue
from .model import Entry, Kind, Reference


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
    max_document_frequency: int = 250
    """Terms found in more entries than this are too common to relate anything."""


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

    @property
    def conflicts(self) -> tuple[Term, ...]:
        """Keywords claimed by several personas, most contested first."""
        shared = [t for t in self.keywords if len(t.personas) > 1]
        return tuple(sorted(shared, key=lambda t: (-len(t.personas), text.sort_key(t.label))))


def index_terms(
    values: Iterable[tuple[str, Iterable[str]]],
) -> tuple[Term, ...]:
    """Group ``(persona, labels)`` by label identity into A–Z sorted terms."""
    personas: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for name, labels in values:
        for label in labels:
            k = text.key(label)
            personas[k].add(name)
            spellings[k][label] += 1
    labels = {
        k: min(counts.items(), key=lambda item: (-item[1], text.sort_key(item[0])))[0]
        for k, counts in spellings.items()
    }
    slugs = text.unique_slugs(list(labels), labels)
    terms = [
        Term(k, labels[k], slugs[k], text.letter(slugs[k]), tuple(sorted(personas[k])))
        for k in labels
    ]
    return tuple(sorted(terms, key=lambda t: (t.letter, text.sort_key(t.label), t.slug)))


_FIELD_WEIGHTS = {
    "keywords": 3.0,
    "name": 3.0,
    "title": 2.0,
    "expertise": 2.0,
    "description": 1.0,
    "headings": 0.5,
}


_SUBHEADING = re.compile(r"#{2,4}[ \t]+(.+)")


def _headings(body: str) -> str:
    """The body's section headings (levels 2 to 4), one per line."""
    return "\n".join(m.group(1) for m in map(_SUBHEADING.match, body.split("\n")) if m)


def _profile(entry: Entry) -> dict[str, tuple[float, str]]:
    """Term -> (weight, surface form) for one entry's content."""
    sources = {
        "keywords": "\n".join(entry.keywords),
        "name": entry.name.replace("-", " "),
        "title": entry.title,
        "expertise": "\n".join(entry.expertise),
        "description": entry.description,
        "headings": _headings(entry.body),
    }
    profile: dict[str, tuple[float, str]] = {}
    for field_name, source in sources.items():
        weight = _FIELD_WEIGHTS[field_name]
        chunks = source.split("\n") if field_name in ("keywords", "expertise") else [source]
        for chunk in chunks:
            for term, surface in text.terms(chunk):
                if term not in profile or profile[term][0] < weight:
                    profile[term] = (weight, surface)
    for ref in entry.skills:
        profile["skill:" + ref.name] = (_FIELD_WEIGHTS["keywords"], ref.name)
    return profile


class _Space:
    """TF-IDF vectors of entries (unit length), with an inverted index from terms to entries."""

    def __init__(self, entries: Sequence[Entry], max_df: int) -> None:
        profiles = [_profile(e) for e in entries]
        df = Counter(term for profile in profiles for term in profile)
        count = len(entries) or 1
        idf = {t: math.log(1 + count / n) for t, n in df.items()}
        self.vectors: list[dict[str, float]] = []
        self.surfaces: list[dict[str, str]] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        for index, profile in enumerate(profiles):
            vector = {t: w * idf[t] for t, (w, _) in sorted(profile.items())}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            self.vectors.append({t: v / norm for t, v in vector.items()})
            self.surfaces.append({t: s for t, (_, s) in profile.items()})
            for term in vector:
                if df[term] <= max_df:
                    self.postings[term].append(index)


class _Matcher:
    """Ranks the entries of one slice of a space by similarity to a persona."""

    def __init__(self, space: _Space, entries: Sequence[Entry], offset: int, options: Options):
        self.space, self.entries, self.offset, self.options = space, entries, offset, options
        end = offset + len(entries)
        self.postings = {
            term: [i - offset for i in indexes if offset <= i < end]
            for term, indexes in space.postings.items()
        }
        self.by_collection: dict[str, list[int]] = defaultdict(list)
        if options.collection_signal:
            for i, entry in enumerate(entries):
                if entry.collection:
                    self.by_collection[entry.collection].append(i)

    def best(self, persona: Entry, index: int, exclude: set[str], limit: int):
        """``(score, entry index, reasons, shared collection)`` of the most similar entries.

        Only entries sharing a term are scored. The collection bonus goes to every
        member of a small collection, but in a large one only to entries already
        scored, so that the cost never grows with the square of a collection.
        """
        vector = self.space.vectors[index]
        targets, offset = self.space.vectors, self.offset
        scores: dict[int, float] = {}
        for term, weight in vector.items():
            for i in self.postings.get(term, ()):
                scores[i] = scores.get(i, 0.0) + weight * targets[i + offset][term]
        members = self.by_collection.get(persona.collection or "", ())
        same = set(members if len(members) <= _SMALL_COLLECTION else scores).intersection(members)
        for i in same:
            scores[i] = scores.get(i, 0.0) + self.options.collection_bonus
        minimum, entries = self.options.min_score, self.entries
        candidates = (
            (score, -i)
            for i, score in scores.items()
            if score >= minimum and entries[i].name not in exclude
        )
        result = []
        for score, negative in heapq.nlargest(limit, candidates):
            i = -negative
            reasons = _reasons(vector, targets[i + offset], self.space.surfaces[index])
            shared = persona.collection if i in same else None
            result.append((round(score, 4), i, reasons, shared))
        return result


_SMALL_COLLECTION = 64
"""Collections up to this size give their bonus to every member."""


def _reasons(a: dict[str, float], b: dict[str, float], surfaces: dict[str, str]) -> tuple[str, ...]:
    """Up to three shared terms that contributed most, phrases before their own words."""
    shared = sorted((-(a[t] * b[t]), t) for t in a.keys() & b.keys())[:8]
    phrases = [t for _, t in shared if " " in t]
    chosen = [
        t for _, t in shared if " " in t or not any(t in phrase.split(" ") for phrase in phrases)
    ]
    reasons: dict[str, str] = {}
    for term in chosen:
        surface = surfaces.get(term, term)
        reasons.setdefault(text.stem(surface.casefold()), surface)
    return tuple(reasons.values())[:3]


def _named(refs: Iterable[Reference], exists: Callable[[str], bool]) -> list[Suggestion]:
    """The references that resolve, once each, as explicit suggestions."""
    names = dict.fromkeys(r.name for r in refs)
    return [Suggestion(name, 1.0, (), explicit=True) for name in names if exists(name)]


def relate(catalogue: Catalogue, options: Options = Options()) -> Relations:
    """Build the keyword and expertise indexes and the related skills and personas."""
    personas, skills = catalogue.personas, catalogue.skills
    keywords = index_terms((p.name, p.keywords) for p in personas)
    expertise = index_terms((p.name, p.expertise) for p in personas)

    infer = bool(options.suggest_skills or options.related_personas)
    space = _Space([*personas, *skills], options.max_document_frequency) if infer else None
    skill_matcher = _Matcher(space, skills, len(personas), options) if infer else None
    persona_matcher = _Matcher(space, personas, 0, options) if infer else None
    declared = [{text.key(label): label for label in (*p.keywords, *p.expertise)} for p in personas]

    def is_skill(name: str) -> bool:
        return catalogue.get(Kind.SKILL, name) is not None

    def is_persona(name: str) -> bool:
        return catalogue.get(Kind.PERSONA, name) is not None

    skills_of: dict[str, tuple[Suggestion, ...]] = {}
    related: dict[str, tuple[Suggestion, ...]] = {}
    users: dict[str, list[Suggestion]] = defaultdict(list)
    for index, persona in enumerate(personas):
        chosen = _named(persona.skills, is_skill)
        for suggestion in chosen:
            users[suggestion.name].append(Suggestion(persona.name, 1.0, (), explicit=True))
        if options.suggest_skills:
            exclude = {s.name for s in chosen}
            for score, i, reasons, shared in skill_matcher.best(
                persona, index, exclude, options.suggest_skills
            ):
                name = skills[i].name
                chosen.append(Suggestion(name, score, reasons, collection=shared))
                users[name].append(Suggestion(persona.name, score, reasons, collection=shared))
        skills_of[persona.name] = tuple(chosen)

        found = _named(persona.related, lambda n, me=persona.name: n != me and is_persona(n))
        if options.related_personas:
            exclude = {persona.name, *(s.name for s in found)}
            for score, i, reasons, shared in persona_matcher.best(
                persona, index, exclude, options.related_personas
            ):
                both = tuple(label for key, label in declared[index].items() if key in declared[i])
                found.append(
                    Suggestion(personas[i].name, score, both[:3] or reasons, collection=shared)
                )
        related[persona.name] = tuple(found)

    def order(items: list[Suggestion]) -> tuple[Suggestion, ...]:
        named = [s for s in items if s.explicit]
        inferred = sorted((s for s in items if not s.explicit), key=lambda s: (-s.score, s.name))
        return (*named, *inferred)

    personas_of = {s.name: order(users.get(s.name, [])) for s in skills}
    return Relations(keywords, expertise, skills_of, personas_of, related)
