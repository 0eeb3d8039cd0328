"""The cosines of related skills and personas: one sparse product on numpy arrays, equal to
the bit to the textbook product (a row's terms in order, each adding to the columns that
have it), however the rows are cut into runs and whichever way a run adds its products."""

from __future__ import annotations

import random

import pytest

from mkdocs_personas.analysis import similarity
from mkdocs_personas.analysis.relations import Memory
from mkdocs_personas.analysis.similarity import Space

from conftest import REPO


def textbook(space: Space, rows: slice, columns: slice) -> list[dict[int, float]]:
    """Row by row: for each of the row's terms in order, each column entry with that term
    adds the product of the two weights to the column's sum (from 0.0)."""
    count = len(space.indptr) - 1
    r0, r1, _ = rows.indices(count)
    c0, c1, _ = columns.indices(count)

    def nonzeros(i: int) -> list[tuple[int, float]]:
        a, b = int(space.indptr[i]), int(space.indptr[i + 1])
        return list(zip(space.indices[a:b].tolist(), space.values[a:b].tolist(), strict=True))

    having: dict[int, list[tuple[int, float]]] = {}
    for j in range(c0, c1):
        for term, value in nonzeros(j):
            having.setdefault(term, []).append((j - c0, value))
    found = []
    for i in range(r0, r1):
        sums: dict[int, float] = {}
        for term, value in nonzeros(i):
            for j, other in having.get(term, ()):
                sums[j] = sums.get(j, 0.0) + value * other
        found.append({j: v for j, v in sorted(sums.items()) if v != 0})
    return found


def as_rows(scores) -> list[dict[int, float]]:
    rows = []
    for i in range(len(scores.indptr) - 1):
        a, b = int(scores.indptr[i]), int(scores.indptr[i + 1])
        columns = scores.indices[a:b].tolist()
        assert columns == sorted(set(columns))  # ascending, each once
        rows.append(dict(zip(columns, scores.data[a:b].tolist(), strict=True)))
    return rows


def random_profiles(seed: int, entries: int, vocabulary: int) -> list[dict]:
    draw = random.Random(seed)
    words = [f"w{n}" for n in range(vocabulary)]
    return [
        {
            t: (draw.choice((0.5, 1.0, 2.0, 3.0)), t)
            for t in draw.sample(words, draw.randint(0, min(40, vocabulary)))
        }
        for _ in range(entries)
    ]


def wshobson_profiles() -> tuple[list[dict], int]:
    """The term profiles of wshobson-agents' entries, and how many of them are personas."""
    from mkdocs_personas.catalogue.catalogue import Reader, Settings

    base = (REPO / "../shared/corpora/wshobson-agents").resolve()
    if not base.is_dir():
        pytest.skip("../shared/corpora is not beside this clone")
    settings = Settings(
        base, personas=("plugins/*/agents/*.md",), skills=("plugins/*/skills/*/SKILL.md",)
    )
    catalogue, _ = Reader().load(settings)
    memory = Memory()
    return [memory.profile(e) for e in catalogue.entries], len(catalogue.personas)


RUNS = {
    "as shipped": {},
    "many small runs, sorted": {"PAIRS": 40, "CELLS": 60, "SPARSE": 10**9},
    "many small runs, every cell": {"PAIRS": 40, "CELLS": 60, "SPARSE": 0},
    "one run, sorted": {"PAIRS": 10**12, "CELLS": 10**12, "SPARSE": 10**9},
}


@pytest.mark.parametrize("how", list(RUNS))
def test_cosines_equal_the_textbook_product_to_the_bit(monkeypatch, how):
    for name, value in RUNS[how].items():
        monkeypatch.setattr(similarity, name, value)
    for seed, (entries, vocabulary, max_df) in enumerate(
        [(60, 30, 100), (120, 400, 100), (90, 50, 5), (1, 10, 100), (40, 20, 0)]
    ):
        space = Space(random_profiles(seed, entries, vocabulary), max_df)
        half = entries // 2
        for rows, columns in [
            (slice(0, half), slice(half, None)),
            (slice(0, half), slice(0, half)),
            (slice(0, entries), slice(0, entries)),
            (slice(0, 0), slice(0, entries)),
            (slice(0, entries), slice(entries, None)),
        ]:
            assert as_rows(space.cosines(rows, columns)) == textbook(space, rows, columns)


def test_cosines_of_a_real_collection_equal_the_textbook_product(monkeypatch):
    profiles, personas = wshobson_profiles()
    space = Space(profiles, 100)
    shipped = as_rows(space.cosines(slice(0, personas), slice(personas, None)))
    assert sum(map(len, shipped)) > 1000
    assert shipped == textbook(space, slice(0, personas), slice(personas, None))
    monkeypatch.setattr(similarity, "PAIRS", 500)
    monkeypatch.setattr(similarity, "CELLS", 2000)
    cut = as_rows(space.cosines(slice(0, personas), slice(0, personas)))
    assert cut == textbook(space, slice(0, personas), slice(0, personas))
    assert all(0 < v <= 1 + 1e-9 for row in cut for v in row.values())  # of unit vectors
