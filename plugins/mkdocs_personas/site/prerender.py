"""The plugin's pages prepared by forked workers beside the build's own process.

MkDocs goes through the pages one at a time in one process: it converts every page's
Markdown, then renders each into the theme. For the pages the plugin adds, all of that
work up to the theme is known once the navigation is built: an entry's Markdown (its
body), the HTML MkDocs makes of it, the sanitized body search reads, and the fragment
around it (header, chips, relations, "Use this"); an index page's fragment. In a one-off
build on two or more cores (not ``mkdocs serve``, not mkdocs-static-i18n's passes), a
pool of forked workers (one per core but one) prepares these, in page order, while the
build's own process reaches them and prepares its own share (every n-th page on n cores).

A prepared result is used only where the build's process sees the very input the worker
assumed: the Markdown after every plugin's ``on_page_markdown``, the HTML after every
plugin's ``on_page_content`` before ours, the page's URL and edit URL; anywhere else, and
for a page whose rendering failed in the worker, the build's process does the work
itself. Log records a worker made while rendering a page (a broken link, a root link) are
handed back and logged by the build's process at that page, in order, so the log and
``--strict`` count the same. The site is byte-identical to a one-process build
(``tests/test_speed_parallel.py``).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import markdown
from mkdocs.structure.pages import Page as MkDocsPage

from . import background, search_entries
from .render import environment

PREPARE_FROM = 200
"""Fewest pages of the plugin's for which the pool pays for its start."""

WAIT = 120
"""Seconds to wait for the next prepared page before the build's process does the rest
itself (a worker killed by the system would otherwise leave it waiting for ever)."""

CHUNK = 4
"""Pages a worker prepares per message."""

AHEAD = 32
"""Messages the workers may have prepared and not yet taken: they wait for the build's
process rather than fill its memory with pages it has not reached."""

UNUSABLE = "\0"
"""The URL of a page a worker could not prepare: no page has it."""

HEADER_CHUNK = 16
"""Entry pages per message of the second pass (:meth:`Pool.take_header`)."""

HEADERS_FIRST = 2048
"""The first pages, in MkDocs' order, whose headers the workers prepare in the second pass
before the exports (a header with its relations is some 20 KB: 10,000 entries' at once
would hold 200 MB). The headers of the rest follow the exports, at most :data:`AHEAD`
messages ahead of the build, which renders those the workers have not reached yet
itself. The workers' first pass leaves out the header of every page of their share:
with it, their pages were heavier than the build's, and at 10,000 personas the build
waited 7 s for them."""

BODY = "\0personas-body\0"
"""Where the body goes in a header prepared without it: no page holds a NUL character
(files that do are refused as binary)."""

log = logging.getLogger("mkdocs.plugins.personas")


@dataclass
class Prepared:
    """What a worker made of one page."""

    src_uri: str
    page_url: str
    markdown: str | None = None
    """The Markdown the worker rendered (entries only)."""
    rendered: dict | None = None
    """What MkDocs' ``Page.render`` set on the page (None: not rendered here)."""
    html: str | None = None
    """The HTML our ``on_page_content`` was assumed to get (None: any, index pages)."""
    searchable: str = ""
    body: str | None = None
    edit_url: str | None = None
    fragment: str | None = None
    """An entry's final content before its body (None: not prepared)."""
    after: str = ""
    """An entry's final content after its body: ``fragment + body + after`` (the body
    is held once, not inside the fragment too)."""
    records: dict[str, list[dict]] = field(default_factory=dict)
    """Log records by step (``render``, ``content``, ``context``)."""
    search: list | None = None
    """The entries Material's search index adds for the page (``search_entries.py``),
    made in the second pass; None: the build parses the page itself."""
    search_seen: tuple = ()
    """What of the page the worker's index read besides its HTML and table of contents
    (:func:`.search_entries.seen`)."""


