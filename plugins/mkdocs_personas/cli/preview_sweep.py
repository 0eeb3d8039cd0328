"""Remove the previews of pull requests that are no longer open.

Runs in the scheduled "Remove closed previews" workflow (``preview-sweep.yml``), which holds
the preview repository's deploy key and checks out or runs nothing of any pull request:

    python -m mkdocs_personas.preview_sweep REMOTE OPEN_LIST

``REMOTE`` is the preview repository (``git@github.com:owner/previews.git``); ``OPEN_LIST``
a file with the number of every open pull request, one a line (``gh api .../pulls``). Every
``pr-<n>/`` folder of its ``gh-pages`` branch whose ``n`` is not in the list is removed in
one commit, and pushed (retried over previews pushed meanwhile). Nothing else is touched; a
list that is not numbers only is refused, so a failed lookup never empties the previews.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

BRANCH = "gh-pages"


def _git(folder: Path | None, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    command = ["git", *(["-C", str(folder)] if folder else []), *args]
    return subprocess.run(command, capture_output=True, text=True, check=check)


def read_open(path: Path) -> set[int]:
    """The open pull requests' numbers; ValueError for anything but one number a line."""
    numbers = set()
    for index, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not re.fullmatch(r"[0-9]{1,9}", line.strip()):
            raise ValueError(f"{path}:{index}: expected a pull request number, found {line!r}")
        numbers.add(int(line))
    return numbers


def sweep(remote: str, open_numbers: set[int], work: Path) -> list[int]:
    """Remove the previews of pull requests not in ``open_numbers`` from ``remote``'s
    ``gh-pages`` and push; returns the numbers removed (none when there is no branch)."""
    heads = _git(None, "ls-remote", "--heads", remote, BRANCH).stdout
    if not heads.strip():
        return []
    checkout = work / "previews"
    _git(None, "clone", "-q", "--depth", "1", "--branch", BRANCH, remote, str(checkout))
    for attempt in range(5):
        closed = sorted(
            int(p.name[3:])
            for p in checkout.iterdir()
            if p.is_dir() and re.fullmatch(r"pr-[0-9]{1,9}", p.name)
            if int(p.name[3:]) not in open_numbers
        )
        if not closed:
            return []
        _git(checkout, "rm", "-r", "-q", "--", *(f"pr-{n}" for n in closed))
        listed = ", ".join(f"#{n}" for n in closed)
        _git(
            checkout,
            "-c",
            "user.name=preview bot",
            "-c",
            "user.email=preview-bot@users.noreply.github.com",
            "commit",
            "-q",
            "-m",
            f"Remove the previews of closed pull requests {listed}",
        )
        if _git(checkout, "push", "-q", "origin", BRANCH, check=False).returncode == 0:
            return closed
        print(f"push {attempt + 1} refused: taking the previews pushed meanwhile")
        _git(checkout, "fetch", "-q", "--depth", "1", "origin", BRANCH)
        _git(checkout, "reset", "-q", "--hard", f"origin/{BRANCH}")
    raise RuntimeError("the preview repository kept changing; run the sweep again")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m mkdocs_personas.preview_sweep REMOTE OPEN_LIST", file=sys.stderr)
        return 2
    try:
        open_numbers = read_open(Path(args[1]))
    except (OSError, ValueError) as error:
        print(f"preview sweep: {error}; nothing removed", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        try:
            removed = sweep(args[0], open_numbers, Path(work))
        except (subprocess.CalledProcessError, RuntimeError) as error:
            detail = getattr(error, "stderr", "") or str(error)
            print(f"preview sweep: {detail.strip()}", file=sys.stderr)
            return 1
    if removed:
        print("removed the previews of " + ", ".join(f"#{n}" for n in removed))
    else:
        print("no preview of a closed pull request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
