"""A skill's bundled files: found within bounds, classified, and zipped deterministically.

An Agent Skill is a folder: its ``SKILL.md`` and whatever sits beside it (``references/``,
``scripts/``, ``templates/``, ``assets/``). Every regular file of that folder, within the
bounds, is part of the skill's bundle and goes into its zip. Only files a browser cannot
run from the site's origin are also served: Markdown as pages, inert text (Markdown,
Python, shell, JSON, YAML, TOML, CSV, plain text) as downloads of their bytes. HTML,
SVG, XML, JavaScript and anything else stay in the zip. Plain Python, no MkDocs.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import stat
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..sources.model import Entry, Problem, visible
from ..sources.read import split_glob
from .dropped import scan_bundled

SKILL_FILE = "SKILL.md"
PAGE_SUFFIXES = frozenset({".md", ".markdown"})
"""Bundled files shown as sanitized pages (and served raw as downloads too)."""
INERT_SUFFIXES = PAGE_SUFFIXES | frozenset(
    {".txt", ".py", ".sh", ".bash", ".json", ".yaml", ".yml", ".toml", ".csv"}
)
"""Bundled files served as downloads of their bytes: text a browser shows, never runs."""
MAX_DEPTH = 16
"""Deepest folder below a skill's folder that is looked into."""
MAX_SKILL_BYTES = 16 * 1024 * 1024
"""Largest ``SKILL.md`` put into a zip (the reader's own limit applies before)."""
DOS_EPOCH = 315532800
"""1980-01-01, the earliest time a zip entry can hold."""

_SERVED_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*(?: [A-Za-z0-9_.+-]+)*\Z")
"""A file or folder name that is served as is: ASCII letters, digits, ``_.+-`` and spaces
between words (no ``%``, ``#``, ``?`` or anything else a URL would need to escape)."""
_HIDDEN_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def fold(path: str) -> str:
    """The form in which two paths name the same file once unzipped on macOS or Windows:
    Unicode NFKC (which includes NFC), case-folded."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", path).casefold())


def top_folder(folder: str, name: str) -> str:
    """The folder a skill at ``folder`` (a path with ``/``) installs into: the source
    folder's own name when a zip can hold it as is, else ``name``."""
    last = posixpath.basename(folder)
    if not last or not _SERVED_PART.match(last) or unsafe_name(last) is not None:
        return name
    return last


def unsafe_name(path: str) -> str | None:
    """Why ``path`` must not name a zip entry (unzip tools would write it elsewhere or
    show it as something else), or None: a backslash, a control character, a ``..`` or
    empty part, an absolute path or a drive letter."""
    if "\\" in path:
        return "holds a backslash, which unzip tools on Windows read as a folder separator"
    if _HIDDEN_CHARACTER.search(path):
        return "holds control, bidi or zero-width characters"
    parts = path.split("/")
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return "is an absolute path"
    if any(part in ("", ".", "..") for part in parts):
        return "has an empty, '.' or '..' part"
    return None


@dataclass(frozen=True)
class Bounds:
    """Limits on what one skill's bundle holds (``SKILL.md`` aside)."""

    max_files: int = 200
    """Files per skill (option ``max_bundle_files``)."""
    max_file_bytes: int = 1024 * 1024
    """Bytes per file (option ``max_bundle_file_size``)."""
    max_total_bytes: int = 10 * 1024 * 1024
    """Bytes of all of a skill's files together (option ``max_bundle_size``)."""


@dataclass(frozen=True)
class BundledFile:
    """One file of a skill's folder, other than its ``SKILL.md``."""

    path: str
    """Path below the skill's folder, with ``/``."""
    data: bytes
    digest: str
    findings: tuple[Problem, ...] = ()
    """Hidden content of the file (:func:`.dropped.scan_bundled`), for its page's notice."""

    @property
    def suffix(self) -> str:
        return posixpath.splitext(self.path)[1].lower()

    @property
    def served(self) -> bool:
        """Whether the site serves the file itself (else it is in the zip only)."""
        return self.suffix in INERT_SUFFIXES and all(
            _SERVED_PART.match(part) for part in self.path.split("/")
        )

    @property
    def page(self) -> bool:
        """Whether the file is Markdown shown as a page of its own."""
        return self.served and self.suffix in PAGE_SUFFIXES


