"""``personas validate``: every problem of every file, precisely, in one run."""

import os
import re
import subprocess
import time
from pathlib import Path

from broken import BROKEN, expected_lines, make_broken
from conftest import REPO, make_project, persona, personas_cli, skill, write


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m mkdocs_personas.cli ARGS``, a process of its own (conftest's personas_cli)."""
    return personas_cli(list(args), cwd, timeout=60)


SEVERITY = re.compile(r"(?P<where>[^:]+:\d+:\d+): (?P<severity>error|security|warning): ")


def test_the_broken_folder_gives_one_precise_line_per_problem(tmp_path):
    make_broken(tmp_path)
    started = time.monotonic()
    result = run("validate", "broken", cwd=tmp_path)
    elapsed = time.monotonic() - started
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert elapsed < 5
    assert "Traceback" not in result.stdout + result.stderr
    assert all(SEVERITY.match(line) for line in lines), lines
    without_severity = [SEVERITY.sub(r"\g<where>: ", line) for line in lines]
    for expected in expected_lines():
        assert any(line.startswith(expected) for line in without_severity), (expected, lines)
    left_out = {line.split(":", 1)[0] for line in lines if ": error: " in line}
    assert f"({len(left_out)} files left out)" in result.stderr
    assert f"{len(BROKEN)} files checked" in result.stderr
    assert not (tmp_path / "PWNED").exists()


def test_github_format_prints_annotations(tmp_path):
    make_broken(tmp_path)
    result = run("validate", "--format", "github", "broken/wrong-complexity.md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=broken/wrong-complexity.md,line=3,col=23,title=complexity_threshold::"
        "expected one of low, medium, high, got 'extreme'"
    ]


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
    assert result.stderr == (
        "0 errors (0 files left out), 0 security findings, 0 warnings; 2 files checked; "
        "1 persona and 1 skill published\n"
    )


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
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "incoming/b.md:10:3: warning: skills: no skill is called 'nope'"
    ]
    assert run("validate", "--strict", "incoming/b.md", cwd=tmp_path).returncode == 1


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


def severity_project(root: Path, *, warning=False, security=False, error=False) -> Path:
    """A catalogue with a clean persona, and one file of each problem asked for."""
    files = {"personas/clean.md": persona("clean")}
    if warning:
        files["personas/noted.md"] = persona("noted", body="# Noted\n\n<!-- a note -->\n")
    if security:
        files["personas/hiding.md"] = persona("hiding", body="# Hiding\n\nSee \u202eexe.txt\n")
    if error:
        files["personas/broken.md"] = persona("broken", complexity="extreme")
    return make_project(root, files)


def test_warnings_alone_pass_unless_strict(tmp_path):
    project = severity_project(tmp_path, warning=True)
    result = run("validate", cwd=project)
    assert result.returncode == 0
    assert result.stdout.startswith("personas/noted.md:12:1: warning: body: hidden comment:")
    assert result.stderr.startswith("0 errors (0 files left out), 0 security findings, 1 warning;")
    assert "2 personas and 0 skills published" in result.stderr
    strict = run("validate", "--strict", cwd=project)
    assert (strict.returncode, strict.stdout) == (1, result.stdout)


def test_security_findings_fail_and_keep_the_file(tmp_path):
    project = severity_project(tmp_path, warning=True, security=True)
    result = run("validate", cwd=project)
    assert result.returncode == 1
    assert "personas/hiding.md:12:5: security: body: hidden text: bidirectional" in result.stdout
    assert "<U+202E>" in result.stdout and "\u202e" not in result.stdout
    assert result.stderr.startswith("0 errors (0 files left out), 1 security finding, 1 warning;")
    assert "3 personas and 0 skills published" in result.stderr
    github = run("validate", "--format", "github", cwd=project).stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in github] == ["::error", "::warning"]
    assert github[0].startswith("::error file=personas/hiding.md,line=12,col=5,title=body::")


