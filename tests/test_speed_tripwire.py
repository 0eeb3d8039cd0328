"""The speed tripwire: the catalogue's build must stay within the ratio to plain Material
recorded in benchmarks/tripwire.json, so that no change slows the build unnoticed.

Both are built from the same synthetic files (benchmarks/generate.py, 300 personas), each
build a fresh ``mkdocs build`` process, alternating plain and catalogue; the figure is the
median of the pairs' ratios. Under pytest-xdist the test runs alone (the ``exclusive``
marker, tests/conftest.py): the other worker waits, so its tests do not weigh on one
side of a pair.
"""

from __future__ import annotations

import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

import tripwire

pytestmark = pytest.mark.exclusive

FIRST_PAIRS = 3
MORE_PAIRS = 2
"""Pairs measured first, and added before failing: a single noisy pair should neither
pass nor fail the build alone."""


def test_catalogue_build_stays_within_the_recorded_ratio_to_plain_material(tmp_path):
    recorded = tripwire.bound()
    lines: list[str] = []
    result = tripwire.measure(
        tmp_path, personas=recorded["personas"], pairs=FIRST_PAIRS, log=lines.append
    )
    pairs = result["pairs"]
    if result["ratio"] > recorded["max_ratio"]:
        more = tripwire.measure(
            tmp_path, personas=recorded["personas"], pairs=MORE_PAIRS, log=lines.append
        )
        pairs += more["pairs"]
    ratio = sorted(pair["ratio"] for pair in pairs)[len(pairs) // 2]
    assert ratio <= recorded["max_ratio"], (
        f"The catalogue build of {recorded['personas']} synthetic personas took {ratio:.2f} "
        f"times as long as plain Material on the same files (median of {len(pairs)} "
        f"alternating pairs), above the bound of {recorded['max_ratio']} recorded in "
        f"benchmarks/tripwire.json (measured {recorded['measured']} on {recorded['date']}).\n"
        + "\n".join(lines)
        + "\nA change made the build slower. Re-measure on a quiet machine with "
        "`.venv/bin/python benchmarks/tripwire.py` (5 pairs); find where the time goes with "
        "`.venv/bin/python benchmarks/run.py --only builds --sizes 1000 --runs 3 "
        "--results /tmp/results.md`. Raise the bound (`benchmarks/tripwire.py --record`) only "
        "for a slowdown that is worth it, and say why in the commit."
    )
