"""The matcher's index assembled term by term in plain Python: the reference the
vectorized ``ranking._assembled`` must equal exactly (``test_ranking_assembly.py``)."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from mkdocs_personas.analysis.ranking import (
    FIELD_B,
    FIELD_WEIGHTS,
    GENERAL,
    K1,
    KEYWORD_FIELDS,
    MAX_RARE,
    RARE,
    SCALE,
    SPECIFIC,
    Analyzer,
    B,
    _idf,
    body_terms,
    general_terms,
    index_data,
    specific_terms,
)
from mkdocs_personas.sources.model import Entry


def assembled(
    analyzer: Analyzer,
    entries: Sequence[Entry],
    labels: list[list[str]],
    fields: list[dict[str, Counter]],
    wholes: list[dict[str, int]],
) -> dict[str, Any]:
    """The index from every entry's terms: weights, idf and the postings."""
    count = len(entries)
    lengths = [{f: sum(found[f].values()) for f in FIELD_WEIGHTS} for found in fields]
    average = {
        f: sum(length[f] for length in lengths) / count if count else 0.0 for f in FIELD_WEIGHTS
    }
    df: Counter = Counter()
    for found in fields:
        df.update(set().union(*found.values()))
    idf = {t: _idf(count, n) for t, n in df.items()}
    bound = body_terms(count)
    postings: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    specific = specific_terms(analyzer)
    general = general_terms(analyzer)
    rise = K1 + 1
    for position, found in enumerate(fields):
        length = lengths[position]
        keyword_of = wholes[position]
        weights: dict[str, float] = {}
        best: dict[str, float] = {}
        where_best: dict[str, int] = {}
        for code, field_name in enumerate(FIELD_WEIGHTS, -KEYWORD_FIELDS):
            frequency = found[field_name]
            if not frequency:
                continue
            size = length[field_name]
            b = FIELD_B.get(field_name, B)
            norm = K1 * (1 - b + b * size / average[field_name]) if size else K1
            weight = FIELD_WEIGHTS[field_name]
            by_term = {t: weight * tf * rise / (tf + norm) for t, tf in frequency.items()}
            if field_name == "body":
                by_term = _vocabulary(by_term, df, idf, bound)
            if code < 0:  # the keyword lists: declared, then derived
                for t, w in by_term.items():
                    before = weights.get(t)
                    weights[t] = w if before is None else before + w
                continue
            where = -1 - code
            for t, w in by_term.items():
                before = weights.get(t)
                weights[t] = w if before is None else before + w
                top = best.get(t)
                if top is None or w > top:
                    best[t] = w
                    where_best[t] = where
        for t, w in weights.items():
            if t in specific:
                w *= SPECIFIC
            elif t in general:
                w *= GENERAL
            points = round(idf[t] * w * SCALE)
            if points > 0:
                where = keyword_of.get(t)
                if where is None:
                    where = where_best[t]
                listed = postings.get(t)
                if listed is None:
                    postings[t] = [position, points, where]
                else:
                    listed += (position - last[t], points, where)
                last[t] = position
    return index_data(analyzer, entries, labels, dict(sorted(postings.items())))


def _vocabulary(
    body: dict[str, float], df: Mapping[str, int], idf: Mapping[str, float], bound: int
) -> dict[str, float]:
    """The body terms of an entry that are indexed: every rare one (found in the files of
    at most :data:`RARE` entries; :data:`MAX_RARE` at most, rarest first) and the
    ``bound`` commoner ones of most weight times idf (:func:`body_terms`). Numbers are
    left out."""
    rare: list[tuple[int, float, str]] = []
    common: list[tuple[float, str]] = []
    for t, w in body.items():
        found = df[t]
        if t.isdigit():
            continue
        if found <= RARE:
            rare.append((found, -w, t))
        else:
            common.append((-w * idf[t], t))
    rare.sort()
    if len(common) > bound:
        common = heapq.nsmallest(bound, common) if bound * 4 < len(common) else sorted(common)
    chosen = [t for _, _, t in rare[:MAX_RARE]] + [t for _, t in common[:bound]]
    return {t: body[t] for t in chosen}
