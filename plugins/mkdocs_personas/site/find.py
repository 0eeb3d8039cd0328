"""The Pagefind search backend: index the built site so that each query downloads only
the parts of the index it needs (Material's backend downloads one file with everything)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys


def available() -> bool:
    """Whether Pagefind (the ``pagefind`` extra) is installed."""
    return importlib.util.find_spec("pagefind") is not None


def index_site(site_dir: str) -> str | None:
    """Run Pagefind over a built site; return its error output if it failed."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", site_dir, "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
    return None
