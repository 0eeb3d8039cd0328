"""Content similarity of personas and skills: weighted terms, TF-IDF vectors, sparse cosines.

Each entry becomes a unit vector over its terms (words and two-word phrases of its
keywords, name, title, expertise, description, section headings and named skills),
weighted by field and by rarity. All similarities of one kind of entry to another come
from a single sparse matrix product (scipy), so the work grows with the pairs of entries
that share a term, not with the square of the catalogue. Terms found in more than
``max_df`` entries still count in each vector's length but pair nothing: they are too
common to relate anything, and bounding them keeps the product linear in the catalogue.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..sources import text
from ..sources.model import Entry

FIELD_WEIGHTS = {
    "keywords": 3.0,
    "name": 3.0,
    "title": 2.0,
    "expertise": 2.0,
    "description": 1.0,
    "headings": 0.5,
}
"""How much a term counts, by the field it comes from (its strongest field wins)."""

_SUBHEADING = re.compile(r"#{2,4}[ \t]+(.+)")

Profile = dict[str, tuple[float, str]]
"""Term -> (weight, the spelling the entry used)."""


def _headings(body: str) -> str:
    """The body's section headings (levels 2 to 4), one per line."""
    return "\n".join(m.group(1) for m in map(_SUBHEADING.match, body.split("\n")) if m)


def profile(entry: Entry) -> Profile:
    """The weighted terms of one entry."""
    sources = {
        "keywords": "\n".join(entry.keywords),
        "name": entry.name.replace("-", " "),
        "title": entry.title,
        "expertise": "\n".join(entry.expertise),
        "description": entry.description,
        "headings": _headings(entry.body),
    }
    terms: Profile = {}
    for field_name, source in sources.items():
        weight = FIELD_WEIGHTS[field_name]
        chunks = source.split("\n") if field_name in ("keywords", "expertise") else [source]
        for chunk in chunks:
            for term, surface in text.terms(chunk):
                if term not in terms or terms[term][0] < weight:
                    terms[term] = (weight, surface)
    for ref in entry.skills:
        terms["skill:" + ref.name] = (FIELD_WEIGHTS["keywords"], ref.name)
    return terms


HEADING_SHARE = 0.02
"""A term found only in the section headings of more than this share of the entries (and
of at least :data:`HEADING_MIN` entries), and nowhere else in most of them, is a
boilerplate heading ("Communication Protocol", "Core Expertise", "Output Format")."""
HEADING_MIN = 3


def boilerplate(profiles: Sequence[Profile], df: Mapping[str, int]) -> frozenset[str]:
    """Terms of the catalogue's boilerplate section headings: they weigh nothing in
    similarity and are never a reason."""
    heading = FIELD_WEIGHTS["headings"]
    only = Counter(t for terms in profiles for t, (w, _) in terms.items() if w == heading)
    floor = max(HEADING_MIN, HEADING_SHARE * len(profiles))
    return frozenset(t for t, n in only.items() if n > floor and n >= 0.8 * df[t])


class Space:
    """Unit TF-IDF vectors of entries, as dicts (for reasons) and as a sparse matrix."""

    def __init__(self, profiles: Sequence[Profile], max_df: int) -> None:
        df = Counter(term for terms in profiles for term in terms)
        count = len(profiles) or 1
        idf = {t: math.log(1 + count / n) for t, n in df.items()}
        self.boilerplate = boilerplate(profiles, df)
        columns = {t: j for j, t in enumerate(sorted(t for t, n in df.items() if n <= max_df))}
        self.units: list[dict[str, float]] = []
        self.surfaces: list[dict[str, str]] = []
        indptr, indices, values = [0], [], []
        for terms in profiles:
            vector = {
                t: w * idf[t] for t, (w, _) in sorted(terms.items()) if t not in self.boilerplate
            }
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            unit = {t: v / norm for t, v in vector.items()}
            self.units.append(unit)
            self.surfaces.append({t: s for t, (_, s) in terms.items()})
            for term, value in unit.items():
                column = columns.get(term)
                if column is not None:
                    indices.append(column)
                    values.append(value)
            indptr.append(len(indices))
        self.matrix = sparse.csr_matrix(
            (np.array(values, dtype=np.float64), np.array(indices, dtype=np.int64), indptr),
            shape=(len(profiles), len(columns)),
        )

    def cosines(self, rows: slice, columns: slice) -> sparse.csr_matrix:
        """Cosine similarity of the ``rows`` entries with the ``columns`` entries."""
        product = self.matrix[rows] @ self.matrix[columns].T
        product.sort_indices()
        return product.tocsr()

    def reasons(self, a: int, b: int) -> tuple[str, ...]:
        """Up to three shared terms that contributed most, phrases before their own words."""
        left, right = self.units[a], self.units[b]
        shared = sorted((-(left[t] * right[t]), t) for t in left.keys() & right.keys())[:8]
        phrases = [t for _, t in shared if " " in t]
        chosen = [t for _, t in shared if " " in t or not any(t in p.split(" ") for p in phrases)]
        reasons: dict[str, str] = {}
        surfaces = self.surfaces[a]
        for term in chosen:
            surface = surfaces.get(term, term)
            reasons.setdefault(text.stem(surface.casefold()), surface)
        return tuple(reasons.values())[:3]


@dataclass(frozen=True)
class Match:
    """One entry found similar to another."""

    index: int
    score: float
    same_collection: bool


SMALL_COLLECTION = 64
"""Collections up to this size give their bonus to every member; in larger ones only to
entries that already share a term, so the cost never grows with a collection's square."""


class Ranking:
    """The best matches of each row of a similarity matrix, with the collection bonus."""

    def __init__(
        self,
        scores: sparse.csr_matrix,
        row_collections: Sequence[str | None],
        column_collections: Sequence[str | None],
        bonus: float,
    ) -> None:
        self.scores, self.bonus = scores, bonus
        self.row_collections = row_collections
        names = sorted({c for c in column_collections if c})
        self.collection_id = {c: i for i, c in enumerate(names)}
        self.column_ids = np.array(
            [self.collection_id.get(c, -1) if c else -1 for c in column_collections],
            dtype=np.int64,
        )
        self.members = {
            c: np.flatnonzero(self.column_ids == i) for c, i in self.collection_id.items()
        }

    def best(self, row: int, limit: int, min_score: float, exclude: set[int]) -> list[Match]:
        """The ``limit`` best columns for ``row``: highest score first, then lowest index."""
        start, end = self.scores.indptr[row], self.scores.indptr[row + 1]
        columns = self.scores.indices[start:end]
        values = self.scores.data[start:end].copy()
        same = np.zeros(len(columns), dtype=bool)
        collection = self.row_collections[row]
        if self.bonus and collection in self.collection_id:
            members = self.members[collection]
            if len(members) <= SMALL_COLLECTION:
                extra = np.setdiff1d(members, columns, assume_unique=True)
                columns = np.concatenate([columns, extra])
                values = np.concatenate([values, np.zeros(len(extra))])
            same = self.column_ids[columns] == self.collection_id[collection]
            values = values + same * self.bonus
        keep = values >= min_score
        for column in exclude:
            keep &= columns != column
        columns, values, same = columns[keep], values[keep], same[keep]
        order = np.lexsort((columns, -np.round(values, 9)))[:limit]
        return [Match(int(columns[i]), round(float(values[i]), 4), bool(same[i])) for i in order]
