"""The install a team follows, as written: the README's command in a fresh virtual
environment, and what `personas init` pins for CI when it ran from a wheel. Both are slow
(a pip install in a fresh environment; the wheel is the one the release check built once
for the test run); each is one test."""

import os
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from mkdocs_personas import __version__
from mkdocs_personas.cli.init import REPOSITORY

from conftest import REPO, release_check, write

AGENT = "---\nname: {0}\ndescription: The {0}. Use when asked.\ntools: Read\n---\n\nWork.\n"


def git(folder: Path, *args: str, env: dict | None = None) -> str:
    command = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    return subprocess.run(
        [*command, *args], check=True, capture_output=True, text=True, env=env
    ).stdout.strip()


def team(folder: Path) -> Path:
    write(folder, {f".claude/agents/{n}.md": AGENT.format(n) for n in ("reviewer", "planner")})
    git(folder, "init", "-q", "-b", "main")
    return folder


def environment(scripts: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{scripts}{os.pathsep}{env.get('PATH', '')}"
    env["NO_MKDOCS_2_WARNING"] = "1"
    return {**env, **extra}


def pins(folder: Path) -> set[str]:
    """Every requirement the workflows install mkdocs-personas with."""
    found = set()
    for path in (folder / ".github/workflows").glob("*.yml"):
        for line in path.read_text().splitlines():
            if "pip install" in line and "mkdocs-personas" in line:
                words = shlex.split(line.split("pip install", 1)[1])
                found.update(w.replace("[pagefind]", "") for w in words if "personas" in w)
    return found


@pytest.mark.timeout(600)
def test_installed_from_a_wheel_init_pins_the_commit_the_wheel_was_built_from(
    tmp_path, release_checked
):
    """The wheel the release check built (conftest's release_checked, built once per test
    run), installed in a fresh environment of its own."""
    check = release_check()
    _, _, dist = release_checked
    (wheel,) = dist.glob("*.whl")
    scripts = check.install(tmp_path / "env", dist, __version__, True)
    repo = team(tmp_path / "team")
    result = subprocess.run(
        [scripts / "personas", "init"],
        cwd=repo,
        env=environment(scripts),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    stamp = zipfile.ZipFile(wheel).read("mkdocs_personas/_build.py").decode()
    commit = re.search(r'COMMIT = "([0-9a-f]{40})"', stamp).group(1)
    assert commit in git(REPO, "log", "--format=%H", "-50").split()
    pin = f"mkdocs-personas @ git+{REPOSITORY}@{commit}"
    assert pins(repo) == {pin}, pins(repo)
    assert f"Pinned in the workflows: '{pin}'" in result.stdout
    assert "was built from this commit" in result.stdout
    # pip can resolve it: the canonical repository (this one) holds that commit.
    git(REPO, "cat-file", "-e", f"{commit}^{{commit}}")
    assert f"=={__version__}" not in "".join(p.read_text() for p in repo.rglob("*.yml"))
    assert wheel.name == f"mkdocs_personas-{__version__}-py3-none-any.whl"


@pytest.mark.timeout(900)
def test_the_readme_team_install_works_as_written_from_a_mirror(tmp_path):
    """The README's command, run literally in a fresh virtual environment, with a mirror
    of this repository standing in for its git URL; then a strict build of the catalogue."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it in your own catalogue repository", 1)[1]
    command = re.search(r"```bash\n(pip install [^\n]+)\n```", section).group(1)
    assert "personas init" in command and REPOSITORY in command
    mirror = tmp_path / "mirror.git"
    subprocess.run(["git", "clone", "-q", "--mirror", str(REPO), str(mirror)], check=True)
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(f'[url "{mirror.as_uri()}"]\n\tinsteadOf = {REPOSITORY}\n')
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "env")], check=True)
    scripts = tmp_path / "env/bin"
    repo = team(tmp_path / "team")
    env = environment(scripts, GIT_CONFIG_GLOBAL=str(gitconfig), PIP_NO_INPUT="1")
    result = subprocess.run(
        ["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    main = git(mirror, "rev-parse", "main")
    assert pins(repo) == {f"mkdocs-personas @ git+{REPOSITORY}@{main}"}, pins(repo)
    assert f"installed from {REPOSITORY}: pinned to commit {main[:12]}" in result.stdout
    config = yaml.safe_load((repo / "mkdocs.yml").read_text())
    assert config["plugins"][1]["personas"]["personas"] == [".claude/agents/**/*.md"]
    build = subprocess.run(
        [scripts / "mkdocs", "build", "--strict"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr[-3000:]
    for name in ("reviewer", "planner"):
        assert "The " + name in (repo / f"site/personas/{name}/index.html").read_text()
    assert (repo / "site/catalogue/index.html").is_file()
