"""Remove the last build's output on the second core.

A clean build starts by deleting what the last one wrote (MkDocs' ``clean_directory``).
A catalogue's site holds a folder per persona with a folder per tool it converts to, so
at 1,000 personas that is some 13,000 files and folders, most of a second of system calls
before anything is read. At ``on_pre_build`` (before MkDocs cleans) the folders of
``site_dir`` are renamed into one hidden folder, which MkDocs leaves alone as it leaves
every hidden entry, and a forked process deletes it while the build goes on; the build
waits for it at the end, so the site is what a clean build leaves. Files, symbolic links,
hidden entries and anything that cannot be renamed are left to MkDocs, as before. Where
forking is unsafe (a threaded process: ``mkdocs serve``) or there is one core, nothing is
moved and MkDocs cleans as usual.
"""

from __future__ import annotations

import os
import shutil
import time

from . import background

TRASH = ".personas-trash"
"""The hidden folder of ``site_dir`` that the last build's folders are moved into; a build
that was killed may leave it behind, and the next one deletes it with the rest."""


class Cleaning:
    """The deletion of the last build's folders, under way in a second process."""

    def __init__(self, trash: str, work: background.Background) -> None:
        self.trash = trash
        self.work = work

    def finish(self) -> None:
        """Wait for the deletion; if the second process failed, delete what is left here."""
        if not self.work.join():
            shutil.rmtree(self.trash, ignore_errors=True)


def start(site_dir: str) -> Cleaning | None:
    """Move the folders of ``site_dir`` aside and start deleting them; None when nothing
    was moved (no site yet, forking unsafe, nothing to move)."""
    if not background.can_fork() or not os.path.isdir(site_dir):
        return None
    trash = os.path.join(site_dir, TRASH)
    batch = os.path.join(trash, f"{os.getpid()}-{time.time_ns()}")
    for name in sorted(os.listdir(site_dir)):
        path = os.path.join(site_dir, name)
        if name.startswith(".") or os.path.islink(path) or not os.path.isdir(path):
            continue
        try:
            os.makedirs(batch, exist_ok=True)
            os.rename(path, os.path.join(batch, name))
        except OSError:
            continue  # left where it is: MkDocs removes it
    if not os.path.isdir(trash):
        return None
    work = background.Background(shutil.rmtree, trash, True)
    if work.process is None:  # the fork was refused: delete it here, as MkDocs would
        shutil.rmtree(trash, ignore_errors=True)
        return None
    return Cleaning(trash, work)
