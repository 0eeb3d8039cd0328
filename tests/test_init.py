"""`personas init` in an existing repository: a catalogue that builds, workflows that lint,
and a preview of a pull request that shows exactly what it changed."""

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from test_workflows import actionlint

from mkdocs_personas import __version__, preview
from mkdocs_personas.cli import main
from mkdocs_personas.init import WORKFLOWS

from conftest import build_project, write

AGENTS = {
    "reviewer": "Reviews pull requests for bugs and style. Use after every change.",
    "planner": "Breaks a feature into tasks. Use before starting larger work.",
    "tester": "Writes and runs tests. Use when code changes.",
}
SKILLS = {"release-notes": "Writes release notes from commits.", "triage": "Sorts new issues."}


def agent(name: str, description: str, body: str = "") -> str:
    """A Claude Code subagent file."""
    text = body or f"You are the {name}. Work carefully."
    return f"---\nname: {name}\ndescription: {description}\ntools: Read, Grep\n---\n\n{text}\n"


def git(repo: Path, *args: str) -> str:
    command = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    return subprocess.run([*command, *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def team_repo(tmp_path) -> Path:
    """A git repository holding only `.claude/agents` (three) and `.claude/skills` (two)."""
    repo = tmp_path / "team"
    files = {f".claude/agents/{n}.md": agent(n, d) for n, d in AGENTS.items()}
    for name, description in SKILLS.items():
        files[f".claude/skills/{name}/SKILL.md"] = (
            f"---\nname: {name}\ndescription: {description} Use when asked.\n---\n\n"
            f"# {name}\n\nSteps.\n"
        )
    write(repo, files)
    git(repo, "init", "-q", "-b", "main")
    return repo


def init(repo: Path, capsys, *options: str) -> tuple[int, str]:
    code = main(["init", str(repo), *options])
    return code, capsys.readouterr().out


def test_init_then_a_strict_build_is_a_complete_catalogue(team_repo, capsys):
    code, out = init(team_repo, capsys)
    assert code == 0, out
    for name in ("mkdocs.yml", "docs/index.md", ".gitignore", *(f"{w}.yml" for w in WORKFLOWS)):
        assert name in out
    install, serve = [line.strip() for line in out.splitlines() if line.startswith("  ")][-2:]
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install ")
    assert "mkdocs-personas" in install and serve == ".venv/bin/mkdocs serve"
    config = yaml.safe_load((team_repo / "mkdocs.yml").read_text())
    options = next(p["personas"] for p in config["plugins"] if isinstance(p, dict))
    assert options == {
        "personas": [".claude/agents/**/*.md"],
        "skills": [".claude/skills/**/SKILL.md"],
    }
    assert config["theme"]["font"] is False and config["validation"]["links"]["not_found"] == "warn"
    assert (team_repo / ".gitignore").read_text().splitlines() == ["site/", ".venv/"]
    built = build_project(team_repo, strict=True)
    assert built.aborted is None, built.log
    home = built.html("")
    assert 'href="catalogue/"' in home and ".claude/agents/" in home
    for name, description in AGENTS.items():
        assert description.split(".")[0] in built.html(f"personas/{name}/")
    for name in SKILLS:
        assert (built.site / f"skills/{name}/index.html").is_file()


def test_a_second_init_replaces_nothing_without_force(team_repo, capsys):
    assert init(team_repo, capsys)[0] == 0
    (team_repo / "docs/index.md").write_text("# Our own home\n")
    workflow = team_repo / ".github/workflows/preview.yml"
    workflow.write_text("# edited\n")
    before = {
        p: p.read_bytes() for p in team_repo.rglob("*") if p.is_file() and ".git/" not in str(p)
    }
    code, out = init(team_repo, capsys)
    assert code == 1
    assert "preview.yml exists (--force replaces it)" in out
    assert "kept docs/index.md" in out and "kept mkdocs.yml" in out
    after = {p: p.read_bytes() for p in before}
    assert after == before
    code, out = init(team_repo, capsys, "--force")
    assert code == 0, out
    assert "replaced .github/workflows/preview.yml" in out
    assert workflow.read_text().startswith("# Written by `personas init`")
    assert (team_repo / "docs/index.md").read_text() == "# Our own home\n"
    assert (team_repo / ".gitignore").read_text().count("site/") == 1


EXISTING = """\
# Our documentation site
site_name: Team handbook
docs_dir: handbook

theme:
  name: material
  custom_dir: overrides  # our own partials

plugins:
  - search:
      lang: en
  # more plugins go here

extra:
  team: platform
nav:
  - Welcome: welcome.md
"""


def test_an_existing_config_gets_the_plugin_and_keeps_everything_else(team_repo, capsys):
    (team_repo / "mkdocs.yml").write_text(EXISTING)
    write(team_repo, {"handbook/welcome.md": "# Welcome\n", "overrides/.keep": ""})
    (team_repo / ".gitignore").write_text(".venv\nnode_modules/")
    code, out = init(team_repo, capsys)
    assert code == 0, out
    assert "added the personas plugin to mkdocs.yml" in out
    text = (team_repo / "mkdocs.yml").read_text()
    assert text.startswith(EXISTING.split("  # more plugins")[0])
    assert "# more plugins go here" in text and "# our own partials" in text
    before, after = yaml.safe_load(EXISTING), yaml.safe_load(text)
    assert {k: v for k, v in after.items() if k != "plugins"} == {
        k: v for k, v in before.items() if k != "plugins"
    }
    assert after["plugins"][0] == {"search": {"lang": "en"}}
    assert after["plugins"][1]["personas"]["personas"] == [".claude/agents/**/*.md"]
    assert (team_repo / "handbook/index.md").is_file() and not (team_repo / "docs").exists()
    assert (team_repo / ".gitignore").read_text() == ".venv\nnode_modules/\nsite/\n"
    built = build_project(team_repo, strict=True)
    assert built.aborted is None, built.log
    assert (built.site / "personas/tester/index.html").is_file()


def test_a_config_it_cannot_edit_safely_is_left_alone_and_the_stanza_printed(team_repo, capsys):
    original = "site_name: x\nplugins: [search]\n"
    (team_repo / "mkdocs.yml").write_text(original)
    code, out = init(team_repo, capsys)
    assert code == 1
    assert "cannot add the plugin to it safely" in out
    assert '  - personas:\n      personas:\n        - ".claude/agents/**/*.md"' in out
    assert (team_repo / "mkdocs.yml").read_text() == original


def test_properdocs_configuration(team_repo, capsys):
    code, out = init(team_repo, capsys, "--config", "properdocs.yml")
    assert code == 0, out
    assert (team_repo / "properdocs.yml").is_file() and not (team_repo / "mkdocs.yml").exists()
    assert ".venv/bin/properdocs serve" in out and " properdocs\n" in out
    checks = (team_repo / ".github/workflows/checks.yml").read_text()
    assert "properdocs build --strict\n" in checks
    assert "personas validate --format github -f properdocs.yml" in checks
    other = team_repo.parent / "other"
    write(other, {".claude/agents/a.md": agent("a", "A."), "properdocs.yml": "site_name: o\n"})
    code, out = init(other, capsys)
    assert "added the personas plugin to properdocs.yml" in out
    assert not (other / "mkdocs.yml").exists()


def test_actionlint_is_clean_on_every_generated_workflow(team_repo, capsys):
    assert init(team_repo, capsys)[0] == 0
    workflows = sorted((team_repo / ".github/workflows").glob("*.yml"))
    assert sorted(w.stem for w in workflows) == sorted(WORKFLOWS)
    for path in workflows:
        text = path.read_text()
        assert "pip install ." not in text and "./base" not in text
        assert "mkdocs-personas" in text
        assert "branches: [main]" in text or "branches" not in text
    result = subprocess.run([actionlint(), *map(str, workflows)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_replayed_preview_names_the_changed_agent_and_shows_it(team_repo, capsys, monkeypatch):
    """Commit 1: the repository as `init` left it; commit 2 (the pull request) edits one
    agent. The preview's steps, run as the workflow runs them, summarize exactly that agent
    and build a site that shows the change, every page sanitized."""
    assert init(team_repo, capsys)[0] == 0
    git(team_repo, "add", "-A")
    git(team_repo, "commit", "-q", "-m", "catalogue")
    first = git(team_repo, "rev-parse", "HEAD").strip()
    changed = agent("tester", "Writes property-based tests. Use when code changes.", "Fuzz it.")
    (team_repo / ".claude/agents/tester.md").write_text(changed)
    home = team_repo / "docs/index.md"
    home.write_text(home.read_text() + "\n<script>alert('pr')</script>\n")
    git(team_repo, "commit", "-q", "-am", "sharper tester")
    work = team_repo.parent / "runner"
    git(team_repo.parent, "clone", "-q", str(team_repo), str(work / "base"))
    git(work / "base", "checkout", "-q", first)
    git(team_repo.parent, "clone", "-q", str(team_repo), str(work / "pull-request"))
    monkeypatch.chdir(work / "base")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    assert preview.main(["take", "../pull-request"]) == 0
    capsys.readouterr()
    assert preview.main(["summary"]) == 0
    summary = capsys.readouterr().out
    named = {name for name in (*AGENTS, *SKILLS) if f"`{name}`" in summary or name in summary}
    assert named == {"tester"}, summary
    assert preview.main(["build", "--site-dir", "../preview/site"]) == 0
    site = work / "preview/site"
    page = (site / "personas/tester/index.html").read_text()
    assert "Writes property-based tests" in page and "Fuzz it." in page
    assert "alert('pr')" not in (site / "index.html").read_text()
    assert (site / "changes/index.html").is_file()
    assert git(work / "base", "rev-parse", "HEAD").strip() == first
    assert os.path.isfile(work / "base/mkdocs.yml")


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"personas {__version__}\n"
