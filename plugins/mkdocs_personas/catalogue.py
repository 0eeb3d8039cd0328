"""The catalogue: every valid persona and skill, sorted by name, and the problems found.

:class:`Reader` runs the stages left of the site (find, read, validate) and remembers
each file's result by its identity and modification time, so that ``mkdocs serve``
rebuilds parse only the files that changed.
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .model import Entry, Kind, Problem
from .read import Limits, Source, discover, read_document, split_glob
from .strict_yaml import SCALAR
from .validate import DEFAULT_FIELDS, normalize


@dataclass(frozen=True)
class Settings:
    """What to read and how: the plain-Python side of the plugin's configuration."""

    base: Path
    """Folder the globs are relative to (the folder of ``mkdocs.yml``)."""
    personas: tuple[str, ...] = ("personas/**/*.md",)
    skills: tuple[str, ...] = ("skills/**/SKILL.md",)
    fields: Mapping[str, Sequence[str]] = field(default_factory=lambda: DEFAULT_FIELDS)
    limits: Limits = field(default_factory=Limits)

    @property
    def roots(self) -> list[str]:
        """The literal folders the globs start from, relative to ``base``."""
        return [split_glob(g)[0] for g, _ in self.globs]

    @property
    def globs(self) -> list[tuple[str, Kind]]:
        """Every glob with the kind of file it finds."""
        return [(g, Kind.PERSONA) for g in self.personas] + [(g, Kind.SKILL) for g in self.skills]


@dataclass(frozen=True)
class Catalogue:
    """Valid personas and skills, each tuple sorted by name."""

    personas: tuple[Entry, ...] = ()
    skills: tuple[Entry, ...] = ()

    @cached_property
    def by_name(self) -> dict[tuple[Kind, str], Entry]:
        """Entries by ``(kind, name)``."""
        return {(e.kind, e.name): e for e in (*self.personas, *self.skills)}

    def get(self, kind: Kind, name: str) -> Entry | None:
        """The persona or skill called ``name``, if any."""
        return self.by_name.get((kind, name))

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Personas, then skills."""
        return self.personas + self.skills

    @cached_property
    def collections(self) -> tuple[str, ...]:
        """The collections that hold entries, sorted."""
        return tuple(sorted({e.collection for e in self.entries if e.collection}))


def merge(base: Catalogue, overlay: Catalogue) -> Catalogue:
    """``base`` with the entries of ``overlay`` added or replacing those of the same name."""

    def combined(a: tuple[Entry, ...], b: tuple[Entry, ...]) -> tuple[Entry, ...]:
        by_name = {e.name: e for e in (*a, *b)}
        return tuple(by_name[name] for name in sorted(by_name))

    return Catalogue(
        combined(base.personas, overlay.personas), combined(base.skills, overlay.skills)
    )


def fold(name: str) -> str:
    """The form in which two names count as the same: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", name).casefold()


@dataclass(frozen=True)
class _Result:
    entry: Entry | None
    problems: tuple[Problem, ...]
    name: tuple[str, int, int] | None
    """The name as written, with its position, for collision checks."""


def _read(source: Source, settings: Settings) -> _Result:
    document, problems = read_document(source, settings.limits)
    if document is None:
        return _Result(None, tuple(problems), None)
    entry, more = normalize(document, settings.fields)
    problems += more
    name_node = None
    for key in settings.fields.get("name", ("name",)):
        node = document.front.get(key)
        if node is not None and node.kind == SCALAR and node.value.strip():
            name_node = (node.value.strip(), node.line, node.col)
            break
    if any(p.fatal for p in problems):
        entry = None
    return _Result(entry, tuple(problems), name_node)


def _collisions(sources: Sequence[Source], results: Sequence[_Result]) -> dict[int, Problem]:
    """Problems for files whose name another file of the same kind already has."""
    first: dict[tuple[Kind, str], tuple[str, int, int]] = {}
    found: dict[int, Problem] = {}
    for index, (source, result) in enumerate(zip(sources, results, strict=True)):
        if result.name is None:
            continue
        name, line, col = result.name
        key = (source.kind, fold(name))
        if key in first:
            path, first_line, first_col = first[key]
            message = (
                f"{source.kind.value} name {name!r} is already used by "
                f"{path}:{first_line}:{first_col}"
            )
            if name != key[1]:
                message += " (the same name once case and Unicode forms are folded)"
            found[index] = Problem(source.display, line, col, "name", message)
        else:
            first[key] = (source.display, line, col)
    return found


