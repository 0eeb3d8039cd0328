"""Check that a downloaded preview artifact holds only regular static files.

Runs in the trusted "Publish preview" workflow on data built from a pull request, so it
uses the standard library only and trusts nothing in the folder: symlinks, special
files, odd names, unexpected file types and oversized trees are all refused.

    python3 preview_check.py FOLDER
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

ALLOWED_SUFFIXES = {
    ".html",
    ".css",
    ".js",
    ".json",
    ".xml",
    ".gz",
    ".txt",
    ".md",
    ".map",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".ico",
    ".svg",
    ".woff",
    ".woff2",
    ".ttf",
}
TOP_LEVEL = {"site", "summary.md", "pr-number"}
SAFE_NAME = re.compile(r"[A-Za-z0-9._@+-][A-Za-z0-9._@+ -]*\Z")
MAX_FILES = 200_000
MAX_BYTES = 1_000_000_000


def problems(root: Path) -> list[str]:
    """Everything wrong with the artifact at ``root`` (empty if it can be published)."""
    found: list[str] = []
    if root.is_symlink() or not root.is_dir():
        return [f"{root}: not a folder"]
    for entry in sorted(os.listdir(root)):
        if entry not in TOP_LEVEL:
            found.append(f"{entry}: unexpected at the top of the artifact")
    files = total = 0
    for folder, dirs, names in os.walk(root, followlinks=False):
        for name in [*dirs, *names]:
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            info = os.lstat(path)
            if not SAFE_NAME.match(name):
                found.append(f"{relative!r}: unsafe file name")
            if stat.S_ISLNK(info.st_mode):
                found.append(f"{relative}: symlink")
            elif stat.S_ISDIR(info.st_mode):
                continue
            elif not stat.S_ISREG(info.st_mode):
                found.append(f"{relative}: not a regular file")
            else:
                files += 1
                total += info.st_size
                if info.st_nlink > 1:
                    found.append(f"{relative}: hard link")
                if relative not in ("summary.md", "pr-number") and (
                    path.suffix.lower() not in ALLOWED_SUFFIXES
                ):
                    found.append(f"{relative}: file type {path.suffix or '(none)'} not allowed")
    if files > MAX_FILES or total > MAX_BYTES:
        found.append(f"too large: {files} files, {total} bytes")
    if not (root / "site" / "index.html").is_file():
        found.append("site/index.html: missing")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    found = problems(Path(argv[1]))
    for problem in found:
        print(f"::error::preview artifact: {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