class Job:
    """What a worker needs, inherited through ``fork``."""

    def __init__(self, site, config, files, markdown: Callable, edit_url: Callable) -> None:
        self.site = site
        self.config = config
        self.files = files
        self.markdown = markdown
        """planned page -> the Markdown our ``on_page_markdown`` gives it."""
        self.edit_url = edit_url
        """MkDocs page -> the edit URL our ``on_page_context`` leaves on it."""
        self.export: tuple[Callable, tuple, dict] | None = None
        """What a worker does once the pages are prepared: the data files, raw sources and
        conversions (``target, args, kwargs``), written into a staging folder."""
        self.exporter = None
        """The pid of the worker writing them, shared with the build's process."""
        self.claims: background.Claims | None = None
        """The entries whose raw sources and conversions are still to write, shared with
        the build's process, which writes some itself once its pages are done."""
        self.passed = None
        """How many pages of the second pass the build has passed, shared with the
        workers: they skip the headers it no longer needs."""
        self.search_index = None
        """Material's search index of the build (None: not used), whose entries the
        workers make for the pages of theirs that get their header in the second pass."""
        self.kept: dict[str, tuple] = {}
        """In a worker: what Material's search index reads of each of those pages (its
        searchable HTML, table of contents, meta and title), until the second pass makes
        the page's header; that of a page the build passed first stays until the worker
        ends (10,000 personas: 1,375 MiB for the whole tree at its peak)."""
        self.deferred: frozenset[str] = frozenset()
        """Pages of the workers' share whose header waits for the second pass (all of
        them, when the workers write the exports): the build takes the first pass's
        result of all its pages before it renders any into the theme, and would wait for
        the workers on each of them if the header came with it (the build's own share of
        a page is lighter, with its header left for later)."""


_JOB: Job | None = None


def available(serving: bool, rebuilding: bool, translated: bool, pages: int) -> bool:
    """Whether to prepare pages in workers: a one-off build, enough pages, fork safe."""
    return (
        not (serving or rebuilding or translated)
        and pages >= PREPARE_FROM
        and (os.cpu_count() or 1) > 1
        and background.can_fork()
    )


