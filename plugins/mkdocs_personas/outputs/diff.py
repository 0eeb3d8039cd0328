"""What a change does to a catalogue: entries added, removed, renamed and changed (which
fields; keywords and expertise gained and lost), and the problems it introduces or fixes.

Both sides are git revisions, or a revision and the working tree; two folders are compared
only when asked explicitly (:func:`diff_folders`), so that a folder that happens to be
called ``main`` never stands in for the branch. A revision is read straight from git's
object database into a temporary folder: only regular files are written, symlinks become
links to nowhere (so the reader refuses them as it would in a working tree), nothing is
checked out and no hook runs.

Hidden content that the change brings in (invisible, bidi and tag characters, look-alike
names, comments) is listed on its own, with its position and the hidden text written out.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..catalogue.catalogue import Catalogue, Reader, Settings
from ..catalogue.hidden import is_finding
from ..sources import text
from ..sources.model import Entry, Problem, visible
from ..sources.read import split_glob

COMPARED = (
    "title",
    "description",
    "expertise",
    "keywords",
    "complexity",
    "skills",
    "related",
    "tools",
    "model",
    "collection",
    "path",
    "body",
    "extra",
)
"""Fields whose change makes an entry "changed", in the order they are reported."""


@dataclass
class Change:
    """One persona or skill that differs between the two sides."""

    kind: str
    name: str
    status: str
    """``added``, ``removed``, ``renamed``, ``changed``, or ``broken`` (its file is still
    there but no longer valid, so the site leaves it out)."""
    path: str
    old_name: str | None = None
    fields: list[str] = field(default_factory=list)
    gained: dict[str, list[str]] = field(default_factory=dict)
    """Keywords and expertise the change adds."""
    lost: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Finding:
    """Hidden content the change brings in: where it is and what it hides."""

    path: str
    line: int
    col: int
    severity: str
    """``security`` (hidden characters, look-alike letters) or ``warning`` (a comment)."""
    field: str
    text: str
    """What the page notice shows: the finding, hidden text written out (``<U+202E>``)."""

    def __str__(self) -> str:
        """The finding as ``personas validate`` prints it."""
        return visible(
            f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.field}: {self.text}"
        )


@dataclass
class Diff:
    """The whole difference between two catalogues."""

    changes: list[Change] = field(default_factory=list)
    introduced: list[str] = field(default_factory=list)
    """Problems in the new side that the old side did not have."""
    fixed: list[str] = field(default_factory=list)
    hidden: list[Finding] = field(default_factory=list)
    """Hidden content in the new side that the old side did not have (also in
    ``introduced``, as problems)."""

    def names(self, status: str | None = None) -> set[tuple[str, str]]:
        """``(kind, name)`` of the changes, optionally of one status."""
        return {(c.kind, c.name) for c in self.changes if status in (None, c.status)}

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)


def _value(entry: Entry, name: str) -> object:
    value = getattr(entry, name)
    if name in ("skills", "related"):
        return [ref.name for ref in value]
    if name == "extra":
        return json.dumps(value, sort_keys=True)
    return value


def _compare(old: Entry, new: Entry) -> tuple[list[str], dict, dict]:
    fields = [name for name in COMPARED if _value(old, name) != _value(new, name)]
    gained: dict[str, list[str]] = {}
    lost: dict[str, list[str]] = {}
    for name in ("keywords", "expertise"):
        before = {text.key(v): v for v in getattr(old, name)}
        after = {text.key(v): v for v in getattr(new, name)}
        if added := [after[k] for k in after if k not in before]:
            gained[name] = added
        if removed := [before[k] for k in before if k not in after]:
            lost[name] = removed
    return fields, gained, lost


def _problem_key(problem: Problem) -> tuple[str, str, str]:
    return (problem.path, problem.field, problem.message)


def compare(
    old: Catalogue, old_problems: list[Problem], new: Catalogue, new_problems: list[Problem]
) -> Diff:
    """The difference between two read catalogues."""
    diff = Diff()
    invalid = {p.path for p in new_problems if p.fatal}
    for kind in ("persona", "skill"):
        before = {e.name: e for e in getattr(old, kind + "s")}
        after = {e.name: e for e in getattr(new, kind + "s")}
        removed = [before[n] for n in before if n not in after]
        added = [after[n] for n in after if n not in before]
        renamed: dict[str, Entry] = {}
        for entry in added:
            origin = next(
                (r for r in removed if r.path == entry.path or r.body == entry.body), None
            )
            if origin is not None and origin.name not in renamed:
                renamed[origin.name] = entry
                fields, gained, lost = _compare(origin, entry)
                diff.changes.append(
                    Change(
                        kind,
                        entry.name,
                        "renamed",
                        entry.path,
                        origin.name,
                        ["name", *fields],
                        gained,
                        lost,
                    )
                )
        taken = {e.name for e in renamed.values()}
        for entry in added:
            if entry.name not in taken:
                diff.changes.append(Change(kind, entry.name, "added", entry.path))
        for entry in removed:
            if entry.name not in renamed:
                status = "broken" if entry.path in invalid else "removed"
                diff.changes.append(Change(kind, entry.name, status, entry.path))
        for name in sorted(before.keys() & after.keys()):
            fields, gained, lost = _compare(before[name], after[name])
            if fields:
                diff.changes.append(
                    Change(kind, name, "changed", after[name].path, None, fields, gained, lost)
                )
    order = {"added": 0, "renamed": 1, "changed": 2, "broken": 3, "removed": 4}
    diff.changes.sort(key=lambda c: (order[c.status], c.kind, c.name))
    old_keys = {_problem_key(p) for p in old_problems}
    new_keys = {_problem_key(p) for p in new_problems}
    introduced = [p for p in sorted(set(new_problems)) if _problem_key(p) not in old_keys]
    diff.introduced = [str(p) for p in introduced]
    diff.hidden = [
        Finding(p.path, p.line, p.col, p.severity, p.field, p.message)
        for p in introduced
        if is_finding(p)
    ]
    fixed = {_problem_key(p): p for p in old_problems if _problem_key(p) not in new_keys}
    diff.fixed = [str(p) for p in sorted(set(fixed.values()))]
    return diff


def _git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["git", "-C", str(repo), *args],
        input=data,
        capture_output=True,
        check=False,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    if result.returncode != 0:
        raise ValueError(result.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
    return result.stdout


def export_revision(
    repo: Path, revision: str, roots: list[str], target: Path, max_bytes: int
) -> None:
    """Write the files below ``roots`` at ``revision`` into ``target``, without a checkout.

    Blobs over ``max_bytes`` are written as empty files of their size (the reader refuses
    them by size), so no file's content is ever held in memory beyond the size limit.
    """
    commit = _git(repo, "rev-parse", "--verify", "--quiet", revision + "^{commit}").decode().strip()
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *roots)
    blobs = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        path = raw_path.decode("utf-8", errors="replace")
        if kind != "blob" or ".." in Path(path).parts or Path(path).is_absolute():
            continue
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            os.symlink("/nonexistent/refused", destination)
        else:
            blobs.append((sha, destination))
    if not blobs:
        return
    request = "".join(f"{sha}\n" for sha, _ in blobs).encode()
    sizes = [
        int(line.split()[2])
        for line in _git(repo, "cat-file", "--batch-check", data=request).decode().splitlines()
    ]
    small = []
    for (sha, destination), size in zip(blobs, sizes, strict=True):
        if size > max_bytes:
            with open(destination, "wb") as handle:
                handle.truncate(size)
        else:
            small.append((sha, destination))
    output = _git(
        repo, "cat-file", "--batch", data="".join(f"{sha}\n" for sha, _ in small).encode()
    )
    offset = 0
    for _, destination in small:
        header_end = output.index(b"\n", offset)
        size = int(output[offset:header_end].split()[2])
        start = header_end + 1
        destination.write_bytes(output[start : start + size])
        offset = start + size + 1


def _commit(repo: Path, revision: str) -> str:
    """The commit a revision names; an error that says how to compare folders otherwise."""
    try:
        if revision.startswith("-"):
            raise ValueError("")
        found = _git(repo, "rev-parse", "--verify", "--quiet", revision + "^{commit}")
        return found.decode().strip()
    except ValueError as error:
        reason = f" ({error})" if "not a git repository" in str(error) else ""
        raise ValueError(
            f"{revision!r} is not a git revision of the repository at {repo}{reason}; "
            "positional arguments are revisions (a branch, tag or commit); to compare two "
            "folders, write: personas diff --folders OLD NEW"
        ) from None


@contextmanager
def revision_folder(revision: str, settings: Settings) -> Iterator[Path]:
    """A temporary folder holding the catalogue files of a git revision."""
    commit = _commit(settings.base, revision)
    roots = sorted({split_glob(g)[0] for g, _ in settings.globs})
    with tempfile.TemporaryDirectory(prefix="personas-diff-") as folder:
        export_revision(settings.base, commit, roots, Path(folder), settings.limits.max_file_bytes)
        yield Path(folder)


def load_folder(folder: Path, settings: Settings) -> tuple[Catalogue, list[Problem]]:
    """Read the catalogue in ``folder`` with the given settings (globs relative to it)."""
    return Reader().load(
        Settings(folder, settings.personas, settings.skills, settings.fields, settings.limits)
    )


def load_side(revision: str | None, settings: Settings) -> tuple[Catalogue, list[Problem]]:
    """Read the catalogue at a git revision, or in the working tree when ``None``."""
    if revision is None:
        return Reader().load(settings)
    with revision_folder(revision, settings) as folder:
        return load_folder(folder, settings)


def diff(base: str, head: str | None, settings: Settings) -> Diff:
    """Compare two git revisions of a catalogue, or a revision with the working tree
    (``head=None``)."""
    old, old_problems = load_side(base, settings)
    new, new_problems = load_side(head, settings)
    return compare(old, old_problems, new, new_problems)


def diff_folders(old: Path, new: Path, settings: Settings) -> Diff:
    """Compare the catalogues of two folders, each read with the globs of ``settings``."""
    for folder in (old, new):
        if not folder.is_dir():
            raise ValueError(f"{str(folder)!r} is not a folder")
    before, before_problems = load_folder(old.resolve(), settings)
    after, after_problems = load_folder(new.resolve(), settings)
    return compare(before, before_problems, after, after_problems)


def _fenced(lines: list[str]) -> list[str]:
    """Lines in a ``text`` code block whose fence no line can close."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *lines, fence]


