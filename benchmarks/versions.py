"""Compare revisions of the plugin against plain Material on the same synthetic files.

    python benchmarks/versions.py HEAD~1 HEAD --personas 1000 --rounds 3

Each revision is unpacked with `git archive` into a temporary folder and put first on
PYTHONPATH, so its ``mkdocs_personas`` and templates are the ones built. Every round
builds plain Material, then each revision in turn (fresh ``mkdocs build`` processes into
empty folders), so a change in the machine's load falls on every side of a round; the
figure for a revision is the median over rounds of its time divided by that round's
plain build. The sites of the revisions are also compared file by file.

Each build also reports the CPU seconds of its own process and of the processes it
started (the plugin's background writer and reading pool). On a machine whose other
core is free, the wall time is about the first; on a busy one, where wall times swing
by a factor of two, the ratio of these CPU times is the steadier estimate of what an idle
2-core machine gives (it leaves out any wait for the second process).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from tripwire import ENV  # noqa: E402

BUILD = (
    "import atexit, json, resource, sys\n"
    "usage = sys.argv.pop(1)\n"
    "def report():\n"
    "    own = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    children = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "    with open(usage, 'w') as out:\n"
    "        json.dump([own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime], out)\n"
    "atexit.register(report)\n"
    "from mkdocs.__main__ import cli\n"
    "cli()\n"
)


def build_once(project: Path, site: Path) -> dict:
    """One ``mkdocs build`` process: wall seconds, CPU seconds of the process itself and
    of the processes it started."""
    if site.exists():
        shutil.rmtree(site)
    usage = site.parent / "usage.json"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", BUILD, str(usage), "build", "-q", "-d", str(site)],
        cwd=project,
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    own, children = json.loads(usage.read_text())
    return {"wall": wall, "cpu": own, "cpu_children": children}


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
        cpu: dict[str, list[float]] = {r: [] for r in args.revisions}
        for number in range(args.rounds):
            ENV.pop("PYTHONPATH", None)
            plain = build_once(project / "plain", work / "site-plain")
            line = [f"round {number + 1}: plain {plain['wall']:.2f} s (CPU {plain['cpu']:.2f} s)"]
            for revision, tree in trees.items():
                ENV["PYTHONPATH"] = str(tree / "plugins")
                built = build_once(project, work / f"site-{revision}")
                ratios[revision].append(built["wall"] / plain["wall"])
                cpu[revision].append(built["cpu"] / plain["cpu"])
                line.append(
                    f"{revision} {built['wall']:.2f} s ({ratios[revision][-1]:.2f}x; CPU "
                    f"{built['cpu']:.2f} s + {built['cpu_children']:.2f} s in other processes, "
                    f"{cpu[revision][-1]:.2f}x)"
                )
            print(", ".join(line), flush=True)
        for revision in args.revisions:
            print(
                f"{revision}: median wall ratio {statistics.median(ratios[revision]):.2f} "
                f"({', '.join(f'{r:.2f}' for r in ratios[revision])}); median ratio of the "
                f"build process's CPU time {statistics.median(cpu[revision]):.2f} "
                f"({', '.join(f'{r:.2f}' for r in cpu[revision])})"
            )
        first, *others = args.revisions
        for other in others:
            a, b = files(work / f"site-{first}"), files(work / f"site-{other}")
            different = sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))
            print(
                f"{first} and {other}: {len(a)} files, {len(different)} different {different[:5]}"
            )


if __name__ == "__main__":
    main()
