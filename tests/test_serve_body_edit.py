"""An edit to a persona's body alone, under ``mkdocs serve --dirty``: the matcher's index
(``match.json``, which holds the words of every body since issue 22) follows it, and the
served site equals a clean build (it kept the words of the old body: the filter and the
task matcher did not find a word just written until the server restarted)."""

import json
import time

from conftest import make_project, persona
from serving import Session, assert_equals_clean_build


def test_a_body_only_edit_reaches_the_matchers_index(tmp_path, monkeypatch, clean_build):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = {f"personas/p{i}.md": persona(f"p{i}", keywords=[f"k{i}"]) for i in range(4)}
    project = make_project(tmp_path / "project", files)
    session = Session(project, tmp_path / "site")
    index = json.loads((session.site / "match.json").read_text("utf-8"))
    assert not any(term.startswith("zanzibar") for term in index["terms"])
    before = (session.site / "personas.json").stat().st_mtime_ns
    time.sleep(0.01)
    path = project / "personas/p2.md"
    path.write_text(path.read_text("utf-8") + "\nTune the zanzibarite pipeline.\n", "utf-8")
    session.rebuild()
    index = json.loads((session.site / "match.json").read_text("utf-8"))
    assert any(term.startswith("zanzibar") for term in index["terms"])  # stemmed
    # The other data files do not read bodies: not written again.
    assert (session.site / "personas.json").stat().st_mtime_ns == before
    assert_equals_clean_build(session, tmp_path, clean_build)
