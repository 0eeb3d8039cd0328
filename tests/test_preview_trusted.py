"""Issue 19, replayed: the preview a pull request gets is built by the default branch's
workflow from the pull request's content files, checked, published and commented on; an
artifact shaped by a hostile workflow (Material's own ``__config`` pointing its search
worker at a ``data:`` URL, the policy removed) is refused and never published; and the
comment shows no heading, link, image, HTML or mention from the pull request.

The jobs of ``.github/workflows/preview-publish.yml`` are run as a runner runs them: each
``run:`` script with bash, its ``env`` and ``if`` evaluated, its outputs passed on. Only
what needs GitHub is stood in for: ``actions/checkout`` (a clone of a local repository),
the artifact actions (a folder), the preview repository (a local bare repository, reached
through git's ``insteadOf``), ``gh`` (a script that answers the pull-request lookup and
records the comment), and ``pip install`` (this virtual environment already holds the
package).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import material
import pytest
import yaml
from markdown_it import MarkdownIt

from mkdocs_personas.cli import preview_check, preview_comment

from conftest import REPO, build_project, copy_sample, make_project, persona, skill

WORKFLOW = REPO / ".github/workflows/preview-publish.yml"
PREVIEWS = "acme/catalogue-previews"
NUMBER = 7
FAKE_GH = """#!{python}
import json, os, sys
args = sys.argv[1:]
log = os.environ["GH_LOG"]
data = sys.stdin.read() if "--input" in args else None
with open(log, "a", encoding="utf-8") as handle:
    handle.write(json.dumps({{"args": args, "input": data, "token": os.environ.get("GH_TOKEN")}}) + "\\n")
if "repos/acme/catalogue/pulls" in args:
    print(json.dumps(json.load(open(os.environ["GH_PULLS"]))))
elif "--slurp" in args:
    print("[[]]")
else:
    print("{{}}")
"""


def git(repo: Path, *args: str) -> str:
    command = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    result = subprocess.run([*command, *args], check=True, capture_output=True, text=True)
    return result.stdout.strip()


@dataclass
class Runner:
    """Runs the ``run:`` steps of one job of the workflow, as GitHub's runner does."""

    root: Path
    event: dict[str, str]
    """Values of the expressions the workflow reads from the event and settings."""
    uses: dict[str, object] = field(default_factory=dict)
    """What stands in for each action, by the action's name."""
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def value(self, expression: str) -> str:
        expression = expression.strip()
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if step:
            return self.outputs.get(step.group(1), {}).get(step.group(2), "")
        if expression not in self.event:
            pytest.fail(f"the test does not know the value of ${{{{ {expression} }}}}")
        return self.event[expression]

    def expand(self, text: str) -> str:
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: self.value(m.group(1)), text)

    def condition(self, text: str, env: dict[str, str]) -> bool:
        """The ``if:`` forms the workflow uses: ``X != ''`` joined by ``&&``."""
        result = True
        for part in text.split("&&"):
            left, right = (p.strip() for p in part.split("!="))
            assert right == "''", text
            value = env.get(left[4:], "") if left.startswith("env.") else self.value(left)
            result = result and value != ""
        return result

    def run_job(self, name: str, workspace: Path) -> tuple[int, str]:
        """Run every step of job ``name`` in ``workspace`` until one fails: (exit, log)."""
        job = yaml.safe_load(WORKFLOW.read_text())["jobs"][name]
        workspace.mkdir(parents=True, exist_ok=True)
        temp = workspace.parent / f"{workspace.name}-temp"
        temp.mkdir(exist_ok=True)
        job_env = {k: self.expand(str(v)) for k, v in (job.get("env") or {}).items()}
        output = ""
        for number, step in enumerate(job["steps"]):
            env = {**job_env, **{k: self.expand(str(v)) for k, v in step.get("env", {}).items()}}
            if "if" in step and not self.condition(step["if"], env):
                continue
            if "uses" in step:
                action = step["uses"].split("@")[0]
                self.uses[action](workspace, step.get("with", {}), self)
                continue
            script = step["run"]
            if script.startswith("python -m pip install"):
                continue  # this environment holds the package and its dependencies
            outputs = temp / f"output-{number}"
            outputs.write_text("")
            environment = {
                "PATH": os.pathsep.join([str(self.root / "bin"), str(Path(sys.executable).parent)])
                + os.pathsep
                + "/usr/bin:/bin",
                "HOME": str(temp),
                "LANG": "C.UTF-8",
                "RUNNER_TEMP": str(temp),
                "GITHUB_OUTPUT": str(outputs),
                "GITHUB_WORKSPACE": str(workspace),
                "GH_LOG": str(self.root / "gh.log"),
                "GH_PULLS": str(self.root / "pulls.json"),
                "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_CONFIG_COUNT": "1",
                "GIT_CONFIG_KEY_0": f"url.file://{self.root / 'previews.git'}.insteadOf",
                "GIT_CONFIG_VALUE_0": f"git@github.com:{PREVIEWS}.git",
                **env,
            }
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-e", "-c", script],
                cwd=workspace / step.get("working-directory", "."),
                env=environment,
                capture_output=True,
                text=True,
                timeout=300,
            )
            output += f"--- {step.get('name', script[:40])}\n{result.stdout}{result.stderr}"
            if "id" in step:
                lines = outputs.read_text().splitlines()
                self.outputs[step["id"]] = dict(line.split("=", 1) for line in lines if "=" in line)
            if result.returncode != 0:
                return result.returncode, output
        return 0, output


