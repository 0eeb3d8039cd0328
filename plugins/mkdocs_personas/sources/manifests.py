"""Collection manifests: a ``.claude-plugin/plugin.json`` beside a collection's agents and
skills gives the collection its title, description, version, author and license.

Manifests come from pull requests like persona files, so they are read as bounded,
text-only data: regular files only, at most :data:`MAX_BYTES`, and only short strings
are kept (control characters removed). Nothing in a manifest is ever HTML.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .model import Problem

MAX_BYTES = 64 * 1024
"""Largest manifest read, in bytes."""
MAX_TEXT = 300
"""Longest string kept from a manifest, in characters."""
MANIFEST = ".claude-plugin/plugin.json"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


@dataclass(frozen=True)
class Manifest:
    """What a collection's manifest says about it (every field plain text)."""

    collection: str
    path: str
    """The manifest's path relative to the project folder."""
    title: str = ""
    description: str = ""
    version: str = ""
    author: str = ""
    license: str = ""

    def facts(self) -> list[tuple[str, str]]:
        """``(label, value)`` pairs worth showing, in a fixed order."""
        return [
            (label, value)
            for label, value in (
                ("version", self.version),
                ("author", self.author),
                ("license", self.license),
            )
            if value
        ]


def _text(value: object) -> str:
    if isinstance(value, Mapping):
        value = value.get("name", "")
    if not isinstance(value, str):
        return ""
    cleaned = " ".join(_CONTROL.sub(" ", value).split())
    return cleaned if len(cleaned) <= MAX_TEXT else cleaned[: MAX_TEXT - 1].rstrip() + "…"


def read_manifest(
    path: Path, collection: str, display: str
) -> tuple[Manifest | None, Problem | None]:
    """Read one manifest, or say why it was not used (a warning: the collection still builds)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        return None, Problem(display, 1, 1, "manifest", f"cannot be read: {error.strerror}", False)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
            message = "refusing a manifest that is not a regular file"
            return None, Problem(display, 1, 1, "manifest", message, False)
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        message = f"manifest is larger than {MAX_BYTES} bytes; it was not read"
        return None, Problem(display, 1, 1, "manifest", message, False)
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line, col = getattr(error, "lineno", 1), getattr(error, "colno", 1)
        message = f"expected a JSON object, found invalid JSON ({error.args[0].split(':')[0]})"
        return None, Problem(display, line, col, "manifest", message, False)
    if not isinstance(value, dict):
        return None, Problem(display, 1, 1, "manifest", "expected a JSON object", False)
    manifest = Manifest(
        collection,
        display,
        title=_text(value.get("displayName") or value.get("name")),
        description=_text(value.get("description")),
        version=_text(value.get("version")),
        author=_text(value.get("author")),
        license=_text(value.get("license")),
    )
    return manifest, None


def find_manifests(
    base: Path, roots: Iterable[str], collections: Iterable[str]
) -> tuple[dict[str, Manifest], list[Problem]]:
    """The manifest of each collection, looked for in ``<root>/<collection>/`` for each
    glob root (relative to ``base``); the first found wins."""
    found: dict[str, Manifest] = {}
    problems: list[Problem] = []
    unique_roots = list(dict.fromkeys(roots))
    for collection in sorted(set(collections)):
        for root in unique_roots:
            path = Path(os.path.normpath(base / root / collection / MANIFEST))
            if not path.is_file() or path.is_symlink():
                continue
            try:
                display = path.relative_to(base).as_posix()
            except ValueError:
                display = Path(os.path.relpath(path, base)).as_posix()
            manifest, problem = read_manifest(path, collection, display)
            if problem is not None:
                problems.append(problem)
            if manifest is not None:
                found[collection] = manifest
                break
    return found, problems
