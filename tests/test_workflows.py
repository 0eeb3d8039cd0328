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

from mkdocs_personas.cli import preview_check
from mkdocs_personas.cli.init import REPOSITORY, SOURCE, Install, render_workflow
from mkdocs_personas.cli.init import WORKFLOWS as TEMPLATES
from mkdocs_personas.cli.preview import take
from mkdocs_personas.site import csp

from conftest import REPO, build_project, copy_sample

WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))


def load(path: Path) -> dict:
    """A workflow, every scalar a string (BaseLoader); read by libyaml when PyYAML has it
    (the same documents, about six times faster over the 480 variants)."""
    data = yaml.load(path.read_text(), Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
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


INSTALLS = {
    "source": SOURCE,
    "release": Install("==9.9.9", "# pinned by personas init"),
    "commit": Install(f" @ git+{REPOSITORY}@{'0' * 40}", "# pinned to a commit"),
    "properdocs": Install("==9.9.9", "# pinned", extra=("properdocs>=1.6,<1.7",)),
}
CONFIGS = (
    "mkdocs.yml",
    "mkdocs.yaml",
    "properdocs.yml",
    "properdocs.yaml",
    "site conf/x.yml",
    'my #1: site\'s "x".yml',
)
BRANCHES = ("main", "release/2.x", "it's-#1,{x}", "!déploiement+")
"""Branch names `init` reads from git: plain, and with characters YAML or GitHub's branch
filters would read as syntax (quotes, comments, flow mappings, globs)."""


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> list[Path]:
    """Every workflow `personas init` can write: each template with each kind of install
    (this source, a release, a commit, with ProperDocs), configuration file name (engine
    and extension, a path with a space) and branch name."""
    root = tmp_path_factory.mktemp("variants")
    written = []
    for install_name, install in INSTALLS.items():
        for index, config in enumerate(CONFIGS):
            for branch in BRANCHES:
                folder = root / f"{install_name}-{index}-{BRANCHES.index(branch)}"
                folder.mkdir()
                for name in TEMPLATES:
                    path = folder / f"{name}.yml"
                    text = render_workflow(name, install, config=config, branch=branch)
                    assert not re.search(r"__[A-Z_]+__", text), (path, text)
                    path.write_text(text, encoding="utf-8")
                    written.append(path)
    return written


def test_actionlint_is_clean_on_every_variant_init_can_write(variants):
    assert len(variants) == len(INSTALLS) * len(CONFIGS) * len(BRANCHES) * len(TEMPLATES)
    result = subprocess.run([actionlint(), *map(str, variants)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    properdocs = [p for p in variants if "properdocs" in p.parent.name and p.stem == "checks"]
    assert all("properdocs" in p.read_text() for p in properdocs)
    for path in variants:
        if path.stem == "checks":
            config = CONFIGS[int(path.parent.name.split("-")[1])]
            build = load(path)["jobs"]["catalogue"]["steps"][-1]["run"]
            words = build.replace("mkdocs build", "printf '%s\\0'", 1)
            words = words.replace("properdocs build", "printf '%s\\0'", 1)
            argv = subprocess.run(["bash", "-c", words], capture_output=True, text=True).stdout
            engine = "properdocs" if config.startswith("properdocs") else "mkdocs"
            expected = [] if config == f"{engine}.yml" else ["-f", config]
            assert argv.split("\0")[:-1] == ["--strict", *expected], (path, build)
        if path.stem in ("checks", "deploy"):
            branch = BRANCHES[int(path.parent.name.rsplit("-", 1)[1])]
            filters = load(path)["on"]["push"]["branches"]
            assert [re.sub(r"\\(.)", r"\1", f) for f in filters] == [branch], path


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
RUNS_FILES = re.compile(
    r"pull-request"
    r"|(?:^|[\s;&|(])(?:mkdocs|properdocs)\s+(?:build|serve|gh-deploy)"
    r"|mkdocs_personas\.preview\s+(?:take|summary|build)"
    r"|(?:\b(?:bash|sh|python3?|source|chmod)|(?:^|\s)\.)\s+\S*(?:preview|previews)/",
    re.MULTILINE,
)
"""In a ``run:``: a pull request's checkout, a build (which reads configuration and
content), or a file of the artifact or the preview repository run as a program."""


def reads_pull_request(job: dict) -> bool:
    """A checkout of a chosen commit, a ``pull-request`` folder, or a script using one."""
    for step in job.get("steps", []):
        options = step.get("with", {})
        if "actions/checkout" in step.get("uses", "") and "ref" in options:
            return True
        if options.get("path") == "pull-request" or "pull-request" in step.get("run", ""):
            return True
    return False


def text_of(value: object) -> str:
    """Every key and value of a loaded workflow part, one per line: what a search for a
    name or an expression in it looks through (unlike a YAML dump, never wraps a long
    string across lines, and is far quicker than dumping)."""
    if isinstance(value, dict):
        return "\n".join(f"{text_of(k)}\n{text_of(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(text_of(v) for v in value)
    return str(value)


def holds_credential(workflow: dict, job: dict) -> bool:
    """A write token (the job's or the workflow's permissions) or any secret."""
    permissions = job.get("permissions", workflow.get("permissions"))
    return writes(permissions) or "secrets." in text_of(job)


def _jobs(path: Path):
    workflow = load(path)
    for name, job in workflow["jobs"].items():
        yield workflow, name, job


def test_no_run_step_interpolates_an_expression(variants):
    """Event values (a branch name, a title) reach scripts through the environment only:
    an expression in a script would be code written by whoever chose the value."""
    for path in WORKFLOWS + variants:
        for _, name, job in _jobs(path):
            for step in job.get("steps", []):
                assert "${{" not in step.get("run", ""), (path.name, name, step.get("name"))


def credential_problems(workflow: dict) -> list[str]:
    """What lets a job that holds a credential run a pull request's code or configuration:
    a checkout of another commit or repository, a step working in a folder, a script that
    takes, builds or runs files, an artifact from another run (the untrusted workflow's)."""
    found = []
    for name, job in workflow["jobs"].items():
        if not holds_credential(workflow, job):
            continue
        for step in job.get("steps", []):
            options, uses = step.get("with", {}), step.get("uses", "")
            where = f"{name}: {step.get('name') or uses}"
            if "actions/checkout" in uses and ({"ref", "repository"} & set(options)):
                found.append(f"{where}: checks out {options.get('ref') or options}")
            if "download-artifact" in uses and ({"run-id", "github-token"} & set(options)):
                found.append(f"{where}: downloads another run's artifact")
            if "working-directory" in step:
                found.append(f"{where}: works in {step['working-directory']}")
            if RUNS_FILES.search(step.get("run", "")):
                found.append(f"{where}: runs {step['run'][:80]!r}")
    return found


def test_jobs_holding_a_credential_never_check_out_or_run_pull_request_code(variants):
    """Every job with a write token, `id-token` or a secret: its checkouts are of the
    workflow's own commit (no ref, no other repository), no step works in or runs files of
    a pull request's checkout or builds a site, and artifacts come from its own run."""
    holders = 0
    for path in WORKFLOWS + variants:
        workflow = load(path)
        holders += sum(holds_credential(workflow, job) for job in workflow["jobs"].values())
        assert credential_problems(workflow) == [], path
    assert holders >= len(variants) // 2  # deploy and publish preview in every variant


def test_the_credential_check_finds_the_old_layout_and_a_pull_request_checkout():
    """The layout of issue 19 (the publish job downloads the untrusted run's artifact)
    and a publish job that checks out the pull request are both found."""
    publish = load(REPO / ".github/workflows/preview-publish.yml")
    assert credential_problems(publish) == []
    steps = publish["jobs"]["publish"]["steps"]
    download = next(s for s in steps if "download-artifact" in s.get("uses", ""))
    download["with"]["run-id"] = "${{ github.event.workflow_run.id }}"
    checkout = next(s for s in steps if "actions/checkout" in s.get("uses", ""))
    checkout["with"]["ref"] = "${{ github.event.workflow_run.head_sha }}"
    steps.append({"run": "mkdocs build --site-dir site"})
    steps.append({"run": "bash preview/install.sh"})
    found = credential_problems(publish)
    assert len(found) == 4, found
    assert "checks out ${{ github.event.workflow_run.head_sha }}" in found[0]
    publish["jobs"]["build"]["env"] = {"KEY": "${{ secrets.PREVIEW_DEPLOY_KEY }}"}
    assert any(f.startswith("build: Take the pull request's") for f in credential_problems(publish))


def test_jobs_that_read_pull_request_files_hold_no_credential(variants):
    """A job that checks out a pull request's commit or takes its files: read-only token
    (no other permission), no secret, no token in any step's environment."""
    readers = 0
    for path in WORKFLOWS + variants:
        for workflow, name, job in _jobs(path):
            if not reads_pull_request(job):
                continue
            text = text_of(job)
            readers += 1
            permissions = job.get("permissions", workflow.get("permissions"))
            assert permissions == {"contents": "read"}, (path.name, name)
            assert "secrets." not in text and "GH_TOKEN" not in text, (path.name, name)
            assert "github.token" not in text and "upload-pages" not in text, (path.name, name)
            # Its scripts run Python beside the pull request's files.
            assert job["env"]["PYTHONSAFEPATH"] == "1", (path.name, name)
    assert readers >= 2


def test_the_preview_is_built_by_the_default_branchs_code_from_pull_request_content():
    """The published preview is built by "Publish preview" (the default branch's workflow):
    its build job checks out the default branch and, beside it, the commit the event names
    once checked; takes only content files; builds with the plugin's sanitizing build; and
    uploads what the publish job downloads (from this run, never the untrusted one's)."""
    publish = load(REPO / ".github/workflows/preview-publish.yml")
    assert triggers(publish) == {"workflow_run"}
    assert publish["on"]["workflow_run"] == {"workflows": ["Preview"], "types": ["completed"]}
    assert publish["permissions"] == {}
    build = publish["jobs"]["build"]
    assert build["permissions"] == {"contents": "read"}
    steps = build["steps"]
    check = next(s for s in steps if s.get("id") == "head")
    assert "=~ ^[0-9a-f]{40}$ ]]" in check["run"]
    checkouts = [s for s in steps if "actions/checkout" in s.get("uses", "")]
    assert [c["with"]["path"] for c in checkouts] == ["base", "pull-request"]
    assert "ref" not in checkouts[0]["with"]
    assert checkouts[1]["with"]["ref"] == "${{ steps.head.outputs.sha }}"
    assert all(c["with"]["persist-credentials"] == "false" for c in checkouts)
    script = "\n".join(s.get("run", "") for s in steps)
    assert "pip install ./base" in script and "mkdocs build" not in script
    taking = next(s for s in steps if "mkdocs_personas.preview take" in s.get("run", ""))
    assert taking["working-directory"] == "base"
    assert taking["run"] == "python -m mkdocs_personas.preview take ../pull-request"
    for step in steps[steps.index(taking) :]:
        assert step.get("working-directory", "base") == "base", step
    upload = next(s for s in steps if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == "preview" and upload["with"]["path"] == "preview/"
    job = publish["jobs"]["publish"]
    assert job["needs"] == "build"
    download = next(s for s in job["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"] == {"name": "preview", "path": "preview"}
    untrusted = load(REPO / ".github/workflows/preview.yml")
    assert triggers(untrusted) == {"pull_request"}
    for step in untrusted["jobs"]["build"]["steps"]:
        assert "upload-artifact" not in step.get("uses", ""), step  # nothing to publish


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


WORKER = "assets/javascripts/workers/search.0123abcd.min.js"
POLICY = csp.policy([], pagefind=False)
SMALL_PAGE = (
    f'<html><head><meta http-equiv="Content-Security-Policy" content="{POLICY}">'
    '<script id="__config" type="application/json">{"base": ".", "features": [], '
    f'"search": "{WORKER}", "translations": {{}}}}</script></head><body></body></html>'
)


def make_artifact(root: Path) -> tuple[Path, preview_check.Known]:
    """A small artifact and what its (made-up) theme folder allows."""
    (root / "site/assets").mkdir(parents=True)
    (root / "site/index.html").write_text(SMALL_PAGE)
    (root / "site/assets/app.css").write_text("p{}")
    (root / "summary.json").write_text("{}")
    (root.parent / "theme/assets/javascripts/workers").mkdir(parents=True)
    (root.parent / "theme/app.css").write_text("p{}")
    (root.parent / "theme" / WORKER).write_text("self.onmessage = () => {}")
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
        (root / "pr-number").write_text("12")
    elif attack == "name":
        (site / "a\nb.html").write_text("x")
    elif attack == "hardlink":
        os.link(root / "summary.json", site / "copy.json")
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
    (artifact / "summary.json").write_text("{}\n")
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
    "search worker from a data URL": (
        PERSONA,
        '"search": "../../assets',
        '"search": "data:text/javascript,alert(1)//../../assets',
    ),
    "policy removed": (PERSONA, 'http-equiv="Content-Security-Policy"', 'http-equiv="x-none"'),
    "policy with a hash of no script here": (
        PERSONA,
        "script-src 'self'",
        "script-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    ),
    "policy allowing any inline script": (
        PERSONA,
        "script-src 'self'",
        "script-src 'self' 'unsafe-inline'",
    ),
    "policy after a script": (
        PERSONA,
        '<meta http-equiv="Content-Security-Policy"',
        '<script src="../../assets/personas/core.js"></script>'
        '<meta http-equiv="Content-Security-Policy"',
    ),
    "second policy": (
        PERSONA,
        '<meta http-equiv="Content-Security-Policy"',
        '<meta http-equiv="Content-Security-Policy" content="default-src *">'
        '<meta http-equiv="Content-Security-Policy"',
    ),
    "second configuration": (
        PERSONA,
        "</article>",
        '<script id="__config" type="application/json">{}</script></article>',
    ),
    "configuration with markup": (
        PERSONA,
        '"Copy to clipboard"',
        '"<img src=x onerror=alert(1)>"',
    ),
    "configuration of one page changed": (PERSONA, '"navigation.instant", ', ""),
    "configuration with another base": (PERSONA, '"base": "../.."', '"base": "//evil.example"'),
    "configuration that is not JSON": (PERSONA, '"base": "../.."', '"base": ../..'),
    "another JSON script": (
        PERSONA,
        "</article>",
        '<script type="application/json" id="pc-data">{"x": "<img src=x>"}</script></article>',
    ),
    "configuration hidden from the parser": (
        PERSONA,
        '<script id="__config"',
        '<!--><div id="__config">{"search": "data:text/javascript,alert(1)"}</div>-->'
        '<script id="__config"',
    ),
    "policy where browsers ignore it": (
        PERSONA,
        '<meta http-equiv="Content-Security-Policy"',
        '<title><meta http-equiv="Content-Security-Policy"',
    ),
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


def test_the_preview_never_takes_a_file_the_configuration_inherits_from(tmp_path):
    """A configuration's ``INHERIT`` parent (and its parent) is configuration, whatever
    its name: a glob that matches it must not let a pull request add hooks or plugins to
    the trusted build through it."""
    child = (
        "INHERIT: config/base.yml\nsite_name: x\n"
        "plugins:\n  - personas:\n      personas: ['**/*']\n      skills: ['**/SKILL.md']\n"
    )
    parent = "INHERIT: ../shared/root.yaml\ntheme: {name: material}\n"
    root = "site_name: root\n"
    agent = "---\nname: a\ndescription: Agent a.\n---\nBody.\n"
    files = {
        "mkdocs.yml": child,
        "config/base.yml": parent,
        "shared/root.yaml": root,
        "a.md": agent,
        "docs/index.md": "# Home\n",
    }
    base = _repository(tmp_path / "base", files)
    pull = _repository(
        tmp_path / "pull-request",
        {
            **files,
            "config/base.yml": parent + "hooks: [skills/s/scripts/run.py]\n",
            "shared/root.yaml": root + "plugins: [macros]\n",
            "a.md": agent.replace("Body.", "Changed body."),
            "skills/s/SKILL.md": "---\nname: s\ndescription: S.\n---\nUse it.\n",
            "skills/s/scripts/run.py": "import os\n",
        },
    )
    taken, refused = take(pull, base / "mkdocs.yml")
    assert {"config/base.yml", "shared/root.yaml", "mkdocs.yml"} <= set(refused)
    assert (base / "config/base.yml").read_text() == parent
    assert (base / "shared/root.yaml").read_text() == root
    assert "a.md" in taken and "Changed body." in (base / "a.md").read_text()
