"""Notice persona and skill edits under ``mkdocs serve`` as they happen.

MkDocs polls what it watches. Polling thousands of persona files keeps a core busy (and
the build waiting for it), and each edit waits up to an interval to be seen. Where the
operating system reports changes itself (inotify, FSEvents, ReadDirectoryChangesW), the
persona and skill folders are watched that way; elsewhere, or with ``watch: polling``,
MkDocs polls them every tenth of a second.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import get_plugin_logger
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

log = get_plugin_logger("personas")

POLL_INTERVAL = 0.1
"""Seconds between two looks at polled folders."""

QUIET = 0.03
"""Seconds without a new change before a rebuild starts, where the system reports changes
(MkDocs waits 0.1 s, sized for its polling): an editor's save is reported within a
millisecond or two; a change during the build asks for another."""

FILE_CHANGES = frozenset({"created", "modified", "moved", "deleted", "closed"})
"""Events that change a file; reading one (as the build does) opens and closes it too."""

FOLDER_CHANGES = frozenset({"moved", "deleted"})
"""Events that change a folder's files: moved or deleted, a folder's files are reported
as one folder event."""

Affects = Callable[[str, bool], bool]
"""Whether a change at a path (a file, or a folder if True) can change the catalogue."""


class Watcher(FileSystemEventHandler):
    """Asks the server for a rebuild when a persona or skill file changes, not when an
    editor's swap file or any other file beside them does."""

    def __init__(self, server: LiveReloadServer, affects: Affects) -> None:
        self.server = server
        self.affects = affects
        self.observer = Observer()

    @staticmethod
    def usable(server: LiveReloadServer) -> bool:
        """Whether this system reports changes and the server can be asked to rebuild."""
        return Observer is not PollingObserver and hasattr(server, "_rebuild_cond")

    def watch(self, folder: str) -> bool:
        """Watch ``folder`` and what is below it; False if the system refuses."""
        try:
            self.observer.schedule(self, folder, recursive=True)
            if not self.observer.is_alive():
                self.observer.start()
        except OSError as error:
            log.info(f"watching {folder} by polling: {error}")
            return False
        return True

    def on_any_event(self, event: FileSystemEvent) -> None:
        folder = event.is_directory
        if event.event_type not in (FOLDER_CHANGES if folder else FILE_CHANGES):
            return
        paths = (event.src_path, getattr(event, "dest_path", "") or "")
        if not any(path and self.affects(os.fsdecode(path), folder) for path in paths):
            return
        condition = self.server._rebuild_cond
        with condition:
            self.server._want_rebuild = True
            condition.notify_all()

    def stop(self) -> None:
        """Stop watching (at the end of ``mkdocs serve``)."""
        if self.observer.is_alive():
            self.observer.stop()
            self.observer.join(timeout=5)


def watch(
    server: LiveReloadServer, folders: Iterable[str], affects: Affects, *, native: bool
) -> Watcher | None:
    """Have ``server`` rebuild when anything ``affects`` says matters changes under ``folders``.

    Folders inside one MkDocs already watches (``docs_dir``) are left to that watch, made
    to poll every tenth of a second: watched a second time, each edit there would be seen
    twice and built twice. Returns the native watcher to stop at shutdown, if one is used.
    """
    observer = getattr(server, "observer", None)
    for polling in (observer, *getattr(observer, "emitters", ())):
        if getattr(polling, "_timeout", 0) > POLL_INTERVAL:
            polling._timeout = POLL_INTERVAL
    watched = [os.path.join(p, "") for p in getattr(server, "_watched_paths", {})]
    watcher = Watcher(server, affects) if native and Watcher.usable(server) else None
    native_folders = []
    for folder in sorted(set(folders)):
        if not os.path.isdir(folder):
            continue
        if any(os.path.join(folder, "").startswith(w) for w in watched):
            continue
        if watcher is not None and watcher.watch(folder):
            native_folders.append(_shown(folder))
        else:
            server.watch(folder)
    if native_folders:
        log.info(f"watching {', '.join(native_folders)} for changes (reported by the system)")
        if getattr(server, "build_delay", 0) > QUIET:
            server.build_delay = QUIET
    return watcher if native_folders else None


def _shown(folder: str) -> str:
    """A folder as the log shows it: relative to the working folder when it can be."""
    try:
        return os.path.relpath(folder)
    except ValueError:
        return folder
