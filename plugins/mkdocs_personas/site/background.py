"""Work a build hands to a second process while the first goes on rendering pages.

MkDocs renders pages one at a time in one process; on a machine with two or more cores
the plugin's own output that needs nothing from the pages (the data files, raw sources
and conversions) is written meanwhile by a forked copy of the process into a staging
folder, then moved into the site, so the result is byte for byte what writing it in the
build's own process gives. Where forking is unsafe (a threaded process: ``mkdocs serve``
runs a server thread) or there is one core, nothing runs in the background and the
caller does the work itself.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import threading
from collections.abc import Callable
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
        if can_fork():
            context = multiprocessing.get_context("fork")
            self.process = context.Process(target=target, args=args, kwargs=kwargs, daemon=True)
            gc.freeze()  # the child's collector then leaves the inherited heap alone
            try:
                self.process.start()
            finally:
                gc.unfreeze()

    def join(self) -> bool:
        """Wait for the work; whether it ran in the background and succeeded."""
        process, self.process = self.process, None
        if process is None:
            return False
        process.join()
        done = process.exitcode == 0
        process.close()
        return done

    def cancel(self) -> None:
        """Stop the work if it still runs (a build that failed before using it)."""
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.join()
            process.close()


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
