"""The catalogue: every valid persona and skill, sorted by name, and the problems found.

:class:`Reader` runs the stages left of the site (find, read, validate) and remembers
each file's result by its identity and modification time, so that ``mkdocs serve``
rebuilds parse only the files that changed.
"""

from __future__ import annotations

import difflib
import hashlib
import multiprocessing
import os
import posixpath
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from ..sources import collector
from ..sources.model import Entry, Kind, Problem
from ..sources.read import DEFAULT_EXCLUDE, Limits, Source, discover, read_document, split_glob
from ..sources.strict_yaml import SCALAR
from .validate import DEFAULT_FIELDS, normalize, slug


@dataclass(frozen=True)
class Settings:
    """What to read and how: the plain-Python side of the plugin's configuration."""

    base: Path
    """Folder the globs are relative to (the folder of ``mkdocs.yml``)."""
    personas: tuple[str, ...] = ("personas/**/*.md",)
    skills: tuple[str, ...] = ("skills/**/SKILL.md",)
    fields: Mapping[str, Sequence[str]] = field(default_factory=lambda: DEFAULT_FIELDS)
    limits: Limits = field(default_factory=Limits)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    """Globs of files never read even when a persona or skill glob matches them."""
    allow_tags: tuple[str, ...] = ()
    """Extra elements the sanitizer keeps (option ``allow_tags``): not reported as dropped."""
    allow_attributes: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Extra attributes the sanitizer keeps, per element (option ``allow_attributes``)."""

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
    ambiguous: Mapping[tuple[Kind, str], tuple[str, ...]] = field(default_factory=dict, hash=False)
    """``(kind, slug)`` -> the names of the entries whose names share that slug (two
    different files, each named ``<slug>-<collection>``): the plain URL lists them."""

    @cached_property
    def by_name(self) -> dict[tuple[Kind, str], Entry]:
        """Entries by ``(kind, name)``."""
        return {(e.kind, e.name): e for e in (*self.personas, *self.skills)}

    def get(self, kind: Kind, name: str) -> Entry | None:
        """The persona or skill called ``name``, if any."""
        return self.by_name.get((kind, name))

    def resolve(self, kind: Kind, written: str, collection: str | None = None) -> Entry | None:
        """The entry a reference (``skills:``, ``related_personas:``) points to.

        A reference is read as a name is: by the slug of its text, so ``Claude Code
        Guide`` finds ``claude-code-guide``. When several files share that slug (see
        :attr:`ambiguous`), the one in the referring entry's ``collection`` wins, and
        otherwise the first by name.
        """
        name = slug(written)
        found = self.get(kind, name)
        if found is not None:
            return found
        entries = [self.by_name[(kind, n)] for n in self.ambiguous.get((kind, name), ())]
        same = [e for e in entries if e.collection == collection]
        return (same or entries or [None])[0]

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
        combined(base.personas, overlay.personas),
        combined(base.skills, overlay.skills),
        {**base.ambiguous, **overlay.ambiguous},
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
    digest: str = ""
    """A hash of the file's text, to tell exact copies from different files."""


def _read(source: Source, settings: Settings, text: bool = True) -> _Result:
    """One file's result; without the entry's text, extra fields and runtime reading
    when ``text`` is false (see :func:`_read_many`)."""
    document, problems = read_document(source, settings.limits)
    if document is None:
        return _Result(None, tuple(problems), None)
    entry, more = normalize(document, settings.fields, pages=text)
    changes: dict = {}
    problems += more
    from .hidden import scan

    findings = scan(document, settings.fields, entry.title if entry else None)
    from .dropped import dropped

    allowed = (settings.allow_tags, settings.allow_attributes)
    more_findings = dropped(
        document.body, document.source.display, document.body_line, allowed=allowed
    )
    if more_findings:
        findings = sorted(findings + more_findings, key=lambda p: (p.line, p.col))
    problems += findings
    if entry is not None and findings:
        changes["findings"] = (*entry.findings, *findings)
    if source.kind == Kind.PERSONA:
        from ..sources.runtimes import runtime_problems

        reading, more = runtime_problems(document, settings.fields.get("tools", ()), problems)
        problems = more
        changes["runtime"] = reading
    name_node = None
    for key in settings.fields.get("name", ("name",)):
        node = document.front.get(key)
        if node is not None and node.kind == SCALAR and node.value.strip():
            name_node = (node.value.strip(), node.line, node.col)
            break
    if entry is None or any(p.fatal for p in problems):
        return _Result(None, tuple(problems), name_node)
    digest = hashlib.sha256(document.text.encode()).hexdigest()
    if not text:  # a check needs names, paths and references; problems carry the rest
        changes.pop("runtime", None)
    if changes:  # one copy of the entry for every change
        entry = replace(entry, **changes)
    return _Result(entry, tuple(problems), name_node, digest)


