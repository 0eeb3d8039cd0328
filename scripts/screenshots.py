"""Take the README's screenshots from a real build of this repository's sample catalogue.

    .venv/bin/python scripts/screenshots.py [--out docs/assets]

Builds the sample (``mkdocs build --strict``) into a temporary folder, serves it on
loopback and photographs the home page, the catalogue, a persona and the task matcher in
headless Chromium (Debian's package, or ``PERSONAS_CHROMIUM``), light and dark, on a
desktop and on a phone. Nothing is fetched from outside the machine.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TASK = "Design a Kafka-based event sourcing pipeline with a schema registry"
SHOTS = (
    # (file name, page, viewport, colour scheme, what to do first)
    ("home.png", "", DESKTOP, "light", "task"),
    ("home-dark.png", "", DESKTOP, "dark", "task"),
    ("catalogue.png", "catalogue/", DESKTOP, "light", ""),
    ("catalogue-dark.png", "catalogue/?filter=api", DESKTOP, "dark", ""),
    ("screenshot.png", "personas/backend-architect/", DESKTOP, "light", ""),
    ("persona-dark.png", "personas/backend-architect/", DESKTOP, "dark", ""),
    ("matcher.png", "match/?task=" + TASK.replace(" ", "+"), DESKTOP, "light", ""),
    ("matcher-dark.png", "match/?task=" + TASK.replace(" ", "+"), DESKTOP, "dark", ""),
    ("home-phone.png", "", PHONE, "light", ""),
    ("catalogue-phone-dark.png", "catalogue/", PHONE, "dark", ""),
)
"""Every screenshot the README shows (``screenshot.png`` is its first, a persona page)."""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def build(target: Path) -> Path:
    """Build the sample catalogue into ``target/site``; return the site folder."""
    for name in ("docs", "personas", "skills", "mkdocs.yml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"]
    subprocess.run(mkdocs, cwd=target, env=env, check=True)
    return target / "site"


def take(site: Path, out: Path) -> list[Path]:
    """Serve ``site`` on loopback and write every screenshot of :data:`SHOTS` to ``out``."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("PERSONAS_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        raise SystemExit("screenshots: Debian's chromium is needed (apt-get install chromium)")
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            for name, url, viewport, scheme, action in SHOTS:
                context = browser.new_context(
                    viewport=viewport, color_scheme=scheme, device_scale_factor=1
                )
                context.route(lambda u: not u.startswith(base), lambda route: route.abort())
                page = context.new_page()
                page.goto(base + url)
                page.wait_for_load_state("networkidle")
                if action == "task":
                    page.fill("#pc-task", TASK)
                    page.wait_for_selector("[data-pc-ranked] .pc-result")
                page.wait_for_timeout(200)
                path = out / name
                page.screenshot(path=str(path))
                written.append(path)
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "assets")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        site = build(Path(folder))
        for path in take(site, args.out):
            print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
