"""Find persona and skill files and read them as untrusted data.

Only regular files under the configured roots are read: symlinks, hard links, special
files and paths that leave a root (even through a folder swapped for a symlink while
reading) are refused. Files in hidden folders are read only when a glob names the folder;
others that a glob would match are reported. Every read is bounded in size, and front
matter goes through :mod:`strict_yaml`, which never runs code.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import strict_yaml
from .front_matter import split_front_matter
from .model import Kind, Problem, visible
from .strict_yaml import Node


@dataclass(frozen=True)
class Limits:
    """Bounds applied to every file before it is parsed."""

    max_file_bytes: int = 256 * 1024
    max_front_matter_bytes: int = 64 * 1024
    max_depth: int = 16


@dataclass(frozen=True)
class Source:
    """A file to read, found by a glob."""

    path: Path
    """Absolute path."""
    display: str
    """Path relative to the project folder, with ``/``: what messages and edit links show."""
    kind: Kind
    root: Path
    """The folder the glob starts from; the file must stay under it."""

    relative: str = ""
    """Path below the root, with ``/``."""
    real_root: str = ""
    """The root's real path when it was found; what an opened file must lie under."""

    @property
    def collection(self) -> str | None:
        """The first folder below the root, skipping a skill's own folder."""
        parts = self.relative.split("/")[:-1]
        if self.path.name == "SKILL.md":
            parts = parts[:-1]
        return parts[0] if parts else None


@dataclass(frozen=True)
class Document:
    """A file split into strict front matter and a Markdown body."""

    source: Source
    text: str
    front: Node
    body: str
    body_line: int
    bom: bool = False
    """The file started with a UTF-8 byte-order mark (``text`` has none)."""
    crlf: bool = False
    """The file ended its lines with ``\\r\\n`` (``text`` has ``\\n``)."""

    @property
    def as_read(self) -> str:
        """The text as other tools read it: byte-order mark and ``\\r\\n`` line ends kept."""
        text = self.text.replace("\n", "\r\n") if self.crlf else self.text
        return "\ufeff" + text if self.bom else text


DEFAULT_EXCLUDE: tuple[str, ...] = (
    "README.md",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
    "AGENTS.md",
    "CLAUDE.md",
    "LICENSE",
    "LICENSE.md",
    "LICENSE.txt",
    "LICENSE*",
)
"""Files a wildcard glob never reads: a collection's documentation, not personas."""


@dataclass(frozen=True)
class Discovery:
    """What :func:`discover` found; unpacks as ``sources, problems``."""

    sources: list[Source]
    problems: list[Problem]
    excluded: list[str]
    """Paths (relative to the project folder) that exclude globs left out: not problems."""

    def __iter__(self) -> Iterator[list]:
        return iter((self.sources, self.problems))


_MAGIC = re.compile(r"[*?\[]")