@dataclass(frozen=True)
class Bundle:
    """A skill's folder: its ``SKILL.md`` and the files beside it, sorted by path."""

    skill: str
    """The skill's name (its URL slug); :attr:`top` is the zip's top folder."""
    root: Path
    """The folder, as an absolute path."""
    folder: str
    """The folder as messages show it (relative to the project folder, with ``/``)."""
    source: bytes
    """The bytes of ``SKILL.md``, as written."""
    files: tuple[BundledFile, ...] = ()

    @property
    def top(self) -> str:
        """The zip's top folder: the skill's own folder name, as the source has it (a
        skill is its folder, and slugs are for URLs only: ``skill`` may carry
        ``-<collection>`` when names are shared), or the skill's name for a folder name
        that is not served as is."""
        return top_folder(self.folder, self.skill)

    @cached_property
    def digest(self) -> str:
        """What the bundle holds: equal digests give equal pages, downloads and zips."""
        parts = [self.skill, self.top, _digest(self.source)]
        parts.extend(f"{f.path}\0{f.digest}" for f in self.files)
        return _digest("\n".join(parts).encode())

    @cached_property
    def archive(self) -> bytes:
        """The zip of :meth:`zip`, made once per bundle (a scanner keeps unchanged bundles)."""
        return self.zip()

    def entries(self) -> list[tuple[str, bytes]]:
        """(path in the zip, bytes) of every file, ``SKILL.md`` first, then by path. A
        name an unzip tool would write elsewhere never gets in (the scan has already left
        such files out with a problem)."""
        return [(f"{self.top}/{SKILL_FILE}", self.source)] + [
            (f"{self.top}/{f.path}", f.data) for f in self.files if unsafe_name(f.path) is None
        ]

    def zip(self, epoch: int | None = None) -> bytes:
        """The whole skill as a zip that depends on its files alone: entries in path
        order, each dated ``epoch`` (``SOURCE_DATE_EPOCH``, else 1980-01-01) with mode 0644."""
        if epoch is None:
            epoch = source_date_epoch()
        stamp = time.gmtime(max(epoch, DOS_EPOCH))[:6]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in self.entries():
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.create_system = 3
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=6)
        return buffer.getvalue()


