"""The GitHub workflows: actionlint-clean, and no pull-request code ever runs with write access."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import material
import pytest
import yaml

from mkdocs_personas import preview_check, preview_comment
from mkdocs_personas.init import SOURCE, Install, render_workflow
from mkdocs_personas.init import WORKFLOWS as TEMPLATES
from mkdocs_personas.preview import take

from conftest import REPO, build_project, copy_sample

WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))


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
    taking = next(s for s in steps if "mkdocs_personas.preview take" in s.get("run", ""))
    assert taking["working-directory"] == "base"
    assert taking["run"] == "python -m mkdocs_personas.preview take ../pull-request"
    build = next(s for s in steps if "mkdocs_personas.preview build" in s.get("run", ""))
    assert build["working-directory"] == "base"
    assert "mkdocs build" not in script  # the preview script builds, sanitizing every page
    assert preview["jobs"]["build"]["permissions"] == {"contents": "read"}
    publish = load(REPO / ".github/workflows/preview-publish.yml")
    assert triggers(publish) == {"workflow_run"}
    checkout = next(
        s for s in publish["jobs"]["publish"]["steps"] if "actions/checkout" in s.get("uses", "")
    )
    assert "ref" not in checkout.get("with", {})


def test_the_summary_compares_the_base_revision_with_the_working_tree():
    """In base/, HEAD is the base commit; the pull request's content is the working tree,
    so the summary compares that revision with the working tree (no folder arguments)."""
    steps = load(REPO / ".github/workflows/preview.yml")["jobs"]["build"]["steps"]
    summary = next(s for s in steps if "preview summary" in s.get("run", ""))
    assert summary["working-directory"] == "base"
    command = ["python", "-m", "mkdocs_personas.preview", "summary"]
    assert summary["run"].split(">")[0].split() == command


def test_the_publish_job_checks_with_the_trusted_assets_and_holds_the_token_back():
    job = load(REPO / ".github/workflows/preview-publish.yml")["jobs"]["publish"]
    steps = job["steps"]
    install = next(i for i, s in enumerate(steps) if "pip install" in s.get("run", ""))
    download = next(i for i, s in enumerate(steps) if "download-artifact" in s.get("uses", ""))
    check = next(i for i, s in enumerate(steps) if "preview_check" in s.get("run", ""))
    assert install < download < check
    command = steps[check]["run"]
    assert "python -m mkdocs_personas.preview_check " in command
    for assets in ('--assets "$MATERIAL"', '--assets "$THEME"', '--assets "$PAGEFIND"'):
        assert assets in command
    assets = next(s for s in steps if s.get("id") == "assets")["run"]
    assert "from mkdocs_personas.render import theme_dir" in assets
    assert "GH_TOKEN" not in job.get("env", {})
    for step in steps[: check + 1]:
        assert "GH_TOKEN" not in step.get("env", {}), step


def make_artifact(root: Path) -> tuple[Path, preview_check.Known]:
    """A small artifact and what its (made-up) theme folder allows."""
    (root / "site/assets").mkdir(parents=True)
    (root / "site/index.html").write_text("<html></html>")
    (root / "site/assets/app.css").write_text("p{}")
    (root / "summary.md").write_text("summary")
    (root / "pr-number").write_text("12\n")
    (root.parent / "theme").mkdir()
    (root.parent / "theme/app.css").write_text("p{}")
    return root, preview_check.Known.from_folders([root.parent / "theme"])


def test_the_artifact_check_accepts_a_static_site(tmp_path):
    root, known = make_artifact(tmp_path / "artifact")
    assert preview_check.problems(root, known) == []


@pytest.mark.parametrize("attack", ["symlink", "fifo", "binary", "extra", "name", "hardlink"])
def test_the_artifact_check_refuses_anything_else(tmp_path, attack):
    root, known = make_artifact(tmp_path / "artifact")
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
    assert preview_check.problems(root, known) != []
    assert preview_check.main(["x", "--assets", str(tmp_path / "theme"), str(root)]) == 1


THEME_FOLDERS = (Path(material.__file__).parent / "templates", REPO / "templates/theme")
"""The folders the publish job passes with --assets (Pagefind's reference aside)."""


@pytest.fixture(scope="module")
def preview_artifact(tmp_path_factory) -> Path:
    """This repository built as preview.yml builds it, collected as the job uploads it."""
    project = copy_sample(tmp_path_factory.mktemp("preview") / "base")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PERSONAS_SANITIZE", "all")
        built = build_project(project)
    assert built.aborted is None, built.log
    artifact = project.parent / "preview"
    artifact.mkdir()
    built.site.rename(artifact / "site")
    (artifact / "summary.md").write_text("### Changes\n")
    (artifact / "pr-number").write_text("12\n")
    return artifact


@pytest.fixture(scope="module")
def theme() -> preview_check.Known:
    return preview_check.Known.from_folders(list(THEME_FOLDERS))


def check(artifact: Path) -> int:
    options = [arg for folder in THEME_FOLDERS for arg in ("--assets", str(folder))]
    return preview_check.main(["preview_check.py", *options, str(artifact)])


def test_a_real_preview_build_passes_the_check(preview_artifact, capsys):
    assert check(preview_artifact) == 0, capsys.readouterr().out
    scripts = [p for p in (preview_artifact / "site").rglob("*.js")]
    assert any(p.name == "personas.js" for p in scripts) and len(scripts) > 2


def test_without_the_theme_folders_its_scripts_are_refused(preview_artifact, capsys):
    assert preview_check.main(["preview_check.py", str(preview_artifact)]) == 1
    out = capsys.readouterr().out
    assert "personas.js: .js file that is not one of the theme's" in out
    assert "inline <script> the theme does not write" in out


def _edit(site: Path, path: str, old: str, new: str) -> None:
    page = site / path
    text = page.read_text(encoding="utf-8")
    assert old in text, (path, old)
    page.write_text(text.replace(old, new, 1), encoding="utf-8")


def _add(site: Path, path: str, text: str) -> None:
    (site / path).write_text(text, encoding="utf-8")


PERSONA = "personas/data-engineer/index.html"
OWN_SCRIPT = "assets/personas/personas.js"
INJECTIONS = {
    "inline script": (PERSONA, "</article>", "<script>alert(1)</script></article>"),
    "inline script in upper case": (PERSONA, "</article>", "<SCRIPT>alert(1)</SCRIPT></article>"),
    "theme script with changed text": (
        "catalogue/index.html",
        '__md_get("__palette")',
        '__md_get("__palette"),alert(1)',
    ),
    "script from elsewhere": (
        "match/index.html",
        "</article>",
        '<script src="https://evil.example/x.js"></script></article>',
    ),
    "script from a data file": (
        "match/index.html",
        "</article>",
        '<script src="../personas.json"></script></article>',
    ),
    "onclick": ("catalogue/index.html", "<article ", '<article onClick="alert(1)" '),
    "javascript URL": (
        PERSONA,
        "</article>",
        '<a href=" jav&#x09;ascript:alert(1)">x</a></article>',
    ),
    "svg animation": (
        PERSONA,
        "</article>",
        '<svg><a><set attributeName="href" to="javascript:alert(1)"/></a></svg></article>',
    ),
    "clobbered config": (PERSONA, "<article ", '<p id="__config">{}</p><article '),
    "changed script file": (OWN_SCRIPT, "(function", "alert(1);(function"),
    "new script file": ("assets/extra.js", None, "alert(1)"),
    "svg with script": (
        "assets/logo.svg",
        None,
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "service worker": ("sw.js", None, "self.addEventListener('fetch', () => {})"),
    "xml page": (
        "feed.xml",
        None,
        '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    ),
    "sitemap with script": (
        "sitemap.xml",
        "</urlset>",
        '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script></urlset>',
    ),
    "source map": ("assets/extra.js.map", None, "{}"),
}
"""Where each attack goes, the text it replaces (None: a new file) and what it writes."""


@pytest.mark.parametrize("injection", sorted(INJECTIONS))
def test_a_preview_carrying_script_is_refused(preview_artifact, theme, tmp_path, injection):
    artifact = tmp_path / "preview"
    shutil.copytree(preview_artifact, artifact)
    path, old, new = INJECTIONS[injection]
    if old is None:
        _add(artifact / "site", path, new)
    else:
        _edit(artifact / "site", path, old, new)
    errors = preview_check.problems(artifact, theme)
    assert errors and all(e.startswith(f"site/{path}: ") for e in errors), errors


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


@pytest.mark.parametrize(
    "attack",
    [
        "</DETAILS>",
        "</details >",
        "&lt;/details&gt;",
        "<!--",
        "@user",
        "&#64;user",
        "&#x40;user",
        "&commat;user",
        "\uff20user",
        "\ufe6buser",
        "#123",
    ],
)
def test_no_spelling_of_a_tag_entity_or_mention_survives_the_comment(attack):
    summary = f"Changed `{attack}` and {attack}"
    text = preview_comment.defuse(summary)
    assert re.search("[<&@\uff20\ufe6b](?!\u200b)", text) is None, text
    assert re.search("#(?!\u200b)[0-9]", text) is None, text
    assert text.replace("\u200b", "") == summary


def test_this_repositorys_workflows_are_the_templates_with_its_own_source():
    """The workflows `personas init` writes are these files; the one documented difference
    is the install line (this repository installs its source, a catalogue pins a release)."""
    for name in TEMPLATES:
        path = REPO / ".github/workflows" / f"{name}.yml"
        assert path.read_text(encoding="utf-8") == render_workflow(name, SOURCE), (
            f"{path.name} differs from its template: run python -m mkdocs_personas.init "
            "--this-repository"
        )


def test_a_catalogue_repository_differs_only_in_the_install_lines():
    pinned = Install("==9.9.9", "# pinned by personas init")
    for name in TEMPLATES:
        ours = render_workflow(name, SOURCE).splitlines()[2:]
        theirs = render_workflow(name, pinned).splitlines()[1:]
        assert len(ours) == len(theirs), name
        different = [(a, b) for a, b in zip(ours, theirs, strict=True) if a != b]
        assert different, name
        for a, b in different:
            if "pip install" in a:
                assert "mkdocs-personas" in b and "==9.9.9" in b and "mkdocs-personas" not in a
                assert "./base" in a or a.endswith("install .") or '".[pagefind]"' in a
            else:
                assert a.strip().startswith("# This repository installs its own source"), a
                assert b.strip() == "# pinned by personas init"


def test_deploy_fetches_the_whole_history_for_git_dates():
    steps = load(REPO / ".github/workflows/deploy.yml")["jobs"]["build"]["steps"]
    checkout = next(s for s in steps if "actions/checkout" in s.get("uses", ""))
    assert checkout["with"]["fetch-depth"] == "0"


def test_only_the_publish_job_of_the_release_can_ask_for_an_identity_token():
    release = load(REPO / ".github/workflows/release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {"contents": "read"}
    for path in WORKFLOWS:
        workflow = load(path)
        for name, job in workflow["jobs"].items():
            token = (job.get("permissions") or {}).get("id-token") == "write"
            publishes = any("gh-action-pypi-publish" in s.get("uses", "") for s in job["steps"])
            pages = any("deploy-pages" in s.get("uses", "") for s in job["steps"])
            assert token == (publishes or pages), (path.name, name)
    publish = release["jobs"]["publish"]
    assert publish["needs"] == "check" and publish["permissions"] == {"id-token": "write"}
    assert not any("actions/checkout" in s.get("uses", "") for s in publish["steps"])
    check = "\n".join(s.get("run", "") for s in release["jobs"]["check"]["steps"])
    assert '.github/scripts/release_check.py --dist dist --tag "$TAG"' in check


def _repository(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_preview_takes_only_catalogue_content_even_from_the_repository_root(tmp_path):
    """A glob rooted at the repository root matches the configuration and hooks too:
    the preview still takes only catalogue content from the pull request."""
    config = (
        "site_name: x\nhooks: [hooks.py]\ntheme: {name: material, custom_dir: overrides}\n"
        "plugins:\n  - personas:\n      personas: ['**/*']\n      skills: ['**/SKILL.md']\n"
    )
    agent = "---\nname: a\ndescription: Agent a.\n---\nBody.\n"
    base = _repository(
        tmp_path / "base",
        {
            "mkdocs.yml": config,
            "hooks.py": "x = 1\n",
            "overrides/main.html": "{% extends 'base.html' %}\n",
            "a.md": agent,
            "gone.md": agent.replace("a", "g"),
            "docs/index.md": "# Home\n",
            "docs/extra.css": "p {}\n",
        },
    )
    pull = _repository(
        tmp_path / "pull-request",
        {
            "mkdocs.yml": config.replace("hooks.py", "evil.py"),
            "hooks.py": "import os\n",
            "helper.py": "import os\n",
            "overrides/main.html": "<script>alert(1)</script>\n",
            "a.md": agent.replace("Body.", "Changed body."),
            "skills/s/SKILL.md": "---\nname: s\ndescription: S.\n---\nUse it.\n",
            "skills/s/scripts/run.py": "print(1)\n",
            "docs/index.md": "# New home\n",
            "docs/extra.css": "body { display: none }\n",
            "docs/img/logo.png": "png",
            ".git/config": "[core]\n",
        },
    )
    os.symlink("/etc/passwd", pull / "docs/leak.md")
    taken, refused = take(pull, base / "mkdocs.yml")
    assert "skills/s/scripts/run.py" in taken and "docs/img/logo.png" in taken
    assert set(refused) >= {"mkdocs.yml", "hooks.py", "helper.py", "overrides/main.html"}
    assert (base / "mkdocs.yml").read_text() == config
    assert (base / "hooks.py").read_text() == "x = 1\n" and not (base / "helper.py").exists()
    assert (base / "overrides/main.html").read_text().startswith("{% extends")
    assert "Changed body." in (base / "a.md").read_text() and not (base / "gone.md").exists()
    assert (base / "docs/index.md").read_text() == "# New home\n"
    assert (base / "docs/extra.css").read_text() == "p {}\n"
    assert not (base / "docs/leak.md").exists() and not (base / ".git").exists()
