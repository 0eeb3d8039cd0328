"""`personas validate` against PyYAML's C loader reading the same front matter.

The yardstick (``--yaml-only``) is the least a checker must do: read every file the
default globs match (``personas/**/*.md``, ``skills/**/SKILL.md``), split off the front
matter and load it with ``yaml.load(text, Loader=yaml.CSafeLoader)``. Each command runs in
a fresh process, alternating (yardstick, validate, yardstick, ...); the ratio is the
median of the pair ratios.

    python benchmarks/generate.py /tmp/v10k --personas 8334   # 10,000 files
    python benchmarks/validate_vs_yaml.py /tmp/v10k --runs 5
    python benchmarks/validate_vs_yaml.py /tmp/v10k --yaml-only  # the yardstick alone
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def load_all(project: Path) -> int:
    """Read, split and load every file's front matter; the number of files loaded."""
    import yaml

    count = 0
    for pattern in ("personas/**/*.md", "skills/**/SKILL.md"):
        for path in sorted(project.glob(pattern)):
            text = path.read_text(encoding="utf-8")
            if not text.startswith("---\n"):
                continue
            end = text.find("\n---", 3)
            if end < 0:
                continue
            yaml.load(text[4 : end + 1], Loader=yaml.CSafeLoader)
            count += 1
    return count


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of a command, its child processes included (CPU is user plus
    system time, which a loaded machine stretches less than wall time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--yaml-only", action="store_true", help="run the yardstick once")
    args = parser.parse_args()
    project = args.project.resolve()
    if args.yaml_only:
        print(load_all(project), "files")
        return 0
    yardstick = [sys.executable, __file__, str(project), "--yaml-only"]
    validate = [sys.executable, "-m", "mkdocs_personas.cli", "validate"]
    os.environ.setdefault("PYTHONHASHSEED", "0")
    timed(yardstick, project), timed(validate, project)  # warm the file cache
    pairs, cpus = [], []
    for _ in range(args.runs):
        load = os.getloadavg()[0]
        (a, a_cpu), (b, b_cpu) = timed(yardstick, project), timed(validate, project)
        pairs.append((a, b))
        cpus.append((a_cpu, b_cpu))
        print(
            f"yaml {a:.2f} s  validate {b:.2f} s  ratio {b / a:.2f}  "
            f"(CPU {a_cpu:.2f} s, {b_cpu:.2f} s, {b_cpu / a_cpu:.2f})  load {load:.2f}",
            flush=True,
        )
    print(
        f"median: yaml {statistics.median(a for a, _ in pairs):.2f} s, validate "
        f"{statistics.median(b for _, b in pairs):.2f} s, ratio "
        f"{statistics.median(b / a for a, b in pairs):.2f}; CPU ratio "
        f"{statistics.median(b / a for a, b in cpus):.2f} (load {os.getloadavg()[0]:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
