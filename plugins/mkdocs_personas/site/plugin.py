"""The MkDocs plugin: wires MkDocs events to the catalogue stages and nothing more."""

from __future__ import annotations

import os
import posixpath
import shutil
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..analysis import keywords
from ..analysis.relations import Memory, relate
from ..catalogue import bundles
from ..catalogue.catalogue import Catalogue, Reader, Settings
from ..catalogue.sanitize import sanitize
from ..outputs.diff import Diff, compare, load_side
from ..outputs.export import DATA_FILES, data_key, match_digest, match_key, write_exports
from ..sources import bounds, collector, read, strings
from ..sources.manifests import find_manifests
from ..sources.model import Entry, Kind, Problem
from ..sources.package_files import theme_dir
from . import background, clean, find, i18n, offline, prerender, rootlinks, search_entries
from . import config as options
from .csp import add_policy
from .guard import protect
from .incremental import Rebuilds
from .index_worker import IndexWorker
from .pages import bundle_links as page_bundle_links
from .pages import home as page_home
from .pages.cards import CARDS
from .pages.registry import outline
from .pages.site import Site, prune_nav
from .render import set_language
from .report import report
from .watch import watch

log = get_plugin_logger("personas")

STYLES = ("assets/personas/personas.css",)
SCRIPTS = tuple(
    f"assets/personas/{name}.js" for name in ("core", "filter", "match", "links", "personas")
)
"""Our scripts in load order: core.js first (the helpers the others use)."""
ASSETS = STYLES + SCRIPTS


