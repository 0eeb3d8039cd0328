"""Text helpers shared by the relation stages: identity keys, slugs, A–Z letters, terms."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

_SYMBOLS = {"+": " plus ", "#": " sharp ", "&": " and ", "@": " at "}
_SYMBOL = re.compile("|".join(re.escape(s) for s in _SYMBOLS))
_NON_WORD = re.compile(r"[\W_]+")

OTHER = "other"
DIGITS = "0-9"


@lru_cache(maxsize=1 << 17)
def key(text: str) -> str:
    """Identity of a keyword or expertise: "API", "api" and "Api " are one."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@lru_cache(maxsize=1 << 17)
def slug(text: str) -> str:
    """A readable URL fragment that keeps non-Latin letters: "C++" -> "c-plus-plus"."""
    lowered = unicodedata.normalize("NFKC", text).lower().strip()
    lowered = _SYMBOL.sub(lambda m: _SYMBOLS[m.group(0)], lowered)
    result = _NON_WORD.sub("-", lowered).strip("-")
    return result or "x-" + hashlib.sha1(text.encode()).hexdigest()[:8]


@lru_cache(maxsize=1 << 17)
def letter(slug_text: str) -> str:
    """The A–Z group of a slug: a Latin letter (accents removed), ``0-9``, or ``other``."""
    first = unicodedata.normalize("NFKD", slug_text[:1])[:1].lower()
    if "a" <= first <= "z":
        return first
    if first.isdigit() and first.isascii():
        return DIGITS
    return OTHER


@lru_cache(maxsize=1 << 17)
def sort_key(text: str) -> tuple[str, str]:
    """Order for A–Z lists: accents and case ignored first, then the exact spelling."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    return stripped.casefold(), text


RESERVED_SEGMENTS = frozenset({"letters", "conflicts", "page", "index"})
"""Folder names the index pages use, which a term's own page must not take."""


def unique_slugs(keys: list[str], labels: dict[str, str]) -> dict[str, str]:
    """Slugs for ``keys``, each depending on its own text alone.

    A term keeps its readable slug unless another term of the list has the same one, or
    it is a reserved folder name; then every such term gets a suffix made from its own
    text, so no term ever takes over another's URL, whatever the order of the files.
    """
    owners: dict[str, list[str]] = {}
    for k in keys:
        owners.setdefault(slug(labels[k]), []).append(k)
    result = {}
    taken = set(owners)
    for base, group in owners.items():
        if len(group) == 1 and base not in RESERVED_SEGMENTS:
            result[group[0]] = base
            continue
        for k in group:
            digest = hashlib.sha1(k.encode()).hexdigest()
            size = 6
            while f"{base}-{digest[:size]}" in taken and size < len(digest):
                size += 2
            result[k] = f"{base}-{digest[:size]}"
            taken.add(result[k])
    return result


DATA = Path(__file__).parent.parent / "data"
"""The package's shipped word lists and string tables."""


@cache
def word_list(name: str) -> tuple[str, ...]:
    """The lines of a shipped list (``data/<name>.txt``), without comments and blanks; the
    matcher, derived keywords and relations read the same files."""
    lines = (DATA / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    return tuple(s for s in (line.split("#", 1)[0].strip() for line in lines) if s)


STOPWORDS = frozenset(
    """a about above across after again against all also an and any are as at be because been
    before being below between both but by can could do does doing done during each either
    etc every few for from further get gets had has have having how i if in into is it its
    itself just like made make makes many may more most much must need needs new no not now
    of off on once one only or other our out over own per same should so some such than that
    the their them then there these they this those through to too under until up upon us
    use used uses using very via was we were what when where which while who whom why will
    with within without would you your yours expert experts specialist specialists
    specializing specialized proactively masters master handles handle comprehensive
    including include includes ensure ensures ensuring work working works based across well
    best practice practices modern advanced skill skills persona personas agent agents
    activated""".split()
) | frozenset(
    word.lower()
    for name in ("stopwords", "template", "roles")
    for word in word_list(name)
    if " " not in word
)
"""Words that say nothing about what a persona or skill is about: these, and the shipped
stop words, template words and role suffixes (``data/*.txt``, see docs/matching.md)."""

_TOKEN = re.compile(r"[^\W_](?:[\w+#.]*[\w+#])?")


def stem(word: str) -> str:
    """A light English stem, enough to match plurals and gerunds."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_PHRASE_BREAK = re.compile(r"[,;:!?()\[\]{}|\"\n]|[.](?:\s|$)|\s[-–—]\s")


def terms(text: str) -> list[tuple[str, str]]:
    """``(term, surface form)`` pairs: content words, and pairs of adjacent content words
    within a phrase (never across punctuation)."""
    result: list[tuple[str, str]] = []
    for phrase in _PHRASE_BREAK.split(unicodedata.normalize("NFKC", text)):
        previous: tuple[str, str] | None = None
        for word in _TOKEN.findall(phrase):
            lower = word.lower()
            if lower in STOPWORDS or len(lower) < 2 or lower.isdigit():
                previous = None
                continue
            term = stem(lower)
            result.append((term, word))
            if previous is not None:
                result.append((previous[0] + " " + term, previous[1] + " " + word))
            previous = (term, word)
    return result
