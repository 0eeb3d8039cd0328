"""The matcher's index of each ``mkdocs serve --dirty`` rebuild, made by a second process.

An edit to a persona's body changes ``match.json`` and little else: the rest of the
rebuild renders one page. But the index weighs every entry's terms again (the averages
and document frequencies of the whole catalogue move), and making and writing it was a
fifth of such a rebuild at 1,000 personas, on one core while the other idled.

A process forked as the first build of ``mkdocs serve --dirty`` starts reading, before
the server starts its threads (forking a threaded process is unsafe) and while the build
holds little it would copy, is sent each build's reading settings as the build starts
reading. Beside the build it reads the catalogue too, with its own parse cache (after
the first build, only changed files are parsed), derives the keywords and makes the
index, and sends back its text with a digest of what it read (``ranking.index_digest``).
The build writes that text as ``match.json`` when the digest is that of its own
catalogue (a file that changed between the two readings gives another digest), else
makes the index itself, as it does when the process has failed or ended: nothing
differs in the site. At 10,000 personas the two hold 1,449 MiB (PSS) after three edits,
where the server alone, making the index itself, holds 1,333 MiB. Forked at the end of
the first build instead, it shared that build's heap, which each process then copied
page by page as it touched it: 2,068 MiB.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import signal
import time
from contextlib import suppress
from typing import Any

from ..analysis import keywords
from ..catalogue.catalogue import Reader, Settings
from ..outputs.export import dumps, match_data, match_digest
from .background import can_fork, describe

WAIT = 60.0
"""Seconds the build waits for the second process's index before making it itself."""


class IndexWorker:
    """The second process of a ``mkdocs serve --dirty`` session, from the build's side."""

    def __init__(self, process, connection) -> None:
        self.process = process
        self.connection = connection
        self.asked = 0
        self.pending = False
        """Whether this rebuild asked for an index not taken yet."""
        self.failure: str | None = None
        """Why the last index did not come from the second process (None: it did)."""

    @classmethod
    def start(cls, reader: Reader, cache: dict) -> IndexWorker | None:
        """Fork the second process with the build's reader and index cache, or None where
        forking is unsafe or there is one core."""
        if not can_fork():
            return None
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe(duplex=True)
        # Not a daemon: reading thousands of changed files, it forks readers of its own.
        process = context.Process(target=_serve, args=(theirs, reader, cache), daemon=False)
        try:
            process.start()
        except OSError:  # the system refused the fork: the build makes the index itself
            ours.close()
            return None
        finally:
            theirs.close()
        worker = cls(process, ours)
        atexit.register(worker.stop)  # a session that ends without MkDocs' shutdown event
        return worker

    def ask(self, settings: Settings, options: keywords.Options, synonyms: tuple) -> None:
        """Start on this rebuild's index (as the build starts reading)."""
        if self.process is None:
            return
        self.asked += 1
        self.pending = True
        try:
            self.connection.send((self.asked, settings, options, synonyms))
        except (OSError, ValueError) as error:
            self._lost(f"the second process cannot be reached: {describe(error)}")

    def take(self, digest: str) -> str | None:
        """The text of ``match.json`` for the catalogue whose :func:`match_digest` is
        ``digest``, if the second process made it for this rebuild; else None and
        :attr:`failure` says why."""
        pending, self.pending = self.pending, False
        if self.process is None:  # :attr:`failure` still says why it ended
            return None
        if not pending:
            self.failure = "the second process was not asked for this build"
            return None
        self.failure = None
        while True:
            try:
                if not self.connection.poll(WAIT):
                    self._lost(f"the second process gave no index in {WAIT:.0f} s")
                    return None
                number, made, text, failure = self.connection.recv()
            except (EOFError, OSError) as error:
                self._lost(f"the second process ended ({describe(error)})")
                return None
            if number == self.asked:
                break
        if failure is not None:
            self.failure = failure
            return None
        if made != digest:
            self.failure = "a file changed between the two readings"
            return None
        return text

    def _lost(self, why: str) -> None:
        self.stop()
        self.failure = why

    def stop(self) -> None:
        """End the second process (at the end of ``mkdocs serve``, or when it failed)."""
        process, self.process = self.process, None
        if process is None:
            return
        with suppress(OSError, ValueError):
            self.connection.send(None)
        deadline = time.monotonic() + 5
        while process.exitcode is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if process.exitcode is None:
            process.kill()
        process.join()
        self.connection.close()
        process.close()


def _serve(connection, reader: Reader, cache: dict) -> None:
    """In the second process: an index for each rebuild asked, the newest when several
    wait (an older one is answered as skipped), until told to stop or the build's
    process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops us
    _close_inherited({0, 1, 2, connection.fileno()})
    gc.freeze()  # collections do not walk (and so copy) the inherited heap
    while True:
        try:
            asked = connection.recv()
            while asked is not None and connection.poll():
                connection.send((asked[0], None, None, "skipped: a newer rebuild was asked"))
                asked = connection.recv()
        except (EOFError, OSError):
            return
        if asked is None:
            return
        number, settings, options, synonyms = asked
        try:
            answer: tuple[Any, ...] = (number, *_index(reader, cache, settings, options, synonyms))
        except Exception as error:  # the build makes the index itself
            answer = (number, None, None, f"the second process failed: {describe(error)}")
        try:
            connection.send(answer)
        except (OSError, ValueError):
            return


def _close_inherited(keep: set[int]) -> None:
    """Close the files this process inherited but does not use: the other end of a pipe
    it held open (a test harness's, a tool's that started ``mkdocs serve``) would not see
    its end while this process lives."""
    try:
        found = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: every number up to the limit
        found = list(range(min(os.sysconf("SC_OPEN_MAX"), 65536)))
    for number in found:
        if number not in keep:
            with suppress(OSError):
                os.close(number)


def _index(
    reader: Reader, cache: dict, settings: Settings, options: keywords.Options, synonyms: tuple
) -> tuple[str, str, None]:
    """The digest and text of ``match.json`` as the build writes it (``write_exports``)."""
    catalogue, _ = reader.load(settings)
    catalogue = keywords.apply(catalogue, options, synonyms)
    text = dumps(match_data(catalogue, synonyms, labels=False, cache=cache)) + "\n"
    return match_digest(catalogue, synonyms), text, None
