"""Shared helpers: build real sites in temporary folders and read what they produce."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

if os.environ.get("PERSONAS_ENGINE") == "properdocs":
    # Run the in-process builds with ProperDocs: it redirects every ``mkdocs.*`` import.
    import properdocs.replacement  # noqa: F401

import jinja2
import jinja2.bccache
import mkdocs
import mkdocs.theme
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from mkdocs_personas.sources.model import Entry, Kind

REPO = Path(__file__).resolve().parent.parent

# A shell starts a background job with Ctrl-C (SIGINT) ignored, and an ignored signal
# stays ignored in every process started from it: ``mkdocs serve`` would then outlive the
# Ctrl-C the serve tests stop it with (``helpers.stop_serve``). The suite restores it, so
# that the tests see what a user's terminal gives, however the suite was started.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
ENGINE = mkdocs.__name__


class _CompiledTemplates(jinja2.BytecodeCache):
    """The theme's Jinja templates compiled once per test process, not once per build.

    MkDocs makes a new Jinja environment for every build, which compiles Material's
    templates again (about half of a small build's time). Jinja keys each compiled
    template by its name and file and keeps it only for the same source text (checksum),
    so an edited or overriding template is compiled afresh: pages render as before."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


class _ThemeLoader(jinja2.FileSystemLoader):
    """MkDocs' theme loader, listing each installed theme folder (Material's 14,500 files,
    walked by every build) once per test process; folders outside the installed packages
    (``custom_dir``, this repository's theme) are walked every time, as before."""

    installed = sysconfig.get_paths()["purelib"]

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for path in self.searchpath:
            one = jinja2.FileSystemLoader(path, self.encoding, self.followlinks)
            if not os.path.abspath(path).startswith(self.installed + os.sep):
                found.update(one.list_templates())
                continue
            if path not in _LISTED:
                _LISTED[path] = one.list_templates()
            found.update(_LISTED[path])
        return sorted(found)


_LISTED: dict[str, list[str]] = {}


def _theme_env(get_env: Callable, templates: _CompiledTemplates) -> Callable:
    def env(theme) -> jinja2.Environment:
        made = get_env(theme)
        made.bytecode_cache = templates
        loader = made.loader
        if type(loader) is jinja2.FileSystemLoader:
            made.loader = _ThemeLoader(loader.searchpath, loader.encoding, loader.followlinks)
        return made

    return env


mkdocs.theme.Theme.get_env = _theme_env(mkdocs.theme.Theme.get_env, _CompiledTemplates())
"""The engine's logger name: ``mkdocs``, or ``properdocs`` when ProperDocs runs the build."""
CORPUS = REPO / "tests" / "corpora" / "wshobson-agents"


@dataclass
class Built:
    """A site built into ``site``, with the log of the build."""

    project: Path
    site: Path
    records: list[logging.LogRecord] = field(default_factory=list)
    aborted: Abort | None = None

    @property
    def warnings(self) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= logging.WARNING]

    @property
    def log(self) -> str:
        return "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in self.records)

    def html(self, url: str) -> str:
        """The HTML of a page by its site-relative URL (``personas/x/``)."""
        path = self.site / url
        if url.endswith("/") or not url:
            path = path / "index.html"
        return path.read_text(encoding="utf-8")

    def pages(self) -> list[Path]:
        return sorted(self.site.rglob("*.html"))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def build_project(project: Path, *, strict: bool = False, site: Path | None = None) -> Built:
    """Run ``mkdocs build`` (the Python API, as the CLI does) on ``project/mkdocs.yml``."""
    site = site or project / "site"
    handler = _Collect()
    logger = logging.getLogger(ENGINE)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    built = Built(project, site, handler.records)
    try:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=strict)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        except Abort as error:
            built.aborted = error
        finally:
            config.plugins.on_shutdown()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    return built