class Pool:
    """Workers preparing the plugin's pages in the order MkDocs reaches them, then (with
    ``job.export``) one of them writing the exports: a worker already holds the catalogue,
    where a process forked later would copy the build's heap again, pages included."""

    def __init__(self, job: Job, src_uris: list[str]) -> None:
        global _JOB
        _JOB = job
        context = multiprocessing.get_context("fork")
        if job.export is not None:
            job.exporter = context.Value("i", 0, lock=False)
            job.claims = background.Claims(context, len(job.site.catalogue.entries))
        self.exporter = job.exporter
        self.claims = job.claims
        job.passed = self.passed = context.Value("i", 0, lock=False)
        self.exported = None
        """The export's result once it is asked for: None, or a line saying what failed."""
        self.closing = False
        cores = min(os.cpu_count() or 1, 8)
        # The build's own process prepares every ``cores``-th page itself, the first
        # among them, the workers the others: each core one share, none left idle.
        exporting = job.export is not None
        first = set(src_uris[:HEADERS_FIRST]) if exporting else set()
        job.deferred = frozenset(src for i, src in enumerate(src_uris) if exporting and i % cores)
        headed = [src for i, src in enumerate(src_uris) if not i % cores or src in job.deferred]
        src_uris = [src for i, src in enumerate(src_uris) if i % cores]
        _warm(job)
        # What the workers inherit is never collected, there nor here while they run:
        # frozen, the collector does not walk it, and so does not write to every object
        # of it (which would copy every memory page of it, into each worker or here).
        gc.freeze()
        try:
            self.pool = context.Pool(cores - 1)
        except BaseException:
            gc.unfreeze()
            raise
        self.export = job.export is not None
        _JOB = None  # the workers have it; the build's process does not need it
        self.wanted = set(src_uris)
        # The second pass: the headers and relations of the build's own share of entry
        # pages (and of the workers' own, when they write the exports), which it needs
        # only when the theme renders them, long after it took the workers' share; the
        # workers prepare them once that share is done, the first before the exports,
        # while the build's process goes on with the pages and the theme.
        self.headed = list(enumerate(headed))
        self.headed_pages = len(headed)
        self.first_headers = sum(1 for src in headed if src in first)
        self.header_index = {src: i for i, src in enumerate(headed)}
        self.headers: deque = deque()
        self.header_chunks: Iterator[list[tuple[int, str]]] = iter(())
        self.header_wanted = set(headed)
        self.header_ready: dict[str, Prepared] = {}
        self.headers_taken = 0
        self.chunks = iter([src_uris[i : i + CHUNK] for i in range(0, len(src_uris), CHUNK)])
        self.results: deque = deque()
        """What the workers prepare, in page order, at most :data:`AHEAD` messages on."""
        self._send()
        self.chunk: Iterator[Prepared | None] = iter(())
        self.ready: dict[str, Prepared | None] = {}
        self.broken = False

    def take(self, src_uri: str) -> Prepared | None:
        """The prepared page ``src_uri``, once; None if it was not or could not be."""
        if src_uri not in self.wanted or self.broken:
            return None
        self.wanted.discard(src_uri)
        while src_uri not in self.ready:
            try:
                prepared = next(self.chunk, None)
                if prepared is None:
                    if not self.results:
                        break
                    self.chunk = iter(self.results.popleft().get(timeout=WAIT))
                    self._send()
                    continue
            except Exception as error:  # a worker died or hangs: the build does the rest
                log.debug(f"pages are no longer prepared in workers: {error}")
                self.broken = True
                self.close()
                return None
            if prepared is not None:
                self.ready[prepared.src_uri] = prepared
        if not self.wanted:
            self.close()
        return self.ready.pop(src_uri, None)

    def take_header(self, src_uri: str) -> Prepared | None:
        """The header and relations of entry page ``src_uri`` of the second pass,
        prepared by a worker without its body, once; None when the workers have not got
        there yet (the build does not wait: it renders the page itself) or could not."""
        if src_uri not in self.header_wanted or self.broken or self.pool is None:
            return None
        self.header_wanted.discard(src_uri)
        self.passed.value = self.header_index[src_uri] + 1
        self._send_headers()
        while src_uri not in self.header_ready and self.headers and self.headers[0].ready():
            try:
                part = self.headers.popleft().get(timeout=0)
            except Exception as error:  # a worker failed: the build renders the rest
                log.debug(f"entry headers are no longer prepared in workers: {error}")
                self.headers.clear()
                break
            for prepared in part:
                if prepared.src_uri in self.header_wanted or prepared.src_uri == src_uri:
                    self.header_ready[prepared.src_uri] = prepared
        prepared = self.header_ready.pop(src_uri, None)
        if prepared is not None and prepared.fragment is not None:
            self.headers_taken += 1
        return prepared

    def _send(self) -> None:
        """Give the workers pages until :data:`AHEAD` messages are on their way."""
        while self.pool is not None and len(self.results) < AHEAD:
            chunk = next(self.chunks, None)
            if chunk is None:
                if self.export and self.exported is None:  # after the last pages
                    headed, self.headed = self.headed, []
                    parts = [
                        headed[i : i + HEADER_CHUNK] for i in range(0, len(headed), HEADER_CHUNK)
                    ]
                    first = -(-self.first_headers // HEADER_CHUNK)
                    for part in parts[:first]:
                        self.headers.append(self.pool.apply_async(_prepare_headers, (part,)))
                    self.exported = self.pool.apply_async(_export)
                    self.header_chunks = iter(parts[first:])
                return
            self.results.append(self.pool.apply_async(_prepare_chunk, (chunk,)))

    def _send_headers(self) -> None:
        """Give the workers the headers still to prepare until :data:`AHEAD` messages of
        them are on their way; once all are given, let the pool close if it may."""
        while self.pool is not None and len(self.headers) < AHEAD:
            part = next(self.header_chunks, None)
            if part is None:
                self.header_chunks = iter(())
                if self.closing:
                    self.pool.close()
                return
            if part[-1][0] >= self.passed.value:  # else the build has passed them all
                self.headers.append(self.pool.apply_async(_prepare_headers, (part,)))

    def close(self) -> None:
        """No more pages: the workers end, but one still writing the exports (and the
        headers still to prepare)."""
        self.results.clear()
        if self.pool is None or self.closing:
            return
        if self.exported is not None and not self.broken:
            self.closing = True
            self._send_headers()  # closes the pool once the last headers are given
            return
        self.terminate()

    def terminate(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.terminate()
            pool.join()
            gc.unfreeze()  # the workers are gone: nothing is shared with them any more


class Exporting:
    """The exports a worker of ``pool`` writes, as :class:`.background.Background` gives
    them: :meth:`join` waits and says whether they were written, else :attr:`failure`
    says why in one line and the caller writes them itself."""

    def __init__(self, pool: Pool) -> None:
        self.pool: Pool | None = pool
        self.failure: str | None = None
        self.claims = pool.claims
        """The entries the build's process may write itself while it waits
        (:meth:`.background.Claims.from_back`)."""

    def started(self) -> bool:
        """Whether a worker was given the exports (the workers did not stop before)."""
        pool = self.pool
        return pool is not None and pool.exported is not None and not pool.broken

    def join(self) -> bool:
        pool, self.pool = self.pool, None
        if pool is None:
            return False
        result = pool.exported
        try:
            if result is None or pool.broken:
                self.failure = "the workers that prepared the pages stopped before writing them"
                return False
            while not result.ready():
                result.wait(0.5)
                pid = pool.exporter.value
                if not result.ready() and pid and not _alive(pid):
                    self.failure = (
                        "the second process ended before it finished (killed; the system "
                        "may have run out of memory)"
                    )
                    return False
            self.failure = result.get()
            return self.failure is None
        finally:
            pool.terminate()

    def cancel(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.terminate()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _warm(job: Job) -> None:
    """Compile the fragment templates and load the Markdown extensions once, before the
    fork, rather than once in each worker."""
    env = environment()
    for name in env.list_templates(extensions=("html",)):
        env.get_template(name)
    config = job.config
    markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {}
    )


# In the worker --------------------------------------------------------------------------


class _Capture:
    """Every log record made meanwhile, kept (neither filtered nor written) for the
    build's process to log: its filters (MkDocs drops repeated messages) then see the
    records in the order a one-process build makes them."""

    def __init__(self) -> None:
        self.records: list[dict] = []

    def __enter__(self) -> list[dict]:
        records = self.records

        def handle(logger: logging.Logger, record: logging.LogRecord) -> None:
            records.append(_plain(record))  # filtered and handled by the build's process

        self.saved = logging.Logger.handle
        logging.Logger.handle = handle  # type: ignore[method-assign]
        return records

    def __exit__(self, *exc: object) -> None:
        logging.Logger.handle = self.saved  # type: ignore[method-assign]


def _plain(record: logging.LogRecord) -> dict:
    """A record as plain data: its message formatted, no arguments or traceback objects."""
    data = dict(record.__dict__)
    data["msg"], data["args"] = record.getMessage(), None
    if record.exc_info:
        data["exc_text"] = logging.Formatter().formatException(record.exc_info)
    data["exc_info"] = None
    return data


def _export() -> str | None:
    """The exports, in a worker once the pages are prepared: None, or what failed."""
    job = _JOB
    job.exporter.value = os.getpid()
    target, args, kwargs = job.export
    if job.claims is not None:
        kwargs = {**kwargs, "order": job.claims.from_front()}
    try:
        target(*args, **kwargs)
    except BaseException as error:  # whatever it is, the build does the work itself
        return f"the second process failed: {background.describe(error)}"
    return None


def _prepare_chunk(src_uris: list[str]) -> list[Prepared]:
    """A few pages, in a worker (fewer messages than one a page)."""
    return [prepared for src in src_uris if (prepared := _prepare(src)) is not None]


def _prepare_headers(pages: list[tuple[int, str]]) -> list[Prepared]:
    """The second pass, in a worker: entry pages' content around a stand-in body, for
    the pages of the second pass the build has not passed yet."""
    job = _JOB
    prepared = []
    for index, src_uri in pages:
        if index < job.passed.value:
            continue
        try:
            header = _prepare_header(job, src_uri)
        except Exception:
            header = Prepared(src_uri, UNUSABLE)  # matches no page: the build renders it
        if header is not None:
            prepared.append(header)
    return prepared


def _page(job: Job, src_uri: str):
    """The planned page and MkDocs' page of ``src_uri`` (None, None: not ours)."""
    file = job.files.get_file_from_path(src_uri)
    if file is None:
        return None, None
    return job.site.page(file), file.page


def _prepare_header(job: Job, src_uri: str) -> Prepared | None:
    planned, page = _page(job, src_uri)
    if planned is None or page is None or planned.entry is None:
        return None
    prepared = Prepared(src_uri, page.url, edit_url=job.edit_url(page))
    job.site.bodies[src_uri] = BODY
    with _Capture() as records:
        fragment = job.site.content(planned, page.url, prepared.edit_url)
    job.site.bodies.pop(src_uri, None)
    if fragment.count(BODY) != 1:
        return Prepared(src_uri, UNUSABLE)
    prepared.records["context"] = records
    prepared.fragment, prepared.after = fragment.split(BODY)
    kept = job.kept.pop(src_uri, None)
    if kept is not None:
        content, toc, meta, title = kept
        try:
            prepared.search = search_entries.parse(
                job.search_index, content, toc, meta, title, page.url
            )
        except Exception:  # the build parses the page itself
            prepared.search = None
        prepared.search_seen = search_entries.seen(meta, title, page.url)
    return prepared


def _prepare(src_uri: str) -> Prepared | None:
    """One page, in a worker: None where anything goes wrong (the build does it then)."""
    try:
        return _prepare_page(_JOB, src_uri)
    except Exception:
        return Prepared(src_uri, UNUSABLE)  # matches no page: the build does it itself


def _prepare_page(job: Job, src_uri: str) -> Prepared | None:
    planned, page = _page(job, src_uri)
    if planned is None or page is None:
        return None
    prepared = Prepared(src_uri, page.url)
    html, toc, title = "", None, None
    if planned.entry is not None:
        markdown = job.markdown(planned)
        page.markdown = markdown
        job.config._current_page = page
        with _Capture() as records:
            try:
                MkDocsPage.render(page, job.config, job.files)
            except Exception:
                return prepared  # MkDocs renders it again, and the guard reports it
            finally:
                job.config._current_page = None
        prepared.records["render"] = records
        prepared.markdown = markdown
        prepared.rendered = {
            "content": page.content,
            "toc": page.toc,
            "_title_from_render": page._title_from_render,
            "present_anchor_ids": page.present_anchor_ids,
        }
        if "links_to_anchors" in page.__dict__:
            prepared.rendered["links_to_anchors"] = {
                linked.src_uri: anchors for linked, anchors in page.links_to_anchors.items()
            }
            del page.links_to_anchors
        html = prepared.html = page.content
        toc, title = page.toc, page.title
        # The worker's copy of the page need not keep what it sends: a worker that kept
        # every page it prepared would hold its share of the site's HTML until the end.
        page.markdown = page.content = None
        page.toc = []  # type: ignore[assignment]
    with _Capture() as records:
        prepared.searchable = job.site.searchable(planned, html, page.url)
    prepared.records["content"] = records
    if planned.entry is not None:
        prepared.body = job.site.bodies.pop(src_uri, None)
        prepared.edit_url = job.edit_url(page)
        if src_uri in job.deferred:  # its header comes in the second pass
            if job.search_index is not None:
                meta = {**page.meta, **job.site.meta(planned)}
                job.kept[src_uri] = (prepared.searchable, toc, meta, meta.get("title", title))
            return prepared
        job.site.bodies[src_uri] = prepared.body
        with _Capture() as records:
            fragment = job.site.content(planned, page.url, prepared.edit_url)
        prepared.records["context"] = records
        # Sent and kept without the body, which the build's process holds already.
        at = fragment.find(prepared.body) if prepared.body else -1
        if at < 0:
            prepared.fragment = fragment
        else:
            prepared.fragment = fragment[:at]
            prepared.after = fragment[at + len(prepared.body) :]
    return prepared


# In the build's process -----------------------------------------------------------------


def replay(prepared: Prepared, step: str) -> None:
    """Log what the worker's step logged, as if the build's process had."""
    for data in prepared.records.get(step, ()):
        record = logging.makeLogRecord(data)
        logging.getLogger(record.name).handle(record)


def apply_render(page: MkDocsPage, prepared: Prepared, files) -> None:
    """Set on ``page`` what MkDocs' ``Page.render`` set in the worker."""
    rendered = dict(prepared.rendered or {})
    links = rendered.pop("links_to_anchors", None)
    for name, value in rendered.items():
        setattr(page, name, value)
    if links is not None:
        page.links_to_anchors = {
            files.get_file_from_path(src): anchors for src, anchors in links.items()
        }
    replay(prepared, "render")


def settle(prepared: Prepared) -> str:
    """The searchable text of a page whose prepared content the build took; what only
    the steps before needed is let go (held for every entry until its page is built, it
    would be the site's HTML twice over)."""
    searchable = prepared.searchable
    prepared.markdown = prepared.rendered = prepared.html = None
    prepared.searchable = ""
    prepared.records.pop("render", None)
    prepared.records.pop("content", None)
    return searchable


def render_from(page: MkDocsPage, prepared: Prepared) -> None:
    """Have ``page.render`` use the worker's result when the page's Markdown is the one
    the worker rendered, else render as before."""
    if prepared.rendered is None:
        return
    render = page.render

    def prepared_render(config, files) -> None:
        if page.markdown == prepared.markdown:
            apply_render(page, prepared, files)
        else:
            prepared.html = prepared.fragment = None
            render(config, files)

    prepared_render.protected = True  # type: ignore[attr-defined]
    page.render = prepared_render  # type: ignore[method-assign]