def _suffixes(source: Source, entry: Entry) -> list[str]:
    """What tells an entry apart from others of its name, most readable first: its
    collection, its folders, its path, a hash of its path (text only, never counters)."""
    stem = "" if source.path.name == "SKILL.md" else source.relative.removesuffix(".md")
    parts = (entry.collection, posixpath.dirname(source.relative), stem, source.display)
    found = list(dict.fromkeys(slug(part) for part in parts if part))
    return [*found, hashlib.sha256(source.display.encode()).hexdigest()[:8]]


def _distinct(base: str, options: list[list[str]], taken: set[str]) -> list[str]:
    """One name ``<base>-<suffix>`` per member (a slug, so at most 64 characters), each on
    the first suffix that neither another member nor an existing name has (members that
    clash move on together)."""
    level = [0] * len(options)
    while True:
        chosen = [
            slug(f"{base}-{o[min(n, len(o) - 1)]}") for o, n in zip(options, level, strict=True)
        ]
        counts = Counter(chosen)
        clash = [
            i
            for i, name in enumerate(chosen)
            if (counts[name] > 1 or name in taken) and level[i] < len(options[i]) - 1
        ]
        if not clash:
            return chosen
        for i in clash:
            level[i] += 1


def _collision(written: str, others: list[str]) -> tuple[bool, str]:
    """Whether names that give one slug look alike on purpose (security), and a note."""
    folded = {fold(w) for w in (written, *others)}
    spelled = {written, *others}
    lookalike = len(folded) == 1 and len(spelled) > 1 and not all(w.isascii() for w in spelled)
    if lookalike:
        return True, " (names that look alike once case and Unicode forms are folded)"
    return False, ""


def _skill_folder(source: Source) -> str | None:
    """A digest of a ``SKILL.md``'s whole folder (its files are part of the skill), or
    None for a skill written as a plain Markdown file."""
    if source.path.name != "SKILL.md":
        return None
    from .bundles import folder_digest

    return folder_digest(source.path.parent)


def _identities(
    sources: Sequence[Source], results: Sequence[_Result]
) -> tuple[list[Entry], dict[tuple[Kind, str], tuple[str, ...]], list[Problem]]:
    """The entries with unique names, the names that several files share, and problems.

    Exact copies (the same text; for a skill, the same whole folder) are published once,
    with a warning on the later file. A skill is its whole folder: two ``SKILL.md`` files
    alike byte for byte beside other files that differ anywhere are two skills. Different
    files whose names give one slug are all kept: each is renamed
    ``<slug>-<collection>`` (or more of its path, when that is not enough), and a warning
    on each names the other files and every URL.
    """
    groups: dict[tuple[Kind, str], list[int]] = defaultdict(list)
    for index, result in enumerate(results):
        if result.entry is not None:
            groups[(result.entry.kind, result.entry.name)].append(index)
    entries: dict[int, Entry] = {}
    ambiguous: dict[tuple[Kind, str], tuple[str, ...]] = {}
    problems: list[Problem] = []
    taken = set(groups)
    for (kind, name), members in sorted(groups.items()):
        first_of: dict[str, int] = {}
        copies = Counter(results[index].digest for index in members)
        for index in members:
            digest = results[index].digest
            folder = None
            if copies[digest] > 1 and kind == Kind.SKILL:
                folder = _skill_folder(sources[index])
                digest += folder or ""
            original = first_of.setdefault(digest, index)
            if original != index:
                entry = results[original].entry
                what = " (the whole skill folder, byte for byte)" if folder else ""
                message = f"an exact copy of {entry.path}{what}; published once, at {entry.url}"
                line, col = (results[index].name or ("", 1, 1))[1:]
                problems.append(Problem(sources[index].display, line, col, "name", message, False))
        members = list(first_of.values())
        if len(members) == 1:
            entries[members[0]] = results[members[0]].entry
            continue
        options = [_suffixes(sources[i], results[i].entry) for i in members]
        names = _distinct(name, options, {n for k, n in taken if k == kind})
        taken.update((kind, n) for n in names)
        ambiguous[(kind, name)] = tuple(sorted(names))
        renamed = {}
        for index, new in zip(members, names, strict=True):
            entry = results[index].entry
            written = entry.written_name or entry.name
            renamed[index] = replace(entry, name=new, written_name=written)
        for index in members:
            entry, others = renamed[index], [renamed[i] for i in members if i != index]
            written, line, col = results[index].name or (entry.written_name, 1, 1)
            security, note = _collision(written, [o.written_name for o in others])
            listed = ", ".join(f"{o.path} (page {o.url})" for o in others)
            message = (
                f"{kind.value} name '{written}' is also used by {listed}{note}; all are kept: "
                f"this file's page is {entry.url}, and {kind.value}s/{name}/ lists them all"
            )
            problems.append(
                Problem(entry.path, line, col, "name", message, fatal=False, security=security)
            )
            entries[index] = entry
    return [entries[i] for i in sorted(entries)], ambiguous, problems


