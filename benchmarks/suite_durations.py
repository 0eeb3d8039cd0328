"""Record the test suite's slowest tests, so that parallel workers start them first.

    .venv/bin/python -m pytest --durations=0 -p no:cacheprovider | tee /tmp/suite.log
    .venv/bin/python benchmarks/suite_durations.py /tmp/suite.log

reads pytest's "slowest durations" lines and writes tests/durations.json (test id ->
seconds of setup, call and teardown; tests under ``--min`` seconds left out), and prints
the seconds by test file. tests/conftest.py hands the tests out to the
workers in that order, costliest first, and every test not listed after them: only
the order depends on the figures, never a result, so a stale file slows the suite at
worst.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^(\d+(?:\.\d+)?)s (setup|call|teardown)\s+(\S.*)$")


def parse(text: str) -> dict[str, float]:
    durations: dict[str, float] = {}
    for line in text.splitlines():
        found = LINE.match(line.strip())
        if found:
            seconds, _, test = found.groups()
            test = test.split("@")[0]  # xdist's group suffix
            durations[test] = round(durations.get(test, 0.0) + float(seconds), 1)
    return dict(sorted(durations.items(), key=lambda item: -item[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log", type=Path, help="the output of a pytest run with --durations")
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "durations.json")
    parser.add_argument(
        "--min", type=float, default=0.5, help="leave out tests faster than this (seconds)"
    )
    args = parser.parse_args()
    every = parse(args.log.read_text(encoding="utf-8"))
    by_file: dict[str, float] = {}
    for test, seconds in every.items():
        by_file[test.split("::")[0]] = by_file.get(test.split("::")[0], 0.0) + seconds
    for name, seconds in sorted(by_file.items(), key=lambda item: -item[1]):
        print(f"{seconds:8.1f} s  {name}")
    print(f"{sum(by_file.values()):8.1f} s  in all ({len(every)} tests)")
    durations = {test: seconds for test, seconds in every.items() if seconds >= args.min}
    args.out.write_text(json.dumps(durations, indent=1) + "\n", encoding="utf-8")
    print(f"{len(durations)} tests written to {args.out}")


if __name__ == "__main__":
    main()
