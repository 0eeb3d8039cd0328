"""The GitHub workflows: actionlint-clean, and no pull-request code ever runs with write access."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))
SCRIPTS = REPO / ".github/scripts"
sys.path.insert(0, str(SCRIPTS))

import preview_check  # noqa: E402
import preview_comment  # noqa: E402


def load(path: Path) -> dict:
    data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)
    return data


def actionlint() -> str:
    found = shutil.which("actionlint") or str(Path(sys.executable).with_name("actionlint"))
    if not Path(found).exists():
        pytest.fail("actionlint is not installed (it comes with the test extras)")
    return found


def test_actionlint_is_clean_on_every_workflow():
    assert len(WORKFLOWS) >= 4
    result = subprocess.run(
        [actionlint(), *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / ".github/workflows/bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }\n"
    )
    result = subprocess.run([actionlint(), str(bad)], capture_output=True, text=True)
    assert result.returncode != 0


def triggers(workflow: dict) -> set[str]:
    on = workflow.get("on", {})
    return {on} if isinstance(on, str) else set(on)


def writes(permissions) -> bool:
    if isinstance(permissions, str):
        return permissions == "write-all"
    return any(value == "write" for value in (permissions or {}).values())


def test_no_workflow_uses_pull_request_target():
    for path in WORKFLOWS:
        assert "pull_request_target" not in triggers(load(path)), path
        assert "pull_request_target" not in path.read_text(), path


def test_pull_request_jobs_are_read_only_and_see_no_secrets():
    for path in WORKFLOWS:
        workflow = load(path)
        if "pull_request" not in triggers(workflow):
            continue
        assert workflow["permissions"] == {"contents": "read"}, path
        for name, job in workflow["jobs"].items():
            assert not writes(job.get("permissions")), (path, name)
        assert "secrets." not in path.read_text(), path


PR_REFS = ("pull_request.head", "workflow_run.head", "head_ref", "head_sha", "head_branch")


def test_jobs_with_write_access_never_check_out_pull_request_code():
    for path in WORKFLOWS:
        workflow = load(path)
        for name, job in workflow["jobs"].items():
            if not (writes(job.get("permissions")) or writes(workflow.get("permissions"))):
                continue
            for step in job.get("steps", []):
                if "actions/checkout" in step.get("uses", ""):
                    ref = step.get("with", {}).get("ref", "")
                    assert not any(marker in ref for marker in PR_REFS), (path, name, ref)
                    assert "repository" not in step.get("with", {}), (path, name)


def test_the_preview_is_built_from_base_configuration_and_pull_request_content():
    preview = load(REPO / ".github/workflows/preview.yml")
    steps = preview["jobs"]["build"]["steps"]
    base = next(s for s in steps if s.get("with", {}).get("path") == "base")
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    script = "\n".join(s.get("run", "") for s in steps)
    assert "pip install ./base" in script
    assert "for folder in personas skills" in script and "rm -rf base/docs" in script
    build = next(s for s in steps if s.get("run") == "mkdocs build")
    assert build["env"]["PERSONAS_SANITIZE"] == "all"
    assert build["env"]["PERSONAS_BASE_REVISION"] == "HEAD"
    publish = load(REPO / ".github/workflows/preview-publish.yml")
    assert triggers(publish) == {"workflow_run"}
    checkout = next(
        s for s in publish["jobs"]["publish"]["steps"] if "actions/checkout" in s.get("uses", "")
    )
    assert "ref" not in checkout.get("with", {})


def make_artifact(root: Path) -> Path:
    (root / "site/assets").mkdir(parents=True)
    (root / "site/index.html").write_text("<html></html>")
    (root / "site/assets/app.js").write_text("1")
    (root / "summary.md").write_text("summary")
    (root / "pr-number").write_text("12\n")
    return root


def test_the_artifact_check_accepts_a_static_site(tmp_path):
    assert preview_check.problems(make_artifact(tmp_path)) == []


@pytest.mark.parametrize("attack", ["symlink", "fifo", "binary", "extra", "name", "hardlink"])
def test_the_artifact_check_refuses_anything_else(tmp_path, attack):
    root = make_artifact(tmp_path)
    site = root / "site"
    if attack == "symlink":
        os.symlink(Path.home(), site / "home.html")
    elif attack == "fifo":
        os.mkfifo(site / "pipe.html")
    elif attack == "binary":
        (site / "tool.sh").write_text("#!/bin/sh")
    elif attack == "extra":
        (root / "workflow.yml").write_text("x")
    elif attack == "name":
        (site / "a\nb.html").write_text("x")
    elif attack == "hardlink":
        os.link(root / "summary.md", site / "copy.md")
    assert preview_check.problems(root) != []
    assert preview_check.main(["x", str(root)]) == 1


def test_the_comment_defuses_the_summary(monkeypatch):
    monkeypatch.setenv("PREVIEW_REPOSITORY", "acme/catalogue-previews")
    monkeypatch.delenv("PREVIEW_URL", raising=False)
    text = preview_comment.body(
        "hi @org/team <!-- mkdocs-personas-preview --> </details>" + "x" * 50_000,
        "7",
        "0123456789abcdef",
    )
    assert text.startswith(preview_comment.MARKER)
    assert text.count("<!--") == 1
    assert "@\u200borg/team" in text and "(summary truncated)" in text
    assert "https://acme.github.io/catalogue-previews/pr-7/" in text
    assert text.count("</details>") == 1
