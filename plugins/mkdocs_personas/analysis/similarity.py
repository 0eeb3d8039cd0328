"""Content similarity of personas and skills: weighted terms, TF-IDF vectors, sparse cosines.

Each entry becomes a unit vector over its terms (words and two-word phrases of its
keywords, name, title, expertise, description, section headings and named skills),
weighted by field and by rarity. All similarities of one kind of entry to another come
from one sparse product (the pairs of entries that share a term, joined on arrays), so the
work grows with those pairs, not with the square of the catalogue. Terms found in more than
``max_df`` entries still count in each vector's length but pair nothing: they are too
common to relate anything, and bounding them keeps the product linear in the catalogue.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

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
    """Unit TF-IDF vectors of entries, as dicts (for reasons) and as compressed sparse rows."""

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
        # The unit vectors' pairing terms, row by row (compressed sparse rows).
        self.indptr = np.array(indptr, dtype=np.int64)
        self.indices = np.array(indices, dtype=np.int64)
        self.values = np.array(values, dtype=np.float64)
        self.terms = len(columns)

    def _part(self, part: slice) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """The ``part`` entries' count and nonzeros: (entry within the part, term, value),
        by entry, then term."""
        start, stop, _ = part.indices(len(self.indptr) - 1)
        first, last = self.indptr[start], self.indptr[stop]
        sizes = np.diff(self.indptr[start : stop + 1])
        entry = np.repeat(np.arange(stop - start, dtype=np.int64), sizes)
        return stop - start, entry, self.indices[first:last], self.values[first:last]

    def cosines(self, rows: slice, columns: slice) -> Scores:
        """Cosine similarity of the ``rows`` entries with the ``columns`` entries: for each
        row, the columns it shares a pairing term with, ascending, and their cosines.

        A pair's products add up in the order of their terms, from 0, as in a sparse
        matrix product (so the cosines are those of one, to the bit). Rows are worked on
        in runs of at most :data:`CELLS` (row, column) cells and :data:`PAIRS` products
        (a row with more is a run of its own), so memory stays bounded."""
        height, row_entry, row_term, row_value = self._part(rows)
        width, column_entry, column_term, column_value = self._part(columns)
        by_term = np.lexsort((column_entry, column_term))
        column_entry, column_value = column_entry[by_term], column_value[by_term]
        per_term = np.bincount(column_term, minlength=self.terms)
        term_start = np.cumsum(per_term) - per_term
        reps = per_term[row_term]  # the products each row nonzero takes part in
        row_start = np.r_[0, np.cumsum(np.bincount(row_entry, minlength=height))]
        before = np.r_[0, np.cumsum(reps)][row_start]  # products before each row
        step = max(1, CELLS // max(width, 1))
        found_rows, found_columns, found_values = [], [], []
        first = 0
        while first < height:
            last = int(np.searchsorted(before, before[first] + PAIRS, "right")) - 1
            last = min(max(first + 1, last), first + step, height)
            a, b = row_start[first], row_start[last]
            run = reps[a:b]
            left = np.repeat(np.arange(a, b, dtype=np.int64), run)
            offset = np.arange(len(left), dtype=np.int64) - np.repeat(np.cumsum(run) - run, run)
            right = term_start[row_term[left]] + offset
            cell = (row_entry[left] - first) * width + column_entry[right]
            product = row_value[left] * column_value[right]
            top, cells, first = first, (last - first) * width, last
            if not len(cell):
                continue
            # bincount adds a cell's products one after the other, in the order given
            if len(cell) * SPARSE < cells:  # few products: sort them by cell
                order = np.argsort(cell, kind="stable")  # a cell's products stay in term order
                cell, product = cell[order], product[order]
                new = np.r_[True, cell[1:] != cell[:-1]]
                sums = np.bincount(np.cumsum(new) - 1, weights=product)
                cell = cell[new]
            else:  # every cell of the run at once
                sums = np.bincount(cell, weights=product, minlength=cells)
                cell = np.arange(cells, dtype=np.int64)
            kept = np.flatnonzero(sums)
            found_rows.append(cell[kept] // width + top)
            found_columns.append(cell[kept] % width)
            found_values.append(sums[kept])
        pair_row = np.concatenate([np.zeros(0, dtype=np.int64), *found_rows])
        indices = np.concatenate([np.zeros(0, dtype=np.int64), *found_columns])
        data = np.concatenate([np.zeros(0, dtype=np.float64), *found_values])
        indptr = np.r_[0, np.cumsum(np.bincount(pair_row, minlength=height))]
        return Scores(indptr, indices, data)

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


PAIRS = 2_000_000
"""Products of term weights worked on at once by :meth:`Space.cosines` (some 80 MB)."""

CELLS = 2_000_000
"""(row, column) cells summed at once by :meth:`Space.cosines` (16 MB)."""

SPARSE = 16
"""A run with fewer products than its cells over this sorts its products by cell rather
than sum every cell (both add a cell's products in the same order)."""


class Scores(NamedTuple):
    """Similarities of rows to columns, compressed by row: row ``i``'s columns are
    ``indices[indptr[i]:indptr[i + 1]]``, ascending, and its cosines the same slice of
    ``data``."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


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
        scores: Scores,
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
