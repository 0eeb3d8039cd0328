"""The cycle collector, paused while a stage builds data that all lives on.

Reading, deriving keywords, relating and planning the pages each build many objects
(10,000 entries: millions) that the rest of the build keeps. Python's cycle collector
walks every object it tracks at each full collection, and a growing heap triggers one
each time it grows by a quarter: at 10,000 entries those walks took a third of the time
of keywords and relations. None of these stages makes cycles worth collecting early, so
the collector is off while they run and back on, as it was, when they end.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off meanwhile (unless it already was), then as it was."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def pausing(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run with the cycle collector :func:`paused`."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused():
            return function(*args, **kwargs)

    return run