def _translate(pattern: str) -> re.Pattern[str]:
    """Compile a glob (``*``, ``?``, ``[...]`` and ``**`` for any folders) to a regex."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def excluder(patterns: Iterable[str]) -> Callable[[str], bool]:
    """A test of whether a path relative to the project folder is excluded.

    Patterns holding a ``/`` match the whole path (``**`` for any folders); the others
    match the file name alone: a literal name ignoring case (``readme.md`` is excluded by
    ``README.md``), a name with wildcards exactly as written (``LICENSE*`` leaves out
    ``LICENSE-MIT`` but not the persona ``license-engineer.md``).
    """
    literal = [p for p in patterns if "/" not in p and not _MAGIC.search(p)]
    names = [_translate(p.casefold()).pattern for p in literal]
    wild = [_translate(p).pattern for p in patterns if "/" not in p and _MAGIC.search(p)]
    paths = [_translate(p).pattern for p in patterns if "/" in p]

    def compiled(parts: list[str]):
        return re.compile("|".join(f"(?:{p})" for p in parts)).match if parts else None

    name_test, wild_test, path_test = compiled(names), compiled(wild), compiled(paths)

    def test(path: str) -> bool:
        name = path.rsplit("/", 1)[-1]
        return (
            bool(name_test and name_test(name.casefold()))
            or bool(wild_test and wild_test(name))
            or bool(path_test and path_test(path))
        )

    return test


def split_glob(pattern: str) -> tuple[str, str]:
    """Split a glob into its literal root folder and the pattern below it."""
    parts = pattern.replace("\\", "/").split("/")
    for index, part in enumerate(parts):
        if _MAGIC.search(part):
            return "/".join(parts[:index]) or ".", "/".join(parts[index:])
    return "/".join(parts[:-1]) or ".", parts[-1]


def affects(base: Path, patterns: Iterable[str]) -> Callable[[str, bool], bool]:
    """A test of whether a change at an absolute path can change what ``patterns`` read:
    a file the globs match, or a folder (moved or deleted) inside one of their roots."""
    compiled = []
    for pattern in patterns:
        root_part, rest = split_glob(pattern)
        compiled.append((os.path.normpath(base / root_part), _translate(rest)))

    def test(path: str, folder: bool) -> bool:
        for root, matcher in compiled:
            try:
                relative = os.path.relpath(path, root)
            except ValueError:
                continue
            if relative == os.pardir or relative.startswith(os.pardir + os.sep):
                continue
            if folder or matcher.match(relative.replace(os.sep, "/")):
                return True
        return False

    return test


def _walk(
    root: Path, max_depth: float, enter: Callable[[str], bool]
) -> Iterator[tuple[str, os.DirEntry]]:
    """Yield ``(relative path, entry)`` below ``root`` in sorted order, never following links.

    Only folders whose name passes ``enter`` are entered, none deeper than ``max_depth``.
    """
    pending = [("", root, 0)]
    while pending:
        prefix, folder, depth = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            relative = prefix + entry.name
            yield relative, entry
            if depth < max_depth and entry.is_dir(follow_symlinks=False) and enter(entry.name):
                subfolders.append((relative + "/", Path(entry.path), depth + 1))
        pending.extend(reversed(subfolders))


def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, base)).as_posix()


def _symlink_in(path: Path, base: Path) -> Path | None:
    """The first symlink among the folders from ``base`` down to ``path``, if any."""
    try:
        parts = path.relative_to(base).parts
    except ValueError:
        return None
    current = base
    for part in parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def _enters(rest: str) -> Callable[[str], bool]:
    """A test of whether a walk for a glob (below its root) enters a folder: any folder
    but a hidden one, unless a part of the glob that starts with ``.`` matches it, as in
    ``*/.claude/agents/*.md``. ``.git`` is never entered."""
    parts = [_translate(part) for part in rest.split("/") if part.startswith(".")]

    def enter(name: str) -> bool:
        if not name.startswith("."):
            return True
        return name != ".git" and any(part.match(name) for part in parts)

    return enter


def _holds_match(folder: Path, prefix: str, matcher: re.Pattern[str], depth: float) -> bool:
    """Whether a file below ``folder`` (its path below the root starting with ``prefix``)
    matches the glob; stops at the first one."""
    for relative, entry in _walk(folder, depth, lambda name: name != ".git"):
        if matcher.match(prefix + relative) and entry.is_file(follow_symlinks=False):
            return True
    return False


def discover(
    base: Path, globs: Iterable[tuple[str, Kind]], exclude: Iterable[str] = DEFAULT_EXCLUDE
) -> Discovery:
    """Find the files matched by ``(glob, kind)`` pairs relative to ``base``.

    A file matched as a skill is never also a persona. Symlinks and special files that
    a glob matches are refused with a problem; hidden folders that hold files a glob
    matches are reported once each (a warning) unless a glob names them. Files that a
    wildcard matches and ``exclude`` names are left out quietly, listed in ``excluded``.
    The sources are sorted by path.
    """
    found: dict[str, Source] = {}  # by absolute path (a str hashes faster than a Path)
    problems: list[Problem] = []
    excluded: set[str] = set()
    hidden: dict[Path, str] = {}
    is_excluded = excluder(exclude)
    ordered = sorted(globs, key=lambda item: item[1] != Kind.SKILL)
    for pattern, kind in ordered:
        root_part, rest = split_glob(pattern)
        if ".." in rest.split("/"):
            problems.append(Problem(pattern, 1, 1, "glob", "'..' is not allowed after a wildcard"))
            continue
        root = Path(os.path.normpath(base / root_part))
        link = _symlink_in(root, base)
        if link is not None:
            message = f"refusing a symlinked folder as a root: {_display(link, base)}"
            problems.append(Problem(_display(link, base), 1, 1, "file", message))
            continue
        if not root.is_dir():
            continue
        root_display = _display(root, base)
        real_root = os.path.realpath(root)
        matcher = _translate(rest)
        wildcard = _MAGIC.search(rest) is not None
        depth = float("inf") if "**" in rest else rest.count("/")
        enter = _enters(rest)
        for relative, entry in _walk(root, depth, enter):
            level = relative.count("/")
            if (
                not enter(entry.name)
                and entry.name != ".git"
                and level < depth
                and entry.is_dir(follow_symlinks=False)
                and Path(entry.path) not in hidden
                and _holds_match(Path(entry.path), relative + "/", matcher, depth - level - 1)
            ):
                hidden[Path(entry.path)] = pattern
            if not matcher.match(relative):
                if entry.is_symlink() and entry.is_dir() and level < depth:
                    message = "refusing a symlinked folder: only real folders are read"
                    problems.append(
                        Problem(_display(Path(entry.path), base), 1, 1, "file", message)
                    )
                continue
            if entry.path in found:
                continue
            display = f"{root_display}/{relative}" if root_display != "." else relative
            if wildcard and is_excluded(display):
                excluded.add(display)
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                message = "refusing a symlink: only regular files under the roots are read"
                problems.append(Problem(_display(path, base), 1, 1, "file", message))
            elif entry.is_file(follow_symlinks=False):
                found[entry.path] = Source(path, display, kind, root, relative, real_root)
            elif not entry.is_dir(follow_symlinks=False):
                message = "refusing a special file: only regular files are read"
                problems.append(Problem(_display(path, base), 1, 1, "file", message))
    for folder, pattern in hidden.items():
        inside = str(folder) + os.sep
        if any(path.startswith(inside) for path in found):
            continue
        display = _display(folder, base)
        message = (
            f"skipped the hidden folder: it holds files that '{pattern}' matches, but folders "
            "whose name starts with '.' are read only when a glob names them; to read it, "
            f"add a glob such as '{display}/**/{pattern.rsplit('/', 1)[-1]}'"
        )
        problems.append(Problem(display, 1, 1, "file", message, fatal=False))
    problems = sorted(set(problems))
    sources = sorted(found.values(), key=lambda s: s.display)
    return Discovery(sources, problems, sorted(excluded))


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def _opened_inside(fd: int, info: os.stat_result, source: Source) -> bool:
    """Whether the opened file really lies under its root.

    ``O_NOFOLLOW`` guards only the last part of the path: a folder above the file may
    have been swapped for a symlink since discovery. The kernel's name for the open file
    (``/proc/self/fd``) tells where it is; elsewhere, the real path of the name is used
    if it is the same file.
    """
    root = source.real_root or os.path.realpath(source.root)
    try:
        opened = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        opened = os.path.realpath(source.path)
        try:
            same = os.stat(opened, follow_symlinks=False)
        except OSError:
            return False
        if (same.st_dev, same.st_ino) != (info.st_dev, info.st_ino):
            return False
    return opened.startswith(root.rstrip(os.sep) + os.sep)