def checkout(origin: Path):
    """actions/checkout: a clone of ``origin`` at its default branch, or at ``ref``."""

    def run(workspace: Path, options: dict, runner: Runner) -> None:
        target = workspace / runner.expand(str(options.get("path", ".")))
        git(origin.parent, "clone", "-q", str(origin), str(target))
        ref = runner.expand(str(options.get("ref", "")))
        if ref:
            git(target, "fetch", "-q", "origin", f"+refs/pull/{NUMBER}/head")
            git(target, "checkout", "-q", "--detach", ref)

    return run


def artifacts(store: Path):
    def upload(workspace: Path, options: dict, runner: Runner) -> None:
        shutil.copytree(workspace / options["path"], store / options["name"])

    def download(workspace: Path, options: dict, runner: Runner) -> None:
        assert set(options) == {"name", "path"}  # this run's artifact, never another's
        shutil.copytree(store / options["name"], workspace / options["path"])

    return upload, download


HOSTILE_HOOK = "import os\nos.system('touch /tmp/pwned-by-pr')\n"
MARKUP = "# ✅ Approved [x](https://e.example) ![](https://e.example/a.png) <img src=x> @someone"
MARKUP_WORDS = (
    "# ✅ Approved",
    "[x](https://e.example) @someone",
    "![](https://e.example/a.png)",
    "<img src=x>",
)
"""Keywords (short enough to be kept) that a comment must show as code."""
MARKUP_KEYS = ("# description", "<description>", "@description", "[description]")
"""Unknown keys close enough to a field that validation names them in a problem."""


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> dict[str, object]:
    """A catalogue repository (this one's sample) whose pull request #7 changes a persona,
    adds one whose title and an unknown field's key hold Markdown, and also tries to change
    the configuration, add a hook and a script, which a preview must never use."""
    root = tmp_path_factory.mktemp("trusted")
    origin = copy_sample(root / "origin")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "catalogue")
    base = git(origin, "rev-parse", "HEAD")
    git(origin, "checkout", "-q", "-b", "contributor")
    persona = origin / "personas/data-engineer.md"
    text = persona.read_text().replace(
        "activation_keywords:\n",
        "activation_keywords:\n" + "".join(f"  - {json.dumps(k)}\n" for k in MARKUP_WORDS),
        1,
    )
    persona.write_text(text + "\nStreams first, batches later.\n")
    (origin / "personas/approved.md").write_text(
        "---\nname: approved\n"
        f"title: {json.dumps(MARKUP)}\n"
        "description: Says yes to everything. Use when a pull request needs approval.\n"
        f"{json.dumps(MARKUP + ' key')}: 1\n"
        + "".join(f"{json.dumps(key)}: x\n" for key in MARKUP_KEYS)
        + "---\n\nYou approve.\n",
        encoding="utf-8",
    )
    config = origin / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks: [hook.py]\nextra_javascript: [evil.js]\n")
    (origin / "hook.py").write_text(HOSTILE_HOOK)
    (origin / "docs/evil.js").write_text("alert(document.domain)\n")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "pull request")
    head = git(origin, "rev-parse", "HEAD")
    git(origin, "update-ref", f"refs/pull/{NUMBER}/head", head)
    git(origin, "checkout", "-q", "main")
    (root / "bin").mkdir()
    gh = root / "bin/gh"
    gh.write_text(FAKE_GH.format(python=sys.executable))
    gh.chmod(0o755)
    (root / "pulls.json").write_text(
        json.dumps([{"number": NUMBER, "head": {"sha": head}, "base": {"sha": base}}])
    )
    previews = root / "previews.git"
    git(root, "init", "-q", "--bare", "-b", "gh-pages", str(previews))
    seed = root / "seed"
    git(root, "init", "-q", "-b", "gh-pages", str(seed))
    (seed / "index.html").write_text("previews\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "seed")
    git(seed, "push", "-q", str(previews), "gh-pages")
    return {"root": root, "origin": origin, "base": base, "head": head}


def make_runner(repository: dict, store: Path) -> Runner:
    root = repository["root"]
    upload, download = artifacts(store)
    event = {
        "github.event.workflow_run.head_sha": repository["head"],
        "github.event.workflow_run.head_repository.owner.login": "contributor",
        "github.event.workflow_run.head_branch": "contributor",
        "github.event.workflow_run.html_url": "https://github.com/acme/catalogue/actions/runs/1",
        "github.repository": "acme/catalogue",
        "github.token": "read-token",
        "secrets.PREVIEW_DEPLOY_KEY": "not-a-real-key",
        "vars.PREVIEW_REPOSITORY": PREVIEWS,
        "vars.PREVIEW_URL": "",
    }
    uses = {
        "actions/checkout": checkout(repository["origin"]),
        "actions/setup-python": lambda *args: None,
        "actions/upload-artifact": upload,
        "actions/download-artifact": download,
    }
    return Runner(root, event, uses)


def published(root: Path) -> list[str]:
    listing = git(root / "previews.git", "ls-tree", "-r", "--name-only", "gh-pages")
    return listing.splitlines()


def comments(root: Path) -> list[str]:
    log = root / "gh.log"
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return [json.loads(c["input"])["body"] for c in calls if c["input"]]


@pytest.fixture(scope="module")
def trusted(repository, tmp_path_factory) -> dict[str, object]:
    """The workflow's build job run on pull request #7; its artifact."""
    store = tmp_path_factory.mktemp("artifacts")
    runner = make_runner(repository, store)
    workspace = tmp_path_factory.mktemp("build-runner") / "work"
    code, log = runner.run_job("build", workspace)
    assert code == 0, log
    assert not Path("/tmp/pwned-by-pr").exists()
    fork = runner.outputs["fork"]["sha"]
    return {"store": store, "log": log, "fork": fork, "workspace": workspace}


def test_the_trusted_build_takes_only_content_and_builds_with_the_default_branchs_config(
    repository, trusted
):
    assert trusted["fork"] == repository["base"]
    site = trusted["store"] / "preview/site"
    assert (
        "Streams first, batches later." in (site / "personas/data-engineer/index.html").read_text()
    )
    assert (site / "personas/approved/index.html").is_file()
    assert not (site / "evil.js").exists()
    for page in site.rglob("*.html"):
        assert "evil.js" not in page.read_text(encoding="utf-8"), page
    summary = json.loads((trusted["store"] / "preview/summary.json").read_text())
    changed = {(c["name"], c["status"]) for c in summary["changes"]}
    assert changed == {("data-engineer", "changed"), ("approved", "added")}, summary
    base = trusted["workspace"] / "base"
    assert (base / "mkdocs.yml").read_text() == (REPO / "mkdocs.yml").read_text()
    assert not (base / "hook.py").exists() and not (base / "docs/evil.js").exists()
    assert git(base, "rev-parse", "HEAD") == repository["base"]  # the default branch's


def hostile(artifact: Path) -> None:
    """What a hostile `preview.yml` uploads: Material's own configuration kept, its search
    worker a `data:` URL, and the page's policy removed."""
    page = artifact / "site/index.html"
    text = page.read_text(encoding="utf-8")
    text, found = re.subn(
        r'"search": "[^"]*"',
        '"search": "data:text/javascript,postMessage({items: [{title: \\"<img src=x>\\"}]})"',
        text,
        count=1,
    )
    assert found == 1
    text, found = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    assert found == 1
    page.write_text(text, encoding="utf-8")


def test_a_hostile_artifact_is_refused_and_never_published_or_commented(
    repository, trusted, tmp_path
):
    store = tmp_path / "artifacts"
    shutil.copytree(trusted["store"], store)
    hostile(store / "preview")
    before = published(repository["root"])
    runner = make_runner(repository, store)
    code, log = runner.run_job("publish", tmp_path / "work")
    assert code != 0, log
    assert "site/index.html: no Content Security Policy <meta>" in log
    assert "site/index.html: Material configuration: search 'data:text/javascript," in log
    assert "expected 'assets/javascripts/workers/search." in log
    assert published(repository["root"]) == before
    assert not any(p.startswith(f"pr-{NUMBER}/") for p in before)
    assert comments(repository["root"]) == []


RACE_HOOK = """#!/bin/sh
# The first push meets another pull request's preview pushed just before it.
if [ ! -e "{flag}" ]; then
  touch "{flag}"
  env -i PATH="$PATH" git -C "{other}" push -q "{previews}" gh-pages
  exit 1
fi
"""


def race(root: Path, tmp_path: Path) -> None:
    """The preview repository takes another preview while this one is being pushed."""
    other = tmp_path / "other"
    git(root, "clone", "-q", "--branch", "gh-pages", str(root / "previews.git"), str(other))
    (other / "pr-3").mkdir()
    (other / "pr-3/index.html").write_text("another preview\n")
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "Preview of pull request 3")
    hook = root / "previews.git/hooks/pre-receive"
    flag = tmp_path / "raced"
    hook.write_text(RACE_HOOK.format(flag=flag, other=other, previews=root / "previews.git"))
    hook.chmod(0o755)