class PersonasPlugin(BasePlugin[options.PersonasConfig]):
    """Publish persona and skill files as catalogue pages."""

    supports_multiple_instances = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Keep one plugin instance across ``mkdocs serve`` rebuilds: parse cache, term
        profiles, and, with ``--dirty``, what the last build produced."""
        self.reader = Reader()
        self.memory = Memory()
        self.rebuilds = Rebuilds() if dirty else None
        self.serving = command == "serve"
        self.index_worker: IndexWorker | None = None
        self.clean_build = not dirty and not self.serving

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Resolve settings; add our theme overrides and assets after the user's ``custom_dir``."""
        if not self.config.enabled:
            return None
        try:
            self.settings: Settings = options.settings(self.config, config.config_file_path)
            self.sanitize_mode = options.sanitize_mode(self.config)
        except ValueError as error:
            raise PluginError(f"personas: {error}") from None
        set_language(config.theme.get("language"))
        if self.config.search == "pagefind" and not find.available():
            raise PluginError(
                "personas: search: pagefind needs Pagefind: pip install 'mkdocs-personas[pagefind]'"
            )
        position = 1 if config.theme.custom_dir else 0
        if str(theme_dir()) not in config.theme.dirs:
            config.theme.dirs.insert(position, str(theme_dir()))
        config.extra_css.extend(a for a in STYLES if a not in config.extra_css)
        scripts = [str(s) for s in config.extra_javascript]
        wanted = (offline.DATA_SCRIPT, *SCRIPTS) if offline.enabled(config, "offline") else SCRIPTS
        config.extra_javascript.extend(a for a in wanted if a not in scripts)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """In a clean one-off build, delete the last build's output on the second core
        (``clean.py``) rather than have MkDocs delete it before anything is read."""
        if self.config.enabled and getattr(self, "clean_build", False) and not i18n.active(config):
            self.cleaning = clean.start(config.site_dir)

    def _finish_cleaning(self) -> None:
        """Wait until the last build's output is gone (``on_pre_build``)."""
        cleaning, self.cleaning = getattr(self, "cleaning", None), None
        if cleaning is not None:
            cleaning.finish()

    def _files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Add our pages here, unless mkdocs-static-i18n is on."""
        return None if i18n.active(config) else self._add_pages(files, config)

    @event_priority(i18n.AFTER_I18N)
    def _files_after_i18n(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """With mkdocs-static-i18n, add our pages after it rebuilt the file list."""
        return self._add_pages(files, config) if i18n.active(config) else None

    on_files = CombinedEvent(_files, _files_after_i18n)

    def _add_pages(self, files: Files, config: MkDocsConfig) -> Files | None:
        """Read the catalogue (changed files only) and add a page per persona, skill and index,
        in the language being built."""
        if not self.config.enabled:
            return None
        set_language(config.theme.get("language"))
        if not hasattr(self, "reader"):
            self.on_startup(command="build", dirty=False)
        if self.rebuilds is not None:
            self.site = self.files = None
            self.rebuilds.settle()
        if self.rebuilds is not None and self.serving:
            self._start_index_worker(config)
        worker = getattr(self, "index_worker", None)
        if worker is not None and not i18n.active(config):  # match.json, beside this build
            worker.ask(
                self.settings,
                options.keyword_options(self.config),
                options.synonym_groups(self.config),
            )
        catalogue, problems = self.reader.load(self.settings, meanwhile=_load_relations)
        if not hasattr(self, "bundle_scanner"):
            self.bundle_scanner = bundles.Scanner()
        bundled, bundle_problems = self.bundle_scanner.scan(
            self.settings.base, catalogue.skills, self._bundle_bounds()
        )
        report(catalogue, problems + bundle_problems, self.reader.checked, log)
        log.debug(f"{self.reader.parsed} files parsed")
        manifests, unread = find_manifests(
            self.settings.base, self.settings.roots, catalogue.collections
        )
        for problem in unread:
            log.info(str(problem))
        catalogue = keywords.apply(
            catalogue, options.keyword_options(self.config), options.synonym_groups(self.config)
        )
        relations = relate(catalogue, options.relation_options(self.config), self.memory)
        author_home = files.get_file_from_path(page_home.HOME)
        if author_home is not None and getattr(author_home, "generated_by", None):
            author_home = None  # ours, from an earlier build of ``mkdocs serve``
        home_mode = page_home.mode(self.config.home, author_home is not None)
        if self.config.home is True and author_home is not None:
            log.info(
                f"docs/{page_home.HOME} is kept: write a line {page_home.MARKER} in it to show the "
                "home's task box, filter, counts and links there"
            )
        with collector.paused():  # the plan lives on, as the catalogue does
            self.site = Site(
                catalogue,
                relations,
                config,
                max_index_bytes=self.config.max_index_size,
                policy=options.sanitize_policy(self.sanitize_mode, self.config),
                edit_uri=self._edit_uri(config),
                changes=self._changes(catalogue, problems),
                pagefind=self.config.search == "pagefind",
                manifests=manifests,
                bundles=bundled,
                home_mode=home_mode,
                dates=page_home.git_dates(self.settings.base, self.settings.roots),
            )
        page_bundle_links.install(config, self.site.bundle_plan.links)
        i18n.relocate((page.file for page in self.site.pages.values()), i18n.prefix(config))
        if self.rebuilds is not None:
            self.rebuilds.start(config)
            reuse = self.rebuilds.reusable(self.site.shape(), relations)
            if i18n.active(config):  # each language's pass follows another's
                reuse = None
            changed = self.rebuilds.mark(
                self.site.fingerprints(self.rebuilds.texts, reuse), self.site.entry_texts()
            )
            log.info(f"{changed} of {len(self.site.pages)} generated pages changed")
        self.files = files
        present = files.src_uris  # keyed by src_uri, as ours are: no path to normalise
        for file in self.site.files():
            self._source(file)
            existing = present.get(file.src_uri)
            if existing is not None:
                log.warning(f"{existing.src_uri} in docs_dir is replaced by the generated page")
                files.remove(existing)
            files.append(file)
        rootlinks.install(
            config, rootlinks.RootLinks.of(files, catalogue.entries, config.site_url, self._entry)
        )
        self._close_pool()
        self.exporting = None
        self.prepared: dict[str, prerender.Prepared] = {}
        self.search_index = None
        """Material's search index, while it takes entries the workers made."""
        self.search_inputs: dict[str, tuple] = {}
        """A worker's page's HTML and table of contents as the build took them."""
        self.early_headers: dict[str, prerender.Prepared] = {}
        """Headers taken for their search entries before the page's content needs them."""
        self.search_taken = 0
        self.prepare = prerender.available(
            self.serving, self.rebuilds is not None, i18n.active(config), len(self.site.pages)
        )
        return files

    @event_priority(100)
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page | None:
        """At the first page, once every plugin has seen the navigation: start the workers
        that prepare our pages (``prerender.py``), in a one-off build of enough pages."""
        if self.config.enabled and getattr(self, "prepare", False):
            self.prepare = False
            planned = [f.src_uri for f in files.documentation_pages() if self._planned(f)]
            job = prerender.Job(self.site, config, files, self._markdown, _quoted_edit_url)
            staging = Path(config.site_dir) / background.STAGING
            job.export = (self._write_exports, (staging, config), {"keep": False})
            job.search_index = search_entries.material_index(config)
            try:
                self.pool = prerender.Pool(job, planned)
            except OSError as error:  # the system refused the fork: the build does it all
                log.debug(f"pages are not prepared in workers: {background.describe(error)}")
                return None
            self.exporting = prerender.Exporting(self.pool)
            if job.search_index is not None:
                self.search_index = job.search_index
                search_entries.install(job.search_index, self._search_entries)
            log.debug(f"{len(self.pool.wanted)} of {len(planned)} pages prepared by workers")
        return None

    def _close_pool(self) -> None:
        pool, self.pool = getattr(self, "pool", None), None
        if pool is not None:
            pool.close()  # the workers go on with the headers and exports (``Exporting``)

    def _markdown(self, planned) -> str:
        """The Markdown of a generated page: an entry's body, nested at most to the bound
        (deeper lines are kept, a warning, shown flattened at the bound)."""
        if planned.entry is not None:
            return bounds.flatten(self.site.markdown(planned))
        return self.site.markdown(planned)

    def _export_meanwhile(self, config: MkDocsConfig) -> None:
        """In a one-off build (not ``serve``, not mkdocs-static-i18n's passes), write the data
        files, raw sources and conversions in a second process while MkDocs renders the
        pages into the theme (one core; the workers that prepared our pages used both
        before); :meth:`on_post_build` moves them into the site (``background.py``)."""
        self.exporting = None
        if self.rebuilds is not None or self.serving or i18n.active(config):
            return
        staging = Path(config.site_dir) / background.STAGING
        self.exporting = background.Background(self._write_exports, staging, config, keep=False)

    def _write_exports(
        self, root: Path, config: MkDocsConfig, more: bool = True, **how: object
    ) -> dict:
        root.mkdir(parents=True, exist_ok=True)
        return write_exports(
            root,
            self.site.catalogue,
            self.site.relations,
            self.settings.fields,
            config.use_directory_urls,
            more=self.site.data_files() if more else None,
            synonyms=options.synonym_groups(self.config),
            **how,
        )

    def _entry(self, file: File) -> Entry | None:
        """The entry (or bundled document) a generated page shows, if any."""
        planned = self._planned(file)
        return None if planned is None else planned.entry

    def _source(self, file: File) -> None:
        """Give an entry's page its source file as ``abs_src_path``, as other plugins expect
        (git dates, i18n): the page is still rendered from the plan, never from that file."""
        planned = self.site.page(file)
        if planned is not None and planned.entry is not None:
            file.generated_by = None
            file.abs_src_path = os.path.normpath(self.settings.base / planned.entry.path)

    def _bundle_bounds(self) -> bundles.Bounds:
        """The bounds of skill bundles, from the options (defaults where not set)."""
        return bundles.Bounds(
            self.config.max_bundle_files,
            self.config.max_bundle_file_size,
            self.config.max_bundle_size,
        )

    def _changes(self, catalogue: Catalogue, problems: list[Problem]) -> Diff | None:
        """What changed since the base revision, when this build is a preview."""
        revision = self.config.base_revision or os.environ.get("PERSONAS_BASE_REVISION")
        if not revision:
            return None
        try:
            base, base_problems = load_side(revision, self.settings)
        except ValueError as error:
            raise PluginError(
                f"personas: cannot read base revision {revision!r}: {error}"
            ) from None
        result = compare(base, base_problems, catalogue, problems)
        log.info(f"compared with {revision}: {len(result.changes)} personas and skills changed")
        return result

    def _edit_uri(self, config: MkDocsConfig):
        """An entry's path for MkDocs' edit URL, URL-quoted: Material puts it raw into
        ``href``, so a ``"``, ``<``, space, ``#`` or ``?`` in a file name must not break
        out of the attribute or change the URL."""
        docs_dir, base = config.docs_dir, self.settings.base
        relative = os.path.relpath(base, docs_dir).replace(os.sep, "/")

        def edit_uri(entry: Entry) -> str:
            return quote(posixpath.normpath(f"{relative}/{entry.path}"), safe="/")

        return edit_uri

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """In dirty rebuilds, reuse the theme's compiled templates. Every page's Markdown is
        rendered now: the exports start beside the theme's rendering."""
        if not self.config.enabled:
            return env
        if self.rebuilds is not None:
            env.bytecode_cache = self.rebuilds.templates
        if getattr(self, "site", None) is not None:
            self._close_pool()
            exporting = getattr(self, "exporting", None)
            if not (isinstance(exporting, prerender.Exporting) and exporting.started()):
                if exporting is not None:
                    exporting.cancel()  # the workers stopped before they could
                self._export_meanwhile(config)  # else a page worker writes them
        return env

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """Keep persona and skill pages out of the navigation: the index pages lead to them."""
        if not self.config.enabled:
            return None
        nav = prune_nav(nav, self.site)
        if self.rebuilds is not None:
            self.rebuilds.navigation(nav, files, config, self._meta)
        return nav

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Give a generated page its Markdown (an entry's body) and escaped meta."""
        planned = self._planned(page.file)
        if planned is None:
            return None
        page.meta = {**page.meta, **self.site.meta(planned)}
        if "tags" in page.meta and offline.enabled(config, "tags"):
            page.meta["hide"] = [*page.meta.get("hide", ()), "tags"]
        if planned.entry is None:  # index pages: the cards and columns get the width
            page.meta["hide"] = [*page.meta.get("hide", ()), "toc"]
        pool = getattr(self, "pool", None)
        prepared = pool.take(page.file.src_uri) if pool is not None else None
        if prepared is not None:
            self.prepared[page.file.src_uri] = prepared
        if planned.entry is not None:
            path = planned.entry.path
            protect(page, lambda message: log.warning(f"{path}: error: body: {message}"))
            if prepared is not None:
                prerender.render_from(page, prepared)
        return self._markdown(planned)

    @event_priority(100)
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Sanitize a generated page first, before other plugins (and search) see its HTML."""
        planned = self._planned(page.file)
        if planned is not None:
            prepared = self.prepared.get(page.file.src_uri)
            if planned.entry is None:
                self.prepared.pop(page.file.src_uri, None)
            if (
                prepared is not None
                and prepared.page_url == page.url
                and (planned.entry is None or (prepared.html is not None and html == prepared.html))
            ):
                prerender.replay(prepared, "content")
                searchable = prerender.settle(prepared)
                if planned.entry is not None:
                    self.site.bodies[page.file.src_uri] = prepared.body
                    if self.search_index is not None:
                        self.search_inputs[page.file.src_uri] = (searchable, page.toc)
                return searchable
            self.prepared.pop(page.file.src_uri, None)  # the build prepares it itself
            return self.site.searchable(planned, html, page.url)
        if not self.config.enabled:
            return None
        parts = [html]
        site = getattr(self, "site", None)
        if site is not None and site.home_mode == "embed" and page.file.src_uri == page_home.HOME:
            parts = html.split(page_home.MARKER)
        if self.sanitize_mode == "all":
            parts = [sanitize(part, self.site.policy) for part in parts]
        if len(parts) == 1:
            return parts[0] if self.sanitize_mode == "all" else None
        return str(site.home_fragment(page.url)).join(parts)

    @event_priority(-100)
    def on_page_context(
        self, context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict | None:
        """Last, after search has indexed the page: add an entry's header and relations."""
        if self.rebuilds is not None:
            self.rebuilds.rendered.add(page.url)
            self.rebuilds.titles[page.file.src_uri] = page.title
        if self.config.enabled:
            page.edit_url = _quoted_edit_url(page)
        planned = self._planned(page.file)
        if planned is not None and planned.entry is not None:
            src_uri = page.file.src_uri
            prepared = self.prepared.pop(src_uri, None)
            if (
                prepared is not None
                and prepared.fragment is not None
                and prepared.page_url == page.url
                and prepared.edit_url == page.edit_url
                and self.site.bodies.get(src_uri) is prepared.body
            ):
                del self.site.bodies[src_uri]
                prerender.replay(prepared, "context")
                page.content = prepared.fragment + (prepared.body or "") + prepared.after
            else:
                page.content = self._content(planned, page)
        if planned is not None:
            sections = []
            if planned.entry is not None and planned.entry.kind == Kind.PERSONA:
                sections = [
                    (strings.tr("entry.related_skills"), "related_skills"),
                    (strings.tr("entry.related_personas"), "related_personas"),
                ]
            page.toc = outline(page.toc, planned.title, sections)
        return None

    def _header(self, src_uri: str) -> prerender.Prepared | None:
        """The header and relations of an entry page a worker prepared in its second pass
        (``prerender.Pool.take_header``), once."""
        header = self.early_headers.pop(src_uri, None)
        if header is not None:
            return header
        exporting = getattr(self, "exporting", None)
        pool = exporting.pool if isinstance(exporting, prerender.Exporting) else None
        return pool.take_header(src_uri) if pool is not None else None

    def _search_entries(self, page: Page) -> list | None:
        """Material's search entries of a page that a worker made (``search_entries.py``),
        when the page is the one it parsed; None: search parses the page."""
        src_uri = page.file.src_uri
        inputs = self.search_inputs.pop(src_uri, None)
        if inputs is None:
            return None
        header = self._header(src_uri)
        if header is None:
            return None
        self.early_headers[src_uri] = header
        content, toc = inputs
        if (
            header.search is None
            or page.content is not content
            or page.toc is not toc
            or header.search_seen != search_entries.seen(page.meta, page.title, page.url)
        ):
            return None
        self.search_taken += 1
        return header.search

    def _content(self, planned, page: Page) -> str:
        """An entry page's content made by the build: around the header and relations a
        worker prepared (``prerender.Pool.take_header``) when they are for this page."""
        src_uri = page.file.src_uri
        header = self._header(src_uri)
        if (
            header is None
            or header.fragment is None
            or header.page_url != page.url
            or header.edit_url != page.edit_url
        ):
            return self.site.content(planned, page.url, page.edit_url)
        body = self.site.bodies.pop(src_uri, "")
        prerender.replay(header, "context")
        return header.fragment + body + header.after

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Last, after other plugins changed the page: its Content Security Policy (not
        under ``mkdocs serve``, whose live-reload script is added after this event)."""
        if not self.config.enabled or getattr(self, "serving", False):
            return None
        if self.rebuilds is None and self._planned(page.file) is not None:
            # Written now: MkDocs would hold every generated page's Markdown and HTML to
            # the end of the build (10,000 entries: some 200 MB), which nothing reads.
            page.markdown = page.content = None
        return add_policy(
            output,
            pagefind=self.config.search == "pagefind",
            remote_images=self.config.remote_images,
        )

    @event_priority(-100)
    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        """The 404 page gets the policy too."""
        if not self.config.enabled or getattr(self, "serving", False):
            return None
        if not template_name.endswith(".html"):
            return None
        return add_policy(
            output_content,
            pagefind=self.config.search == "pagefind",
            remote_images=self.config.remote_images,
        )

    @event_priority(50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the catalogue as data, its front-matter schema and the raw source files.

        Runs before Material's search plugin writes its index, so that a dirty rebuild can
        first drop the search entries of pages rebuilt or removed.
        """
        if not self.config.enabled:
            return
        self._close_pool()
        site = self.site
        if i18n.prefix(config) and self.config.search != "pagefind":
            return  # another language's pass of mkdocs-static-i18n: the data is written
        rebuilds = self.rebuilds
        key = (
            data_key(site.catalogue, site.relations, config.use_directory_urls),
            match_key(site.catalogue),
        )
        again = rebuilds is not None and not rebuilds.force
        exporting, self.exporting = getattr(self, "exporting", None), None
        staging = Path(config.site_dir) / background.STAGING
        if isinstance(exporting, prerender.Exporting) and exporting.pool is not None:
            pool = exporting.pool
            log.debug(
                f"headers of {pool.headers_taken} of the second pass's {pool.headed_pages} "
                "pages prepared by workers"
            )
        if self.search_index is not None:
            search_entries.uninstall(self.search_index)
            log.debug(f"search entries of {self.search_taken} pages made by workers")
            self.search_index = None
            self.search_inputs.clear()
            self.early_headers.clear()
        if isinstance(exporting, prerender.Exporting) and exporting.started() and exporting.claims:
            # The pages are done: write raw sources and conversions the worker has not
            # reached, from the other end, into the same staging folder.
            taken: list[int] = []
            order = (taken.append(i) or i for i in exporting.claims.from_back())
            with suppress(TimeoutError):  # the worker holds the count (killed?): join tells
                self._write_exports(staging, config, False, keep=False, data=(), order=order)
            log.debug(
                f"raw sources and conversions of {len(taken)} of {len(site.catalogue.entries)} "
                "entries written by the build's process beside the second"
            )
        if exporting is not None and exporting.join():
            background.move_into(staging, Path(config.site_dir))
            log.debug("data files, raw sources and conversions written by a second process")
            written = {}
        else:
            if exporting is not None and exporting.failure:
                log.info(
                    "data files, raw sources and conversions not written beside the pages "
                    f"({exporting.failure}): written by the build's own process instead"
                )
            shutil.rmtree(staging, ignore_errors=True)
            data = self._stale_data(key) if again else DATA_FILES
            if "match.json" in data and self._index_beside(config):
                data = tuple(name for name in data if name != "match.json")
            written = self._write_exports(
                Path(config.site_dir),
                config,
                unchanged=rebuilds.raw if again else None,
                data=data,
                index_cache=rebuilds.index_cache if rebuilds is not None else None,
                keep=rebuilds is not None,  # what a dirty rebuild compares with
            )
        self._finish_cleaning()  # after the second process ended: before Pagefind reads the site
        if rebuilds is not None:
            rebuilds.raw, rebuilds.data_key = written, key
            rebuilds.finish(config, self.files, written)
        if offline.enabled(config, "offline"):
            offline.write_data(config.site_dir, (*offline.DATA_FILES, CARDS))
        if self.config.search == "pagefind":
            error = find.index_site(config.site_dir)
            if error:
                raise PluginError(f"personas: Pagefind could not index the site: {error}")

    def _start_index_worker(self, config: MkDocsConfig) -> None:
        """As the first build of ``mkdocs serve --dirty`` starts reading (the server has
        not started its threads yet, and this process holds little the second would
        copy): the process that makes ``match.json`` beside each build
        (``index_worker.py``); it reads the catalogue once, beside this first build."""
        if getattr(self, "index_worker_tried", False) or i18n.active(config):
            return
        self.index_worker_tried = True
        self.index_worker = IndexWorker.start(self.reader, self.rebuilds.index_cache)
        if self.index_worker is not None:
            log.debug(
                "match.json is made beside each rebuild by a second process "
                f"(pid {self.index_worker.process.pid})"
            )

    def _index_beside(self, config: MkDocsConfig) -> bool:
        """Write the ``match.json`` the second process made beside this rebuild, if it
        read the same catalogue; False when the build is to make it itself."""
        worker = getattr(self, "index_worker", None)
        if worker is None or not worker.pending:
            return False
        synonyms = options.synonym_groups(self.config)
        text = worker.take(match_digest(self.site.catalogue, synonyms))
        if text is None:
            if worker.process is None:  # failed or ended: it is not asked again
                self.index_worker = None
                log.info(f"match.json is made by the build's process from now on: {worker.failure}")
            else:
                log.debug(f"match.json made by the build's process: {worker.failure}")
            return False
        (Path(config.site_dir) / "match.json").write_text(text, encoding="utf-8")
        log.debug("match.json made beside the build by the second process")
        return True

    def _stale_data(self, key: tuple) -> tuple[str, ...]:
        """The data files a dirty rebuild writes again: all when what they read changed,
        only ``match.json`` when only bodies did (the others do not read them)."""
        last = self.rebuilds.data_key
        if last is None or last[0] != key[0]:
            return DATA_FILES
        return ("match.json",) if last[1] != key[1] else ()

    def on_build_error(self, *, error: Exception) -> None:
        """Stop writing the data files in the background: the build failed."""
        exporting, self.exporting = getattr(self, "exporting", None), None
        if exporting is not None:
            exporting.cancel()
        self._close_pool()
        self._finish_cleaning()  # the last build's output goes, whatever this build did

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> None:
        """Rebuild when a persona or skill file is added, edited, renamed or deleted."""
        if not self.config.enabled:
            return
        settings = self.settings
        roots = [str(settings.base / r) for r in settings.roots]
        files = read.affects(settings.base, [g for g, _ in settings.globs])
        bundled = bundles.affects(settings.base, [g for g, k in settings.globs if k == Kind.SKILL])

        def affects(path: str, folder: bool) -> bool:
            return files(path, folder) or bundled(path, folder)

        self.watcher = watch(server, roots, affects, native=self.config.watch == "native")
        if self.rebuilds is not None:  # before the first edit, not in its rebuild
            self.site = self.files = None
            self.rebuilds.settle()

    def on_shutdown(self) -> None:
        """Stop watching persona and skill folders, and the second process."""
        watcher = getattr(self, "watcher", None)
        if watcher is not None:
            watcher.stop()
        worker, self.index_worker = getattr(self, "index_worker", None), None
        if worker is not None:
            worker.stop()

    def _meta(self, file: File) -> dict | None:
        planned = self._planned(file)
        return None if planned is None else self.site.meta(planned)

    def _planned(self, file: File):
        if not self.config.enabled or getattr(self, "site", None) is None:
            return None
        return self.site.page(file)


def _load_relations() -> None:
    """Load what relating entries needs (numpy, some 0.15 s) while workers read the
    catalogue: this process only waits for them then, and relates right after."""
    from ..analysis import similarity  # noqa: F401


def _quoted_edit_url(page: Page) -> str | None:
    """Material puts the edit and view URLs raw into href: quote what a file name could
    carry (docs pages too), leaving existing escapes and URL syntax alone."""
    if not page.edit_url:
        return page.edit_url
    return quote(page.edit_url, safe=":/?#[]@!$&'()*+,;=%~")
