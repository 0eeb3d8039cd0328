"""What a change does to a catalogue: entries added, removed, renamed and changed (which
fields; keywords and expertise gained and lost), and the problems it introduces or fixes.

Either side is a folder or a git revision. A revision is read straight from git's object
database into a temporary folder: only regular files are written, symlinks become links
to nowhere (so the reader refuses them as it would in a working tree), nothing is checked
out and no hook runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import text
from .catalogue import Catalogue, Reader, Settings
from .model import Entry, Problem
from .read import split_glob

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
class Diff:
    """The whole difference between two catalogues."""

    changes: list[Change] = field(default_factory=list)
    introduced: list[str] = field(default_factory=list)
    """Problems in the new side that the old side did not have."""
    fixed: list[str] = field(default_factory=list)

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
    diff.introduced = [str(p) for p in sorted(set(new_problems)) if _problem_key(p) not in old_keys]
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


@contextmanager
def catalogue_folder(side: str, settings: Settings) -> Iterator[Path]:
    """A folder holding one side: the folder itself, or a git revision written out."""
    path = Path(side)
    if path.is_dir():
        yield path.resolve()
        return
    roots = sorted({split_glob(g)[0] for g, _ in settings.globs})
    with tempfile.TemporaryDirectory(prefix="personas-diff-") as folder:
        export_revision(settings.base, side, roots, Path(folder), settings.limits.max_file_bytes)
        yield Path(folder)


def load_side(side: str, settings: Settings) -> tuple[Catalogue, list[Problem]]:
    """Read one side of a diff with the given settings (globs relative to that side)."""
    with catalogue_folder(side, settings) as folder:
        return Reader().load(
            Settings(folder, settings.personas, settings.skills, settings.fields, settings.limits)
        )


def diff(base: str, head: str, settings: Settings) -> Diff:
    """Compare two folders or git revisions of a catalogue."""
    old, old_problems = load_side(base, settings)
    new, new_problems = load_side(head, settings)
    return compare(old, old_problems, new, new_problems)


def _list(values: list[str]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def markdown(result: Diff) -> str:
    """A summary for a pull-request comment."""
    if not (result.changes or result.introduced or result.fixed):
        return "No persona or skill changes.\n"
    lines = []
    counts = {}
    for change in result.changes:
        counts[change.status] = counts.get(change.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    lines.append(f"**Personas and skills:** {summary or 'none changed'}.")
    lines.append("")
    for change in result.changes:
        where = f" (`{change.path}`)" if change.path else ""
        if change.status == "renamed":
            head = f"- **renamed** {change.kind} `{change.old_name}` → `{change.name}`{where}"
        else:
            head = f"- **{change.status}** {change.kind} `{change.name}`{where}"
        extra = [f for f in change.fields if f != "name"]
        if extra:
            head += ": " + ", ".join(extra)
        lines.append(head)
        for name, values in change.gained.items():
            lines.append(f"  - {name} gained: {_list(values)}")
        for name, values in change.lost.items():
            lines.append(f"  - {name} lost: {_list(values)}")
    for title, problems in (
        ("Problems introduced", result.introduced),
        ("Problems fixed", result.fixed),
    ):
        if problems:
            lines += ["", f"**{title}** ({len(problems)}):", "", "```text", *problems, "```"]
    return "\n".join(lines) + "\n"