def test_the_trusted_build_passes_the_gate_and_is_published_with_its_comment(
    repository, trusted, tmp_path
):
    root = repository["root"]
    race(root, tmp_path)
    runner = make_runner(repository, trusted["store"])
    code, log = runner.run_job("publish", tmp_path / "work")
    assert code == 0, log
    assert "push 1 refused: taking the other previews pushed meanwhile" in log
    files = published(root)
    assert "pr-3/index.html" in files  # the preview pushed meanwhile is kept
    assert f"pr-{NUMBER}/index.html" in files
    assert f"pr-{NUMBER}/personas/approved/index.html" in files
    shown = git(
        repository["root"] / "previews.git",
        "show",
        f"gh-pages:pr-{NUMBER}/personas/data-engineer/index.html",
    )
    assert "Streams first, batches later." in shown
    assert f"Preview of pull request {NUMBER} at {repository['head']}" in git(
        repository["root"] / "previews.git", "log", "-1", "--format=%s", "gh-pages"
    )
    posted = comments(repository["root"])
    assert len(posted) == 1 and posted[0].startswith(preview_comment.MARKER)
    assert f"https://acme.github.io/catalogue-previews/pr-{NUMBER}/" in posted[0]
    assert "`data-engineer`" in posted[0] and "`approved`" in posted[0]
    check_no_contributor_markup(posted[0])


