"""Work a build hands to a second process while the first goes on rendering pages.

MkDocs renders pages one at a time in one process; on a machine with two or more cores
the plugin's own output that needs nothing from the pages (the data files, raw sources
and conversions) is written meanwhile by a forked copy of the process into a staging
folder, then moved into the site, so the result is byte for byte what writing it in the
build's own process gives. Where forking is unsafe (a threaded process: ``mkdocs serve``
runs a server thread) or there is one core, nothing runs in the background and the
caller does the work itself. So does it where the second process fails (forking refused,
an error in it, killed): :attr:`Background.failure` then says in one line what failed,
and the second process prints no traceback.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path


def can_fork() -> bool:
    """Whether a forked worker can run beside this process: two or more cores, fork
    available, and this process runs a single thread."""
    return (
        (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


class Background:
    """``target(*args, **kwargs)`` in a forked process when :func:`can_fork`, else not at
    all (:meth:`join` then says so, and the caller runs it itself)."""

    def __init__(self, target: Callable[..., object], *args: object, **kwargs: object) -> None:
        self.process = None
        self.failure: str | None = None
        """Why the work did not run in the background, in one line (None: it did, or
        forking was not tried)."""
        if can_fork():
            context = multiprocessing.get_context("fork")
            self.said, told = context.Pipe(duplex=False)
            self.process = context.Process(
                target=_run, args=(told, target, args, kwargs), daemon=True
            )
            # Neither collector walks the inherited heap while the child runs (walking
            # it writes to every object, which copies its memory pages).
            gc.freeze()
            try:
                self.process.start()
            except OSError as error:  # the system refused the fork: no memory, no process
                self.process = None
                self.failure = f"the second process could not start: {describe(error)}"
                gc.unfreeze()
            finally:
                told.close()

    def join(self) -> bool:
        """Wait for the work; whether it ran in the background and succeeded."""
        process, self.process = self.process, None
        if process is None:
            return False
        process.join()
        done = process.exitcode == 0
        if not done:
            self.failure = _heard(self.said) or _ended(process.exitcode)
        self.said.close()
        process.close()
        gc.unfreeze()
        return done

    def cancel(self) -> None:
        """Stop the work if it still runs (a build that failed before using it)."""
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.join()
            process.close()
            self.said.close()
            gc.unfreeze()


class Claims:
    """The numbers ``0 .. count - 1``, shared by a process and its forked worker: one takes
    them from the front, the other from the back, each number once; so two processes
    split work between them, whichever is free first taking more. Made before the fork.
    """

    WAIT = 10
    """Seconds to wait for the other process's claim: one killed while claiming (a few
    instructions) would otherwise leave this one waiting for ever. Past it,
    :class:`TimeoutError`: the numbers left are not known to be taken."""

    def __init__(self, context, count: int) -> None:
        self.lock = context.Lock()
        self.front = context.RawValue("i", 0)
        self.back = context.RawValue("i", count)

    def from_front(self) -> Iterator[int]:
        return self._claim(front=True)

    def from_back(self) -> Iterator[int]:
        return self._claim(front=False)

    def _claim(self, front: bool) -> Iterator[int]:
        while True:
            if not self.lock.acquire(timeout=self.WAIT):
                raise TimeoutError(f"no claim in {self.WAIT} s: the other process holds the count")
            try:
                first, end = self.front.value, self.back.value
                if first >= end:
                    return
                if front:
                    number, self.front.value = first, first + 1
                else:
                    number = self.back.value = end - 1
            finally:
                self.lock.release()
            yield number


def _run(told, target: Callable[..., object], args: tuple, kwargs: dict) -> None:
    """In the second process: the work; an error is told to the build's process in one
    line, not printed as a traceback."""
    try:
        target(*args, **kwargs)
    except BaseException as error:  # whatever it is, the build does the work itself
        try:
            told.send(f"the second process failed: {describe(error)}")
        finally:
            raise SystemExit(1) from None  # multiprocessing prints no traceback for this


def _heard(said) -> str | None:
    """What the second process told before it ended, if anything (a process killed
    tells nothing: the pipe is then at its end)."""
    try:
        return said.recv() if said.poll() else None
    except (EOFError, OSError):
        return None


def describe(error: BaseException) -> str:
    """An error in one line: its type, message and the innermost place it was raised."""
    text = " ".join(str(error).split()) or "no message"
    where = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    place = f" (at {os.path.basename(where[0].filename)}:{where[0].lineno})" if where else ""
    return f"{type(error).__name__}: {text}{place}"


def _ended(code: int | None) -> str:
    """How the second process ended, where it could not say."""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (the system may have run out of memory)" if -code == signal.SIGKILL else ""
        return f"the second process was killed by {name}{hint}"
    return f"the second process ended with exit status {code}"


def move_into(staging: Path, target: Path) -> None:
    """Move every file of ``staging`` to the same place under ``target``, replacing what is
    there, and remove ``staging``: a folder that ``target`` lacks moves in one rename."""
    for name in sorted(os.listdir(staging)):
        source, destination = staging / name, target / name
        if source.is_dir() and not source.is_symlink():
            if destination.is_dir() and not destination.is_symlink():
                move_into(source, destination)
                continue
            if not os.path.lexists(destination):
                os.replace(source, destination)
                continue
        os.replace(source, destination)
    shutil.rmtree(staging, ignore_errors=True)


STAGING = ".personas-staging"
"""The folder in ``site_dir`` the background work writes to, moved into the site after."""
