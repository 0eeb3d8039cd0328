"""Compare revisions of the plugin against plain Material on the same synthetic files.

    python benchmarks/versions.py HEAD~1 HEAD --personas 1000 --rounds 3

Each revision is unpacked with `git archive` into a temporary folder and put first on
PYTHONPATH, so its ``mkdocs_personas`` and templates are the ones built. Every round
builds plain Material, then each revision in turn (fresh ``mkdocs build`` processes into
empty folders), so a change in the machine's load falls on every side of a round; the
figure for a revision is the median over rounds of its time divided by that round's
plain build. The sites of the revisions are also compared file by file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from tripwire import ENV, build_once  # noqa: E402


def unpack(revision: str, folder: Path) -> Path:
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision, "plugins", "templates"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revisions", nargs="+")
    parser.add_argument("--personas", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="versions-") as work:
        work = Path(work)
        project = generate(work / "project", args.personas, plain=True)
        trees = {r: unpack(r, work / f"rev-{i}") for i, r in enumerate(args.revisions)}
        ratios: dict[str, list[float]] = {r: [] for r in args.revisions}
        for number in range(args.rounds):
            plain = build_once(project / "plain", work / "site-plain")["wall"]
            line = [f"round {number + 1}: plain {plain:.2f} s"]
            for revision, tree in trees.items():
                os.environ["PYTHONPATH"] = str(tree / "plugins")
                ENV["PYTHONPATH"] = str(tree / "plugins")
                wall = build_once(project, work / f"site-{revision}")["wall"]
                ratios[revision].append(wall / plain)
                line.append(f"{revision} {wall:.2f} s ({wall / plain:.2f}x)")
            print(", ".join(line), flush=True)
        for revision in args.revisions:
            print(
                f"{revision}: median ratio {statistics.median(ratios[revision]):.2f} "
                f"({', '.join(f'{r:.2f}' for r in ratios[revision])})"
            )
        first, *others = args.revisions
        for other in others:
            a, b = files(work / f"site-{first}"), files(work / f"site-{other}")
            different = sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))
            print(f"{first} and {other}: {len(a)} files, {len(different)} different {different[:5]}")


if __name__ == "__main__":
    main()