def _read_bytes(source: Source, limits: Limits) -> tuple[bytes | None, Problem | None]:
    """Read at most the size limit, refusing anything but a regular file."""
    display = source.display
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(source.path, flags)
    except OSError as error:
        reason = "a symlink" if source.path.is_symlink() else error.strerror
        return None, Problem(display, 1, 1, "file", f"cannot be read: {reason}")
    try:
        return _read_open(fd, source, limits)
    finally:
        os.close(fd)


def _read_open(fd: int, source: Source, limits: Limits) -> tuple[bytes | None, Problem | None]:
    """:func:`_read_bytes` once the file is open (``fd``, without following a symlink)."""
    display = source.display
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        return None, Problem(display, 1, 1, "file", "refusing a special file")
    if info.st_nlink > 1:
        message = (
            f"refusing a hard link: the file has {info.st_nlink} names, and another may "
            "lie outside the roots; copy the file instead of linking it"
        )
        return None, Problem(display, 1, 1, "file", message)
    if not _opened_inside(fd, info, source):
        message = (
            "refusing a file outside the roots: a folder on its path was replaced by a "
            "symlink while the files were read"
        )
        return None, Problem(display, 1, 1, "file", message)
    head = _read_up_to(fd, limits.max_front_matter_bytes + 8)
    if head.startswith((b"---", b"\xef\xbb\xbf---")):
        end = re.search(rb"\n(?:---|\.\.\.)[ \t]*\r?(?:\n|\Z)", head)
        if end is None and len(head) > limits.max_front_matter_bytes:
            message = (
                f"front matter is larger than the limit of {limits.max_front_matter_bytes} "
                "bytes (no closing '---' line within it)"
            )
            return None, Problem(display, 1, 1, "front matter", message)
    if info.st_size > limits.max_file_bytes:
        message = (
            f"file is {info.st_size} bytes, larger than the limit of {limits.max_file_bytes} bytes"
        )
        problem = Problem(display, 1, 1, "file", message)
        text = head.decode("utf-8", "ignore")  # its front matter, for Claude Code's reading
        return None, _loaded_by_claude_code(problem, text, False, False, source)
    return head + _read_up_to(fd, limits.max_file_bytes + 1 - len(head)), None


