"""The speed tripwire: the catalogue against plain Material on the same synthetic files.

    python benchmarks/tripwire.py             # measure the ratio now (5 pairs) and print it
    python benchmarks/tripwire.py --record    # ... and record it in benchmarks/tripwire.json

The files are `benchmarks/generate.py`'s 300 personas (and 60 skills). Each build is a
fresh `mkdocs build` process into an empty folder, as a user runs it; the builds
alternate, plain Material then the catalogue, so that a change in the machine's load
falls on both sides of a pair. The figure is the median of the pairs' ratios
(catalogue wall time / plain wall time). tests/test_speed_tripwire.py fails when it
passes ``max_ratio`` in tripwire.json; lower the bound whenever the build gets faster.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

BOUND = HERE / "tripwire.json"
PERSONAS = 300
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}


def build_once(project: Path, site: Path) -> dict:
    """One ``mkdocs build`` in its own process: wall and CPU seconds (CPU counts the
    build's worker processes too)."""
    if site.exists():
        shutil.rmtree(site)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(
            f"mkdocs build failed in {project} (exit {process.returncode}):\n"
            + stderr.decode("utf-8", "replace")[-3000:]
        )
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime}


def measure(work: Path, personas: int = PERSONAS, pairs: int = 3, log=print) -> dict:
    """Build plain Material and the catalogue on the same files, alternating, ``pairs``
    times; return the median ratio of wall times and every pair's figures."""
    project = generate(work / f"project-{personas}", personas, plain=True)
    runs = []
    for number in range(pairs):
        plain = build_once(project / "plain", work / "site-plain")
        catalogue = build_once(project, work / "site-catalogue")
        runs.append(
            {
                "plain_s": round(plain["wall"], 2),
                "catalogue_s": round(catalogue["wall"], 2),
                "ratio": round(catalogue["wall"] / plain["wall"], 3),
                "cpu_ratio": round(catalogue["cpu"] / plain["cpu"], 3),
            }
        )
        log(
            f"pair {number + 1}/{pairs}: plain {plain['wall']:.2f} s, catalogue "
            f"{catalogue['wall']:.2f} s, ratio {runs[-1]['ratio']:.2f} "
            f"(CPU time ratio {runs[-1]['cpu_ratio']:.2f})"
        )
    return {
        "personas": personas,
        "ratio": round(statistics.median(r["ratio"] for r in runs), 3),
        "cpu_ratio": round(statistics.median(r["cpu_ratio"] for r in runs), 3),
        "pairs": runs,
    }


def bound() -> dict:
    """The recorded bound: ``{"personas", "max_ratio", "measured", "date", ...}``."""
    return json.loads(BOUND.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument(
        "--record",
        action="store_true",
        help="write the measured ratio to tripwire.json, with the bound --headroom above it",
    )
    parser.add_argument(
        "--headroom",
        type=float,
        default=0.15,
        help="the bound is the measured ratio times 1 + HEADROOM (default 0.15)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tripwire-") as work:
        result = measure(Path(work), pairs=args.pairs)
    print(f"median ratio {result['ratio']:.2f} over {args.pairs} pairs")
    if BOUND.exists():
        print(f"recorded bound: {bound()['max_ratio']}")
    if args.record:
        record = {
            "personas": result["personas"],
            "max_ratio": round(result["ratio"] * (1 + args.headroom), 2),
            "measured": result["ratio"],
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "pairs": result["pairs"],
        }
        BOUND.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"recorded: max_ratio {record['max_ratio']} in {BOUND}")


if __name__ == "__main__":
    main()
