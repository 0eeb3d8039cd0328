"""The matcher's index is assembled on arrays (``ranking._assembled``); it must equal, to
the bit, the term-by-term reference it replaced (``ranking_reference.py``): the same
points, the same body vocabulary (ties broken by the term's text), the same field or
keyword named in each posting."""

from __future__ import annotations

import json
import random

import pytest

from mkdocs_personas.analysis import keywords, ranking
from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.sources.model import Entry

import ranking_reference
from conftest import REPO, make_entry


def _inputs(entries, synonyms=()):
    """What ``ranking.index`` gives ``_assembled`` for ``entries``."""
    analyzer = ranking.default_analyzer(ranking.groups_key(synonyms))
    labels, fields, wholes = [], [], []
    for entry in entries:
        known = ranking._entry_terms(analyzer, entry, entry.keywords_derived)
        labels.append(known[0])
        fields.append(known[1])
        wholes.append(known[2])
    return analyzer, entries, labels, fields, wholes


def assert_same_index(entries, synonyms=()) -> dict:
    inputs = _inputs(entries, synonyms)
    fast, reference = ranking._assembled(*inputs), ranking_reference.assembled(*inputs)
    assert list(fast["terms"]) == list(reference["terms"])  # the same terms, in order
    different = [t for t in reference["terms"] if fast["terms"][t] != reference["terms"][t]]
    assert different == [], different[:5]
    assert json.dumps(fast) == json.dumps(reference)
    return fast


def _random_catalogue(seed: int, count: int) -> list[Entry]:
    """Entries whose bodies mix shared words (common terms, many with equal scores) and
    words of their own (rare terms), numbers, headings and keywords that also occur in
    the text, so that every branch of the assembly is taken."""
    rng = random.Random(seed)
    shared = [f"shared{i}" for i in range(300)]
    found = []
    for number in range(count):
        own = [f"own{number}x{i}" for i in range(rng.choice([5, 50, 450, 700]))]
        words = own + rng.sample(shared, rng.randint(10, 250)) + ["2024", "42"]
        words += rng.choices(shared[:20], k=rng.randint(0, 40))  # repeated: tf above 1
        rng.shuffle(words)
        lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
        body = f"# {rng.choice(shared)} guide\n\n" + "\n".join(lines) + "\n\n## Notes\n\nshared1\n"
        chosen = rng.sample(shared[:60], rng.randint(0, 8))
        found.append(
            make_entry(
                f"agent-{number}",
                body=body,
                keywords=[*chosen, "kubernetes", "data pipelines"][: rng.randint(0, 10)],
                expertise=[f"{rng.choice(shared)} design", "code review"][: rng.randint(0, 2)],
                description=" ".join(rng.sample(shared, 6)),
            )
        )
    return found


@pytest.mark.parametrize("seed", range(4))
def test_the_assembly_equals_the_reference_on_random_catalogues(seed, monkeypatch):
    monkeypatch.setattr(ranking, "BODY_BUDGET", 2_000)  # bodies above the bound: a choice
    monkeypatch.setattr(ranking, "CHUNK", [1, 5, 24, 2_000][seed])  # one chunk, or several
    catalogue = _random_catalogue(seed, 24)
    assert ranking.body_terms(len(catalogue)) == 83
    index = assert_same_index(catalogue, synonyms=[("k8s", "kubernetes")])
    # The branches were taken: bodies kept in part, rare terms capped, keywords named.
    assert any(t.startswith("own") for t in index["terms"])
    rare_kept = {t for t in index["terms"] if t.startswith("own")}
    assert len(rare_kept) < sum(1 for e in catalogue for w in e.body.split() if "own" in w)
    wheres = {p for postings in index["terms"].values() for p in postings[2::3]}
    assert any(w >= 0 for w in wheres) and any(w < 0 for w in wheres)


def test_the_assembly_equals_the_reference_on_an_empty_and_a_one_entry_catalogue():
    assert assert_same_index([])["terms"] == {}
    solo = make_entry("solo", "alpha beta", "Only words here.\n", expertise=["alpha beta"])
    index = assert_same_index([solo])
    # A tie between two fields of equal weight and length: the first field is named.
    assert index["terms"]["alpha"][2] == -ranking.TEXT_FIELDS.index("description") - 1


@pytest.mark.parametrize("name", ["wshobson-agents", "voltagent-subagents"])
def test_the_assembly_equals_the_reference_on_the_real_collections(name):
    base = REPO.parent / "shared" / "corpora" / name
    if not base.is_dir():
        pytest.skip(f"{base} is not on this machine")
    globs = ("**/agents/*.md",) if name == "wshobson-agents" else ("categories/*/*.md",)
    catalogue, _ = Reader().load(Settings(base, personas=globs))
    catalogue = keywords.apply(catalogue)
    assert len(catalogue.personas) > 100
    assert_same_index(catalogue.personas)
