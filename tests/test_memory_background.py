"""When the second process that writes the data files, raw sources and conversions beside
the pages (``site/background.py``, or a page worker of ``site/prerender.py`` once its
pages are done) fails, the build says so in one line, prints no
traceback, and writes them itself: the site is the one a build without the failure makes."""

from __future__ import annotations

import os
import re

import pytest

from conftest import build_in_process, copy_sample

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}

CLI = "\nfrom mkdocs.__main__ import cli; cli()\n"

IN_THE_CHILD = """
import os
import mkdocs_personas.site.plugin as plugin
parent, write = os.getpid(), plugin.write_exports
def write_exports(*args, **kwargs):
    if os.getpid() != parent:
        {fail}
    return write(*args, **kwargs)
plugin.write_exports = write_exports
"""

FAILURES = {
    "error": (
        IN_THE_CHILD.format(fail="raise OSError(28, 'No space left on device')"),
        "the second process failed: OSError: [Errno 28] No space left on device (at <string>:",
    ),
    "killed": (
        IN_THE_CHILD.format(fail="import signal; os.kill(os.getpid(), signal.SIGKILL)"),
        "the second process was killed by SIGKILL (the system may have run out of memory)",
    ),
    "fork-refused": (
        "import os\n"
        "def fork():\n"
        "    raise BlockingIOError(11, 'Resource temporarily unavailable')\n"
        "os.fork = fork\n",
        "the second process could not start: BlockingIOError: [Errno 11] Resource "
        "temporarily unavailable (at <string>:3)",
    ),
}

POOLED = "import mkdocs_personas.site.prerender as p; p.PREPARE_FROM = 1\n"
"""The sample's pages prepared by workers: one of them then writes the exports."""

FAILURES["pool-error"] = (POOLED + FAILURES["error"][0], FAILURES["error"][1])
FAILURES["pool-killed"] = (
    POOLED + FAILURES["killed"][0],
    "the second process ended before it finished (killed; the system may have run out of memory)",
)

NOT_BESIDE = re.compile(r"not written beside the pages")


def files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The sample built as usual: its project, its files and its log."""
    root = tmp_path_factory.mktemp("background")
    project = copy_sample(root / "sample")
    log = build_in_process(project, root / "site", CLI, ENV)
    return project, files(root / "site"), log


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the second process needs two cores")
@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_failing_second_process_is_one_line_and_the_build_writes_the_files(
    tmp_path, reference, failure
):
    project, expected, usual = reference
    assert "written by a second process" in usual and not NOT_BESIDE.search(usual)
    code, said = FAILURES[failure]
    log = build_in_process(project, tmp_path / "site", code + CLI, ENV)

    lines = [line for line in log.splitlines() if NOT_BESIDE.search(line)]
    assert len(lines) == 1, log[-3000:]
    assert lines[0].startswith("INFO    -  personas: data files, raw sources and conversions")
    assert said in lines[0]
    assert lines[0].endswith("written by the build's own process instead")
    assert "Traceback" not in log and "written by a second process" not in log

    built = files(tmp_path / "site")
    assert sorted(built) == sorted(expected)
    assert [path for path in expected if built[path] != expected[path]] == []
    assert {"personas.json", "catalogue.json", "match.json"} <= set(built)
    assert not any(".personas-staging" in path for path in built)