def source_date_epoch() -> int:
    """``SOURCE_DATE_EPOCH`` when set to a number, else 1980-01-01."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else DOS_EPOCH


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def folder_digest(root: Path) -> str:
    """What a skill's folder holds, as a bundle sees it (every file below it but hidden
    ones and other skills' folders, by path and bytes; a link or special file by its
    name): two folders with equal digests publish the same pages, downloads and zip."""
    digest = hashlib.blake2b(digest_size=16)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    for relative, entry in _walk(root):
        digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            digest.update(b"\1not a regular file\0")
            continue
        try:
            fd = os.open(entry.path, flags)
        except OSError:
            digest.update(b"\1unreadable\0")
            continue
        with os.fdopen(fd, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def skill_folder(entry: Entry, base: Path) -> Path | None:
    """The folder of a skill written as a ``SKILL.md``, or None (a skill written as a
    plain Markdown file shares its folder, and the project folder is never a bundle)."""
    if posixpath.basename(entry.path) != SKILL_FILE:
        return None
    folder = Path(os.path.normpath(base / posixpath.dirname(entry.path)))
    return None if folder == Path(os.path.normpath(base)) else folder


class Scanner:
    """Finds the bundles of skills, reading again only files that changed since the
    last scan (``mkdocs serve`` rescans at every rebuild)."""

    def __init__(self) -> None:
        self._cache: dict[tuple, bytes] = {}
        self._bundles: dict[tuple[Path, str], Bundle] = {}
        self._findings: dict[tuple[str, str], tuple[Problem, ...]] = {}

    def scan(
        self, base: Path, skills: Iterable[Entry], bounds: Bounds = Bounds()
    ) -> tuple[dict[str, Bundle], list[Problem]]:
        """The bundle of each skill that has a folder (by skill name), and warnings for
        files left out of a bundle (symlinks, special files, files past the bounds)."""
        bundles: dict[str, Bundle] = {}
        problems: list[Problem] = []
        cache: dict[tuple, bytes] = {}
        for entry in skills:
            root = skill_folder(entry, base)
            if root is None:
                continue
            folder = posixpath.dirname(entry.path)
            files = self._files(root, folder, bounds, problems, cache)
            source = self._read(root / SKILL_FILE, MAX_SKILL_BYTES, cache)
            if source is None:
                source = entry.raw.encode("utf-8")
            bundle = Bundle(entry.name, root, folder, source, tuple(files))
            bundles[entry.name] = self._bundles.get((root, bundle.digest), bundle)
        self._cache = cache
        self._bundles = {(b.root, b.digest): b for b in bundles.values()}
        return bundles, problems

    def problems(
        self, base: Path, skills: Iterable[Entry], bounds: Bounds = Bounds()
    ) -> list[Problem]:
        """The problems :meth:`scan` reports, without making the bundles (a check:
        ``SKILL.md`` is not read again, nothing is kept for a next scan)."""
        problems: list[Problem] = []
        for entry in skills:
            root = skill_folder(entry, base)
            if root is not None:
                self._files(root, posixpath.dirname(entry.path), bounds, problems, {})
        return problems

    def _files(
        self,
        root: Path,
        folder: str,
        bounds: Bounds,
        problems: list[Problem],
        cache: dict[tuple, bytes],
    ) -> list[BundledFile]:
        files: list[BundledFile] = []
        total = seen = 0

        def warn(relative: str, message: str, fatal: bool = False) -> None:
            problems.append(Problem(f"{folder}/{relative}", 1, 1, "bundle", message, fatal=fatal))

        claimed: dict[str, tuple[str, bool]] = {fold(SKILL_FILE): (SKILL_FILE, True)}
        too_deep: list[str] = []
        for relative, entry in _walk(root, too_deep=too_deep):
            if "\\" in relative:
                warn(
                    relative,
                    "the file name holds a backslash, which unzip tools on Windows read as "
                    "a folder separator (the file could land outside the skill's folder): "
                    "left out of the skill's bundle (pages, downloads and zip); rename it",
                    fatal=True,
                )
                continue
            if _HIDDEN_CHARACTER.search(relative):
                warn(
                    visible(relative),
                    "the file name holds control, bidi or zero-width characters: left out "
                    "of the skill's bundle (pages, downloads and zip); rename the file",
                )
                continue
            if entry.is_symlink():
                warn(
                    relative,
                    "refusing a symlink in a skill's folder: only regular files are "
                    "bundled; the link is left out of the skill's pages and zip (copy the "
                    "file into the folder instead)",
                )
                continue
            if not entry.is_file(follow_symlinks=False):
                warn(relative, "refusing a special file: only regular files are bundled")
                continue
            links = entry.stat(follow_symlinks=False).st_nlink
            if links > 1:
                warn(
                    relative,
                    f"refusing a hard link: the file has {links} names, and another may lie "
                    "outside the skill's folder; it is left out of the skill's pages and zip "
                    "(copy the file instead of linking it)",
                    fatal=True,
                )
                continue
            clash = _clash(relative, claimed)
            if clash is not None:
                warn(
                    relative,
                    f"the path is the same as {clash!r} once case and Unicode forms are "
                    "folded: unzipped on macOS or Windows one file replaces the other. "
                    f"{clash!r} is kept, this file is left out of the skill's pages and zip; "
                    "rename one of them",
                    fatal=True,
                )
                continue
            seen += 1
            if seen > bounds.max_files:
                warn(
                    relative,
                    f"the skill's folder holds more than {bounds.max_files} files (the "
                    f"max_bundle_files option): the first {bounds.max_files} in path order "
                    "are published, this file and those after it are left out",
                )
                break
            size = entry.stat(follow_symlinks=False).st_size
            if size > bounds.max_file_bytes:
                warn(
                    relative,
                    f"file is {size} bytes, larger than the limit of {bounds.max_file_bytes} "
                    "bytes for a bundled file (the max_bundle_file_size option): left out "
                    "of the skill's pages and zip",
                )
                continue
            if total + size > bounds.max_total_bytes:
                warn(
                    relative,
                    f"the skill's files would pass {bounds.max_total_bytes} bytes in all "
                    "(the max_bundle_size option): this file is left out of the skill's "
                    "pages and zip",
                )
                continue
            data = self._read(Path(entry.path), bounds.max_file_bytes, cache, inside=root)
            if data is None:
                warn(relative, "cannot be read as a regular file: left out of the bundle")
                continue
            total += len(data)
            digest = _digest(data)
            key = (f"{folder}/{relative}", digest)
            findings = self._findings.get(key)
            if findings is None:
                findings = self._findings[key] = tuple(scan_bundled(key[0], data))
            problems.extend(findings)
            files.append(BundledFile(relative, data, digest, findings))
        for deep in too_deep:
            warn(
                deep + "/",
                f"the folder is more than {MAX_DEPTH} folders below the skill's folder: "
                "the files in it are left out of the skill's pages and zip (move them up)",
            )
        return sorted(files, key=lambda f: f.path)

    def _read(
        self, path: Path, limit: int, cache: dict[tuple, bytes], inside: Path | None = None
    ) -> bytes | None:
        """A regular file's bytes (never through a symlink), from the cache when unchanged."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(path, flags)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            if inside is not None and not _opened_inside(fd, inside):
                return None
            key = (str(path), info.st_ino, info.st_mtime_ns, info.st_size)
            data = self._cache.get(key)
            if data is None:
                data = handle.read(limit + 1)
                if len(data) > limit:
                    return None
            cache[key] = data
            return data


