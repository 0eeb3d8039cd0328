"""Work spread over both cores gives the same site, byte for byte, as one process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, build_in_process, copy_sample

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}

ONE_THREAD = "from mkdocs.__main__ import cli; cli()"
TWO_THREADS = (
    "import threading, time; threading.Thread(target=time.sleep, args=(3600,), daemon=True)"
    ".start(); from mkdocs.__main__ import cli; cli()"
)
"""``mkdocs`` run as a user runs it, and with a second thread running: forking a threaded
process is unsafe, so the plugin then writes everything in the build's own process."""

BACKGROUND = "written by a second process"


def build(project: Path, site: Path, code: str) -> str:
    return build_in_process(project, site, code, ENV)


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_data_written_in_the_background_equals_data_written_in_the_build(tmp_path):
    project = copy_sample(tmp_path / "sample")
    log = build(project, tmp_path / "background", ONE_THREAD)
    if (os.cpu_count() or 1) > 1:
        assert BACKGROUND in log
    assert BACKGROUND not in build(project, tmp_path / "inline", TWO_THREADS)
    background, inline = files(tmp_path / "background"), files(tmp_path / "inline")
    assert sorted(background) == sorted(inline)
    different = [path for path in inline if background[path] != inline[path]]
    assert different == []
    assert {"personas.json", "catalogue.json", "match.json", "cards.json"} <= set(inline)
    assert any(path.endswith(".toml") for path in inline)  # the conversions
    assert not any(".personas-staging" in path for path in inline)


POOLED = """
import sys
from pathlib import Path
import mkdocs_personas.catalogue.catalogue as catalogue

pools = []


class Counted(catalogue.ProcessPoolExecutor):
    def __init__(self, *args, **kwargs):
        pools.append(kwargs.get("mp_context") or args[1])
        super().__init__(*args, **kwargs)


catalogue.ProcessPoolExecutor = Counted
settings = catalogue.Settings(
    Path(sys.argv[1]), ("plugins/*/agents/*.md",), ("plugins/*/skills/*/SKILL.md",)
)
catalogue.PARALLEL_FROM = 1
called = []  # the build's process, waiting for the workers, does what it needs next
pooled = catalogue.Reader().load(settings, meanwhile=lambda: called.append(len(pools)))
catalogue.PARALLEL_FROM = catalogue.SPAWNED_FROM = 10**9
alone = catalogue.Reader().load(settings, meanwhile=lambda: called.append("alone"))
assert [p.get_start_method() for p in pools] == ["fork"], pools
assert pooled == alone, "the pool read the catalogue differently"
assert called == [1], called  # once, while the pool read; not when nothing waits
print(len(alone[0].entries), len(alone[1]))
"""


def test_reading_in_forked_workers_equals_reading_in_one_process():
    """The wshobson collection (384 files, warnings among them) read by a pool of forked
    workers and by the build's own process: the same entries and problems, in order; the
    build's process does its next work (``meanwhile``) only while a pool reads."""
    result = subprocess.run(
        [sys.executable, "-c", POOLED, str(REPO / "tests/corpora/wshobson-agents")],
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    entries, problems = map(int, result.stdout.split())
    assert entries > 300 and problems > 0


def test_two_processes_sharing_claims_take_each_number_once():
    """The build's process and the worker writing the exports split the entries through
    ``background.Claims``: each from its end, every entry written once, by one of them."""
    import multiprocessing
    import time

    from mkdocs_personas.site.background import Claims

    context = multiprocessing.get_context("fork")
    claims = Claims(context, 2000)
    reading, writing = context.Pipe(duplex=False)

    def front() -> None:
        taken = []
        for number in claims.from_front():
            taken.append(number)
            time.sleep(0.0002)  # some work per entry: both ends keep taking
        writing.send(taken)

    worker = context.Process(target=front)
    worker.start()
    back = []
    for number in claims.from_back():
        back.append(number)
        time.sleep(0.0002)
    front_taken = reading.recv()
    worker.join()
    assert worker.exitcode == 0
    assert front_taken and back, (len(front_taken), len(back))
    assert sorted(front_taken + back) == list(range(2000))
    assert front_taken == sorted(front_taken) and back == sorted(back, reverse=True)


def test_a_claim_the_other_process_blocks_is_an_error_not_an_early_end():
    """Had a worker been killed while holding the count, the numbers left are not known
    to be taken: claiming raises (the build then writes everything itself), rather than
    ending as if all were taken."""
    import multiprocessing

    import pytest

    from mkdocs_personas.site.background import Claims

    claims = Claims(multiprocessing.get_context("fork"), 10)
    claims.WAIT = 0.05
    assert next(claims.from_front()) == 0
    claims.lock.acquire()  # as a process killed while claiming leaves it
    with pytest.raises(TimeoutError):
        next(claims.from_back())
