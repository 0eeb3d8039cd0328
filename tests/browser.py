"""Headless Chromium (Debian's package) driven by Playwright against sites served on loopback."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Chromium from ``PERSONAS_CHROMIUM`` or the PATH (Debian installs /usr/bin/chromium)."""
    return (
        os.environ.get("PERSONAS_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def require_chromium() -> str:
    """The browser, or a skip (a failure in CI, where it must be installed)."""
    path = chromium_path()
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_site(site: Path, port: int = 0) -> Iterator[str]:
    """Serve ``site`` on loopback (a free port unless given); yield its base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    """A loopback port no one listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The filter places a screenful of result cards at once and the rest after the paint (and
# the body's matches once match.json has arrived): a test reads the results once every
# result the status counts is placed (60 a page; with no query the status has no count).
_DRAWN = """() => {
    const status = document.querySelector("[data-pc-filter] [data-pc-status]");
    const count = status ? /^(\\d+) /.exec(status.textContent) : null;
    if (!count) return true;
    const shown = document.querySelectorAll("[data-pc-results] .pc-card").length;
    const total = Number(count[1]);
    return shown === total || (shown >= 60 && total > shown);
}"""


def wait_drawn(page) -> None:
    """Wait until the catalogue filter has placed every result its status counts."""
    page.wait_for_function(_DRAWN)
