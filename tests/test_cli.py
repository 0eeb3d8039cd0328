"""``personas validate``: every problem of every file, precisely, in one run."""

import os
import subprocess
import sys
import time
from pathlib import Path

from broken import BROKEN, expected_lines, make_broken
from conftest import REPO, make_project, persona, skill

PERSONAS = [sys.executable, "-m", "mkdocs_personas.cli"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*PERSONAS, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_the_broken_folder_gives_one_precise_line_per_problem(tmp_path):
    make_broken(tmp_path)
    started = time.monotonic()
    result = run("validate", "broken", cwd=tmp_path)
    elapsed = time.monotonic() - started
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert elapsed < 5
    assert "Traceback" not in result.stdout + result.stderr
    for expected in expected_lines():
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    reported = {line.split(":", 1)[0] for line in lines}
    assert reported == {f"broken/{name}" for name in BROKEN if name != "duplicate-a.md"}
    assert all(line.count(":") >= 4 for line in lines)
    assert not (tmp_path / "PWNED").exists()
    assert f"problems in 19 files; {len(BROKEN)} files checked" in result.stderr


def test_github_format_prints_annotations(tmp_path):
    make_broken(tmp_path)
    result = run("validate", "--format", "github", "broken/wrong-types.md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=broken/wrong-types.md,line=3,col=12,title=expertise::"
        "expected a list of strings, got a string"
    )


def test_a_clean_catalogue_exits_zero(tmp_path):
    make_project(
        tmp_path,
        {
            "personas/a.md": persona("a", skills=["s"]),
            "skills/s/SKILL.md": skill("s"),
        },
    )
    result = run("validate", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert "0 problems" in result.stderr


def test_this_repository_validates_clean():
    result = run("validate", cwd=REPO)
    assert result.returncode == 0, result.stdout


def test_paths_are_checked_against_the_configured_catalogue(tmp_path):
    make_project(
        tmp_path,
        {
            "personas/a.md": persona("a", skills=["s"]),
            "skills/s/SKILL.md": skill("s"),
            "incoming/b.md": persona("b", skills=["s", "nope"]),
        },
    )
    result = run("validate", "incoming/b.md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["incoming/b.md:10:3: skills: no skill is called 'nope'"]


def test_usage_errors_exit_two(tmp_path):
    assert run("validate", "missing.md", cwd=tmp_path).returncode == 2
    assert run("validate", cwd=tmp_path).returncode == 2
    assert run("frobnicate", cwd=tmp_path).returncode == 2
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins: [search]\n")
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "the 'personas' plugin is not enabled" in result.stderr


def test_mkdocs_yml_is_read_without_running_anything(tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "hook.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    make_project(tmp_path, {"personas/a.md": persona("a")}, hooks=["hook.py"])
    text = (tmp_path / "mkdocs.yml").read_text()
    (tmp_path / "mkdocs.yml").write_text(
        text + "extra:\n  x: !!python/object/apply:os.system ['touch ran']\n  y: !ENV [HOME]\n"
    )
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    assert os.listdir(tmp_path).count("ran") == 0