def _clash(relative: str, claimed: dict[str, tuple[str, bool]]) -> str | None:
    """The path already taken that ``relative`` equals once folded (a file, or a folder
    on its way), or None; else ``relative`` and its folders are taken."""
    parts = relative.split("/")
    folders = ["/".join(parts[: i + 1]) for i in range(len(parts) - 1)]
    for path in folders:
        taken = claimed.get(fold(path))
        if taken is not None and (taken[1] or taken[0] != path):
            return taken[0]
    taken = claimed.get(fold(relative))
    if taken is not None:
        return taken[0]
    for path in folders:
        claimed[fold(path)] = (path, False)
    claimed[fold(relative)] = (relative, True)
    return None


def _opened_inside(fd: int, root: Path) -> bool:
    """Whether the open file really lies in the skill's folder: ``O_NOFOLLOW`` guards only
    the last part of a path, and a folder above the file may have been swapped for a
    symlink since the walk (the kernel's name for the open file tells; where there is
    none, the file is trusted as walked)."""
    try:
        opened = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return True
    return opened.startswith(os.path.realpath(root).rstrip(os.sep) + os.sep)


def _walk(
    folder: Path, prefix: str = "", depth: int = 0, too_deep: list[str] | None = None
) -> Iterator[tuple[str, os.DirEntry]]:
    """Every entry below ``folder``, folder by folder in name order, without following links.

    Hidden files and folders (``.git``, editors' files) are skipped, and so are folders
    holding a ``SKILL.md`` of their own (another skill) and the skill's own ``SKILL.md``.
    Folders past :data:`MAX_DEPTH` are not entered; ``too_deep`` collects them.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError:
        return
    if prefix and any(e.name == SKILL_FILE for e in entries):
        return
    for entry in entries:
        if entry.name.startswith(".") or (not prefix and entry.name == SKILL_FILE):
            continue
        relative = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            if depth < MAX_DEPTH:
                yield from _walk(Path(entry.path), relative + "/", depth + 1, too_deep)
            elif too_deep is not None:
                too_deep.append(relative)
        else:
            yield relative, entry


def affects(base: Path, skill_globs: Iterable[str]) -> Callable[[str, bool], bool]:
    """A test of whether a change at an absolute path (a file, or a folder if True) can
    change a skill's bundle: a file below a folder that holds a ``SKILL.md``, under one
    of the skill globs' roots. Hidden files and editors' backups (``~``) do not count."""
    roots = [os.path.normpath(base / split_glob(g)[0]) for g in skill_globs]

    def test(path: str, folder: bool) -> bool:
        path = os.path.normpath(path)
        for root in roots:
            relative = os.path.relpath(path, root) if path.startswith(root) else os.pardir
            if relative == os.pardir or relative.startswith(os.pardir + os.sep):
                continue
            parts = relative.split(os.sep)
            if any(p.startswith(".") or p.endswith("~") for p in parts):
                return False
            current = os.path.dirname(path) if not folder else path
            while len(current) >= len(root):
                if os.path.isfile(os.path.join(current, SKILL_FILE)):
                    return True
                current = os.path.dirname(current)
        return False

    return test
