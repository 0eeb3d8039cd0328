"""``personas validate`` reports the problems of skill folders as the build does: with the
project's bundle bounds, and without making the bundles (issue 24)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mkdocs_personas.catalogue.bundles import Bounds, Scanner
from mkdocs_personas.catalogue.catalogue import Reader, Settings

from conftest import build_project, make_project, persona, skill


def skill_folders(root: Path, options: dict) -> Path:
    """Skills whose folders hold a problem of each kind the scan reports."""
    project = make_project(
        root,
        {
            "personas/a.md": persona("a", skills=["many", "odd"]),
            "skills/many/SKILL.md": skill("many"),
            "skills/many/one.md": "# One\n",
            "skills/many/two.md": "# Two\n",
            "skills/many/three.md": "# Three\n",
            "skills/odd/SKILL.md": skill("odd"),
            "skills/odd/big.txt": "x" * 3000,
            "skills/odd/notes.md": "# Notes\n\nSee \u202eexe.txt and <!-- hidden -->\n",
        },
        options,
    )
    os.symlink(project / "personas" / "a.md", project / "skills" / "odd" / "link.md")
    return project


def test_the_problems_of_a_scan_without_its_bundles(tmp_path):
    project = skill_folders(tmp_path, {})
    catalogue, _ = Reader(text=False).load(Settings(project))
    for bounds in (Bounds(), Bounds(2, 1000, 5000), Bounds(1, 10, 10)):
        bundles, problems = Scanner().scan(project, catalogue.skills, bounds)
        assert bundles and problems
        assert Scanner().problems(project, catalogue.skills, bounds) == problems


def test_validate_uses_the_bundle_bounds_of_mkdocs_yml_as_the_build_does(tmp_path):
    options = {"max_bundle_files": 2, "max_bundle_file_size": 2000}
    project = skill_folders(tmp_path, options)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_personas.cli", "validate"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("skills/")]
    assert any("more than 2 files (the max_bundle_files option)" in line for line in lines)
    assert any("larger than the limit of 2000 bytes" in line for line in lines), lines
    assert any(line.startswith("skills/odd/link.md:1:1: ") for line in lines), lines
    assert any(line.startswith("skills/odd/notes.md:") for line in lines), lines
    assert result.returncode == 1  # the hidden text in notes.md is a security finding
    logged = [r.getMessage() for r in build_project(project).records]
    reported = sorted(m.removeprefix("personas: ") for m in logged if ": bundle: " in m)
    assert reported == sorted(line for line in lines if ": bundle: " in line)
    assert len(reported) == 3