def _read_up_to(fd: int, size: int) -> bytes:
    """At most ``size`` bytes from ``fd``, fewer only at the end of the file."""
    parts = []
    while size > 0:
        data = os.read(fd, size)
        if not data:
            break
        parts.append(data)
        size -= len(data)
    return b"".join(parts)


def decode(data: bytes, display: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text with or without a BOM, with ``\\n`` line endings; binary data is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\0")
    if nul >= 0:
        line, col = _position(data, nul)
        message = "expected UTF-8 text, found binary data (a NUL byte)"
        return None, Problem(display, line, col, "file", message)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = _position(data, error.start)
        found = data[error.start : error.start + 1].hex()
        message = f"expected UTF-8 text, found the byte 0x{found}"
        return None, Problem(display, line, col, "file", message)
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def read_document(source: Source, limits: Limits) -> tuple[Document | None, list[Problem]]:
    """Read one file into a :class:`Document`, or the problems that keep it out."""
    data, problem = _read_bytes(source, limits)
    if problem:
        return None, [problem]
    text, problem = decode(data, source.display)
    if problem:
        return None, [problem]
    bom, crlf = data.startswith(b"\xef\xbb\xbf"), b"\r\n" in data
    parts = split_front_matter(text, source.display)
    closing: Problem | None = None
    if isinstance(parts, Problem):
        closing = _closed_as_claude_code_closes(text, source)
        if closing is None:
            return None, [_loaded_by_claude_code(parts, text, bom, crlf, source)]
        parts = _split_at_claude_code_close(text)
    front_text, body, body_line = parts
    root, issues = strict_yaml.parse(front_text, 2, limits.max_depth)
    if root is None and any(i.message.startswith("invalid YAML") for i in issues):
        from .runtimes import retry_as_claude_code

        retried = retry_as_claude_code(front_text, 2, limits.max_depth)
        if retried is not None:  # what Claude Code loads gets a page, with warnings
            root, issues = retried
    problems = [
        Problem(source.display, i.line, i.col, i.field, i.message, fatal=not i.warning)
        for i in issues
    ]
    if closing is not None:
        problems.insert(0, closing)
    if root is None and not issues:
        root = Node(strict_yaml.MAPPING, 2, 1)
    if root is not None and root.kind != strict_yaml.MAPPING:
        found = strict_yaml.describe(root)
        message = f"expected a mapping of fields, found {found}"
        problems.append(Problem(source.display, root.line, root.col, "front matter", message))
        root = None
    if root is None:
        return None, [_loaded_by_claude_code(p, text, bom, crlf, source) for p in problems]
    return Document(source, text, root, body, body_line, bom, crlf), problems


def _closed_as_claude_code_closes(text: str, source: Source) -> Problem | None:
    """For an agent file whose front matter no ``---`` line closes but a line starting
    with ``---`` and going on (``--- notes``) does, as Claude Code reads it: the warning
    that keeps the file, or None."""
    if source.kind != Kind.PERSONA or source.path.name.endswith(".agent.md"):
        return None
    from .runtimes import claude_code_front_matter

    found = claude_code_front_matter(text)
    if found is None or found[1] == 0 or text[found[1] - 1] != "\n":
        return None
    line = text.count("\n", 0, found[1]) + 1
    rest = text[found[1] : text.find("\n", found[1]) if "\n" in text[found[1] :] else None]
    message = (
        f"expected a closing '---' line, found {visible(rest.strip()[:60])!r}: Claude Code "
        "ends the front matter at this '---' and reads the text after it as the body's "
        "first line, as this page does; put '---' on a line of its own"
    )
    return Problem(source.display, line, 1, "front matter", message, fatal=False)


def _split_at_claude_code_close(text: str) -> tuple[str, str, int]:
    """The front matter up to the ``---`` that starts a line, and the body after it (the
    rest of that line included), as Claude Code splits the file."""
    from .runtimes import claude_code_front_matter

    start, end, after = claude_code_front_matter(text)
    return text[start:end], text[after:], text.count("\n", 0, end) + 2


def _loaded_by_claude_code(
    problem: Problem, text: str, bom: bool, crlf: bool, source: Source
) -> Problem:
    """An error that leaves an agent file out, saying so when Claude Code would load it."""
    if not problem.fatal or "would load this file" in problem.message:
        return problem
    if source.kind != Kind.PERSONA or source.path.name.endswith(".agent.md"):
        return problem
    from .runtimes import would_load

    as_read = ("\ufeff" if bom else "") + (text.replace("\n", "\r\n") if crlf else text)
    clause = would_load(as_read)
    if not clause:
        return problem
    return Problem(problem.path, problem.line, problem.col, problem.field, problem.message + clause)
