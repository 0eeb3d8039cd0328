"""The task matcher: words normalised the same way on both sides, and BM25 in integer points.

:func:`index` turns entries into a compact, JSON-ready index (it goes into
``catalogue.json``); :func:`rank` ranks the entries of such an index for a task. The
browser runs its own ``rank`` over the same index, so both follow one written
specification, ``docs/matching.md``: :class:`Analyzer` is its normalisation, and scores
are sums of integer points fixed in the index, so both sides get identical numbers.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from ..sources.model import Entry, Kind
from ..sources.text import word_list

"""The shipped word lists (each documented in its own header)."""

FORMAT = 2
"""Version of the index format (``docs/matching.md``)."""

FIELD_WEIGHTS = {
    "keywords": 2.0,
    "derived": 1.0,
    "name": 2.0,
    "title": 1.0,
    "description": 1.0,
    "expertise": 1.0,
    "headings": 0.5,
    "body": 1.25,
}
"""How much a term counts by the field it is found in (chosen on the tuning halves of
the labelled task sets, ``tests/tasks/natural``). ``keywords`` are the declared ones (the
author's word); ``derived`` keywords repeat what the name, title and description already
say, so they count half as much."""

KEYWORD_FIELDS = 2
"""The first fields of :data:`FIELD_WEIGHTS` are keyword lists (a posting names the keyword
that holds the term); the others are the :data:`TEXT_FIELDS`, in the same order."""

TEXT_FIELDS = ("name", "title", "description", "expertise", "headings", "body")
"""The fields other than keywords, by their code in a posting (``-1 - code``)."""

K1, B = 1.2, 0.75
"""BM25 parameters: term-frequency saturation and length normalisation."""

FIELD_B = {"keywords": 1.0, "derived": 1.0}
"""Length normalisation by field where it is not :data:`B`: a keyword list counts in full
against its length, so a long list cannot beat a focused one."""

RARE = 10
"""A body term found in the files of at most this many entries is indexed for each."""

BODY_BUDGET = 240_000
"""Commoner body terms: each entry's most distinctive ones, at most this many over the
catalogue (``BODY_BUDGET // entries`` per entry, not fewer than :data:`MIN_BODY_TERMS`):
a small catalogue is indexed over its whole bodies, a large one stays small."""

MIN_BODY_TERMS = 16

MAX_RARE = 400
"""At most this many rare body terms per entry (a file of random words stays small)."""

SPECIFIC = 1.5
"""Points of a term that names a technology or domain (the vocabulary's, the synonyms')
are multiplied by this: the words that say what a task is about decide."""

GENERAL = 0.5
"""Points of a term of general English (``data/general.txt``) are multiplied by this."""

MAX_KEYWORDS = 30
"""Declared keywords that count: the first this many (of at most :data:`MAX_KEYWORD`)."""

MAX_KEYWORD = 60
"""Characters of a declared keyword that counts; a longer one is left out."""

SCALE = 1000
"""Points per unit of BM25 weight: a score is ``points / SCALE`` (three decimals)."""

MAX_PHRASE = 3
"""Longest phrase, in words, that a keyword or synonym can match."""

MEMORY = 200_000
"""Short texts whose terms an analyzer remembers (keywords repeat across a catalogue)."""

RELATED = 2
"""A related word (``data/related.txt``) counts for its postings' points divided by this
(rounded down): "p95" finds performance work, below what says "performance"."""

_TOKEN = re.compile(r"[^\W_]+(?:[./_-][^\W_]+)*[+#]*")
_PART = re.compile(r"[./_-]")
_WORD = re.compile(r"[^\W_]+[+#]*")
"""The words of the tokens of a text at once: a token's parts between ``. / _ -``."""
_BREAK = re.compile(r"[,;:!?()\[\]{}|\"\n\u2013\u2014]|\.(?=\s|$)")
_SCAN = re.compile(r"([^\W_]+[+#]*)|[,;:!?()\[\]{}|\"\n\u2013\u2014]|\.(?=\s|$)")
"""Words and phrase breaks at once: a word, or an empty string where a phrase ends."""
_SUFFIXES = (
    ("ization", "ize"),
    ("isation", "ize"),
    ("izing", "ize"),
    ("ising", "ize"),
    ("ized", "ize"),
    ("ised", "ize"),
    ("ise", "ize"),
    ("ysing", "yze"),
    ("yzing", "yze"),
    ("ysed", "yze"),
    ("yzed", "yze"),
    ("yse", "yze"),
    ("ability", "able"),
    ("ibility", "ible"),
    ("ency", "ent"),
    ("ancy", "ant"),
    ("ation", "ate"),
    ("ing", ""),
    ("ed", ""),
)
"""Step 2 of :func:`stem`: the first suffix that fits is replaced, once."""


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A word's form for matching: plurals and common word forms share one stem.

    Only words of letters are stemmed (``k8s``, ``c++`` and ``s3`` stay as they are):
    1. plural: ``-ies`` becomes ``-y`` (longer than 4); a final ``s`` goes (longer than 3,
       not ``-ss``, and not ``-us``/``-is`` when longer than 4: ``redis``, ``status``);
    2. the first fitting suffix of :data:`_SUFFIXES` is replaced, if at least 3 letters
       remain; after ``-ing``/``-ed``, a doubled final consonant other than l, s, z is
       halved (``logging`` -> ``log``);
    3. a final ``e`` goes (longer than 3): ``cache``, ``caches`` and ``caching`` -> ``cach``.
    """
    if not word.isalpha():
        return word
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith("ss")
        and not (len(word) > 4 and word.endswith(("us", "is")))
    ):
        word = word[:-1]
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: len(word) - len(suffix)] + replacement
            if not replacement and word[-1] == word[-2] and word[-1] not in "aeioulsz":
                word = word[:-1]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


class Word(NamedTuple):
    """One word of a text: lowercase, its stem, and where it stands in the text."""

    lower: str
    stem: str
    start: int
    end: int


@lru_cache(maxsize=1 << 15)
def words(text: str) -> tuple[tuple[Word, ...], ...]:
    """The words of ``text`` (NFKC) by phrase: tokens split at ``. / _ -`` inside them.

    Cached: a rebuild under ``mkdocs serve`` reads the same descriptions again."""
    return tuple(tuple(phrase) for phrase in _words(text))


def _words(text: str) -> list[list[Word]]:
    text = unicodedata.normalize("NFKC", text)
    breaks = [m.start() for m in _BREAK.finditer(text)]
    breaks.append(len(text))
    phrases: list[list[Word]] = []
    phrase: list[Word] = []
    following = 0
    for token in _TOKEN.finditer(text):
        position = token.start()
        if position > breaks[following]:
            while breaks[following] < position:
                following += 1
            if phrase:
                phrases.append(phrase)
                phrase = []
        found = token.group()
        for part in _PART.split(found) if _PART.search(found) else (found,):
            lower = part.lower()
            phrase.append(Word(lower, stem(lower), position, position + len(part)))
            position += len(part) + 1
    if phrase:
        phrases.append(phrase)
    return phrases


Groups = Iterable[str | Sequence[str]]
"""Synonym groups: ``"PostgreSQL = Postgres = pg"`` lines, or lists of members."""


class Analyzer:
    """Turns text into matching terms: stems joined by spaces, synonyms made canonical."""

    def __init__(
        self,
        stopwords: Iterable[str],
        synonyms: Mapping[str, str],
        forms: Mapping[str, str] | None = None,
        code: Iterable[str] = (),
        go: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.stopwords = frozenset(stopwords)
        self.synonyms = dict(synonyms)
        self.forms = dict(forms or {})
        """Stems of word forms -> the stem of their base (``auditor`` -> ``audit``)."""
        self.code = frozenset(code)
        """Stems of the words that make a text about code (for the word "go")."""
        go = go or {}
        self.go_after = frozenset(go.get("after", ()))
        """Words after a lowercase "go" that make it a verb (``data/go.txt``)."""
        self.go_before = frozenset(go.get("before", ()))
        """Words before a final lowercase "go" that make it the language."""
        self.prefixes = prefixes(self.synonyms)
        """Beginnings of the synonyms that are phrases (to stop looking early)."""
        self._terms: dict[str, str] = {}
        self._labels: dict[str, list[str]] = {}
        self._info: dict[str, tuple[str, str, bool]] = {}
        self._entries: dict[str, tuple[str | None, bool, bool]] = {}

    @classmethod
    def default(cls, extra_synonyms: Groups = ()) -> Analyzer:
        """The shipped stop words and synonyms, with a catalogue's own groups added."""
        stopwords = {
            unicodedata.normalize("NFKC", w).lower()
            for name in ("stopwords", "filler")
            for w in word_list(name)
        }
        forms: dict[str, str] = {}
        for line in word_list("forms"):
            base, _, others = line.partition(":")
            for form in others.split():
                forms.setdefault(stem(form.lower()), stem(base.strip().lower()))
        forms = {k: v for k, v in forms.items() if k != v}
        code = {forms.get(s, s) for s in (stem(w.lower()) for w in word_list("code"))}
        go = {
            side.strip(): sorted(words.split())
            for side, _, words in (line.partition(":") for line in word_list("go"))
        }
        analyzer = cls(stopwords, {}, forms, code, go)
        shipped = word_list("synonyms")
        for number, group in enumerate([*shipped, *extra_synonyms]):
            members = group.split(" = ") if isinstance(group, str) else list(group)
            keys = [analyzer.phrase_key(m) for m in members]
            keys = [k for k in keys if k]
            if not keys:
                continue
            canonical = analyzer.synonyms.get(keys[0], keys[0])
            if number >= len(shipped):  # a catalogue's own group joins a shipped one
                known = next((k for k in keys if k in analyzer.synonyms), keys[0])
                canonical = analyzer.synonyms.get(known, known)
            for k in keys:
                analyzer.synonyms.setdefault(k, canonical)
        analyzer.prefixes = prefixes(analyzer.synonyms)
        return analyzer

    def phrase_key(self, text: str) -> str:
        """A whole phrase as one term (stems joined by spaces), ignoring punctuation;
        empty for a stop word alone."""
        stems = [w for phrase in words(text) for w in phrase]
        if len(stems) == 1 and stems[0].lower in self.stopwords:
            return ""
        forms = self.forms
        return " ".join(forms.get(w.stem, w.stem) for w in stems)

    def term(self, text: str) -> str:
        """The canonical term of a phrase (a keyword, a vocabulary entry)."""
        found = self._terms.get(text)
        if found is None:
            k = self.phrase_key(text)
            found = self.synonyms.get(k, k)
            if len(self._terms) > MEMORY:
                self._terms.clear()
            self._terms[text] = found
        return found

    def label_terms(self, label: str) -> list[str]:
        """The terms of a short text (a keyword), remembered: catalogues repeat them."""
        found = self._labels.get(label)
        if found is None:
            found = [t for t, _ in self.terms(label)]
            if len(self._labels) > MEMORY:
                self._labels.clear()
            self._labels[label] = found
        return found

    def terms(self, text: str, phrases: bool = True) -> list[tuple[str, str]]:
        """``(term, spelling in text)`` pairs of :meth:`spans`."""
        return [(term, spelling) for term, spelling, _, _ in self.spans(text, phrases)]

    def spans(
        self,
        text: str,
        phrases: bool = True,
        wanted: Set[str] = frozenset(),
        wanted_prefixes: Set[str] = frozenset(),
    ) -> list[tuple[str, str, int, int]]:
        """``(term, spelling, start, end)`` in order of appearance: every word that is not a
        stop word, and every run of 2 to 3 words within a phrase that neither starts nor
        ends with a stop word, each replaced by its synonym group's canonical term.

        Word forms count as their base (:attr:`forms`), and ``go`` is the language
        (``golang``) when it is the only word of its phrase, when it is written with a
        capital ``G`` and is not the first word of its phrase, or when the text is about
        code (:meth:`about_code`) and the words around it do not make it a verb
        (``data/go.txt``); elsewhere it is a stop word ("go through the logs").

        With ``phrases=False`` (long fields: name, title, description, body), runs of
        words are kept only when they are a synonym (``continuous delivery``) or
        ``wanted`` (whose beginnings are ``wanted_prefixes``); the result is the same as
        keeping all and filtering, only faster.
        """
        result: list[tuple[str, str, int, int]] = []
        normal = unicodedata.normalize("NFKC", text)
        stopwords, synonyms, known, forms = self.stopwords, self.synonyms, self.prefixes, self.forms
        found = words(normal)
        code = None
        for phrase in found:
            size = len(phrase)
            stems = []
            stops = []
            for i, w in enumerate(phrase):
                if w.lower == "go":
                    if code is None:
                        code = self.about_code(found)
                    language = (
                        size == 1
                        or (i > 0 and normal[w.start] == "G")
                        or (
                            code
                            and (i + 1 == size or phrase[i + 1].lower not in self.go_after)
                            and (i + 1 < size or i == 0 or phrase[i - 1].lower in self.go_before)
                        )
                    )
                    stems.append("golang" if language else "go")
                    stops.append(not language)
                else:
                    stems.append(forms.get(w.stem, w.stem))
                    stops.append(w.lower in stopwords)
            for i, first in enumerate(phrase):
                if stops[i]:
                    continue
                k = stems[i]
                for n in range(1, min(MAX_PHRASE, size - i) + 1):
                    j = i + n - 1
                    if n > 1:
                        if not phrases and k not in known and k not in wanted_prefixes:
                            break
                        k = k + " " + stems[j]
                    if stops[j]:
                        continue
                    canonical = synonyms.get(k)
                    if n == 1 or phrases or canonical is not None or k in wanted:
                        last = phrase[j]
                        spelling = normal[first.start : last.end]
                        result.append((canonical or k, spelling, first.start, last.end))
        return result

    def field_terms(self, text: str) -> Counter:
        """The terms of a long field and how often each occurs: the same terms as
        ``spans(text, phrases=False)``, counted, without positions (fast: catalogue
        bodies are long, and only the build reads them). Words are counted at once;
        only the phrases with a word that may begin a synonym phrase, or with "go",
        are read word by word."""
        counts: Counter = Counter()
        if not text:
            return counts
        flat = _SCAN.findall(unicodedata.normalize("NFKC", text))
        parts = Counter(flat)
        parts.pop("", None)
        special: set[str] = set()
        code = False
        entries = self._entries
        get = counts.get
        for part, times in parts.items():
            term, begins, coding = entries.get(part) or self._entry(part)
            if term is not None:
                counts[term] = get(term, 0) + times
            if begins:
                special.add(part)
            if coding:
                code = True
        if not special:
            return counts
        hits = [i for i, part in enumerate(flat) if part in special]
        self._phrase_terms(flat, hits, code, counts)
        return counts

    def _entry(self, part: str) -> tuple[str | None, bool, bool]:
        """What a word of a long field gives: its term (None for a stop word or "go"),
        whether it is "go" or may begin a synonym phrase, and whether it is a code word."""
        lower, form, stop = self._info.get(part) or self._word(part)
        if lower == "go":
            found: tuple[str | None, bool, bool] = (None, True, False)
        elif stop:
            found = (None, False, form in self.code)
        else:
            found = (self.synonyms.get(form, form), form in self.prefixes, form in self.code)
        if len(self._entries) > MEMORY:
            self._entries.clear()
        self._entries[part] = found
        return found

    def _word(self, part: str) -> tuple[str, str, bool]:
        """A word's lowercase, its stem after word forms, and whether it is a stop word."""
        found = self._info.get(part)
        if found is None:
            lower = part.lower()
            form = stem(lower)
            found = (lower, self.forms.get(form, form), lower in self.stopwords)
            if len(self._info) > MEMORY:
                self._info.clear()
            self._info[part] = found
        return found

    def _phrase_terms(self, flat: list[str], hits: list[int], code: bool, counts: Counter) -> None:
        """Add the synonym phrases that begin at the words ``hits`` of ``flat`` (the
        words of a text, ``""`` where a phrase ends), and each "go" that is the language.
        Only those words and the two after each are read."""
        known, synonyms, info = self.prefixes, self.synonyms, self._info
        end = len(flat)
        seen: dict[int, tuple[str, bool]] = {}

        def form_of(i: int) -> tuple[str, bool]:
            found = seen.get(i)
            if found is None:
                part = flat[i]
                lower, form, stop = info.get(part) or self._word(part)
                if lower == "go":
                    first = i == 0 or not flat[i - 1]
                    last = i + 1 == end or not flat[i + 1]
                    language = (
                        (first and last)
                        or (not first and part[0] == "G")
                        or (
                            code
                            and (last or flat[i + 1].lower() not in self.go_after)
                            and (not last or first or flat[i - 1].lower() in self.go_before)
                        )
                    )
                    form, stop = ("golang", False) if language else ("go", True)
                found = seen[i] = (form, stop)
            return found

        for i in hits:
            k, stop = form_of(i)
            if k == "golang" and flat[i].lower() == "go":
                counts[synonyms.get(k, k)] += 1
            if stop or k not in known:
                continue
            for j in range(i + 1, min(i + MAX_PHRASE, end)):
                if not flat[j] or k not in known:
                    break
                form, stop = form_of(j)
                k = k + " " + form
                if not stop and k in synonyms:
                    counts[synonyms[k]] += 1

    def about_code(self, found: Sequence[Sequence[Word]]) -> bool:
        """Whether a text is about code: one of its words is a code word (``data/code.txt``)."""
        code, forms = self.code, self.forms
        return any(forms.get(w.stem, w.stem) in code for phrase in found for w in phrase)


def prefixes(terms: Iterable[str]) -> frozenset[str]:
    """Every proper beginning (in whole words) of the terms that are phrases."""
    found = set()
    for term in terms:
        parts = term.split(" ")
        found.update(" ".join(parts[:n]) for n in range(1, len(parts)))
    return frozenset(found)


@lru_cache(maxsize=8)
def default_analyzer(extra: tuple[tuple[str, ...], ...] = ()) -> Analyzer:
    """:meth:`Analyzer.default`, built once per set of extra synonym groups."""
    return Analyzer.default(extra)


def groups_key(groups: Groups) -> tuple[tuple[str, ...], ...]:
    """Synonym groups as a hashable value (lines split at `` = ``)."""
    return tuple(tuple(g.split(" = ")) if isinstance(g, str) else tuple(g) for g in groups)


def counted_keywords(keywords: Sequence[str]) -> list[str]:
    """The declared keywords that count: at most :data:`MAX_KEYWORDS`, each of at most
    :data:`MAX_KEYWORD` characters (the rest is left out, with a warning from validation)."""
    return [k for k in keywords if len(k) <= MAX_KEYWORD][:MAX_KEYWORDS]


_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+(.*)")


def body_parts(body: str) -> tuple[str, str]:
    """A body's headings (lines starting with ``#``) and the rest, each joined by newlines."""
    headings: list[str] = []
    rest: list[str] = []
    for line in body.split("\n"):
        found = _HEADING.match(line) if line[:4].lstrip(" \t")[:1] == "#" else None
        if found:
            headings.append(found.group(1))
        else:
            rest.append(line)
    return "\n".join(headings), "\n".join(rest)


def index(
    entries: Sequence[Entry],
    derived: Mapping[tuple[Kind, str], Sequence[str]] | None = None,
    synonyms: Groups = (),
    cache: dict | None = None,
) -> dict[str, Any]:
    """The matcher's index of ``entries`` (JSON-ready; format in ``docs/matching.md``).

    ``derived`` adds keywords derived for entries (:func:`keywords.derive`), after the
    declared ones; ``synonyms`` adds a catalogue's own synonym groups. Each entry's whole
    file counts: name, title, description, keywords, expertise, headings and body (its
    rare words all, its commoner ones the :func:`body_terms` most distinctive).

    ``cache`` (a dict kept between calls, ``mkdocs serve``) holds each entry's terms by
    what they are read from: an edit reads the edited entries' again, and no other.
    """
    group_key = groups_key(synonyms)
    analyzer = default_analyzer(group_key)
    derived = derived or {}
    labels: list[list[str]] = []
    fields: list[dict[str, Counter]] = []
    wholes: list[dict[str, int]] = []
    fresh: dict = {}
    for entry in entries:
        extra_of = tuple(derived.get((entry.kind, entry.name), ()))
        key = (
            group_key,
            entry.name,
            entry.title,
            entry.description,
            entry.expertise,
            entry.keywords,
            extra_of,
            entry.body,
        )
        known = cache.get(key) if cache is not None else None
        if known is None:
            known = _entry_terms(analyzer, entry, extra_of)
        if cache is not None:
            fresh[key] = known
        labels.append(known[0])
        fields.append(known[1])
        wholes.append(known[2])
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    return _assembled(analyzer, entries, labels, fields, wholes)


def index_digest(
    entries: Sequence[Entry],
    derived: Mapping[tuple[Kind, str], Sequence[str]] | None = None,
    synonyms: Groups = (),
) -> str:
    """A digest of everything :func:`index` reads from ``entries``, ``derived`` and
    ``synonyms``: equal digests give equal indexes (two processes that read a catalogue
    each can tell whether they read the same one)."""
    derived = derived or {}
    digest = hashlib.blake2b(digest_size=16)

    def put(text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)

    put(repr((FORMAT, groups_key(synonyms))))
    for entry in entries:
        extra = tuple(derived.get((entry.kind, entry.name), ()))
        put(
            repr(
                (
                    entry.kind.value,
                    entry.name,
                    entry.title,
                    entry.description,
                    entry.expertise,
                    entry.keywords,
                    extra,
                    entry.tools,
                    entry.model,
                )
            )
        )
        put(entry.body)
    return digest.hexdigest()


def _entry_terms(
    analyzer: Analyzer, entry: Entry, derived: Sequence[str]
) -> tuple[list[str], dict[str, Counter], dict[str, int]]:
    """One entry's keyword labels, terms by field and the label each keyword term is in
    (read only afterwards: a cache may hold them)."""
    declared = counted_keywords(entry.keywords)
    labels = declared + [k for k in derived if k not in declared]
    found: dict[str, Counter] = {}
    whole = {analyzer.term(label): i for i, label in reversed(list(enumerate(labels)))}
    found["keywords"] = Counter()
    found["derived"] = Counter()
    for i, label in enumerate(labels):
        field = found["keywords"] if i < len(declared) else found["derived"]
        for t in analyzer.label_terms(label):
            field[t] += 1
            whole.setdefault(t, i)
    headings, body = body_parts(entry.body)
    sources = {
        "name": entry.name.replace("-", " "),
        "title": entry.title,
        "description": entry.description,
        "expertise": "\n".join(entry.expertise),
        "headings": headings,
        "body": body,
    }
    for field_name, source in sources.items():
        found[field_name] = analyzer.field_terms(source)
    return labels, found, whole


CHUNK = 2_000
"""Entries whose rows the index works on at once: memory stays bounded (a chunk of
2,000 entries takes some 40 MB) however large the catalogue. A catalogue of more than
one chunk makes each chunk's rows twice (once for document frequencies, once for the
postings) rather than hold them all."""


def _assembled(
    analyzer: Analyzer,
    entries: Sequence[Entry],
    labels: list[list[str]],
    fields: list[dict[str, Counter]],
    wholes: list[dict[str, int]],
) -> dict[str, Any]:
    """The index from every entry's terms: weights, idf and the postings.

    Each (entry, field, term) gets its BM25 weight; an entry's body keeps only its
    :func:`body_terms` vocabulary: every rare term (found in the files of at most
    :data:`RARE` entries; :data:`MAX_RARE` at most, rarest first, then heaviest) and the
    commoner ones of most weight times idf, numbers left out. A term's weights add up
    over the fields, in the order of :data:`FIELD_WEIGHTS`; a posting names the keyword
    that holds the term, else the text field that gave it the most (the first on a tie).

    Computed on arrays, :data:`CHUNK` entries at a time, in the same floating-point
    operations in the same order as the term-by-term reference
    (``tests/ranking_reference.py``), so both give the same index to the bit.
    """
    import numpy as np  # loaded when an index is built, not by every command

    count = len(entries)
    names = list(FIELD_WEIGHTS)
    everything: set[str] = set()
    for found in fields:
        for frequency in found.values():
            everything.update(frequency)
    terms = sorted(everything)  # ids in the order of the terms' text: ties break by it
    ids = {t: i for i, t in enumerate(terms)}
    lengths = [[sum(found[f].values()) for f in names] for found in fields]
    average = [
        sum(length[j] for length in lengths) / count if count else 0.0 for j in range(len(names))
    ]

    def rows_of(start: int) -> _Rows:
        return _Rows.of(fields[start : start + CHUNK], lengths, average, names, ids, start)

    starts = range(0, count, CHUNK)
    held: dict[int, _Rows] = {}  # one chunk is kept for the postings; more are made again
    df = np.zeros(len(terms), dtype=np.int64)
    for start in starts:
        rows = rows_of(start)
        df += np.bincount(rows.tid[rows.sorted(keep=len(starts) == 1)[1]], minlength=len(terms))
        if len(starts) == 1:
            held[start] = rows
        del rows
    idf = np.array([_idf(count, n) for n in df.tolist()], dtype=np.float64)
    specific = specific_terms(analyzer)
    general = general_terms(analyzer)
    factor = np.array(
        [SPECIFIC if t in specific else GENERAL if t in general else 1.0 for t in terms],
        dtype=np.float64,
    )
    digits = np.array([t.isdigit() for t in terms], dtype=bool)
    found_terms, found_entries, found_points, found_where = [], [], [], []
    for start in starts:
        rows = held.pop(start, None) or rows_of(start)
        posted = rows.postings(df, idf, factor, digits, body_terms(count), wholes, ids, names)
        for kept, part in zip(
            (found_terms, found_entries, found_points, found_where), posted, strict=True
        ):
            kept.append(part)
        rows.drop()
    if not found_terms:
        found_terms = found_entries = found_points = found_where = [np.zeros(0, np.int32)]
    term_of = np.concatenate(found_terms)
    order = np.argsort(term_of, kind="stable")  # by term, then entry (chunks are in order)
    term_of = term_of[order]
    position_of = np.concatenate(found_entries)[order]
    starts = _starts(term_of)
    step = np.diff(position_of, prepend=0)
    step[starts] = position_of[starts]
    del position_of
    triples = np.column_stack(
        (step, np.concatenate(found_points)[order], np.concatenate(found_where)[order])
    )
    del order, step, found_terms, found_entries, found_points, found_where
    ends = [*starts.tolist()[1:], len(term_of)] if len(starts) else []
    postings = {
        terms[t]: triples[a:b].reshape(-1).tolist()
        for t, a, b in zip(term_of[starts].tolist(), starts.tolist(), ends, strict=True)
    }
    return index_data(analyzer, entries, labels, postings)


def index_data(
    analyzer: Analyzer,
    entries: Sequence[Entry],
    labels: list[list[str]],
    postings: dict[str, list[int]],
) -> dict[str, Any]:
    """The matcher's index around its postings: the entries, their keywords and what the
    analyzer needs to read a task as the index was read."""
    return {
        "format": FORMAT,
        "names": [e.name for e in entries],
        "kinds": [e.kind.value for e in entries],
        "keywords": labels,
        "stopwords": sorted(analyzer.stopwords),
        "synonyms": dict(sorted(analyzer.synonyms.items())),
        "forms": dict(sorted(analyzer.forms.items())),
        "code": sorted(analyzer.code),
        "go": {"after": sorted(analyzer.go_after), "before": sorted(analyzer.go_before)},
        "related": related_terms(analyzer),
        "terms": postings,
        **({"copies": groups} if (groups := copy_groups(entries)) else {}),
    }


def copy_key(entry: Entry) -> tuple:
    """What makes two entries the same agent under two names: everything a reader gets
    from the file but its name, title and place (a plugin that ships another plugin's
    agent as its own copy)."""
    return (
        entry.kind,
        entry.description,
        entry.body,
        entry.expertise,
        entry.keywords,
        entry.tools,
        entry.model,
    )


def copy_groups(entries: Sequence[Entry]) -> list[list[int]]:
    """The positions of entries that are copies of each other (:func:`copy_key`), a list
    per group of two or more, ascending; groups in the order of their first entry."""
    found: dict[tuple, list[int]] = {}
    for position, entry in enumerate(entries):
        found.setdefault(copy_key(entry), []).append(position)
    return [group for group in found.values() if len(group) > 1]


class _Rows:
    """One (entry, field, term) row per term of each field of a chunk of entries, with
    its BM25 weight, and the rows by (entry, term), each pair's rows in field order."""

    @classmethod
    def of(cls, fields, lengths, average, names, ids, start):
        import numpy as np

        term_ids: list[int] = []
        tfs: list[int] = []
        spans: list[int] = []
        segment_entry: list[int] = []
        segment_field: list[int] = []
        segment_weight: list[float] = []
        segment_norm: list[float] = []
        for position, found in enumerate(fields, start):
            length = lengths[position]
            for code, field_name in enumerate(names):
                frequency = found[field_name]
                if not frequency:
                    continue
                term_ids.extend(map(ids.__getitem__, frequency))
                tfs.extend(frequency.values())
                spans.append(len(frequency))
                segment_entry.append(position)
                segment_field.append(code)
                segment_weight.append(FIELD_WEIGHTS[field_name])
                b = FIELD_B.get(field_name, B)
                segment_norm.append(K1 * (1 - b + b * length[code] / average[code]))
        rows = cls()
        rows.start, rows.stop, rows.size = start, start + len(fields), len(ids)
        rows.tid = np.array(term_ids, dtype=np.int32)
        del term_ids
        tf = np.array(tfs, dtype=np.float64)
        del tfs
        span = np.array(spans, dtype=np.int64)
        rows.entry = np.repeat(np.array(segment_entry, dtype=np.int32), span)
        rows.field = np.repeat(np.array(segment_field, dtype=np.int8), span)
        # weight * tf * (K1 + 1) / (tf + norm), in that order
        w = np.repeat(np.array(segment_weight, dtype=np.float64), span)
        w *= tf
        w *= K1 + 1
        tf += np.repeat(np.array(segment_norm, dtype=np.float64), span)
        w /= tf
        rows.w = w
        return rows

    def sorted(self, keep: bool = False):
        """Each row's (entry, term) key, the rows in the order of their keys (a pair's
        rows in field order), and where each pair starts in that order. Worked out when
        needed, and kept (``keep``) only by a chunk that is held: held for every chunk at
        once, they would triple the memory."""
        import numpy as np

        found = getattr(self, "order", None)
        if found is None:
            key = (self.entry - self.start).astype(np.int64) * self.size + self.tid
            by_key = np.argsort(key, kind="stable")
            found = key, by_key[_starts(key[by_key])], by_key
            if keep:
                self.order = found
        return found

    def drop(self) -> None:
        """Let the chunk's arrays go once its postings are out."""
        del self.tid, self.entry, self.field, self.w
        self.order = None

    def postings(self, df, idf, factor, digits, bound, wholes, ids, names):
        """(term, entry, points, where) of each posting of the chunk with points."""
        import numpy as np

        tid, entry, field, w = self.tid, self.entry, self.field, self.w
        size = len(ids)
        # An entry's body keeps its rare terms and its most distinctive commoner ones.
        body = field == names.index("body")
        keep = ~body
        counted = body & ~digits[tid]
        rare = counted & (df[tid] <= RARE)
        common = counted & ~rare
        for rows, most, by in (
            (np.flatnonzero(rare), MAX_RARE, lambda rows: (-w[rows], df[tid[rows]])),
            (np.flatnonzero(common), bound, lambda rows: (-w[rows] * idf[tid[rows]],)),
        ):
            many = np.bincount(entry[rows] - self.start)[entry[rows] - self.start] > most
            keep[rows[~many]] = True  # an entry with no more than ``most`` keeps them all
            rows = rows[many]
            order = rows[np.lexsort((tid[rows], *by(rows), entry[rows]))]
            keep[order[_rank_within(entry[order]) < most]] = True
        del body, counted, rare, common

        # Each (entry, term): its weights summed field by field, and where it scores best.
        key, _, by_key = self.sorted()
        kept = by_key[keep[by_key]]
        del keep, by_key
        starts = _starts(key[kept])
        pair = key[kept[starts]]
        del key
        pair_of = np.zeros(len(kept), dtype=np.int64)
        pair_of[starts] = 1
        pair_of = np.cumsum(pair_of) - 1
        total = np.zeros(len(pair), dtype=np.float64)
        kept_field, kept_w = field[kept], w[kept]
        del kept
        for code in range(len(names)):
            rows = np.flatnonzero(kept_field == code)
            total[pair_of[rows]] += kept_w[rows]
        where = np.zeros(len(pair), dtype=np.int64)
        text = np.flatnonzero(kept_field >= KEYWORD_FIELDS)
        if len(text):
            text_pair, text_w = pair_of[text], kept_w[text]
            groups = _starts(text_pair)
            most = np.maximum.reduceat(text_w, groups)
            top = text[text_w == np.repeat(most, np.diff(np.r_[groups, len(text)]))]
            first = top[_starts(pair_of[top])]
            where[pair_of[first]] = KEYWORD_FIELDS - 1 - kept_field[first]  # -1 - text code
        del pair_of, kept_field, kept_w, text
        in_keywords = [
            ((position - self.start) * size + ids[t], label)
            for position in range(self.start, self.stop)
            for t, label in wholes[position].items()
            if t in ids
        ]
        if in_keywords:
            keys, label = np.array(in_keywords, dtype=np.int64).reshape(-1, 2).T
            at = np.searchsorted(pair, keys)
            found = (at < len(pair)) & (pair[np.minimum(at, len(pair) - 1)] == keys)
            where[at[found]] = label[found]
        pair_term = pair % size
        points = np.rint(idf[pair_term] * (total * factor[pair_term]) * SCALE).astype(np.int64)
        scoring = np.flatnonzero(points > 0)
        return (  # small integers: 4 bytes each, for catalogues of any size
            pair_term[scoring].astype(np.int32),
            (pair[scoring] // size + self.start).astype(np.int32),
            points[scoring].astype(np.int32),
            where[scoring].astype(np.int32),
        )


def _starts(groups):
    """For an array of group labels, sorted, where each group starts."""
    import numpy as np

    if not len(groups):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])


def _rank_within(groups):
    """For an array of group labels, sorted, each item's place in its group (0, 1, ...)."""
    import numpy as np

    starts = _starts(groups)
    return np.arange(len(groups)) - np.repeat(starts, np.diff(np.r_[starts, len(groups)]))


def related_terms(analyzer: Analyzer) -> dict[str, list[list[str]]]:
    """Each related word's term -> ``[term, spelling]`` of the words it also looks for
    (``data/related.txt``, in its order; a word is never related to itself)."""
    found: dict[str, list[list[str]]] = {}
    for line in word_list("related"):
        head, _, members = line.partition(":")
        head = head.strip()
        target = analyzer.term(head)
        if not target:
            continue
        for member in members.split(","):
            key = analyzer.term(member.strip())
            if key and key != target and [target, head] not in found.setdefault(key, []):
                found[key].append([target, head])
    return dict(sorted(found.items()))


def specific_terms(analyzer: Analyzer) -> frozenset[str]:
    """Terms that name a technology or domain: the vocabulary's and the synonyms'."""
    found = {analyzer.term(v) for v in word_list("vocabulary")}
    found.update(analyzer.synonyms.values())
    return frozenset(found)


def general_terms(analyzer: Analyzer) -> frozenset[str]:
    """Terms of general English words (``data/general.txt``)."""
    return frozenset(analyzer.term(w) for line in word_list("general") for w in line.split()) - {""}


def _idf(count: int, df: int) -> float:
    return math.log(1 + (count - df + 0.5) / (df + 0.5))


def body_terms(count: int) -> int:
    """How many commoner body terms each of ``count`` entries keeps."""
    return max(MIN_BODY_TERMS, BODY_BUDGET // max(count, 1))


@dataclass(frozen=True)
class Match:
    """One term a task and an entry share."""

    term: str
    """The normalised term."""
    task: str
    """How the task spells it."""
    keyword: str | None
    """The entry's keyword it matched (its own spelling), when it matched a keyword."""
    points: int
    field: str = "keywords"
    """Where the entry has it: ``keywords``, else the text field that gave it the most
    points (``name``, ``title``, ``description``, ``expertise``, ``headings``, ``body``)."""
    related: str | None = None
    """When the task's word is related to the term (``data/related.txt``): the term as
    the list writes it ("performance" for the task's "p95")."""


@dataclass(frozen=True)
class Result:
    """An entry found for a task, with why."""

    name: str
    kind: str
    points: int
    """The score in integer points: the sum of the matched terms' points."""
    matches: tuple[Match, ...]
    """Matched terms, most points first (then by term)."""
    copies: tuple[str, ...] = ()
    """The names of the entry's copies (the same agent under other names, ``copies`` of
    the index), in index order: they are folded into this result."""

    @property
    def score(self) -> float:
        """The score: ``points / 1000`` (three decimals, identical in JavaScript)."""
        return self.points / SCALE

    def to_data(self) -> dict[str, Any]:
        """JSON-ready form (as in the test vectors)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "score": self.score,
            "matches": [
                {
                    "term": m.term,
                    "task": m.task,
                    "keyword": m.keyword,
                    "field": m.field,
                    "points": m.points,
                    **({"related": m.related} if m.related is not None else {}),
                }
                for m in self.matches
            ],
            **({"copies": list(self.copies)} if self.copies else {}),
        }


@dataclass(frozen=True)
class Ranking:
    """The answer to a task: the top results, how many entries matched in all, and how
    many of the task's terms the index has."""

    results: list[Result]
    total: int
    """Entries with points, copies folded (the top ones are :attr:`results`)."""
    terms: int
    """Distinct terms of the task found in the index."""

    def to_data(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "terms": self.terms,
            "results": [r.to_data() for r in self.results],
        }


def with_labels(data: Mapping[str, Any], personas: Sequence[Mapping[str, Any]]) -> dict:
    """An index whose keyword spellings were left out (the site's ``match.json``), with
    those of ``catalogue.json``'s personas: declared, then derived ones not declared."""
    if "keywords" in data:
        return dict(data)
    labels = [
        [*p["keywords"], *(k for k in p["keywords_derived"] if k not in p["keywords"])]
        for p in personas
    ]
    return {**data, "keywords": labels}


_analyzers: list[tuple[Mapping, Analyzer]] = []


def analyzer_of(data: Mapping[str, Any]) -> Analyzer:
    """The analyzer an index was built with (its stop words, synonyms, forms, code words)."""
    for known, analyzer in _analyzers:
        if known is data:
            return analyzer
    analyzer = Analyzer(
        data["stopwords"],
        data["synonyms"],
        data.get("forms", {}),
        data.get("code", ()),
        data.get("go", {}),
    )
    _analyzers[:] = [*_analyzers[-3:], (data, analyzer)]
    return analyzer


def rank(data: Mapping[str, Any], task: str, top: int = 10) -> list[Result]:
    """The ``top`` entries of an :func:`index` for ``task``: most points first, then by
    name, then by kind; entries that share no term with the task are left out."""
    return search(data, task, top).results


def search(data: Mapping[str, Any], task: str, top: int = 10) -> Ranking:
    """:func:`rank`, with the number of entries found in all and of terms matched."""
    spelled: dict[str, tuple[str, int, int]] = {}
    for term, spelling, start, end in analyzer_of(data).spans(task):
        spelled.setdefault(term, (spelling, start, end))
    related: dict[str, tuple[str, tuple[str, int, int]]] = {}
    table = data.get("related", {})
    for term, span in spelled.items():
        for target, written in table.get(term, ()):
            if target not in spelled and target not in related:
                related[target] = (written, span)
    postings = {t: data["terms"][t] for t in spelled if t in data["terms"]}
    postings.update((t, data["terms"][t]) for t in related if t in data["terms"])
    points: dict[int, int] = defaultdict(int)
    for term, flat in postings.items():
        divisor = RELATED if term in related else 1
        position = 0
        for i in range(0, len(flat), 3):
            position += flat[i]
            gained = flat[i + 1] // divisor
            if gained:
                points[position] += gained
    names, kinds = data["names"], data["kinds"]

    def ranked(p: int) -> tuple:  # most points first, then by name, then by kind
        return (-points[p], names[p], kinds[p])

    group_of = _groups(data)
    if group_of:  # copies fold into the one of them that ranks first
        best: dict[int, int] = {}
        for p in points:
            g = group_of.get(p)
            if g is not None and (g not in best or ranked(p) < ranked(best[g])):
                best[g] = p
        points = {
            p: n for p, n in points.items() if group_of.get(p) is None or best[group_of[p]] == p
        }
    order = heapq.nsmallest(top, points, key=ranked)
    matched: dict[int, list[tuple[Match, int, int]]] = {p: [] for p in order}
    for term, flat in postings.items():
        written, divisor = None, 1
        if term in related:
            written, (spelling, start, end) = related[term]
            divisor = RELATED
        else:
            spelling, start, end = spelled[term]
        position = 0
        for i in range(0, len(flat), 3):
            position += flat[i]
            gained = flat[i + 1] // divisor
            if gained and position in matched:
                where = flat[i + 2]
                label = data["keywords"][position][where] if where >= 0 else None
                field = "keywords" if where >= 0 else TEXT_FIELDS[-1 - where]
                match = Match(term, spelling, label, gained, field, written)
                matched[position].append((match, start, end))
    groups = data.get("copies", ())
    results = [
        Result(
            names[p],
            kinds[p],
            points[p],
            _reasons(matched[p]),
            tuple(names[q] for q in groups[group_of[p]] if q != p) if p in group_of else (),
        )
        for p in order
    ]
    return Ranking(results, len(points), len(postings))


_group_maps: list[tuple[Mapping, dict[int, int]]] = []


def _groups(data: Mapping[str, Any]) -> dict[int, int]:
    """Each entry of a copy group of the index -> the group's number (once per index)."""
    groups = data.get("copies")
    if not groups:
        return {}
    for known, found in _group_maps:
        if known is groups:
            return found
    found = {p: g for g, members in enumerate(groups) for p in members}
    _group_maps[:] = [*_group_maps[-3:], (groups, found)]
    return found


def _reasons(found: list[tuple[Match, int, int]]) -> tuple[Match, ...]:
    """Matches most points first (then by term), leaving out those whose words lie
    within another match's words (``CI`` within ``CI/CD``): their points still count."""
    kept = [
        m
        for m, start, end in found
        if not any(s <= start and end <= e and (s, e) != (start, end) for _, s, e in found)
    ]
    return tuple(sorted(kept, key=lambda m: (-m.points, m.term)))
