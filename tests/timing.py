"""How the time of a scan grows with its input, measured so that a busy machine (the suite
on both cores, browsers beside it) cannot fail a linear scan: the CPU time of this process
(time spent waiting for a core is not counted), the best of several runs, and the two
sizes measured in turn, so that a burst of load slows both alike."""

from __future__ import annotations

import time
from collections.abc import Callable

GROWTH = 8.0
"""Largest ratio allowed between the times for 4n and for n: linear work takes about 4
times as long, quadratic work 16 times."""


def cpu_times(
    small: Callable[[], object], large: Callable[[], object], repeat: int = 5
) -> tuple[float, float]:
    """The shortest CPU time of ``repeat`` runs of each, run in turn."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for index, run in enumerate((small, large)):
            start = time.process_time()
            run()
            best[index] = min(best[index], time.process_time() - start)
    return best[0], best[1]


def assert_linear(
    make: Callable[[int], Callable[[], object]],
    n: int,
    what: object,
    *,
    growth: float = GROWTH,
    floor: float = 0.01,
    repeat: int = 5,
) -> tuple[float, float]:
    """Fail when the run ``make(4 * n)`` takes more than ``growth`` times as long as
    ``make(n)``; times below ``floor`` seconds count as ``floor`` (they are noise)."""
    small, large = cpu_times(make(n), make(4 * n), repeat)
    assert large < growth * max(small, floor), (
        f"{what}: {small:.3f} s of CPU at n={n}, {large:.3f} s at 4n (more than {growth}x)"
    )
    return small, large
