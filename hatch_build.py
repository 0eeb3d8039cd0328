"""Hatch build hook: stamp the git commit a distribution is built from into the package.

Writes ``mkdocs_personas/_build.py`` (``COMMIT``, ``DIRTY``, and ``RELEASE``: the tag
``v<version>`` when a clean tree is at it) into the sdist and the wheel,
from a temporary file, never into the source tree. ``personas init`` reads it to pin a
wheel or a local install to the canonical repository at that commit. A build without git
(the wheel built from an sdist) keeps the stamp the sdist holds; with neither, nothing is
stamped and ``personas init`` says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

STAMP = "plugins/mkdocs_personas/_build.py"


def _git(root: str, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", root, *args], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


class StampCommit(BuildHookInterface):
    PLUGIN_NAME = "custom"
    _folder: Path | None = None

    def initialize(self, version: str, build_data: dict) -> None:
        if Path(self.root, STAMP).is_file():
            return  # an sdist's stamp: the wheel is built from it as it is
        commit = _git(self.root, "rev-parse", "HEAD") or ""
        if not re.fullmatch(r"[0-9a-f]{40}", commit):
            return
        dirty = bool(_git(self.root, "status", "--porcelain", "--untracked-files=no"))
        tags = (_git(self.root, "tag", "--points-at", "HEAD") or "").split()
        release = f"v{self.metadata.version}"
        tag = release if release in tags and not dirty else ""
        folder = self._folder = Path(tempfile.mkdtemp(prefix="mkdocs-personas-stamp-"))
        stamp = folder / "_build.py"
        stamp.write_text(
            '"""Written at build time by hatch_build.py: the commit this was built from."""\n\n'
            f'COMMIT = "{commit}"\nDIRTY = {dirty}\nRELEASE = "{tag}"\n',
            encoding="utf-8",
        )
        target = STAMP if self.target_name == "sdist" else "mkdocs_personas/_build.py"
        build_data["force_include"][str(stamp)] = target

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        # The archive holds its copy of the stamp now; the temporary folder is not left behind.
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
