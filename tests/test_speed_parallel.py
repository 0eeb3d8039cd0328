"""Work spread over both cores gives the same site, byte for byte, as one process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import copy_sample

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
    result = subprocess.run(
        [sys.executable, "-c", code, "build", "-v", "-d", str(site)],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


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