GITHUB_LIKE = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
OURS_HTML = {
    preview_comment.MARKER,
    "<details open><summary>What this pull request changes</summary>",
    "</details>",
}


def _walk(tokens):
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def check_no_contributor_markup(comment: str) -> None:
    """Rendered as GitHub renders comments (CommonMark with raw HTML): no heading, no
    image, no link but ours, no HTML but ours, and no mention, URL or markup outside code."""
    tokens = list(_walk(GITHUB_LIKE.parse(comment)))
    html = GITHUB_LIKE.render(comment)
    assert not re.search(r"<h[1-6]\b", html), html
    assert "<img" not in re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL), html
    links = [t.attrGet("href") for t in tokens if t.type == "link_open"]
    assert links == [f"https://acme.github.io/catalogue-previews/pr-{NUMBER}/"], links
    raw = {t.content.strip() for t in tokens if t.type in ("html_block", "html_inline")}
    assert raw <= {line for text in OURS_HTML for line in text.splitlines()}, raw
    assert all(t.type != "image" for t in tokens)
    for token in tokens:
        if token.type == "text":
            assert "@someone" not in token.content and "e.example" not in token.content, token
            assert "<" not in token.content and "#" not in token.content, token


def test_markdown_in_a_title_and_a_field_key_stays_code_in_the_comment(repository, trusted):
    """The pull request's persona title and unknown field key hold a heading, a link, an
    image, HTML and a mention: the comment shows them as code only."""
    summary = json.loads((trusted["store"] / "preview/summary.json").read_text())
    text = json.dumps(summary, ensure_ascii=False)
    assert "@someone" in text and "e.example" in text  # the markup reached the summary
    for key in MARKUP_KEYS:
        assert key in text
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREVIEW_REPOSITORY", PREVIEWS)
        comment = preview_comment.body(summary, str(NUMBER), repository["head"])
    check_no_contributor_markup(comment)
    for word in MARKUP_WORDS:
        assert f"`{word}`" in comment  # shown, as code
    html = GITHUB_LIKE.render(comment)
    for key in MARKUP_KEYS:
        shown = key.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert f"{shown}: unknown field" in html  # in the fenced block of problems


