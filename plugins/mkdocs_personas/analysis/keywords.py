"""Derived keywords: for entries that declare none, the specific terms they do say.

An entry without declared keywords gets up to :attr:`Options.limit` keywords from its
trigger phrases ("Use PROACTIVELY for Kafka architecture design", "Triggers on: ..."),
the user turns of its ``<example>`` blocks, its name, title, description and headings.
A term is kept only when it is specific: a keyword or expertise the catalogue itself
declares, or a term of the shipped vocabulary (``data/vocabulary.txt``); never a stop
word, a template word (``data/template.txt``, or a term found in more than
:attr:`Options.max_share` of the catalogue's entries), a tool name or a role suffix. Each
keyword keeps the catalogue's or the vocabulary's spelling ("PostgreSQL" for "postgres").
The work is linear in the catalogue and the result depends on nothing else. The rules
are written in ``docs/matching.md``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..catalogue.catalogue import Catalogue
from ..sources import collector
from ..sources.model import Entry, Kind
from .ranking import (
    Analyzer,
    Groups,
    default_analyzer,
    groups_key,
    prefixes,
    word_list,
    words,
)

SOURCE_WEIGHTS = {
    "name": 3,
    "triggers": 3,
    "title": 2,
    "examples": 2,
    "description": 1,
    "headings": 1,
}
"""How much a mention counts, by where it is (a term counts once per source)."""

_TRIGGER = re.compile(
    r"\b(?:use (?:this (?:agent|skill) )?(?:proactively|when|for|to)|invoke (?:this agent )?"
    r"(?:for|when|to)|triggers? (?:on|when|for)|activate[sd]? (?:on|when|for))\b[^.\n]*",
    re.IGNORECASE,
)
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+(.+)")
_EXPERTISE_SPLIT = re.compile(r"\s(?:&|and|or|vs\.?)\s", re.IGNORECASE)


@dataclass(frozen=True)
class Options:
    """How keywords are derived."""

    enabled: bool = True
    """``derive_keywords``: derive keywords for entries that declare none."""
    limit: int = 8
    """At most this many derived keywords per entry."""
    max_share: float = 0.2
    """Terms found in more than this share of the catalogue's entries are template words."""
    min_entries: int = 3
    """Terms found in at most this many entries are never template words by frequency
    (so that a small catalogue keeps its topics)."""


def _turns(example: object) -> list[str]:
    """The user turns of an example: structured (``.turns`` of role and text) or plain."""
    turns = getattr(example, "turns", None)
    if turns is None:
        return [
            line.split(":", 1)[1]
            for line in str(example).split("\n")
            if line.strip().lower().startswith("user:")
        ]
    said = []
    for turn in turns:
        role, text = (turn.role, turn.text) if hasattr(turn, "role") else turn
        if role == "user":
            said.append(text)
    return said


def sources(entry: Entry) -> dict[str, str]:
    """The texts keywords are derived from, by source."""
    return {
        "name": entry.name.replace("-", " "),
        "triggers": "\n".join(m.group() for m in _TRIGGER.finditer(entry.description)),
        "title": entry.title,
        "examples": "\n".join(t for e in entry.examples for t in _turns(e)),
        "description": entry.description,
        "headings": "\n".join(m.group(1) for m in map(_HEADING.match, entry.body.split("\n")) if m),
    }


class Vocabulary:
    """Specific terms (term -> spelling) and the terms that may never be keywords."""

    def __init__(
        self, analyzer: Analyzer, keywords: Iterable[str], expertise: Iterable[str]
    ) -> None:
        self.analyzer = analyzer
        self.specific: dict[str, str] = {}
        self._spell(keywords, whole=True)
        for spelling in word_list("vocabulary"):
            self.specific.setdefault(analyzer.term(spelling), spelling)
        self._spell(expertise, whole=False)
        self.banned_words = {
            w.lower() for name in ("roles", "tools") for w in word_list(name)
        } | analyzer.stopwords
        self.template = {analyzer.term(t) for t in word_list("template")}
        self._allowed: dict[str, bool] = {}
        self.phrases = frozenset(
            analyzer.phrase_key(s) for s in self.specific.values() if " " in s.strip()
        ) | frozenset(t for t in self.specific if " " in t)
        """Phrase keys worth looking for in long texts (before synonyms)."""
        self.phrase_prefixes = prefixes(self.phrases)

    def _spell(self, labels: Iterable[str], whole: bool) -> None:
        """Add declared terms, each with its most common spelling (then the first in
        code-point order). Expertise phrases are cut at punctuation and at "and", "or",
        "&", and a part written in sentence case loses its capital ("Contract")."""
        spellings: dict[str, Counter] = {}
        for label, times in Counter(labels).items():
            label = unicodedata.normalize("NFKC", label).strip()
            parts = [label] if whole else _EXPERTISE_SPLIT.split(label)
            for part in parts:
                for phrase in [[w for p in words(part) for w in p]] if whole else words(part):
                    if not phrase or len(phrase) > 3:
                        continue
                    text = part[phrase[0].start : phrase[-1].end]
                    if not whole and text[:1].isupper() and text[1:] == text[1:].lower():
                        text = text[:1].lower() + text[1:]
                    term = self.analyzer.term(text)
                    if term:
                        spellings.setdefault(term, Counter())[text] += times
        for term, counts in spellings.items():
            best = min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
            self.specific.setdefault(term, best)

    def allowed(self, term: str) -> bool:
        """Whether ``term`` may be a keyword (before the frequency rule)."""
        known = self._allowed.get(term)
        if known is None:
            spelling = self.specific.get(term)
            known = (
                spelling is not None
                and term not in self.template
                and not any(w.lower in self.banned_words for p in words(spelling) for w in p)
            )
            self._allowed[term] = known
        return known


