"""The extra tuning tasks (``tests/tasks/tuning``) are well formed.

They were written after the matcher's first tuning, from the files alone and without
running the matcher, so that tuning can use more than the non-held-out halves of
``tests/tasks/natural``. Nothing here ranks: the checks are on the data only. Each set
uses the same catalogue as its natural set, every label names a real entry (skipped when
the corpus is not on this machine), no task repeats one of the other labelled sets, and
none is held out (the held-out halves of the natural sets stay the acceptance measure).
"""

from __future__ import annotations

import json
from functools import cache

import pytest

from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.sources.model import Kind

from conftest import REPO

TASKS = REPO / "tests" / "tasks"
TUNING = {p.stem: p for p in sorted((TASKS / "tuning").glob("*.json"))}
SIZES = {"wshobson-agents": 50, "voltagent-subagents": 40}


def load(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def known(name: str) -> dict[str, Kind] | None:
    """Name -> kind of every entry of a tuning set's catalogue; None without the corpus."""
    spec = load(TUNING[name])["catalogue"]
    base = (REPO / spec["base"]).resolve()
    if not base.is_dir():
        return None
    settings = Settings(base, personas=tuple(spec["personas"]), skills=tuple(spec["skills"]))
    catalogue, _ = Reader().load(settings)
    return {e.name: e.kind for e in catalogue.entries}


def other_tasks() -> set[str]:
    """Every task of the labelled sets written before: tasks/*.json and natural/*.json."""
    paths = sorted(TASKS.glob("*.json")) + sorted((TASKS / "natural").glob("*.json"))
    return {t["task"].strip().casefold() for p in paths for t in load(p)["tasks"]}


def test_there_is_a_tuning_set_per_public_collection():
    assert set(TUNING) == set(SIZES)


@pytest.mark.parametrize("name", sorted(TUNING))
def test_a_tuning_set_has_the_natural_catalogue_and_a_note(name):
    data = load(TUNING[name])
    natural = load(TASKS / "natural" / f"{name}.json")
    assert data["catalogue"] == natural["catalogue"]
    assert "2026-12-07" in data["note"] and "tuning" in data["note"]
    assert set(data) == {"note", "catalogue", "tasks"}


@pytest.mark.parametrize("name", sorted(TUNING))
def test_tuning_tasks_are_new_not_held_out_and_well_formed(name):
    tasks = load(TUNING[name])["tasks"]
    assert len(tasks) == SIZES[name]
    texts = [t["task"].strip().casefold() for t in tasks]
    assert len(set(texts)) == len(texts), "a task appears twice in the set"
    repeated = sorted(set(texts) & other_tasks())
    assert not repeated, f"tasks already in natural/ or tasks/*.json: {repeated}"
    for task in tasks:
        assert set(task) == {"task", "accept", "heldout"}, task
        assert task["heldout"] is False, task["task"]
        assert task["task"].strip() and task["accept"], task["task"]
        assert len(set(task["accept"])) == len(task["accept"]), task["task"]


@pytest.mark.parametrize("name", sorted(TUNING))
def test_every_accepted_name_is_an_entry_and_a_persona_can_answer(name):
    entries = known(name)
    if entries is None:
        pytest.skip(f"corpus of {name} is not on this machine")
    for task in load(TUNING[name])["tasks"]:
        missing = [n for n in task["accept"] if n not in entries]
        assert not missing, f"{task['task']!r} accepts unknown {missing}"
        # the matcher ranks personas: each task can be answered by one
        assert any(entries[n] == Kind.PERSONA for n in task["accept"]), task["task"]