def check_references(catalogue: Catalogue) -> list[Problem]:
    """Warnings for ``skills:`` and related-persona entries that name nothing."""
    problems = []
    names = {
        Kind.SKILL: sorted(s.name for s in catalogue.skills),
        Kind.PERSONA: sorted(p.name for p in catalogue.personas),
    }
    for entry in catalogue.entries:
        pairs = [
            *((Kind.SKILL, r) for r in entry.skills),
            *((Kind.PERSONA, r) for r in entry.related),
        ]
        for kind, ref in pairs:
            if catalogue.get(kind, ref.name) is not None:
                continue
            message = f"no {kind.value} is called {ref.name!r}"
            close = difflib.get_close_matches(ref.name, names[kind], n=1, cutoff=0.6)
            if close:
                message += f"; did you mean '{close[0]}'?"
            problems.append(Problem(entry.path, ref.line, ref.col, ref.key, message, fatal=False))
    return problems


PARALLEL_FROM = 2000
"""Files to parse from which reading is spread over one process per core."""


def _read_chunk(sources: Sequence[Source], settings: Settings, text: bool) -> list[_Result]:
    results = [_read(source, settings) for source in sources]
    if text:
        return results
    return [
        replace(r, entry=replace(r.entry, raw="", body_offset=0, extra={})) if r.entry else r
        for r in results
    ]


def _read_many(sources: Sequence[Source], settings: Settings, text: bool) -> list[_Result]:
    """Read files, in worker processes when there are many; without their text (and extra
    fields) when ``text`` is false, which is all a check needs and less to ship back.

    Workers are forked when this process runs a single thread, and spawned otherwise
    (``mkdocs serve`` runs a server thread, and forking a threaded process is unsafe).
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(sources) < PARALLEL_FROM or workers < 2:
        return _read_chunk(sources, settings, text)
    size = -(-len(sources) // (workers * 4))
    chunks = [sources[i : i + size] for i in range(0, len(sources), size)]
    single = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if single else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        parts = pool.map(_read_chunk, chunks, [settings] * len(chunks), [text] * len(chunks))
        return [result for part in parts for result in part]


class Reader:
    """Reads a catalogue, re-reading only the files that changed since the last call."""

    def __init__(self, *, text: bool = True) -> None:
        self.text = text
        """Keep each entry's text; a reader that only checks files does not need it."""
        self._cache: dict[tuple, _Result] = {}
        self.parsed = 0
        """How many files the last :meth:`load` actually parsed (the rest came from cache)."""
        self.checked = 0
        """How many files the last :meth:`load` looked at, refused ones (symlinks) included."""

    def _read(self, sources: Sequence[Source], settings: Settings) -> list[_Result]:
        """Results for ``sources``: from the cache when a file is unchanged, else read."""
        keys: list[tuple | None] = []
        for source in sources:
            try:
                info = os.lstat(source.path)
            except OSError:
                keys.append(None)
                continue
            keys.append((source.path, source.kind, info.st_ino, info.st_mtime_ns, info.st_size))
        missing = [i for i, key in enumerate(keys) if key is None or key not in self._cache]
        fresh = dict(
            zip(
                missing, _read_many([sources[i] for i in missing], settings, self.text), strict=True
            )
        )
        self.parsed = len(missing)
        results = [fresh[i] if i in fresh else self._cache[key] for i, key in enumerate(keys)]
        self._cache = {key: result for key, result in zip(keys, results, strict=True) if key}
        return results

    def load(
        self, settings: Settings, *, references: bool = True
    ) -> tuple[Catalogue, list[Problem]]:
        """Find, read and validate every file; return the catalogue and all problems.

        ``references=False`` leaves out the dangling-reference check, for callers that
        check references against a larger catalogue.
        """
        sources, problems = discover(settings.base, settings.globs)
        self.checked = len(sources) + len({p.path for p in problems})
        results = self._read(sources, settings)
        collisions = _collisions(sources, results)
        personas, skills = [], []
        for index, result in enumerate(results):
            problems.extend(result.problems)
            if index in collisions:
                problems.append(collisions[index])
            elif result.entry is not None:
                (skills if result.entry.kind == Kind.SKILL else personas).append(result.entry)
        catalogue = Catalogue(
            tuple(sorted(personas, key=lambda e: e.name)),
            tuple(sorted(skills, key=lambda e: e.name)),
        )
        if references:
            problems.extend(check_references(catalogue))
        return catalogue, sorted(problems, key=_order)


def _order(problem: Problem) -> tuple:
    return (problem.path, problem.line, problem.col, problem.field, problem.message)


def load(settings: Settings) -> tuple[Catalogue, list[Problem]]:
    """Read a catalogue once, with no cache."""
    return Reader().load(settings)