def derive(
    entries: Sequence[Entry],
    declared_vocabulary: Iterable[str] = (),
    options: Options = Options(),
    synonyms: Groups = (),
) -> dict[tuple[Kind, str], tuple[str, ...]]:
    """Derived keywords of the entries that declare none, by ``(kind, name)``.

    ``declared_vocabulary`` adds keywords declared elsewhere (another catalogue the
    site merges); the keywords and expertise of ``entries`` always count. ``synonyms``
    are the catalogue's own synonym groups.
    """
    if not options.enabled or not entries:
        return {}
    analyzer = default_analyzer(groups_key(synonyms))
    vocabulary = Vocabulary(
        analyzer,
        [*declared_vocabulary, *(k for e in entries for k in e.keywords)],
        [e for entry in entries for e in entry.expertise],
    )
    found: list[dict[str, tuple[int, int]]] = []
    df: Counter = Counter()
    for entry in entries:
        mentions: dict[str, tuple[int, int]] = {}
        order = 0
        for source, text in sources(entry).items():
            seen = set()
            spans = analyzer.spans(text, False, vocabulary.phrases, vocabulary.phrase_prefixes)
            for term, _, _, _ in spans:
                order += 1
                if term in seen or not vocabulary.allowed(term):
                    continue
                seen.add(term)
                weight, first = mentions.get(term, (0, order))
                mentions[term] = (weight + SOURCE_WEIGHTS[source], first)
        found.append(mentions)
        df.update(mentions.keys())
    ceiling = max(options.max_share * len(entries), options.min_entries)
    result: dict[tuple[Kind, str], tuple[str, ...]] = {}
    for entry, mentions in zip(entries, found, strict=True):
        if entry.keywords:
            continue
        ranked = sorted(
            (t for t in mentions if df[t] <= ceiling),
            key=lambda t: (-mentions[t][0], df[t], mentions[t][1], t),
        )
        chosen: list[str] = []
        for term in ranked:
            if len(chosen) >= options.limit:
                break
            inside = [c for c in chosen if _contains(c, term) or _contains(term, c)]
            if not inside:
                chosen.append(term)
        if chosen:
            result[(entry.kind, entry.name)] = tuple(vocabulary.specific[t] for t in chosen)
    return result


def _contains(phrase: str, term: str) -> bool:
    """Whether the words of ``term`` are a run of the words of ``phrase``."""
    return f" {term} " in f" {phrase} "


def keyword_map(
    entries: Sequence[Entry], derived: Mapping[tuple[Kind, str], Sequence[str]]
) -> dict[tuple[Kind, str], tuple[tuple[str, ...], tuple[str, ...]]]:
    """``(declared, derived)`` keywords of every entry, for pages and exports."""
    return {
        (e.kind, e.name): (tuple(e.keywords), tuple(derived.get((e.kind, e.name), ())))
        for e in entries
    }


_LAST: list = [None, None]
"""The last derivation's input and result: a rebuild under ``mkdocs serve`` whose edit
touched no text keywords come from (a body paragraph, say) reuses it."""


@collector.pausing
def apply(catalogue: Catalogue, options: Options = Options(), synonyms: Groups = ()) -> Catalogue:
    """The catalogue with each entry's derived keywords set (the pipeline stage after
    reading: derived keywords depend on the whole catalogue)."""
    key = (
        options,
        groups_key(synonyms),
        tuple(
            (e.kind, e.name, e.keywords, e.expertise, *sources(e).values())
            for e in catalogue.entries
        ),
    )
    if _LAST[0] == key:
        derived = _LAST[1]
    else:
        derived = derive(catalogue.entries, options=options, synonyms=synonyms)
        _LAST[:] = [key, derived]
    if not derived:
        return catalogue

    def with_derived(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
        return tuple(
            replace(e, keywords_derived=derived[(e.kind, e.name)])
            if (e.kind, e.name) in derived
            else e
            for e in entries
        )

    return replace(
        catalogue, personas=with_derived(catalogue.personas), skills=with_derived(catalogue.skills)
    )
