"""Under ``mkdocs serve --dirty`` a second process, forked as the first build starts
reading, makes each build's ``match.json`` beside it (``index_worker.py``): the served
index is the one a clean build writes, and when that process is gone the build makes it
itself, saying so once."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

from test_serve import fetch, free_port, wait_for

from conftest import make_project, persona
from helpers import stop_serve

MADE_BESIDE = "match.json made beside the build by the second process"


def clean_index(project, tmp_path) -> bytes:
    site = tmp_path / "clean"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
        cwd=project,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return (site / "match.json").read_bytes()


def served_index(base: str) -> dict:
    status, text = fetch(base + "match.json")
    return json.loads(text) if status == 200 else {"terms": {}}


def has_word(base: str, stem: str) -> bool:
    return any(term.startswith(stem) for term in served_index(base)["terms"])


@contextmanager
def serve_dirty(project, log_path):
    """``mkdocs serve --dirty -v``: yields its address and the second process's pid."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-v", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base)[0] == 200, timeout=60)
        started = re.search(r"by a second process \(pid (\d+)\)", log_path.read_text())
        assert started, log_path.read_text()
        yield base, int(started.group(1))
    finally:
        stopped = stop_serve(process)
    assert stopped, "mkdocs serve was still running 30 s after Ctrl-C:\n" + log_path.read_text()
    assert "Traceback" not in log_path.read_text(), log_path.read_text()


def test_the_index_of_an_edit_is_made_beside_the_build_and_equals_a_clean_one(tmp_path):
    files = {f"personas/p{i}.md": persona(f"p{i}", keywords=[f"k{i}"]) for i in range(12)}
    project = make_project(tmp_path / "project", files)
    log_path = tmp_path / "serve.log"
    with serve_dirty(project, log_path) as (base, worker):
        path = project / "personas/p3.md"
        path.write_text(path.read_text("utf-8") + "\nTune the zanzibarite pipeline.\n", "utf-8")
        wait_for(lambda: has_word(base, "zanzibar"))
        time.sleep(0.5)
        beside = log_path.read_text().count(MADE_BESIDE)
        assert beside == 2, "the first build's index and the edit's"
        assert fetch(base + "match.json")[1].encode() == clean_index(project, tmp_path)

        # Gone (killed, out of memory): the build makes the index itself from then on.
        os.kill(worker, signal.SIGKILL)
        path.write_text(path.read_text("utf-8") + "\nAnd the quokkanite one.\n", "utf-8")
        wait_for(lambda: has_word(base, "quokkanit"))
        time.sleep(0.5)
        output = log_path.read_text()
        assert output.count(MADE_BESIDE) == beside
        assert "match.json is made by the build's process from now on: the second process" in (
            output
        )
        assert fetch(base + "match.json")[1].encode() == clean_index(project, tmp_path)


def test_the_second_process_ends_with_the_server(tmp_path):
    project = make_project(tmp_path / "project", {"personas/a.md": persona("a")})
    with serve_dirty(project, tmp_path / "serve.log") as (_, worker):
        os.kill(worker, 0)  # running
    time.sleep(0.2)
    try:
        os.kill(worker, 0)
    except ProcessLookupError:
        return
    raise AssertionError("the second process outlived mkdocs serve")


CHECK = r"""
import sys, time
from pathlib import Path
from mkdocs_personas.analysis import keywords
from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.outputs.export import dumps, match_data, match_digest
from mkdocs_personas.site.index_worker import IndexWorker

project = Path(sys.argv[1])
settings = Settings(project)
worker = IndexWorker.start(Reader(), {})  # a process of one thread, as at serve's start
assert worker is not None

def ours():
    catalogue = keywords.apply(Reader().load(settings)[0], keywords.Options(), ())
    return catalogue, match_digest(catalogue, ())

worker.ask(settings, keywords.Options(), ())
catalogue, digest = ours()
print("same files:", worker.take(digest) == dumps(match_data(catalogue, labels=False)) + "\n")

worker.ask(settings, keywords.Options(), ())
assert worker.connection.poll(30)  # it has answered: it read the files before the edit
path = project / "personas/p1.md"
path.write_text(path.read_text() + "\\nTune the zanzibarite pipeline.\\n")
print("changed between:", worker.take(ours()[1]), worker.failure)
print("not asked:", worker.take(ours()[1]))
worker.stop()
print("stopped:", worker.process is None)
"""


def test_an_index_read_from_other_files_is_not_taken(tmp_path):
    """The build takes the second process's index only for the catalogue it read itself
    (in a process of its own: a test process may run threads, and then nothing forks)."""
    project = make_project(tmp_path, {f"personas/p{i}.md": persona(f"p{i}") for i in range(3)})
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(project)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "same files: True",
        "changed between: None a file changed between the two readings",
        "not asked: None",
        "stopped: True",
    ], done.stdout + done.stderr
