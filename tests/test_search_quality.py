"""Issue 22: the matcher judged on data written before it was tuned, against a naive floor.

The natural-task sets (``tests/tasks/natural``), the word-form cases, the everyday tasks
with the stuffed persona (``tests/tasks/checks``) and the body-recall rule
(``tests/tasks/body_recall.py``) were written and labelled by someone else, from the files,
before the matcher changed. The matcher was tuned on the tuning halves only; the bars are
on the held-out halves. The whole-file BM25 of ``tests/baseline_bm25.py`` runs beside it on
the same tasks: the matcher must be at least as good on every set.

The matcher here is exactly ``personas match``: the catalogue as the reader reads it,
derived keywords, the index of ``export.match_data`` and ``ranking.search``.

    .venv/bin/python -m pytest tests/test_search_quality.py -q -p no:cacheprovider -s
"""

from __future__ import annotations

import json
from functools import cache

import pytest
from baseline_bm25 import rank as baseline_rank
from tasks import body_recall

from mkdocs_personas.analysis import keywords, ranking
from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.outputs.export import match_data

from conftest import REPO

TASKS = REPO / "tests" / "tasks"
NATURAL = {p.stem: p for p in sorted((TASKS / "natural").glob("*.json"))}
WORDFORMS = json.loads((TASKS / "checks" / "wordforms.json").read_text(encoding="utf-8"))
EVERYDAY = json.loads((TASKS / "checks" / "everyday.json").read_text(encoding="utf-8"))
STUFFED = "tests/tasks/checks/stuffed-persona.md"
TOP = 10


def natural(name: str) -> dict:
    return json.loads(NATURAL[name].read_text(encoding="utf-8"))


@cache
def catalogue_of(name: str, extra: tuple[str, ...] = ()):
    """The catalogue of a set (as ``personas match`` reads it, with derived keywords), its
    index and the personas' whole files; None when the corpus is not on this machine."""
    spec = natural(name)["catalogue"]
    base = (REPO / spec["base"]).resolve()
    if not base.is_dir():
        return None
    settings = Settings(base, personas=(*spec["personas"], *extra), skills=tuple(spec["skills"]))
    catalogue, problems = Reader().load(settings)
    catalogue = keywords.apply(catalogue)
    files = {e.name: e.raw for e in catalogue.personas}
    return catalogue, match_data(catalogue), files, problems


def needs(name: str, extra: tuple[str, ...] = ()):
    found = catalogue_of(name, extra)
    if found is None:
        pytest.skip(f"the corpus of {name} is not on this machine")
    return found


def matcher(index: dict, task: str, top: int = TOP) -> list[str]:
    return [r.name for r in ranking.rank(index, task, top)]


def shown(index: dict, task: str, top: int = TOP) -> list[str]:
    """Every entry the first ``top`` results show: each result's name, then the copies
    folded into it (the same agent under other names, listed and linked under it)."""
    return [name for r in ranking.rank(index, task, top) for name in (r.name, *r.copies)]


def shares(tasks: list[dict], rank) -> dict[str, float]:
    """Top-1, top-3 and answered shares of ``tasks`` for a ``rank(task) -> names``."""
    orders = [(t, rank(t["task"])) for t in tasks]
    n = max(len(orders), 1)
    return {
        "tasks": len(orders),
        "top1": sum(bool(o) and o[0] in t["accept"] for t, o in orders) / n,
        "top3": sum(any(name in t["accept"] for name in o[:3]) for t, o in orders) / n,
        "answered": sum(bool(o) for _, o in orders) / n,
        "misses": [
            f"{t['task']!r} -> {o[:3]}" for t, o in orders if not set(o[:3]) & set(t["accept"])
        ],
    }


def line(front: str, name: str, part: str, s: dict) -> str:
    return (
        f"{front} {name} {part}: {s['tasks']} tasks, top-1 {s['top1']:.2f}, "
        f"top-3 {s['top3']:.2f}, answered {s['answered']:.2f}"
    )


NOT_YET = pytest.mark.xfail(
    strict=True,
    reason="issue 22 bar not reached yet on this held-out half: wshobson-agents top-1 0.83 "
    "(bar 0.85; top-3 0.93 meets 0.9 since copies fold); see benchmarks/RESULTS.md",
)