def build_in_process(project: Path, site: Path, code: str, env: dict[str, str]) -> str:
    """``python -c CODE build -v -d SITE`` in ``project`` (``code`` ends by starting MkDocs'
    command line): the build in a process of its own; its log (stderr)."""
    result = subprocess.run(
        [sys.executable, "-c", code, "build", "-v", "-d", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


_FORKED_CLI = r"""
import json, os, runpy, sys
import mkdocs_personas.cli.commands
for line in sys.stdin:
    asked = json.loads(line)
    child = os.fork()
    if child == 0:
        written = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        for fd, path, flags in ((0, os.devnull, os.O_RDONLY), (1, asked["out"], written),
                                (2, asked["err"], written)):
            opened = os.open(path, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        os.chdir(asked["cwd"])
        os.environ.clear()
        os.environ.update(asked["env"])
        sys.argv = ["-m", *asked["args"]]
        runpy.run_module("mkdocs_personas.cli", run_name="__main__", alter_sys=True)
        sys.exit(0)
    print(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]), flush=True)
"""
"""Reads one command a line (JSON); runs each in a child forked for it, as ``python -m
mkdocs_personas.cli`` runs (``__main__`` by runpy; an exception or exit ends the child as
it ends a process); answers the child's exit code."""

_CLI: list[subprocess.Popen] = []


def _end_cli(forked: subprocess.Popen) -> None:
    if forked.poll() is None:
        forked.stdin.close()
        forked.wait(timeout=30)


def personas_cli(
    args: list[str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m mkdocs_personas.cli ARGS`` in ``cwd`` with this process's environment,
    as ``subprocess.run(..., capture_output=True, text=True)`` returns it. Each command is a
    process of its own, forked from one that imported the command line's modules and ran
    nothing (starting Python and importing them is most of a small command's time)."""
    import select
    import signal
    import tempfile

    if not _CLI or _CLI[0].poll() is not None:
        import atexit

        _CLI[:] = [
            subprocess.Popen(
                [sys.executable, "-c", _FORKED_CLI],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
        ]
        atexit.register(_end_cli, _CLI[0])
    forked = _CLI[0]
    with tempfile.TemporaryDirectory(prefix="personas-cli-") as folder:
        out, err = Path(folder, "out"), Path(folder, "err")
        asked = {"args": [str(a) for a in args], "cwd": str(cwd), "env": dict(os.environ)}
        forked.stdin.write(json.dumps({**asked, "out": str(out), "err": str(err)}) + "\n")
        forked.stdin.flush()
        if not select.select([forked.stdout], [], [], timeout)[0]:
            os.killpg(forked.pid, signal.SIGKILL)
            forked.wait()
            raise subprocess.TimeoutExpired(["personas", *args], timeout)
        answer = forked.stdout.readline()
        assert answer.strip().lstrip("-").isdigit(), f"the forking process ended: {answer!r}"
        return subprocess.CompletedProcess(
            [sys.executable, "-m", "mkdocs_personas.cli", *args],
            int(answer),
            out.read_text(encoding="utf-8"),
            err.read_text(encoding="utf-8"),
        )


def write(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``files`` (relative path -> text or bytes) under ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


def make_entry(
    name: str, description: str = "", body: str = "", keywords=(), expertise=(), examples=()
):
    """A persona entry as the reader would make it from a file with this body."""
    raw = f"---\nname: {name}\n---\n{body}"
    return Entry(
        Kind.PERSONA,
        name,
        name.replace("-", " ").title(),
        description,
        f"personas/{name}.md",
        raw,
        raw.index(body) if body else len(raw),
        4,
        keywords=tuple(keywords),
        expertise=tuple(expertise),
        examples=tuple(examples),
    )


def make_project(
    root: Path, files: dict[str, str | bytes], plugin: dict | None = None, **config: object
) -> Path:
    """A project folder with ``mkdocs.yml`` (Material + personas) and the given files."""
    settings = {
        "site_name": "Test catalogue",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"personas": plugin or {}}],
        **config,
    }
    (root / "docs").mkdir(parents=True, exist_ok=True)
    if "docs/index.md" not in files:
        (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    write(root, files)
    return root


def persona(
    name: str,
    *,
    keywords=("api",),
    expertise=("APIs",),
    skills=(),
    body=None,
    complexity="medium",
    **extra: object,
) -> str:
    """A persona file in the reference shape."""
    front = {
        "name": name,
        "expertise": list(expertise),
        "activation_keywords": list(keywords),
        "complexity_threshold": complexity,
        **({"skills": list(skills)} if skills else {}),
        **extra,
    }
    title = " ".join(w.capitalize() for w in name.split("-"))
    text = body if body is not None else f"# {title} Persona\n\nYou are {title}.\n"
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n" + text


def skill(name: str, description: str = "Does a thing. Use when needed.", body=None) -> str:
    """A skill file in the Agent Skills shape."""
    title = " ".join(w.capitalize() for w in name.split("-"))
    text = body if body is not None else f"# {title}\n\n## When to Use This Skill\n\n- Always\n"
    front = yaml.safe_dump({"name": name, "description": description}, sort_keys=False)
    return "---\n" + front + "---\n\n" + text


def risky_agent(name: str) -> str:
    """A Claude Code subagent with powerful settings: it bypasses permissions and runs a
    shell hook (what the capabilities panel and the risk facet flag)."""
    return f"""---
name: {name}
description: Ships releases on its own.
tools: Read, Bash
permissionMode: bypassPermissions
hooks:
  PreToolUse:
    - matcher: Bash
      hooks:
        - type: command
          command: ./guard.sh
---

You ship releases.
"""


def copy_sample(project: Path, edit: Callable[[str], str] = lambda config: config) -> Path:
    """This repository's catalogue copied to ``project``, its ``mkdocs.yml`` passed
    through ``edit``."""
    for name in ("docs", "personas", "skills"):
        shutil.copytree(REPO / name, project / name)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(edit(config), encoding="utf-8")
    return project


def shared_build(tmp_path_factory, name: str, make: Callable[[Path], Built]) -> Built:
    """``make(folder)`` once per test run: under pytest-xdist the first worker to ask builds
    the site into a folder all workers see, the others wait for it and read the same
    build (its log records keep their logger, level and message). Read-only for tests."""

    def picklable(built: Built) -> Built:
        records = [
            logging.makeLogRecord(
                {"name": r.name, "levelno": r.levelno, "levelname": r.levelname}
                | {"msg": r.getMessage(), "args": None}
            )
            for r in built.records
        ]
        aborted = Abort(str(built.aborted)) if built.aborted else None
        return Built(built.project, built.site, records, aborted)

    return shared_result(tmp_path_factory, name, lambda folder: make(folder / "project"), picklable)


def shared_result(
    tmp_path_factory,
    name: str,
    make: Callable[[Path], object],
    picklable: Callable[[object], object] = lambda result: result,
) -> object:
    """``make(folder)`` once per test run: under pytest-xdist the first worker to ask makes
    it in a folder all workers see, the others wait for it and read ``picklable(result)``.
    Read-only."""
    if not os.environ.get("PYTEST_XDIST_TESTRUNUID"):
        return make(tmp_path_factory.mktemp(name))
    import fcntl
    import pickle

    root = tmp_path_factory.getbasetemp().parent / f"shared-{name}"
    saved = root.parent / f"shared-{name}.pickle"
    with open(f"{root}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved.exists():
            return pickle.loads(saved.read_bytes())
        if root.exists():
            shutil.rmtree(root)
        root.mkdir()
        result = make(root)
        saved.write_bytes(pickle.dumps(picklable(result)))
        return result


@pytest.fixture(scope="session")
def clean_build():
    """Clean builds to compare a ``serve --dirty`` session with (``serving.py``)."""
    from serving import CleanBuilds

    builds = CleanBuilds()
    yield builds
    builds.close()


def script_module(path: Path):
    """A script of the repository (not a package module) loaded as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def release_check():
    """.github/scripts/release_check.py as a module."""
    return script_module(REPO / ".github/scripts/release_check.py")


@pytest.fixture(scope="session")
def release_checked(tmp_path_factory) -> tuple[int, str, Path]:
    """The local release check, run once per test run in its quick mode (the sdist and the
    wheel built into ``dist``, checked, installed in a fresh environment that reuses this
    one's dependencies, the sample built there): its exit code, what it printed and
    ``dist``. tests/test_team_install.py installs that same wheel. Read-only for tests."""
    import contextlib
    import io

    def make(folder: Path) -> tuple[int, str, Path]:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = release_check().main(["--dist", str(folder / "dist"), "--reuse-dependencies"])
        return code, printed.getvalue(), folder / "dist"

    return shared_result(tmp_path_factory, "release", make)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Built:
    """This repository's own catalogue, built once with ``--strict``."""
    return shared_build(
        tmp_path_factory, "sample", lambda folder: build_project(copy_sample(folder), strict=True)
    )


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory) -> Built:
    """The wshobson/agents collection, configured by globs, built once."""

    def make(folder: Path) -> Built:
        project = make_project(
            folder,
            {},
            plugin={
                "personas": [str(CORPUS / "plugins/*/agents/*.md")],
                "skills": [str(CORPUS / "plugins/*/skills/*/SKILL.md")],
            },
        )
        return build_project(project)

    return shared_build(tmp_path_factory, "corpus", make)


LINK_CHECKS = {
    "links": {
        "not_found": "warn",
        "anchors": "warn",
        "absolute_links": "warn",
        "unrecognized_links": "warn",
    }
}
"""MkDocs' link checks as this repository's mkdocs.yml sets them: every kind a warning, so
``--strict`` fails on a broken link (they add log lines only: the site is the same)."""


def globs_build(tmp_path_factory, options: dict[str, object]) -> Built:
    """A catalogue read by absolute globs (``options``: the plugin's) with the default
    settings and :data:`LINK_CHECKS`, built once per test run whichever test asks first
    (:func:`shared_build`, keyed by the options), without ``--strict``: a test that needs
    a strict build asserts that it logged no warning (what ``--strict`` fails on).
    Read-only for tests."""
    import hashlib

    key = hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()[:16]
    if key not in _GLOBS_BUILDS:
        _GLOBS_BUILDS[key] = shared_build(
            tmp_path_factory,
            f"globs-{key}",
            lambda folder: build_project(
                make_project(folder, {}, plugin=options, validation=LINK_CHECKS)
            ),
        )
    return _GLOBS_BUILDS[key]


_GLOBS_BUILDS: dict[str, Built] = {}


@pytest.fixture(scope="session")
def payload_corpus_site(tmp_path_factory) -> Built:
    """tests/payloads (hostile personas and skills), built once per test run."""

    def make(folder: Path) -> Built:
        shutil.copytree(REPO / "tests" / "payloads", folder)
        return build_project(folder)

    return shared_build(tmp_path_factory, "payloads", make)


@pytest.fixture(scope="session")
def sample_base(sample_site):
    """The base URL of the sample site served on loopback, one server per worker for the
    whole session (a module-scoped server would keep all of a module's tests on one
    worker)."""
    from browser import serve_site

    with serve_site(sample_site.site) as base:
        yield base


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium, shared by the browser tests of a session."""
    from browser import CHROMIUM_ARGS, require_chromium

    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


LOOPBACK = ("http://127.0.0.1", "http://localhost")


def console_errors(page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions into a list.

    Failures to reach hosts outside loopback are not ours (this sandbox has no network;
    Material asks GitHub for the repository's stars), so they are left out.
    """
    errors: list[str] = []

    def on_console(message) -> None:
        source = (message.location or {}).get("url", "")
        if message.type == "error" and (not source or source.startswith(LOOPBACK)):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


class Network:
    """The page's requests still open, from Playwright's events: :meth:`quiet` waits for
    a page and what its scripts fetch (the data files a page loads once it has started)
    without Playwright's ``networkidle``, which always waits half a second more."""

    def __init__(self, page) -> None:
        self.page, self.clock = page, time.monotonic
        self.open: set = set()
        self.last = self.clock()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request) -> None:
        self.open.add(request)
        self.last = self.clock()

    def _ended(self, request) -> None:
        self.open.discard(request)
        self.last = self.clock()

    def quiet(self, window: float = 0.15, timeout: float = 15.0) -> None:
        """After the load event, wait until no request has been open for ``window``
        seconds (a request a script makes on load starts within that time)."""
        self.page.wait_for_load_state("load")
        deadline = self.clock() + timeout
        while self.open or self.clock() - self.last < window:
            assert self.clock() < deadline, [r.url for r in self.open]
            self.page.wait_for_timeout(25)


@pytest.fixture
def page(chromium):
    """A fresh browser page that records console errors and uncaught exceptions."""
    context = chromium.new_context()
    tab = context.new_page()
    tab.errors = console_errors(tab)
    yield tab
    context.close()


# Tests marked ``exclusive`` (the speed tripwire) run alone under pytest-xdist: every other
# test holds a shared lock while it runs (setup, call and teardown), the exclusive one
# an exclusive lock; a gate taken first gives it priority over the tests still to start.
# Without xdist nothing is locked.
_LOCKS: dict[str, int] = {}


def _lock(name: str, mode: int) -> None:
    import fcntl
    import tempfile

    if name not in _LOCKS:
        run = os.environ["PYTEST_XDIST_TESTRUNUID"]
        path = Path(tempfile.gettempdir()) / f"personas-tests-{run}.{name}.lock"
        _LOCKS[name] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(_LOCKS[name], mode)


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: one worker per core this process may use (xdist would count physical
    cores, one on a virtual machine whose two cores are hyperthreads)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


DURATIONS = REPO / "tests" / "durations.json"
"""The slowest tests' seconds (benchmarks/suite_durations.py): the order workers start in."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under ``--dist loadgroup``: the tests of a module (or class) that use one of its
    module- or class-scoped fixtures go to one worker, so that the fixture (a site build,
    a server) is made once; every other test is handed out on its own. Exclusive tests
    come first, then the costliest (tests/durations.json), so that no long test starts
    last and keeps one worker busy alone at the end."""
    if getattr(config.option, "dist", "no") != "loadgroup":
        return
    known = json.loads(DURATIONS.read_text(encoding="utf-8")) if DURATIONS.exists() else {}
    units: dict[str, list] = {}
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        definitions = info.name2fixturedefs.values() if info else ()
        unit = item.nodeid
        if any(d and d[-1].scope in ("module", "class", "package") for d in definitions):
            unit = item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(unit))
        units.setdefault(unit, []).append(item)

    def cost(unit: list) -> float:
        if any(item.get_closest_marker("exclusive") for item in unit):
            return float("inf")
        return sum(known.get(item.nodeid, 1.0) for item in unit)

    items[:] = [item for unit in sorted(units.values(), key=cost, reverse=True) for item in unit]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not os.environ.get("PYTEST_XDIST_TESTRUNUID"):
        yield
        return
    import fcntl

    if item.get_closest_marker("exclusive"):
        _lock("gate", fcntl.LOCK_EX)
        _lock("work", fcntl.LOCK_EX)
        try:
            yield
        finally:
            _lock("work", fcntl.LOCK_UN)
            _lock("gate", fcntl.LOCK_UN)
    else:
        _lock("gate", fcntl.LOCK_SH)
        _lock("work", fcntl.LOCK_SH)
        _lock("gate", fcntl.LOCK_UN)
        try:
            yield
        finally:
            _lock("work", fcntl.LOCK_UN)