HOSTILE_STRINGS = [
    MARKUP,
    "`` ` ``` <b>x</b> `",
    "line\n\n# Heading after a blank line",
    "</details><img src=x>",
    "<!-- mkdocs-personas-preview -->",
    "[link](javascript:alert(1))",
    "@someone #1 https://e.example",
    "`",
    " ",
    "\u202e" + "x" * 1000,
]


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_every_contributor_string_of_the_summary_is_code(text, monkeypatch):
    monkeypatch.setenv("PREVIEW_REPOSITORY", PREVIEWS)
    summary = {
        "changes": [
            {
                "kind": text,
                "name": text,
                "status": text,
                "path": text,
                "old_name": text,
                "fields": [text, "title"],
                "gained": {text: [text]},
                "lost": {"keywords": [text]},
            },
            {"kind": "persona", "name": text, "status": "renamed", "path": text, "old_name": text},
        ],
        "introduced": [text],
        "fixed": [text],
        "hidden": [
            {"path": text, "line": 1, "col": 2, "severity": text, "field": text, "text": text}
        ],
    }
    comment = preview_comment.body(summary, str(NUMBER), "0" * 40)
    check_no_contributor_markup(comment)
    assert comment.startswith(preview_comment.MARKER + "\n")  # how the bot finds its own
    assert comment.count("<details") == 1 and comment.endswith("\n</details>\n")
    assert len(comment) < 60_000


def test_a_summary_that_is_not_the_expected_data_is_not_shown(monkeypatch):
    monkeypatch.setenv("PREVIEW_REPOSITORY", PREVIEWS)
    for summary in (None, "# heading", ["x"], {"changes": "## x"}):
        comment = preview_comment.body(summary, str(NUMBER), "not a sha <b>")
        check_no_contributor_markup(comment)
        assert "not a sha" not in comment


def test_the_pull_request_is_found_by_its_head_and_the_commit_is_checked(monkeypatch):
    """The lookup asks GitHub for the head owner:branch the event names, as query
    parameters (a branch name is never part of the path), and takes only a pull request
    whose head is the built commit; a malformed commit id is refused before any call."""
    head = "ab" * 20
    calls = []
    answers = [
        {"number": 3, "head": {"sha": "cd" * 20}},
        {"number": "9", "head": {"sha": head}},
        {"number": True, "head": {"sha": head}},
        {"number": 12, "head": {"sha": head}},
    ]

    def fake_gh(*args, data=None):
        calls.append(args)
        return json.dumps(answers)

    monkeypatch.setattr(preview_comment, "gh", fake_gh)
    branch = "feature/x&state=closed#1"
    assert preview_comment.find("acme/catalogue", head, "fork-owner", branch) == "12"
    assert calls == [
        (
            "--method",
            "GET",
            "repos/acme/catalogue/pulls",
            "-f",
            "state=open",
            "-f",
            f"head=fork-owner:{branch}",
            "-f",
            "per_page=100",
        )
    ]
    answers[:] = [{"number": 4, "head": {"sha": "cd" * 20}}]
    assert preview_comment.find("acme/catalogue", head, "o", "b") == ""
    for bad in ("AB" * 20, head + "\n", head[:39], "$(touch x)"):
        with pytest.raises(ValueError, match="not a 40-digit commit id"):
            preview_comment.find("acme/catalogue", bad, "o", "b")
    assert len(calls) == 2