@pytest.mark.parametrize(
    "name",
    [
        "sample",
        "voltagent-subagents",
        pytest.param("wshobson-agents", marks=NOT_YET),
    ],
)
def test_natural_tasks_held_out_reach_the_bars_and_beat_the_baseline(name, capsys):
    """On the held-out half: top-3 >= 0.9, top-1 >= 0.85, every task answered, and at
    least the whole-file BM25 on top-1 and top-3. The tuning half is printed."""
    assert set(NATURAL) == {"sample", "voltagent-subagents", "wshobson-agents"}
    _, index, files, _ = needs(name)
    tasks = natural(name)["tasks"]
    report, failures = [], []
    for part, held in (("tuning", False), ("held-out", True)):
        chosen = [t for t in tasks if t["heldout"] == held]
        ours = shares(chosen, lambda task: matcher(index, task))
        floor = shares(chosen, lambda task: baseline_rank(files, task))
        report += [line("matcher", name, part, ours), line("BM25   ", name, part, floor)]
        if not held:  # the held-out tasks missed are not shown: nothing is tuned on them
            report += [f"    miss: {m}" for m in ours["misses"]]
            continue
        if ours["top1"] < floor["top1"] or ours["top3"] < floor["top3"]:
            failures.append("held-out: the baseline wins")
        if ours["top3"] < 0.9:
            failures.append(f"held-out top-3 {ours['top3']:.2f} < 0.9")
        if ours["top1"] < 0.85:
            failures.append(f"held-out top-1 {ours['top1']:.2f} < 0.85")
        if ours["answered"] < 1:
            failures.append("held-out: a task has no answer")
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert failures == [], "\n".join(report + failures)


@pytest.mark.parametrize("name", ["sample", "voltagent-subagents", "wshobson-agents"])
def test_a_word_in_the_files_of_at_most_ten_personas_finds_them_in_the_top_ten(name, capsys):
    _, index, files, _ = needs(name)
    words = body_recall.words_in_few_files(files)
    assert words
    ours = body_recall.recall(words, lambda word: shown(index, word), top=len(files))
    floor = body_recall.recall(words, lambda word: baseline_rank(files, word))
    mean, base = sum(ours.values()) / len(ours), sum(floor.values()) / len(floor)
    missed = sorted(w for w, r in ours.items() if r < 1)
    with capsys.disabled():
        print(
            f"\nbody recall@10 {name}: matcher {mean:.3f}, BM25 {base:.3f} over {len(ours)} words"
        )
        print(f"    below 1: {missed}")
    assert mean >= 0.9


def test_word_forms_count_as_one_word(capsys):
    failed, count = [], 0
    for case in WORDFORMS["cases"]:
        found = catalogue_of(case["catalogue"])
        if found is None:
            continue
        count += 1
        names = matcher(found[1], case["query"], WORDFORMS["top"])
        if not set(names) & set(case["expect"]):
            failed.append(
                f"{case['query']!r} ({case['catalogue']}): {names}, expected {case['expect']}"
            )
    with capsys.disabled():
        print(f"\nword forms: {count - len(failed)} of {count} pass")
    assert failed == []
    missing = len(WORDFORMS["cases"]) - count
    if missing:  # a clone without ../shared beside it: the cases it has still had to pass
        pytest.skip(f"{missing} word-form cases read ../shared/corpora, not on this machine")
    assert count >= 20


def test_a_stuffed_persona_wins_at_most_two_everyday_tasks_and_gets_a_warning(capsys):
    _, index, _, problems = needs("sample", (STUFFED,))
    assert "universal-helper" in index["names"]
    firsts = [
        t["task"] for t in EVERYDAY["tasks"] if matcher(index, t["task"], 1) == ["universal-helper"]
    ]
    with capsys.disabled():
        print(f"\neveryday: the stuffed persona is first for {len(firsts)} of 30: {firsts}")
    assert len(EVERYDAY["tasks"]) == 30
    assert len(firsts) <= 2
    warnings = [p for p in problems if p.path.endswith("stuffed-persona.md") and not p.fatal]
    assert any("30" in p.message and "keyword" in p.message for p in warnings), warnings


def test_the_body_quota_keeps_a_small_catalogue_whole_and_a_large_one_bounded(monkeypatch):
    """Each entry keeps every rare body word and its ``BODY_BUDGET // entries`` most
    distinctive common ones (at least 16): 24 each at 10,000 entries."""
    from vectors.generate import entry

    assert ranking.body_terms(200) == 1200
    assert ranking.body_terms(10_000) == 24
    assert ranking.body_terms(1_000_000) == 16
    common = [f"common{i}" for i in range(40)]
    entries = [
        entry(
            "persona",
            f"p{n}",
            f"P{n}",
            "An agent.",
            [],
            body=" ".join(common[: 20 + n]) + f" rare{n} " + " ".join(common[:n]),
        )
        for n in range(20)
    ]
    whole = ranking.index(entries)
    monkeypatch.setattr(ranking, "MIN_BODY_TERMS", 5)
    monkeypatch.setattr(ranking, "BODY_BUDGET", 5 * len(entries))
    bounded = ranking.index(entries)

    def body_words(index: dict, position: int) -> set[str]:
        found = set()
        for term, flat in index["terms"].items():
            at = 0
            for i in range(0, len(flat), 3):
                at += flat[i]
                if at == position and term.startswith(("common", "rare")):
                    found.add(term)
        return found

    mine = [body_words(whole, n) for n in range(20)]
    df = {w: sum(w in words for words in mine) for w in set().union(*mine)}
    for n in range(20):
        assert mine[n] == {*common[: 20 + n], f"rare{n}"}
        kept = body_words(bounded, n)
        rare = {w for w in mine[n] if df[w] <= ranking.RARE}
        assert rare <= kept and len(kept - rare) == 5
