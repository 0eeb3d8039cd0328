"""`personas init` in an existing repository: a catalogue that builds, workflows that lint,
and a preview of a pull request that shows exactly what it changed."""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from test_workflows import actionlint

from mkdocs_personas import __version__
from mkdocs_personas.cli import preview
from mkdocs_personas.cli.commands import main
from mkdocs_personas.cli.init import WORKFLOWS

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
    assert {k: v for k, v in after.items() if k not in ("plugins", "nav")} == {
        k: v for k, v in before.items() if k not in ("plugins", "nav")
    }
    assert after["nav"][0] == {"Welcome": "welcome.md"} and "Catalogue" in after["nav"][1]
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
    assert ".venv/bin/properdocs serve" in out
    assert re.search(r" '?properdocs(==[0-9.]+|>=1.6,<1.7)'?\n", out), out
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


def test_a_github_remote_gives_the_site_url_the_download_command_and_an_edit_link(
    team_repo, capsys
):
    git(team_repo, "remote", "add", "origin", "git@github.com:acme/handbook.git")
    code, out = init(team_repo, capsys)
    assert code == 0, out
    config = yaml.safe_load((team_repo / "mkdocs.yml").read_text())
    assert config["site_url"] == "https://acme.github.io/handbook/"
    assert config["repo_url"] == "https://github.com/acme/handbook"
    assert config["edit_uri"] == "edit/main/docs/"
    assert "set site_url: https://acme.github.io/handbook/" in out
    built = build_project(team_repo, strict=True)
    assert built.aborted is None, built.log
    page = built.html("personas/tester/")
    assert "Set site_url in mkdocs.yml" not in page
    assert (
        "curl -fsSLo .claude/agents/tester.md "
        "https://acme.github.io/handbook/personas/tester/convert/claude/tester.md" in page
    )
    # The persona file is outside docs/: the edit link leads to it on the default branch.
    assert 'href="https://github.com/acme/handbook/edit/main/.claude/agents/tester.md"' in page


@pytest.mark.parametrize(
    ("url", "site", "repo"),
    [
        ("https://github.com/acme/handbook.git", "https://acme.github.io/handbook/", None),
        ("https://x:token@github.com/Acme/handbook", "https://acme.github.io/handbook/", None),
        ("ssh://git@github.com/acme/acme.github.io.git", "https://acme.github.io/", None),
        ("git@github.com:Acme/ACME.github.io", "https://acme.github.io/", None),
    ],
)
def test_site_url_of_project_user_and_organisation_pages(tmp_path, url, site, repo):
    from mkdocs_personas.cli.init import site_settings

    git(tmp_path, "init", "-q", "-b", "trunk")
    git(tmp_path, "remote", "add", "origin", url)
    found = site_settings(tmp_path)
    assert found.site_url == site
    assert "token" not in found.repo_url and found.repo_url.startswith("https://github.com/")
    assert found.edit_uri == "edit/trunk/docs/" and not found.notes


def test_a_cname_wins_flags_override_and_other_hosts_get_repo_url_and_a_note(team_repo, capsys):
    git(team_repo, "remote", "add", "origin", "git@github.com:acme/handbook.git")
    write(team_repo, {"docs/CNAME": "agents.acme.example\n"})
    code, out = init(team_repo, capsys, "--edit-uri", "blob/main/docs/")
    config = yaml.safe_load((team_repo / "mkdocs.yml").read_text())
    assert config["site_url"] == "https://agents.acme.example/"
    assert config["edit_uri"] == "blob/main/docs/"
    other = team_repo.parent / "other"
    write(other, {".claude/agents/a.md": agent("a", "A.")})
    git(other, "init", "-q", "-b", "main")
    git(other, "remote", "add", "origin", "https://git.acme.example/team/agents.git")
    code, out = init(other, capsys)
    assert code == 0, out
    config = yaml.safe_load((other / "mkdocs.yml").read_text())
    assert config["repo_url"] == "https://git.acme.example/team/agents"
    assert "site_url" not in config and "edit_uri" not in config
    assert "Note: site_url is not set" in out and "git.acme.example" in out
    code, out = init(other, capsys, "--force", "--site-url", "https://x.example/a/")
    assert "kept repo_url as mkdocs.yml sets them" in out
    assert yaml.safe_load((other / "mkdocs.yml").read_text())["site_url"] == "https://x.example/a/"


