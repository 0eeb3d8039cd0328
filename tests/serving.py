"""A ``mkdocs serve --dirty`` session without the server, and clean builds to compare it
with (the ``clean_build`` fixture of conftest.py)."""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from helpers import tree

SERVE_URL = "http://127.0.0.1:8000/"


class Session:
    """A ``mkdocs serve --dirty`` session without the server: the configuration is loaded
    again for every rebuild, as serve does, and plugins persist across rebuilds."""

    def __init__(self, project: Path, site: Path) -> None:
        self.project, self.site = project, site
        config = self.config()
        config.plugins.on_startup(command="serve", dirty=True)
        self.rebuild(config)

    def config(self):
        config = load_config(str(self.project / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = SERVE_URL
        return config

    def rebuild(self, config=None) -> list[str]:
        records: list[logging.LogRecord] = []
        handler = logging.Handler()
        handler.emit = records.append
        logger = logging.getLogger("mkdocs")
        logger.addHandler(handler)
        level, logger.level = logger.level, logging.INFO
        try:
            build(config or self.config(), serve_url=SERVE_URL, dirty=True)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        return [r.getMessage() for r in records]


FORKING = r"""
import json, os, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
import material.plugins.search.plugin, mkdocs_personas.site.plugin
for line in sys.stdin:
    asked = json.loads(line)
    log = os.open(asked["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    child = os.fork()
    if child == 0:
        code = 1
        try:
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.environ.clear()
            os.environ.update(asked["env"])
            c = load_config(asked["config"], site_dir=asked["site"])
            c.site_url = asked["url"]
            c.plugins.on_startup(command="serve", dirty=False)
            build(c, serve_url=asked["url"])
            code = 0
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(log)
    print(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]), flush=True)
"""
"""Reads one build a line (JSON), builds each in a child forked for it, answers its exit code."""


class CleanBuilds:
    """Clean builds, each in a process of its own (as a separate command would be: MkDocs
    keeps plugin instances for the whole process), forked from one that imported MkDocs,
    Material and the plugin and never built (Python starting and importing them is about
    half of a fresh process's small build)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", FORKING],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, project: Path, site: Path) -> dict[str, bytes]:
        """A clean build with the same site URL and this process's environment."""
        log = site.with_name(f"{site.name}.log")
        asked = {"config": str(project / "mkdocs.yml"), "site": str(site), "url": SERVE_URL}
        self.process.stdin.write(json.dumps({**asked, "env": dict(os.environ), "log": str(log)}))
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer.strip() == "0", (answer, log.read_text() if log.exists() else "")
        return tree(site)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def assert_equals_clean_build(session: Session, tmp_path: Path, clean_build) -> None:
    expected = clean_build(session.project, tmp_path / f"clean-{time.monotonic_ns()}")
    served = tree(session.site)
    assert sorted(served) == sorted(expected)
    assert [name for name, data in served.items() if expected[name] != data] == []
