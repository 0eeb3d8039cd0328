"""``mkdocs serve --dirty`` rebuilds only what changed and then equals a clean build."""

import re
import shutil
import time
from pathlib import Path

import pytest

from mkdocs_personas.site.pages.entries import Entries

from conftest import make_project, persona, skill
from serving import Session, assert_equals_clean_build


def mtimes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = {
        f"personas/p{i}.md": persona(
            f"p{i}", keywords=[f"k{i % 4}", f"only{i}"], expertise=[f"Topic {i % 3}"]
        )
        for i in range(12)
    }
    files["skills/s/SKILL.md"] = skill("s", "Handles k1 and only3 work.")
    files["docs/about.md"] = "# About\n\nText.\n"
    return make_project(tmp_path / "project", files)


def test_editing_a_persona_rebuilds_only_what_shows_it(project, tmp_path, clean_build):
    session = Session(project, tmp_path / "site")
    before = mtimes(session.site)
    time.sleep(0.01)
    (project / "personas/p5.md").write_text(
        persona("p5", keywords=["k1", "only5"], expertise=["Topic 2"], complexity="high")
    )
    messages = session.rebuild()
    after = mtimes(session.site)
    rebuilt = {page for page in after if after[page] != before.get(page)}
    assert "personas/p5/index.html" in rebuilt
    assert "catalogue/index.html" in rebuilt
    assert "about/index.html" not in rebuilt
    assert len(rebuilt) < len(after) / 2
    assert any("generated pages changed" in m for m in messages)
    assert_equals_clean_build(session, tmp_path, clean_build)


def test_adding_renaming_and_deleting_leave_no_stale_page(project, tmp_path, clean_build):
    session = Session(project, tmp_path / "site")
    (project / "personas/new.md").write_text(persona("new", keywords=["k0"]))
    session.rebuild()
    assert (session.site / "personas/new/index.html").exists()
    assert_equals_clean_build(session, tmp_path, clean_build)
    (project / "personas/p3.md").rename(project / "personas/renamed.md")
    (project / "personas/renamed.md").write_text(persona("p3-renamed", keywords=["k3"]))
    session.rebuild()
    assert not (session.site / "personas/p3").exists()
    assert not (session.site / "personas/p3.md").exists()
    assert_equals_clean_build(session, tmp_path, clean_build)
    (project / "personas/new.md").unlink()
    (project / "skills/s/SKILL.md").unlink()
    session.rebuild()
    assert not (session.site / "personas/new").exists()
    assert not (session.site / "skills/s").exists()
    assert_equals_clean_build(session, tmp_path, clean_build)


def test_a_navigation_change_rebuilds_every_page(project, tmp_path, clean_build):
    session = Session(project, tmp_path / "site")
    (project / "docs/extra.md").write_text("# Extra page\n")
    session.rebuild()
    assert_equals_clean_build(session, tmp_path, clean_build)
    shutil.rmtree(project / "docs")
    (project / "docs").mkdir()
    (project / "docs/index.md").write_text("# Home again\n")
    session.rebuild()
    assert_equals_clean_build(session, tmp_path, clean_build)


def changed_pages(messages: list[str]) -> int:
    found = [re.search(r"(\d+) of \d+ generated pages changed", m) for m in messages]
    return next(int(f.group(1)) for f in found if f)


def test_a_body_edit_works_out_one_page_and_a_title_edit_every_page_that_shows_it(
    project, tmp_path, clean_build, monkeypatch
):
    """A body edit changes one entry's text and nothing of the site's shape: the other
    entry pages keep their fingerprints without working them out again. A new title (the
    body's heading) changes the shape: the pages that link the entry by its title are
    rebuilt. Each time, and after going back to the first text, the site equals a clean
    build."""
    worked_out = []
    fingerprint = Entries.fingerprint
    monkeypatch.setattr(
        Entries,
        "fingerprint",
        lambda self, entry, *a, **k: (
            worked_out.append(entry.name) or fingerprint(self, entry, *a, **k)
        ),
    )
    session = Session(project, tmp_path / "site")
    path = project / "personas/p5.md"
    first = path.read_text()
    path.write_text(first + "\nA paragraph about the zanzibarite pipeline.\n")
    worked_out.clear()
    assert changed_pages(session.rebuild()) == 1
    assert worked_out == ["p5"]
    assert "zanzibarite" in (session.site / "personas/p5/index.html").read_text()
    assert_equals_clean_build(session, tmp_path, clean_build)

    path.write_text(first.replace("# P5 Persona", "# Pipeline Keeper"))
    worked_out.clear()
    assert changed_pages(session.rebuild()) > 2  # its page, and those that link it
    assert len(worked_out) == 13  # every entry page: 12 personas and the skill
    shown = [p for p in session.site.rglob("index.html") if "Pipeline Keeper" in p.read_text()]
    assert len(shown) > 2
    assert_equals_clean_build(session, tmp_path, clean_build)

    path.write_text(first)
    session.rebuild()
    assert_equals_clean_build(session, tmp_path, clean_build)


def test_a_rebuild_works_out_each_skills_bundle_fingerprint_once(
    project, tmp_path, clean_build, monkeypatch
):
    """Issue 24, each step once: a rebuild under ``mkdocs serve`` compares each skill page
    with the last build and keeps what the next one reuses, and works out the digest of
    the skill's bundle once for both (as the first build does)."""
    from mkdocs_personas.site.pages import bundles

    made = []
    digest_of = bundles.digest_of
    monkeypatch.setattr(bundles, "digest_of", lambda text: made.append(text) or digest_of(text))
    session = Session(project, tmp_path / "site")
    for edit in range(2):
        path = project / "skills/s/SKILL.md"
        path.write_text(path.read_text() + f"\nEdit {edit}.\n")
        made.clear()
        session.rebuild()
        skill = [text for text in made if not text.startswith("([")]  # the links' digest
        assert len(skill) == 1, made
        assert "Edit" in (session.site / "skills/s/index.html").read_text()
    assert_equals_clean_build(session, tmp_path, clean_build)