def test_the_comment_command_refuses_a_number_that_is_not_one(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REPOSITORY", "acme/catalogue")
    summary = tmp_path / "summary.json"
    summary.write_text("{}")
    for argv in (["post", str(summary), "7; rm -rf /"], ["post", str(summary)], ["other"]):
        assert preview_comment.main(["preview_comment", *argv]) == 2
    assert "usage:" in capsys.readouterr().err
    monkeypatch.setenv("HEAD_SHA", "not a commit")
    assert preview_comment.main(["preview_comment", "find"]) == 2
    assert "not a 40-digit commit id" in capsys.readouterr().err


THEME_FOLDERS = (Path(material.__file__).parent / "templates", REPO / "templates/theme")


def test_a_bilingual_preview_passes_the_gate(tmp_path, monkeypatch):
    """With mkdocs-static-i18n, French pages carry Material's French interface strings:
    the gate compares every page's configuration but those strings, which follow the
    page's language (and still may hold no markup or URL)."""
    files = {
        "personas/kafka-expert.md": persona("kafka-expert", keywords=("kafka",)),
        "docs/index.fr.md": "# Accueil\n",
    }
    i18n = {
        "i18n": {
            "docs_structure": "suffix",
            "languages": [
                {"locale": "en", "default": True, "name": "English"},
                {"locale": "fr", "name": "Français"},
            ],
        }
    }
    project = make_project(tmp_path / "project", files, plugins=["search", i18n, "personas"])
    monkeypatch.setenv("PERSONAS_SANITIZE", "all")
    built = build_project(project)
    assert built.aborted is None, built.log
    artifact = tmp_path / "preview"
    artifact.mkdir()
    built.site.rename(artifact / "site")
    french = (artifact / "site/fr/index.html").read_text(encoding="utf-8")
    english = (artifact / "site/index.html").read_text(encoding="utf-8")
    assert '"clipboard.copy": "Copier' in french and '"clipboard.copy": "Copy' in english
    known = preview_check.Known.from_folders(list(THEME_FOLDERS))
    assert preview_check.problems(artifact, known) == []
    page = artifact / "site/fr/index.html"
    page.write_text(french.replace('"Copier', '"<img src=x>Copier', 1), encoding="utf-8")
    sitemap = artifact / "site/sitemap.xml"
    text = sitemap.read_text(encoding="utf-8")
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in text and "<xhtml:link " in text
    sitemap.write_text(re.sub(r'href="[^"]*"', 'href="javascript:alert(1)"', text, count=1))
    assert sorted(preview_check.problems(artifact, known)) == [
        "site/fr/index.html: Material configuration holds markup or a URL: '<img src=x>Copier "
        "dans le presse-papier'",
        "site/sitemap.xml: not a plain sitemap: "
        '\'<xhtml:link rel="alternate" hreflang="en" href="javascript:alert(1)"/>\'',
    ]


def test_a_huge_summary_fits_in_one_comment_and_stays_code(monkeypatch):
    """Thousands of changes, each with long names and many keywords: the comment stays
    under GitHub's limit, says how many more there are, and every fence still closes."""
    monkeypatch.setenv("PREVIEW_REPOSITORY", PREVIEWS)
    long = "`@x <b>` " * 40
    change = {
        "kind": "persona",
        "status": "changed",
        "name": long,
        "path": long,
        "fields": ["keywords"],
        "gained": {"keywords": [long] * 500},
    }
    summary = {"changes": [change] * 3000, "introduced": [long] * 3000, "fixed": [long] * 3000}
    comment = preview_comment.body(summary, str(NUMBER), "0" * 40)
    assert len(comment) < 60_000
    assert "- … and " in comment and " more" in comment
    check_no_contributor_markup(comment)
    html = GITHUB_LIKE.render(comment)
    assert html.count("<pre>") == 2 and html.rstrip().endswith("</details>")


def test_hidden_content_is_listed_once_not_again_as_a_problem(monkeypatch):
    finding = {
        "path": "personas/a.md",
        "line": 3,
        "col": 5,
        "severity": "security",
        "field": "description",
        "text": "hidden bidi control <U+202E>",
    }
    written = "personas/a.md:3:5: security: description: hidden bidi control <U+202E>"
    summary = {"changes": [], "introduced": [written, "personas/b.md:1:1: error: x"]}
    summary["hidden"] = [finding]
    text = preview_comment.summary_markdown(summary)
    assert text.count(written) == 1 and "Problems introduced** (1)" in text


def test_pull_request_files_never_shadow_the_trusted_code(tmp_path):
    """A skill glob rooted at the repository (`**/SKILL.md`) takes a skill folder named
    like a Python package, with an `__init__.py`, into the default branch's checkout,
    where the trusted steps run `python -m ...`: Python must not import it from there."""
    origin = make_project(
        tmp_path / "origin",
        {"personas/a.md": persona("a")},
        plugin={"personas": ["personas/**/*.md"], "skills": ["**/SKILL.md"]},
    )
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "catalogue")
    marker = tmp_path / "pwned"
    payload = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    for package in ("mkdocs_personas", "yaml", "markdown", "mkdocs"):
        (origin / package).mkdir()
        (origin / package / "SKILL.md").write_text(skill(package.replace("_", "-")))
        (origin / package / "__init__.py").write_text(payload)
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "pull request")
    head = git(origin, "rev-parse", "HEAD")
    git(origin, "update-ref", f"refs/pull/{NUMBER}/head", head)
    git(origin, "checkout", "-q", "HEAD~1")
    repository = {"root": tmp_path, "origin": origin, "head": head}
    runner = make_runner(repository, tmp_path / "artifacts")
    workspace = tmp_path / "runner"
    code, log = runner.run_job("build", workspace)
    assert (workspace / "base/mkdocs_personas/__init__.py").is_file()  # taken as content
    assert not marker.exists(), marker.read_text()
    assert code == 0, log
    assert (tmp_path / "artifacts/preview/site/skills/mkdocs-personas/index.html").is_file()


