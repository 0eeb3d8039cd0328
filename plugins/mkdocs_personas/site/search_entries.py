"""Material's search entries of an entry page, made by a worker beside the build.

Material's search plugin parses every page's HTML into its index entries when the theme
is about to render the page (``on_page_context``), in the build's own process: at 1,000
personas some 0.8 s of the build's last phase, while the workers that prepared the pages
(``prerender.py``) have nothing left to do. For the pages a worker prepared whose header
it makes in its second pass, it parses their searchable HTML there with a copy of the
build's search index, and the build's index takes those entries instead of parsing the
page again: only where the page it sees is the very one the worker parsed (the same HTML
text and table of contents, the same URL, and the same ``search``, ``tags`` and ``title``
meta and title the index reads); anywhere else it parses the page itself, as before.
The index is the same entries in the same order (``tests/test_speed_prerender.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

MATERIAL = "material.plugins.search.plugin"


def material_index(config: Any) -> Any | None:
    """The search index of Material's search plugin in this build, if it is on."""
    for plugin in config.plugins.values():
        cls = type(plugin)
        if cls.__module__ == MATERIAL and cls.__name__ == "SearchPlugin":
            if not plugin.config.enabled:
                return None
            index = getattr(plugin, "search_index", None)
            entries = getattr(index, "entries", None)
            return index if isinstance(entries, list) else None
    return None


def seen(meta: dict, title: object, url: str) -> tuple:
    """What of a page the index reads besides its HTML and table of contents."""
    return (url, meta.get("search"), meta.get("tags"), meta.get("title", title))


def parse(index: Any, content: str, toc: Any, meta: dict, title: object, url: str) -> list:
    """In a worker: the entries ``index`` adds for a page, made in a copy of it."""
    copy = type(index)(**index.config)
    keys = ("search", "tags", "title")
    page = SimpleNamespace(
        meta={k: meta[k] for k in keys if k in meta}, content=content, toc=toc, title=title, url=url
    )
    copy.add_entry_from_context(page)
    return copy.entries


def install(index: Any, entries_of: Callable[[Any], list | None]) -> None:
    """Have ``index`` take the entries ``entries_of(page)`` gives, and parse the pages it
    gives None for."""
    parse_page = type(index).add_entry_from_context.__get__(index)

    def add_entry_from_context(page: Any) -> None:
        entries = entries_of(page)
        if entries is None:
            parse_page(page)
        else:
            index.entries.extend(entries)

    index.add_entry_from_context = add_entry_from_context


def uninstall(index: Any) -> None:
    index.__dict__.pop("add_entry_from_context", None)
