"""What goes together: keyword and expertise indexes, related skills and personas.

Everything here is built from inverted indexes (term -> entries), so the cost grows
with the postings actually shared, never with the square of the catalogue. Results are
deterministic: ties are broken by name and scores are rounded before sorting.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import text
from .catalogue import Catalogue
from .model import Entry


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
    min_score: float = 0.08
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


def _headings(body: str) -> str:
    return "\n".join(
        line.lstrip("#").strip() for line in body.split("\n") if line.startswith("## ")
    )


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
    return profile


class _Space:
    """TF-IDF vectors of entries, with an inverted index from terms to entries."""

    def __init__(self, entries: Sequence[Entry], max_df: int) -> None:
        profiles = [_profile(e) for e in entries]
        df = Counter(term for profile in profiles for term in profile)
        count = len(entries) or 1
        self.idf = {t: math.log(1 + count / n) for t, n in df.items()}
        self.vectors: list[dict[str, float]] = []
        self.surfaces: list[dict[str, str]] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        for index, profile in enumerate(profiles):
            vector = {t: w * self.idf[t] for t, (w, _) in sorted(profile.items())}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            self.vectors.append({t: v / norm for t, v in vector.items()})
            self.surfaces.append({t: s for t, (_, s) in profile.items()})
            for term in vector:
                if df[term] <= max_df:
                    self.postings[term].append(index)

    def similar(
        self,
        vector: dict[str, float],
        postings: dict[str, list[int]],
        targets: list[dict[str, float]],
    ) -> dict[int, float]:
        """Cosine similarity of ``vector`` with every target sharing a term with it."""
        scores: dict[int, float] = defaultdict(float)
        for term, weight in vector.items():
            for index in postings.get(term, ()):
                scores[index] += weight * targets[index][term]
        return scores


def _reasons(a: dict[str, float], b: dict[str, float], surfaces: dict[str, str]) -> tuple[str, ...]:
    shared = sorted((-(a[t] * b[t]), t) for t in a.keys() & b.keys())
    reasons: list[str] = []
    for _, term in shared:
        if any(term in r or r in term for r in reasons):
            continue
        reasons.append(term)
        if len(reasons) == 3:
            break
    return tuple(surfaces.get(t, t) for t in reasons)


def _ranked(
    scores: dict[int, float],
    entries: Sequence[Entry],
    exclude: set[str],
    limit: int,
    min_score: float,
) -> list[tuple[float, int]]:
    ranked = sorted(
        (-round(score, 6), entries[i].name, i)
        for i, score in scores.items()
        if entries[i].name not in exclude and score >= min_score
    )
    return [(-neg, i) for neg, _, i in ranked[:limit]]


def relate(catalogue: Catalogue, options: Options = Options()) -> Relations:
    """Build the keyword and expertise indexes and the related skills and personas."""
    personas, skills = catalogue.personas, catalogue.skills
    keywords = index_terms((p.name, p.keywords) for p in personas)
    expertise = index_terms((p.name, p.expertise) for p in personas)

    space = _Space([*personas, *skills], options.max_document_frequency)
    persona_vectors = space.vectors[: len(personas)]
    skill_vectors = space.vectors[len(personas) :]
    skill_postings: dict[str, list[int]] = defaultdict(list)
    persona_postings: dict[str, list[int]] = defaultdict(list)
    for term, indexes in space.postings.items():
        for i in indexes:
            if i < len(personas):
                persona_postings[term].append(i)
            else:
                skill_postings[term].append(i - len(personas))

    skill_names = {s.name for s in skills}
    skills_of: dict[str, tuple[Suggestion, ...]] = {}
    named_by: dict[str, list[Suggestion]] = defaultdict(list)
    suggested_for: dict[str, list[Suggestion]] = defaultdict(list)
    related: dict[str, tuple[Suggestion, ...]] = {}
    by_collection: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(skills):
        if s.collection:
            by_collection[s.collection].append(i)
    persona_collections: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(personas):
        if p.collection:
            persona_collections[p.collection].append(i)

    for index, persona in enumerate(personas):
        vector = persona_vectors[index]
        explicit = [r.name for r in persona.skills if r.name in skill_names]
        chosen = [Suggestion(name, 1.0, (), explicit=True) for name in dict.fromkeys(explicit)]
        for suggestion in chosen:
            named_by[suggestion.name].append(Suggestion(persona.name, 1.0, (), explicit=True))
        if options.suggest_skills:
            scores = space.similar(vector, skill_postings, skill_vectors)
            same = (
                by_collection.get(persona.collection or "", []) if options.collection_signal else []
            )
            for i in same:
                scores[i] += options.collection_bonus
            for score, i in _ranked(
                scores, skills, set(explicit), options.suggest_skills, options.min_score
            ):
                reasons = _reasons(vector, skill_vectors[i], space.surfaces[index])
                shared = persona.collection if i in same else None
                skill = skills[i]
                chosen.append(Suggestion(skill.name, score, reasons, collection=shared))
                suggested_for[skill.name].append(
                    Suggestion(persona.name, score, reasons, collection=shared)
                )
        skills_of[persona.name] = tuple(chosen)

        if options.related_personas:
            scores = space.similar(vector, persona_postings, persona_vectors)
            same = (
                persona_collections.get(persona.collection or "", [])
                if options.collection_signal
                else []
            )
            for i in same:
                scores[i] += options.collection_bonus
            explicit_related = [r.name for r in persona.related]
            found = [
                Suggestion(name, 1.0, (), explicit=True)
                for name in dict.fromkeys(explicit_related)
                if catalogue.get(persona.kind, name) is not None and name != persona.name
            ]
            exclude = {persona.name, *explicit_related}
            for score, i in _ranked(
                scores, personas, exclude, options.related_personas, options.min_score
            ):
                reasons = _shared_labels(persona, personas[i]) or _reasons(
                    vector, persona_vectors[i], space.surfaces[index]
                )
                shared = persona.collection if i in same else None
                found.append(Suggestion(personas[i].name, score, reasons, collection=shared))
            related[persona.name] = tuple(found)

    def order(items: list[Suggestion]) -> tuple[Suggestion, ...]:
        return tuple(sorted(items, key=lambda s: (-round(s.score, 6), s.name)))

    personas_of = {
        s.name: order(named_by.get(s.name, [])) + order(suggested_for.get(s.name, []))
        for s in skills
    }
    return Relations(keywords, expertise, skills_of, personas_of, related)


def _shared_labels(a: Entry, b: Entry) -> tuple[str, ...]:
    """Keywords, then expertise, that two personas both declare (up to three)."""
    mine = {text.key(k): k for k in (*a.keywords, *a.expertise)}
    shared = [mine[text.key(k)] for k in (*b.keywords, *b.expertise) if text.key(k) in mine]
    return tuple(dict.fromkeys(shared))[:3]
