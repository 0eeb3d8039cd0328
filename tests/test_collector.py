"""The cycle collector stays off while the catalogue is read, analysed and planned.

Those stages build data the rest of the build keeps; at 10,000 entries the collector's
walks over that growing heap took a third of the time of keywords and relations
(``sources/collector.py``). Each stage here runs on a catalogue big enough for the
collector to run several times when it is on; paused, it runs at most once per stage (when
it comes back on, over what the stage made), and is left as the stage found it.
"""

from __future__ import annotations

import gc

import pytest

from mkdocs_personas.analysis import keywords
from mkdocs_personas.analysis.relations import relate
from mkdocs_personas.catalogue.catalogue import Reader, Settings

from conftest import persona, write


@pytest.fixture
def collections():
    """The generations collected while the test runs."""
    seen: list[int] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(record)
    try:
        yield seen
    finally:
        gc.callbacks.remove(record)


def _catalogue(tmp_path) -> Settings:
    write(
        tmp_path,
        {
            f"personas/p{i}.md": persona(
                f"p{i}",
                keywords=(),
                description=f"Reviews topic{i % 13} services and area{i % 7} pipelines.",
                body=f"## Topic{i % 13}\n\n" + " ".join(f"word{j}" for j in range(i, i + 60)),
            )
            for i in range(200)
        },
    )
    return Settings(tmp_path, personas=("personas/*.md",), skills=())


def test_reading_deriving_and_relating_collect_once_each(tmp_path, collections):
    assert gc.isenabled()
    settings, reader = _catalogue(tmp_path), Reader()
    seen = {}

    def stage(what, work):
        gc.collect()  # the stage starts with the counts at 0
        collections.clear()
        result = work()
        seen[what] = len(collections)
        assert gc.isenabled(), f"{what} left the collector off"
        return result

    catalogue = stage("reading", lambda: reader.load(settings)[0])
    derived = stage("deriving keywords", lambda: keywords.apply(catalogue))
    relations = stage("relating", lambda: relate(derived))
    assert relations.related, "the catalogue was too small to relate anything"
    # One collection each at most: when the collector comes back, of all the stage made.
    assert max(seen.values()) <= 1, seen
    # The same stages with the collector left on run it many times: the check can fail.
    unpaused = stage("unpaused", lambda: relate.__wrapped__(keywords.apply.__wrapped__(catalogue)))
    assert unpaused.related == relations.related
    assert seen["unpaused"] >= 4, seen


def test_a_collector_that_was_off_stays_off(tmp_path):
    gc.disable()
    try:
        catalogue = Reader().load(_catalogue(tmp_path))[0]
        relate(keywords.apply(catalogue))
        assert not gc.isenabled()
    finally:
        gc.enable()