def test_errors_fail_and_say_which_files_are_left_out(tmp_path):
    project = severity_project(tmp_path, error=True)
    result = run("validate", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        "personas/broken.md:7:23: error: complexity_threshold: expected one of low, medium, "
        "high, got 'extreme'\n"
    )
    assert result.stderr.startswith("1 error (1 file left out), 0 security findings, 0 warnings;")
    assert "1 persona and 0 skills published" in result.stderr


def test_a_folder_name_cannot_forge_problem_lines(tmp_path):
    forged = "x\npersonas/forged.md:1:1: error: name: forged\n::error file=f.md::forged\ny"
    project = make_project(tmp_path, {f"personas/{forged}/a.md": persona("a", complexity="x")})
    for output in ("text", "github"):
        result = run("validate", "--format", output, cwd=project)
        assert result.returncode == 1
        lines = result.stdout.splitlines()
        assert len(lines) == 1, lines
        prefix = "personas/x<U+000A>personas/forged.md"
        assert lines[0].startswith(prefix if output == "text" else "::error file=" + prefix)
        assert lines[0].count("<U+000A>") == 3
        assert not any(line.startswith(("::error file=f.md", "personas/forged")) for line in lines)


def test_globs_that_match_nothing_fail_and_name_the_folders_to_use(tmp_path):
    project = make_project(
        tmp_path,
        {
            ".claude/agents/reviewer.md": persona("reviewer"),
            ".claude/agents/README.md": "# About these agents\n",
            "skills/testing/SKILL.md": skill("testing"),
            "categories/one/a.md": "---\nname: a\ndescription: A.\n---\nBody\n",
            "categories/two/b.md": "---\nname: b\ndescription: B.\n---\nBody\n",
        },
        plugin={"personas": ["agents/**/*.md"], "skills": ["agents/**/SKILL.md"]},
    )
    result = run("validate", cwd=project)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "no persona or skill file matches agents/**/*.md, agents/**/SKILL.md" in result.stderr
    assert "  .claude/agents/ (agents)\n  categories/ (agents)\n  skills/ (skills)\n" in (
        result.stderr
    )
    assert "  personas: ['.claude/agents/**/*.md', 'categories/**/*.md']" in result.stderr
    assert "  skills: ['skills/**/SKILL.md']" in result.stderr
    github = run("validate", "--format", "github", cwd=project)
    assert github.returncode == 1
    assert github.stdout.startswith("::error title=personas::personas: no persona or skill file")
    empty = run("validate", "categories/none", cwd=project)
    assert empty.returncode == 2


def test_nothing_to_suggest_says_where_it_looked(tmp_path):
    project = make_project(tmp_path, {"notes/readme.md": "# Notes\n"})
    result = run("validate", cwd=project)
    assert result.returncode == 1
    assert "No agent or skill folder found here (looked for .claude/agents/" in result.stderr


def test_folder_discovery_finds_the_usual_layouts(tmp_path):
    from mkdocs_personas.sources.discovery import find_folders

    agent = "---\nname: x\ndescription: X.\ntools: Read\n---\nBody\n"
    write(
        tmp_path,
        {
            ".github/agents/helper.agent.md": agent,
            ".cursor/agents/fixer.md": agent,
            "plugins/one/agents/a.md": agent,
            "plugins/two/agents/b.md": agent,
            "plugins/two/skills/s/SKILL.md": "---\nname: s\n---\n",
            "plugins/two/skills/s/references/notes.md": agent,
            "collection/agents/dept/c.md": agent,
            "docs/index.md": "# Docs\n",
            ".git/agents/d.md": agent,
            "node_modules/pkg/agents/e.md": agent,
        },
    )
    found = find_folders(tmp_path)
    assert found.agents == (
        ".github/agents",
        ".cursor/agents",
        "plugins/*/agents",
        "collection/agents/dept",
    )
    assert found.skills == ("plugins/*/skills",)
    assert found.persona_globs[2] == "plugins/*/agents/**/*.md"
    assert found.skill_globs == ("plugins/*/skills/**/SKILL.md",)
