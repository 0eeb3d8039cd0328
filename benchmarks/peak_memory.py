"""Peak memory of a command's whole process tree, and its wall time.

Runs the command, samples every process of its tree (the command and every descendant,
forked workers included) every 0.2 s from ``/proc`` (Linux only), and prints the peak of
the tree's summed PSS (a page shared by forked processes counted once, split between
them) beside the peak of their summed RSS (shared pages counted in each), the wall time
and the load average before and after:

    python benchmarks/peak_memory.py [--every 0.2] [--timeline FILE] -- mkdocs build -q

``--timeline FILE`` writes one line a sample: seconds since the start, the tree's PSS and
RSS in MiB, then each process as ``pid:PSS`` (the command's own first). The command's exit
status is this script's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

MIB = 1024 * 1024


def children() -> dict[int, list[int]]:
    """Every process's children, by parent pid."""
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        # the command name (in parentheses) may hold spaces: the fields follow its ")"
        fields = stat[stat.rindex(")") + 2 :].split()
        tree.setdefault(int(fields[1]), []).append(int(name))
    return tree


def tree_of(root: int) -> list[int]:
    """``root`` and its descendants, the root first."""
    tree, found, pending = children(), [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(tree.get(pid, ()))
    return found


def memory(pid: int) -> tuple[int, int] | None:
    """(PSS, RSS) of ``pid`` in bytes; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("Pss", "Rss"):
            values[key] = int(rest.split()[0]) * 1024
    if "Pss" not in values:
        return None
    return values["Pss"], values["Rss"]


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=float, default=0.2, help="seconds between samples")
    parser.add_argument("--timeline", type=Path, help="write every sample to this file")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("no command given")
    before = load()
    timeline = options.timeline.open("w", buffering=1) if options.timeline else None
    started = time.perf_counter()
    process = subprocess.Popen(command)
    peak_pss = peak_rss = peak_processes = 0
    peak_at = 0.0
    while process.poll() is None:
        now = time.perf_counter() - started
        pss = rss = 0
        parts = []
        for pid in tree_of(process.pid):
            sample = memory(pid)
            if sample is not None:
                pss, rss = pss + sample[0], rss + sample[1]
                parts.append(f"{pid}:{sample[0] // MIB}")
        if pss > peak_pss:
            peak_pss, peak_at, peak_processes = pss, now, len(parts)
        peak_rss = max(peak_rss, rss)
        if timeline is not None:
            timeline.write(f"{now:.1f} {pss // MIB} {rss // MIB} {' '.join(parts)}\n")
        time.sleep(options.every)
    wall = time.perf_counter() - started
    if timeline is not None:
        timeline.close()
    print(
        f"peak {peak_pss / MIB:.0f} MiB PSS for the tree ({peak_processes} processes, at "
        f"{peak_at:.1f} s), {peak_rss / MIB:.0f} MiB summing RSS; wall {wall:.1f} s; "
        f"exit {process.returncode}; load {before} before, {load()} after",
        file=sys.stderr,
    )
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
