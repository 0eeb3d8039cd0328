"""The naive floor of issue 22: plain BM25 over each entry's whole file text.

Lowercase, split on non-alphanumerics, a short stop list; no synonyms, no stemming, no
field weights. The matcher must rank at least as well as this on every labelled set.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from mkdocs_personas.catalogue.catalogue import Reader, Settings

K1, B = 1.2, 0.75
STOP = frozenset(
    "a an and are as at be by can do for from has have how i in into is it its me my of on "
    "or our so that the their this to us we what when which who why will with you your".split()
)


def tokens(text: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9]+", text.lower()) if t not in STOP]


@lru_cache(maxsize=8)
def _index(items: tuple[tuple[str, str], ...]) -> tuple[dict, dict, float]:
    counts = {name: Counter(tokens(text)) for name, text in items}
    lengths = {name: sum(c.values()) for name, c in counts.items()}
    df = Counter(term for c in counts.values() for term in c)
    return counts, df, sum(lengths.values()) / max(len(lengths), 1)


def rank(files: dict[str, str], query: str) -> list[str]:
    """Names of the entries whose files score above zero for ``query``, best first."""
    counts, df, avg = _index(tuple(sorted(files.items())))
    n, scores = len(counts), {}
    for name, tf in counts.items():
        size = sum(tf.values())
        score = 0.0
        for term in set(tokens(query)):
            if tf[term]:
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                score += idf * tf[term] * (K1 + 1) / (tf[term] + K1 * (1 - B + B * size / avg))
        if score > 0:
            scores[name] = score
    return sorted(scores, key=lambda name: (-scores[name], name))


def load(spec: dict, repo: Path) -> dict[str, str] | None:
    """Whole file text of every persona of a task set's catalogue, by the name the
    project's reader gives it; None when the corpus is not on this machine."""
    base = (repo / spec["base"]).resolve()
    if not base.is_dir():
        return None
    settings = Settings(base, personas=tuple(spec["personas"]), skills=tuple(spec["skills"]))
    catalogue, _ = Reader().load(settings)
    return {entry.name: entry.raw for entry in catalogue.personas}


def score(tasks: list[dict], files: dict[str, str]) -> dict[str, float]:
    """Shares of tasks with an acceptable entry first, in the top 3, and answered at all."""
    orders = [(t, rank(files, t["task"])) for t in tasks]
    n = max(len(orders), 1)
    return {
        "tasks": len(orders),
        "top1": sum(bool(o) and o[0] in t["accept"] for t, o in orders) / n,
        "top3": sum(any(name in t["accept"] for name in o[:3]) for t, o in orders) / n,
        "answered": sum(bool(o) for _, o in orders) / n,
    }