class _Suggestions:
    """ "Did you mean" hints from a character-trigram index of names.

    A reference is compared (with :mod:`difflib`) only with the few names that share the
    most of its rarest trigrams, so each lookup costs about the same whatever the
    catalogue's size.
    """

    CANDIDATES = 8
    """Names compared with difflib per lookup."""
    POSTINGS = 400
    """Index entries read per lookup, rarest trigrams first."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self.index: dict[str, list[int]] = {}
        for number, name in enumerate(self.names):
            for gram in self._grams(name):
                self.index.setdefault(gram, []).append(number)
        self.cache: dict[str, str | None] = {}

    @staticmethod
    def _grams(name: str) -> set[str]:
        padded = f"  {name} "
        return {padded[i : i + 3] for i in range(len(padded) - 2)}

    def closest(self, name: str) -> str | None:
        """The most similar name (difflib ratio at least 0.6), or None."""
        if name not in self.cache:
            postings = sorted(
                (self.index[g] for g in self._grams(name[:200]) if g in self.index), key=len
            )
            shared: dict[int, int] = {}
            budget = self.POSTINGS
            for numbers in postings:
                for number in numbers[:budget]:
                    shared[number] = shared.get(number, 0) + 1
                budget -= len(numbers)
                if budget <= 0:
                    break
            best = sorted(shared, key=lambda n: (-shared[n], n))[: self.CANDIDATES]
            close = difflib.get_close_matches(name, [self.names[n] for n in best], 1, 0.6)
            self.cache[name] = close[0] if close else None
        return self.cache[name]


def check_references(catalogue: Catalogue) -> list[Problem]:
    """Warnings for ``skills:`` and related-persona entries that name nothing."""
    problems = []
    suggestions: dict[Kind, _Suggestions] = {}  # indexed at the first name that is missing
    names = {Kind.SKILL: catalogue.skills, Kind.PERSONA: catalogue.personas}
    for entry in catalogue.entries:
        pairs = [
            *((Kind.SKILL, r) for r in entry.skills),
            *((Kind.PERSONA, r) for r in entry.related),
        ]
        for kind, ref in pairs:
            if catalogue.get(kind, ref.name) is not None:
                continue
            message = f"no {kind.value} is called {ref.name!r}"
            if kind not in suggestions:
                suggestions[kind] = _Suggestions(sorted(e.name for e in names[kind]))
            close = suggestions[kind].closest(ref.name)
            if close:
                message += f"; did you mean '{close}'?"
            problems.append(Problem(entry.path, ref.line, ref.col, ref.key, message, fatal=False))
    return problems


PARALLEL_FROM = 300
"""Files to parse from which reading is spread over one forked process per core (forking
costs little; below this the pool's start and the results' shipping cost more than the
second core saves)."""

SPAWNED_FROM = 2000
"""The same where workers must be spawned (a threaded process, such as ``mkdocs serve``):
each then starts a new interpreter and imports the plugin, about a second."""


def _read_chunk(sources: Sequence[Source], settings: Settings, text: bool) -> list[_Result]:
    return [_read(source, settings, text) for source in sources]


_FORKED: Sequence[Source] = ()
"""The sources of the read in progress, which forked workers inherit instead of receiving
them pickled."""


def _read_forked(start: int, end: int, settings: Settings, text: bool) -> list[_Result]:
    return _read_chunk(_FORKED[start:end], settings, text)


def _read_many(
    sources: Sequence[Source],
    settings: Settings,
    text: bool,
    meanwhile: Callable[[], object] | None = None,
) -> list[_Result]:
    """Read files, in worker processes when there are many; without their text (extra
    fields and Claude Code's reading) when ``text`` is false, which is all a check needs
    and less to ship back.

    Workers are forked when this process runs a single thread, and spawned otherwise
    (``mkdocs serve`` runs a server thread, and forking a threaded process is unsafe).
    While workers read, this process, which would only wait, calls ``meanwhile`` (work
    the caller needs next, such as loading modules); it is not called otherwise.
    """
    workers = min(os.cpu_count() or 1, 8)
    single = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
    if len(sources) < (PARALLEL_FROM if single else SPAWNED_FROM) or workers < 2:
        return _read_chunk(sources, settings, text)
    # Forked workers get a range of the inherited sources, so small chunks cost nothing
    # to send and keep the last one short (the other worker waits for it at the end).
    size = -(-len(sources) // (workers * (16 if single else 4)))
    starts = range(0, len(sources), size)
    context = multiprocessing.get_context("fork" if single else "spawn")
    global _FORKED
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        many = len(starts)
        if single:  # the workers are forked while the sources are set
            _FORKED = sources
            ends = [start + size for start in starts]
            parts = pool.map(_read_forked, starts, ends, [settings] * many, [text] * many)
        else:
            chunks = [sources[i : i + size] for i in starts]
            parts = pool.map(_read_chunk, chunks, [settings] * many, [text] * many)
        if meanwhile is not None:
            meanwhile()
        try:
            return [result for part in parts for result in part]
        finally:
            _FORKED = ()


class Reader:
    """Reads a catalogue, re-reading only the files that changed since the last call."""

    def __init__(self, *, text: bool = True) -> None:
        self.text = text
        """Keep each entry's text; a reader that only checks files does not need it."""
        self._cache: dict[tuple, _Result] = {}
        self.parsed = 0
        """How many files the last :meth:`load` actually parsed (the rest came from cache)."""
        self.checked = 0
        self.excluded: list[str] = []
        """Files the globs match that ``exclude`` left out (README.md and the like)."""
        """How many files the last :meth:`load` looked at, refused ones (symlinks) included."""

    def _read(
        self,
        sources: Sequence[Source],
        settings: Settings,
        meanwhile: Callable[[], object] | None = None,
    ) -> list[_Result]:
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
                missing,
                _read_many([sources[i] for i in missing], settings, self.text, meanwhile),
                strict=True,
            )
        )
        self.parsed = len(missing)
        results = [fresh[i] if i in fresh else self._cache[key] for i, key in enumerate(keys)]
        self._cache = {key: result for key, result in zip(keys, results, strict=True) if key}
        return results

    def load(
        self,
        settings: Settings,
        *,
        references: bool = True,
        meanwhile: Callable[[], object] | None = None,
    ) -> tuple[Catalogue, list[Problem]]:
        """Find, read and validate every file; return the catalogue and all problems.

        ``references=False`` leaves out the dangling-reference check, for callers that
        check references against a larger catalogue. ``meanwhile`` is called while
        worker processes read, if they do (this process would only wait for them).

        The cycle collector is off meanwhile (:mod:`..sources.collector`: at 10,000
        entries its walks were a tenth of ``personas validate``'s time).
        """
        with collector.paused():
            return self._load(settings, references, meanwhile)

    def _load(
        self, settings: Settings, references: bool, meanwhile: Callable[[], object] | None
    ) -> tuple[Catalogue, list[Problem]]:
        found = discover(settings.base, settings.globs, settings.exclude)
        sources, problems = found.sources, found.problems
        self.excluded = found.excluded
        self.checked = len(sources) + len({p.path for p in problems if p.fatal})
        results = self._read(sources, settings, meanwhile)
        for result in results:
            problems.extend(result.problems)
        entries, ambiguous, more = _identities(sources, results)
        problems.extend(more)
        personas = [e for e in entries if e.kind == Kind.PERSONA]
        skills = [e for e in entries if e.kind == Kind.SKILL]
        catalogue = Catalogue(
            tuple(sorted(personas, key=lambda e: e.name)),
            tuple(sorted(skills, key=lambda e: e.name)),
            ambiguous,
        )
        if references:
            problems.extend(check_references(catalogue))
        return catalogue, sorted(problems, key=_order)


def _order(problem: Problem) -> tuple:
    return (problem.path, problem.line, problem.col, problem.field, problem.message)


def load(settings: Settings) -> tuple[Catalogue, list[Problem]]:
    """Read a catalogue once, with no cache."""
    return Reader().load(settings)
