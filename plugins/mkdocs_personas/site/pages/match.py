"""The task matcher and the search page: a form and our scripts, no data of their own.

The matcher (``match/``) ranks personas for a described task in the reader's browser,
from ``catalogue.json`` and ``match.json``; the search page (``find/``, with
``search: pagefind``) runs Pagefind.
"""

from __future__ import annotations

from ...sources import strings
from .registry import FIND, MATCH, NO_SEARCH, Page, Registry


def plan(registry: Registry, *, pagefind: bool) -> None:
    registry.add(MATCH, Page(strings.tr("match.title"), "match.html", search=NO_SEARCH))
    if pagefind:
        registry.add(FIND, Page(strings.tr("find.title"), "find.html", search=NO_SEARCH))
