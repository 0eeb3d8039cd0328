"""A build into the folder of the last one deletes that output on the second core
(``site/clean.py``) and leaves exactly what a build into a fresh folder leaves."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import build_in_process, make_project, persona, skill

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}


def mkdocs(project: Path, site: Path, *more: str) -> str:
    """``mkdocs build -v -d SITE`` and ``more`` options, in a process of its own (the
    deletion needs one thread to fork from); its log."""
    code = f"import sys; sys.argv += {list(more)!r}; from mkdocs.__main__ import cli; cli()"
    return build_in_process(project, site, code, ENV)


def tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.relative_to(site).as_posix().startswith(".")
    }


def project_of(tmp_path: Path) -> Path:
    files = {f"personas/p{i}.md": persona(f"p{i}", keywords=[f"k{i}", "shared"]) for i in range(4)}
    files["skills/s/SKILL.md"] = skill("s", "Handles k1 work.")
    return make_project(tmp_path / "project", files)


def test_a_rebuild_into_the_last_site_equals_a_build_into_a_fresh_folder(tmp_path):
    project = project_of(tmp_path)
    site = tmp_path / "site"
    mkdocs(project, site)
    assert (site / "personas/p2/index.html").is_file()
    (project / "personas/p2.md").unlink()  # its pages, raw file and conversions must go
    (site / ".kept").write_text("a hidden file: MkDocs keeps it, and so do we\n")
    leftover = site / ".personas-trash/1-2/personas/old"  # a killed build's leftover
    leftover.mkdir(parents=True)
    (leftover / "index.html").write_text("old\n")
    os.symlink(tmp_path / "project", site / "linked")  # MkDocs leaves a linked folder

    log = mkdocs(project, site)

    fresh = tmp_path / "fresh"
    mkdocs(project, fresh)
    expected = tree(fresh)
    assert not any("p2" in path for path in expected)
    # files seen through the symlinked folder are not the site's
    found = {k: v for k, v in tree(site).items() if not k.startswith("linked/")}
    assert found.keys() == expected.keys()
    assert [p for p in expected if found[p] != expected[p]] == []
    assert (site / ".kept").read_text().startswith("a hidden file")
    assert (site / "linked").is_symlink()
    # MkDocs never deletes a hidden folder: only our cleaning removed the leftover.
    assert not (site / ".personas-trash").exists()
    assert "Traceback" not in log


def test_a_dirty_build_keeps_what_the_last_one_left(tmp_path):
    project = project_of(tmp_path)
    site = tmp_path / "site"
    mkdocs(project, site)
    (site / "olddir").mkdir()
    (site / "olddir/stale.txt").write_text("left by an earlier build\n")
    mkdocs(project, site, "--dirty")
    assert (site / "olddir/stale.txt").is_file()
    assert (site / "personas/p1/index.html").is_file()
    assert not (site / ".personas-trash").exists()