def test_the_bot_updates_only_its_own_comment(tmp_path, monkeypatch):
    """Another bot (or an app) can post a comment starting with the marker; the publish job
    must update the one github-actions wrote, or post a new one, never PATCH a stranger's."""
    calls = []
    comments = [
        [
            {
                "id": 1,
                "body": preview_comment.MARKER + " mimic",
                "user": {"login": "x[bot]", "type": "Bot"},
            },
            {
                "id": 2,
                "body": preview_comment.MARKER + " ours",
                "user": {"login": "github-actions[bot]", "type": "Bot"},
            },
        ]
    ]

    def gh(*args, data=None):
        calls.append((args, data))
        return json.dumps(comments) if "--slurp" in args else "{}"

    monkeypatch.setattr(preview_comment, "gh", gh)
    summary = tmp_path / "summary.json"
    summary.write_text("{}", encoding="utf-8")
    preview_comment.post(summary, "7", "acme/catalogue", "a" * 40)
    assert calls[-1][0][:3] == ("--method", "PATCH", "repos/acme/catalogue/issues/comments/2")
    comments[0].pop()
    preview_comment.post(summary, "7", "acme/catalogue", "a" * 40)
    assert calls[-1][0][:3] == ("--method", "POST", "repos/acme/catalogue/issues/7/comments")


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"plugins": ["search", "personas", "macros"]}, "plugins: macros"),
        (
            {"markdown_extensions": [{"pymdownx.snippets": {"restrict_base_path": False}}]},
            "markdown_extensions: pymdownx.snippets",
        ),
        ({"markdown_extensions": ["markdown_exec"]}, "markdown_extensions: markdown_exec"),
    ],
)
def test_no_preview_is_built_with_plugins_that_run_what_pages_say(tmp_path, extra, named):
    """The trusted build job holds a token: a base configuration that evaluates page content
    (macros, markdown-exec, snippets reading any path) would run a contributor's page."""
    project = make_project(tmp_path, {"personas/a.md": persona("a")}, **extra)
    if "plugins" in extra:
        text = (project / "mkdocs.yml").read_text(encoding="utf-8")
        assert "macros" in text and "personas" in text
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_personas.preview", "build", "--site-dir", "out"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert named in result.stderr and "not built" in result.stderr
    assert not (project / "out").exists()
