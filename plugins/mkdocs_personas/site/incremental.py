"""Fast and exact ``mkdocs serve --dirty`` rebuilds.

MkDocs' dirty mode re-renders only pages whose source file is newer than its output,
which leaves indexes, relations and search stale. Here every generated page gets a
fingerprint of everything it shows; a rebuild re-renders exactly the pages whose
fingerprint changed (all of them if the navigation or ``mkdocs.yml`` changed), removes
the outputs of pages that no longer exist, and keeps Material's search index in step.
The result equals a clean build.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import jinja2
import jinja2.bccache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.utils import get_markdown_title

from ..analysis.relations import Term
from ..sources.model import Entry


def card_digest(entry: Entry, memo: dict[int, object]) -> object:
    """What an index page can show of an entry: its card, as a short digest."""
    found = memo.get(id(entry))
    if found is None:
        card = (
            entry.kind.value,
            entry.name,
            entry.title,
            entry.description,
            entry.complexity,
            entry.collection,
            entry.model,
            entry.expertise[:6],
        )
        found = memo[id(entry)] = digest_of(repr(card))
    return found


def _plain(value: object, memo: dict[int, object]) -> object:
    """A JSON-ready stand-in for a value JSON cannot write: what a page can show of it."""
    if isinstance(value, Entry):
        return card_digest(value, memo)
    if isinstance(value, Term):
        return ["term", value.label, value.slug, value.personas, sorted(value.derived)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, *(getattr(value, f.name) for f in dataclasses.fields(value))]
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return repr(value)


def _canonical(value: object, memo: dict[int, object]) -> object:
    """A small, stable stand-in for a value, for what JSON cannot write (dictionaries
    keyed by other than text): what a page can show of it."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, dict):
        return tuple(sorted((str(k), _canonical(v, memo)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_canonical(v, memo) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items)
    return _canonical(_plain(value, memo), memo)


def digest_of(text: str) -> str:
    """A short digest of a text."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def fingerprint(*parts: object, memo: dict[int, object] | None = None) -> str:
    """A digest of what a page shows; ``memo`` shares work between calls of one build.

    Written as JSON by the C encoder (entries as their cards' digests, terms and other
    records as lists); a part JSON cannot write (a dictionary keyed by other than text)
    is spelled out in Python instead."""
    memo = {} if memo is None else memo
    try:
        text = json.dumps(
            parts,
            default=lambda value: _plain(value, memo),
            sort_keys=True,
            ensure_ascii=False,
            check_circular=False,
        )
    except TypeError:
        text = repr(_canonical(parts, memo))
    return digest_of(text)


class TemplateCache(jinja2.BytecodeCache):
    """Compiled theme templates kept in memory across rebuilds (MkDocs makes a new Jinja
    environment, and so compiles every template again, for each build)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.compiled.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def _always_modified() -> bool:
    return True


class Rebuilds:
    """What the previous build produced, kept by the plugin across ``mkdocs serve`` rebuilds."""

    def __init__(self) -> None:
        self.fingerprints: dict[str, str] = {}
        self.outputs: set[str] = set()
        self.config_digest = ""
        self.nav_digest = ""
        self.rendered: set[str] = set()
        self.titles: dict[str, str | None] = {}
        """Rendered title of each page from ``docs_dir``, by source path."""
        self.raw: dict[str, str] = {}
        """Raw files written by the last build (site path -> text)."""
        self.texts: dict[tuple, str] = {}
        """Digest of each source text, by (kind, path, text)."""
        self.data_key: tuple | None = None
        """What the last build's data files were made of: (``data_key``, ``match_key``)."""
        self.index_cache: dict = {}
        """Each entry's terms for ``match.json`` (``ranking.index``)."""
        self.force = True
        self.templates = TemplateCache()
        self.settled = False
        self.shape: tuple | None = None
        self.relations: object = None
        """The last build's :meth:`.Site.shape` and relations."""
        self.entry_pages: dict[str, tuple[str, str, str]] = {}
        """The last build's entry pages: src_uri -> (file text, bundle fingerprint, digest)."""

    def settle(self) -> None:
        """Once the first build is over (when the server starts, or at the first rebuild),
        collect what it left and freeze the rest (the parse cache, term profiles, this
        record): the garbage collector then no longer walks it at each rebuild, which saves
        a tenth of a second on some edits. Done before serving, the half second the
        collection takes at 1,000 personas is no longer part of the first edit."""
        if self.outputs and not self.settled:
            gc.collect()
            gc.freeze()
            self.settled = True

    def start(self, config: MkDocsConfig) -> None:
        """Begin a build: everything is rebuilt if ``mkdocs.yml`` changed."""
        path = config.config_file_path
        digest = hashlib.blake2b(Path(path).read_bytes()).hexdigest() if path else ""
        self.force = digest != self.config_digest
        self.config_digest = digest
        self.rendered = set()

    def reusable(self, shape: tuple, relations: object) -> dict[str, tuple[str, str, str]] | None:
        """The last build's entry pages (``reuse`` of :meth:`.Site.fingerprints`) when this
        build has its shape and relations (the very object: relating reuses an unchanged
        result) and ``mkdocs.yml`` did not change; else None."""
        same = not self.force and relations is self.relations and shape == self.shape
        self.shape, self.relations = shape, relations
        return self.entry_pages if same else None

    def mark(
        self,
        pages: dict[str, tuple[object, str]],
        entry_texts: Mapping[str, tuple[str, str]] | None = None,
    ) -> int:
        """Flag each generated page (src_uri -> (file, fingerprint)) changed or not;
        keep the fingerprints, and those of the entry pages with their texts (src_uri ->
        (file text, bundle fingerprint), :meth:`.Site.entry_texts`)."""
        changed = 0
        for src_uri, (file, digest) in pages.items():
            file.changed = self.force or self.fingerprints.get(src_uri) != digest
            changed += file.changed
        self.fingerprints = {src: digest for src, (_, digest) in pages.items()}
        self.entry_pages = {
            src: (*text, self.fingerprints[src])
            for src, text in (entry_texts or {}).items()
            if src in self.fingerprints
        }
        if len(self.texts) > 2 * len(pages) + 1000:
            self.texts.clear()
        return changed

    def navigation(
        self,
        nav: Navigation,
        files: Files,
        config: MkDocsConfig,
        meta: Callable[[File], dict | None],
    ) -> None:
        """Give the pages that will not be rebuilt their titles (the navigation of rebuilt
        pages shows them), and rebuild every page when the navigation changed.

        ``meta`` gives a generated page's meta, None for a page from ``docs_dir``.
        """
        titles = []
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            generated = meta(file)
            if generated is not None:
                title = generated["title"]
                if not file.is_modified():
                    page.markdown, page.meta = "", generated
            else:
                page.read_source(config)
                title = page.meta.get("title") or get_markdown_title(page.markdown or "")
                if not file.is_modified():
                    page._title_from_render = self.titles.get(file.src_uri)
            titles.append((file.url, title))
        digest = fingerprint(titles, [(type(i).__name__, i.title) for i in nav.items])
        if digest != self.nav_digest or self.force:
            for file in files.documentation_pages():
                file.is_modified = _always_modified
        self.nav_digest = digest

    def finish(self, config: MkDocsConfig, files: Files, extra: Iterable[str]) -> None:
        """After a build, before search writes its index: drop stale outputs, and give
        Material's search plugin its whole index in page order, as a clean build has it.

        ``extra`` names the other files the build wrote (raw sources), relative to the site.
        """
        outputs = {file.dest_uri for file in files} | set(extra)
        stale = self.outputs - outputs
        for dest_uri in sorted(stale):
            path = os.path.join(config.site_dir, dest_uri)
            if os.path.isfile(path):
                os.remove(path)
                _remove_empty_folders(Path(path).parent, Path(config.site_dir))
        self.outputs = outputs
        gone = {_url(dest) for dest in stale} | self.rendered
        position = {
            _page_url(file.url): index for index, file in enumerate(files.documentation_pages())
        }
        for plugin in config.plugins.values():
            previous = getattr(plugin, "search_index_prev", None)
            current = getattr(plugin, "search_index", None)
            if previous is None or current is None:
                continue
            kept = [
                e
                for e in previous.entries
                if (page := e["location"].split("#")[0]) in position and page not in gone
            ]
            merged = kept + current.entries
            merged.sort(key=lambda e: position.get(e["location"].split("#")[0], -1))
            previous.entries, current.entries = merged, []


def _url(dest_uri: str) -> str:
    return dest_uri.removesuffix("index.html")


def _page_url(url: str) -> str:
    """A file's URL as pages and search entries spell it (``./`` is the home page, ``""``)."""
    return "" if url == "./" else url


def _remove_empty_folders(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
