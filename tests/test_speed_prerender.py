"""Pages prepared by forked workers (``site/prerender.py``) give the same site and the
same log, byte for byte, as a build that prepares every page in its own process."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import build_in_process, copy_sample, write

ENV = {
    **os.environ,
    "NO_MKDOCS_2_WARNING": "1",
    "SOURCE_DATE_EPOCH": "1700000000",
    "PYTHONHASHSEED": "0",  # the -v log prints sets (the theme's static templates)
}

POOLED = (
    "import mkdocs_personas.site.prerender as p; p.PREPARE_FROM = 1; p.AHEAD = 2; "
    "p.HEADERS_FIRST = 4; p.HEADER_CHUNK = 2; from mkdocs.__main__ import cli; cli()"
)
"""Workers at most two messages ahead of the build: they wait for it, as on a large site;
the headers of most pages come after the exports."""
ALONE = "import mkdocs_personas.site.prerender as p; p.PREPARE_FROM = 10**9; " + (
    "from mkdocs.__main__ import cli; cli()"
)

DEFERRED = POOLED.replace("p.HEADERS_FIRST = 4", "p.HEADERS_FIRST = 10**6")
"""Every page's header in the second pass, before the exports: the workers' first pass
leaves their own share's out."""

FAILING = (
    "import mkdocs_personas.site.prerender as p; p.PREPARE_FROM = 1\n"
    "def fail(job, src_uri):\n"
    "    raise RuntimeError('a worker fails on ' + src_uri)\n"
    "p._prepare_page = fail\n"
    "from mkdocs.__main__ import cli; cli()"
)
"""Every page a worker takes fails there: the build's process prepares them all itself."""

PREPARED = re.compile(r"personas: (\d+) of (\d+) pages prepared by workers")
HEADERS = re.compile(
    r"personas: headers of (\d+) of the second pass's (\d+) pages prepared by workers"
)
SEARCHED = re.compile(r"personas: search entries of (\d+) pages made by workers")
OWN_LINES = re.compile(
    r"prepared by workers|made by workers|written by a second process|beside the second|"
    r"Documentation built in"
)
"""Log lines that differ by design: the pool's and the background's own, the time."""

EXTRA = {
    "personas/linker.md": """
        ---
        name: linker
        description: Links to places that are not there.
        expertise: [Links]
        activation_keywords: [links]
        ---

        # Linker

        A [missing page](missing.md), a [root link](/en/docs/nowhere), and
        [the writer](technical-writer.md).

        > > > > > > > > > > > > > > > nested too deep
        """,
    "personas/hidden.md": "---\nname: hidden\ndescription: Says more than it shows.\n---\n\n"
    "# Hidden\n\nPlain text\u202e with a bidi override.\n\n<!-- a comment to keep -->\n",
    "skills/bundled/SKILL.md": """
        ---
        name: bundled
        description: A skill with a reference document.
        ---

        # Bundled

        See [the guide](references/guide.md).
        """,
    "skills/bundled/references/guide.md": "# Guide\n\nA [broken link](../nothere.md).\n",
}


def build(project: Path, site: Path, code: str) -> str:
    return build_in_process(project, site, code, ENV)


def lines(log: str, site: Path) -> list[str]:
    """The log's lines but those that differ by design, the site's folder as SITE."""
    log = re.sub(r" at 0x[0-9a-f]+", "", log.replace(str(site), "SITE"))
    return [line for line in log.splitlines() if not OWN_LINES.search(line)]


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers are used on two or more cores")
@pytest.mark.parametrize(
    "workers", [POOLED, DEFERRED, FAILING], ids=["workers", "deferred", "failing-workers"]
)
def test_pages_prepared_by_workers_equal_pages_prepared_in_the_build(tmp_path, workers):
    project = copy_sample(tmp_path / "sample")
    write(project, EXTRA)
    pooled_log = build(project, tmp_path / "pooled", workers)
    alone_log = build(project, tmp_path / "alone", ALONE)

    prepared = PREPARED.search(pooled_log)
    assert prepared and int(prepared.group(1)) > 10, pooled_log[-2000:]
    assert int(prepared.group(2)) > int(prepared.group(1))  # the build's process took a share
    assert not PREPARED.search(alone_log)
    # The second pass: the headers of the build's own share (and of the workers' first
    # pages), prepared while it renders.
    headers = HEADERS.search(pooled_log)
    assert headers and int(headers.group(2)) > 10, pooled_log[-2000:]
    assert int(headers.group(1)) > 0 or workers == FAILING, headers.group(0)
    if workers != FAILING:  # every page's, the workers' share too, past the first pages
        # (so the build does not wait for the workers' first pass)
        assert int(headers.group(2)) == int(prepared.group(2)), (headers[0], prepared[0])
    if workers != FAILING:
        # Material's search entries of the workers' pages: made by them, the same index;
        # past the first pages too (of the first 4 pages, at most 2 are theirs).
        searched = SEARCHED.search(pooled_log)
        assert searched and int(searched.group(1)) > 2, pooled_log[-2000:]

    pooled, alone = files(tmp_path / "pooled"), files(tmp_path / "alone")
    assert sorted(pooled) == sorted(alone)
    assert [path for path in alone if pooled[path] != alone[path]] == []

    # The worker's rendering logged these; the build logs them at their page, in order.
    for said in ("missing.md", "/en/docs/nowhere", "nested", "nothere.md"):
        assert said in alone_log, said
    assert lines(pooled_log, tmp_path / "pooled") == lines(alone_log, tmp_path / "alone")
    assert "U+202E" in pooled["personas/hidden/index.html"].decode()