@pytest.mark.parametrize("style", ["flow", "block"])
def test_an_existing_nav_gets_a_catalogue_section_the_home_page_links(team_repo, capsys, style):
    nav = (
        "nav: [Home: index.md, Guide: guide.md]\n"
        if style == "flow"
        else "nav:\n- Home: index.md  # start here\n- Guide: guide.md\n"
    )
    original = f"site_name: Handbook\n{nav}theme:\n  name: material\n"
    (team_repo / "mkdocs.yml").write_text(original)
    write(team_repo, {"docs/guide.md": "# Guide\n"})
    code, out = init(team_repo, capsys)
    assert code == 0, out
    assert "added a Catalogue section to the nav of mkdocs.yml" in out
    config = yaml.safe_load((team_repo / "mkdocs.yml").read_text())
    assert config["nav"][:2] == [{"Home": "index.md"}, {"Guide": "guide.md"}]
    section = config["nav"][2]["Catalogue"]
    assert {"Task matcher": "match/index.md"} in section and len(config["nav"]) == 3
    built = build_project(team_repo, strict=True)
    assert built.aborted is None, built.log
    assert "not included in the nav" not in built.log
    navigation = built.html("").split("md-nav--primary")[1].split("md-nav--secondary")[0]
    for link in ("catalogue/", "match/", "keywords/", "expertise/", "guide/"):
        assert f'href="{link}"' in navigation, link
    # A second run adds nothing; --no-nav prints the section instead of writing it.
    assert init(team_repo, capsys, "--force")[1].count("Catalogue section") == 0
    (team_repo / "mkdocs.yml").write_text(original)
    code, out = init(team_repo, capsys, "--force", "--no-nav")
    assert (team_repo / "mkdocs.yml").read_text().startswith(original)
    assert "  - Catalogue:\n      - Catalogue: catalogue/index.md\n" in out


def test_a_kept_home_page_is_told_about_the_home_embed(team_repo, capsys):
    write(team_repo, {"docs/index.md": "# Our team\n"})
    code, out = init(team_repo, capsys)
    assert code == 0, out
    assert "a line <!-- personas:home --> in docs/index.md shows the catalogue's home" in out


def test_no_previews_writes_only_the_checks_and_deploy_workflows(team_repo, capsys):
    code, out = init(team_repo, capsys, "--no-previews")
    assert code == 0, out
    written = sorted(p.name for p in (team_repo / ".github/workflows").iterdir())
    assert written == ["checks.yml", "deploy.yml"]
    workflows = [str(p) for p in (team_repo / ".github/workflows").iterdir()]
    result = subprocess.run([actionlint(), *workflows], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "preview" not in out.split("Pinned in the workflows")[0].replace("previews", "")


def test_the_sweep_removes_only_the_previews_of_closed_pull_requests(tmp_path, capsys):
    """The sweep's script against a local bare repository standing in for the preview
    repository: previews #1 and #3 are of closed pull requests, #2 is open."""
    from mkdocs_personas.cli import preview_sweep

    previews = tmp_path / "previews.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "gh-pages", str(previews))
    assert preview_sweep.main([str(previews), str(tmp_path / "missing.txt")]) == 2
    (tmp_path / "open.txt").write_text("2\n")
    assert preview_sweep.main([str(previews), str(tmp_path / "open.txt")]) == 0
    assert "no preview of a closed pull request" in capsys.readouterr().out  # no branch yet
    work = tmp_path / "work"
    write(work, {f"pr-{n}/index.html": f"preview {n}\n" for n in (1, 2, 3)})
    write(work, {"index.html": "previews\n", "pr-x/keep.txt": "not a preview\n"})
    git(work, "init", "-q", "-b", "gh-pages")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "previews")
    git(work, "push", "-q", str(previews), "gh-pages")
    (tmp_path / "bad.txt").write_text("2\nnot a number\n")
    assert preview_sweep.main([str(previews), str(tmp_path / "bad.txt")]) == 2
    assert "bad.txt:2: expected a pull request number" in capsys.readouterr().err
    assert preview_sweep.main([str(previews), str(tmp_path / "open.txt")]) == 0
    assert "removed the previews of #1, #3" in capsys.readouterr().out
    left = git(previews, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert left == ["index.html", "pr-2/index.html", "pr-x/keep.txt"]
    message = git(previews, "log", "-1", "--format=%s", "gh-pages").strip()
    assert message == "Remove the previews of closed pull requests #1, #3"
