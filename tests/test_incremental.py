"""``mkdocs serve --dirty`` rebuilds only what changed and then equals a clean build."""

import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import make_project, persona, skill
from helpers import tree

SERVE_URL = "http://127.0.0.1:8000/"


class Session:
    """A ``mkdocs serve --dirty`` session without the server: the configuration is loaded
    again for every rebuild, as serve does, and plugins persist across rebuilds."""

    def __init__(self, project: Path, site: Path) -> None:
        self.project, self.site = project, site
        config = self.config()
        config.plugins.on_startup(command="serve", dirty=True)
        self.rebuild(config)

    def config(self):
        config = load_config(str(self.project / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = SERVE_URL
        return config

    def rebuild(self, config=None) -> list[str]:
        records: list[logging.LogRecord] = []
        handler = logging.Handler()
        handler.emit = records.append
        logger = logging.getLogger("mkdocs")
        logger.addHandler(handler)
        level, logger.level = logger.level, logging.INFO
        try:
            build(config or self.config(), serve_url=SERVE_URL, dirty=True)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        return [r.getMessage() for r in records]


def clean_build(project: Path, site: Path) -> dict[str, bytes]:
    """A clean build with the same site URL, in its own process (as a separate command would
    be: MkDocs keeps plugin instances for the whole process)."""
    code = (
        "import sys; from mkdocs.config import load_config; from mkdocs.commands.build import build;"
        f"c = load_config({str(project / 'mkdocs.yml')!r}, site_dir={str(site)!r});"
        f"c.site_url = {SERVE_URL!r}; c.plugins.on_startup(command='serve', dirty=False);"
        f"build(c, serve_url={SERVE_URL!r})"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return tree(site)


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


def assert_equals_clean_build(session: Session, tmp_path: Path) -> None:
    expected = clean_build(session.project, tmp_path / f"clean-{time.monotonic_ns()}")
    served = tree(session.site)
    assert sorted(served) == sorted(expected)
    assert [name for name, data in served.items() if expected[name] != data] == []


def test_editing_a_persona_rebuilds_only_what_shows_it(project, tmp_path):
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
    assert_equals_clean_build(session, tmp_path)


def test_adding_renaming_and_deleting_leave_no_stale_page(project, tmp_path):
    session = Session(project, tmp_path / "site")
    (project / "personas/new.md").write_text(persona("new", keywords=["k0"]))
    session.rebuild()
    assert (session.site / "personas/new/index.html").exists()
    assert_equals_clean_build(session, tmp_path)
    (project / "personas/p3.md").rename(project / "personas/renamed.md")
    (project / "personas/renamed.md").write_text(persona("p3-renamed", keywords=["k3"]))
    session.rebuild()
    assert not (session.site / "personas/p3").exists()
    assert not (session.site / "personas/p3.md").exists()
    assert_equals_clean_build(session, tmp_path)
    (project / "personas/new.md").unlink()
    (project / "skills/s/SKILL.md").unlink()
    session.rebuild()
    assert not (session.site / "personas/new").exists()
    assert not (session.site / "skills/s").exists()
    assert_equals_clean_build(session, tmp_path)


def test_a_navigation_change_rebuilds_every_page(project, tmp_path):
    session = Session(project, tmp_path / "site")
    (project / "docs/extra.md").write_text("# Extra page\n")
    session.rebuild()
    assert_equals_clean_build(session, tmp_path)
    shutil.rmtree(project / "docs")
    (project / "docs").mkdir()
    (project / "docs/index.md").write_text("# Home again\n")
    session.rebuild()
    assert_equals_clean_build(session, tmp_path)