def _code(text: str) -> str:
    """``text`` as inline code that no backtick in it can close, hidden characters
    written out."""
    text = visible(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _list(values: list[str]) -> str:
    return ", ".join(_code(v) for v in values)


def markdown(result: Diff) -> str:
    """A summary for a pull-request comment."""
    if not (result.changes or result.introduced or result.fixed or result.hidden):
        return "No persona or skill changes.\n"
    lines = []
    counts: dict[str, int] = {}
    for change in result.changes:
        counts[change.status] = counts.get(change.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    lines.append(f"**Personas and skills:** {summary or 'none changed'}.")
    lines.append("")
    hiding = {f.path for f in result.hidden}
    for change in result.changes:
        where = f" ({_code(change.path)})" if change.path else ""
        if change.status == "renamed":
            head = (
                f"- **renamed** {change.kind} {_code(change.old_name or '')} → "
                f"{_code(change.name)}{where}"
            )
        else:
            head = f"- **{change.status}** {change.kind} {_code(change.name)}{where}"
        extra = [f for f in change.fields if f != "name"]
        if extra:
            head += ": " + ", ".join(extra)
        if change.path in hiding:
            head += " (**hidden content added**, listed below)"
        lines.append(head)
        for name, values in change.gained.items():
            lines.append(f"  - {name} gained: {_list(values)}")
        for name, values in change.lost.items():
            lines.append(f"  - {name} lost: {_list(values)}")
    hidden = [str(finding) for finding in result.hidden]
    if hidden:
        lines += [
            "",
            f"**Hidden content introduced** ({len(hidden)}): text that readers of the page "
            "cannot see, but that agents given the raw file read.",
            "",
            *_fenced(hidden),
        ]
    others = [p for p in result.introduced if p not in set(hidden)]
    for title, problems in (("Problems introduced", others), ("Problems fixed", result.fixed)):
        if problems:
            lines += ["", f"**{title}** ({len(problems)}):", "", *_fenced(problems)]
    return "\n".join(lines) + "\n"
