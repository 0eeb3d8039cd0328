"""``mkdocs serve`` rebuilds on every persona and skill change, and leaves no stale page."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import make_project, persona, skill
from helpers import stop_serve


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def wait_for(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the served site to change")


@contextmanager
def serve(project: Path):
    """``mkdocs serve`` on a free port; yields its address and a function reading its log."""
    port = free_port()
    log_path = project / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base)[0] == 200, timeout=60)
        yield base, lambda: log_path.read_text()
    finally:
        stop_serve(process)
        output = log_path.read_text()
        assert "Traceback" not in output, output


@pytest.mark.parametrize("watch", ["native", "polling"])
def test_serve_follows_adds_edits_renames_and_deletes(tmp_path, watch):
    project = make_project(
        tmp_path,
        {
            "personas/alpha.md": persona("alpha", keywords=["kafka"]),
            "skills/tdd/SKILL.md": skill("tdd", "Red, green, refactor. Use when coding."),
            "personas/team/delta.md": persona("delta"),
        },
        plugin={"watch": watch},
    )
    with serve(project) as (base, log):
        status, page = fetch(base + "personas/alpha/")
        assert status == 200 and "kafka" in page
        if watch == "native":
            assert "watching personas, skills for changes (reported by the system)" in log()

        persona_file = project / "personas/alpha.md"
        persona_file.write_text(persona("alpha", keywords=["pulsar"]))
        wait_for(lambda: "pulsar" in fetch(base + "personas/alpha/")[1])
        assert "kafka" not in fetch(base + "keywords/")[1]
        time.sleep(1)
        assert log().count("Building documentation") == 2, "one edit, one rebuild"

        (project / "personas/beta.md").write_text(persona("beta"))
        wait_for(lambda: fetch(base + "personas/beta/")[0] == 200)
        assert 'href="../personas/beta/"' in fetch(base + "catalogue/")[1]

        persona_file.rename(project / "personas/gamma.md")
        (project / "personas/gamma.md").write_text(persona("gamma", keywords=["pulsar"]))
        wait_for(lambda: fetch(base + "personas/gamma/")[0] == 200)
        wait_for(lambda: fetch(base + "personas/alpha/")[0] == 404)
        assert "personas/alpha/" not in fetch(base + "catalogue/")[1]

        (project / "skills/tdd/SKILL.md").write_text(skill("tdd", "Now about mutation testing."))
        wait_for(lambda: "mutation testing" in fetch(base + "skills/tdd/")[1])

        (project / "personas/beta.md").unlink()
        wait_for(lambda: fetch(base + "personas/beta/")[0] == 404)
        assert fetch(base + "personas/beta.md")[0] == 404

        assert fetch(base + "personas/delta/")[0] == 200
        (project / "personas/team").rename(project / "archive")
        wait_for(lambda: fetch(base + "personas/delta/")[0] == 404)

        time.sleep(1)
        builds = log().count("Building documentation")
        if watch == "native":
            (project / "personas/.gamma.md.swp").write_text("an editor's swap file")
            (project / "personas/notes.txt").write_text("not a persona")
        time.sleep(1.5)
        assert log().count("Building documentation") == builds, "rebuilt with no persona changed"


def test_a_persona_folder_inside_docs_is_polled_and_built_once_per_edit(tmp_path):
    project = make_project(
        tmp_path,
        {"docs/team/alpha.md": persona("alpha", keywords=["kafka"])},
        plugin={"personas": ["docs/team/*.md"]},
    )
    with serve(project) as (base, log):
        assert "kafka" in fetch(base + "personas/alpha/")[1]
        assert "reported by the system" not in log()
        builds = log().count("Building documentation")
        (project / "docs/team/alpha.md").write_text(persona("alpha", keywords=["pulsar"]))
        wait_for(lambda: "pulsar" in fetch(base + "personas/alpha/")[1])
        time.sleep(1.5)
        assert log().count("Building documentation") == builds + 1, "one edit, one rebuild"


@pytest.mark.parametrize("native", [True, False])
def test_a_rebuild_starts_sooner_where_the_system_reports_changes(tmp_path, native):
    """MkDocs waits 0.1 s without a change before building (sized for its polling); with
    persona folders watched by the system, an edit waits 0.03 s."""
    from mkdocs.livereload import LiveReloadServer

    from mkdocs_personas.site.watch import QUIET, watch

    (tmp_path / "personas").mkdir()
    server = LiveReloadServer(lambda: None, "127.0.0.1", 0, str(tmp_path / "site"))
    watcher = watch(server, [str(tmp_path / "personas")], lambda path, folder: True, native=native)
    try:
        assert server.build_delay == (QUIET if native else 0.1)
        assert QUIET < 0.1
    finally:
        if watcher is not None:
            watcher.stop()
        server.server_close()
