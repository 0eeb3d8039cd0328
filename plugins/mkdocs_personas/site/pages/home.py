"""The generated home page: what the catalogue holds, at a glance.

A "describe your task" box and the catalogue filter (both run by our scripts, loading the
catalogue's data only when used), counts, the collections with their manifests'
descriptions, the personas and skills changed most recently (from git, when the site is
built from a git checkout) and links to every index. The page lives at ``index.md`` unless
the author wrote one; an author's page can show the same parts with :data:`MARKER`.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ...analysis.relations import Relations
from ...catalogue.catalogue import Catalogue
from ...sources.manifests import Manifest
from ...sources.model import Entry
from .registry import HOME, NO_SEARCH, Page, Registry

MARKER = "<!-- personas:home -->"
"""A line of an author's ``docs/index.md`` that the home's parts replace."""
RECENT = 8
"""Entries listed as recently changed."""
MAX_COMMITS = 2000
"""Commits read for the dates: bounded, so a long history never slows the build."""
GIT_TIMEOUT = 20
"""Seconds ``git log`` may take before the dates are left out."""


def mode(option: object, author_home: bool) -> str | None:
    """What the ``home`` option makes: ``"page"`` (the generated ``index.md``), ``"embed"``
    (the author's ``docs/index.md`` stays, its :data:`MARKER` shows the home's parts), or
    None (``home: false``). An author's page is never replaced."""
    if option is False:
        return None
    return "embed" if author_home else "page"


def git_dates(base: Path, roots: Sequence[str]) -> dict[str, int] | None:
    """The time of the last commit of each file under ``roots`` (paths relative to ``base``,
    ``/``-separated), from one ``git log`` pass over at most :data:`MAX_COMMITS` commits.

    Times are clamped to ``SOURCE_DATE_EPOCH`` when it is set, so that a reproducible build
    never shows a date later than its own. None when git or the history is not there.
    """
    command = [
        "git",
        "-c",
        "core.quotepath=off",
        "log",
        f"--max-count={MAX_COMMITS}",
        "--relative",
        "--no-renames",
        "--name-only",
        "--format=%x00%ct",
        "--",
        *(dict.fromkeys(roots) or ["."]),
    ]
    try:
        result = subprocess.run(
            command,
            cwd=base,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    ceiling = int(epoch) if epoch.isdigit() else None
    dates: dict[str, int] = {}
    for record in result.stdout.decode("utf-8", "replace").split("\0"):
        lines = record.strip("\n").split("\n")
        if not lines or not lines[0].isdigit():
            continue
        when = int(lines[0]) if ceiling is None else min(int(lines[0]), ceiling)
        for name in lines[1:]:
            if name:
                dates.setdefault(name, when)  # newest commit first: keep the first seen
    return dates


@dataclass(frozen=True)
class Changed:
    """An entry and the day (UTC) of its last commit."""

    entry: Entry
    timestamp: int

    @property
    def day(self) -> str:
        return time.strftime("%Y-%m-%d", time.gmtime(self.timestamp))


def recent(
    catalogue: Catalogue, dates: Mapping[str, int] | None, count: int = RECENT
) -> list[Changed] | None:
    """The ``count`` entries committed last (newest first, then by name); None without dates."""
    if not dates:
        return None
    changed = [Changed(e, dates[e.path]) for e in catalogue.entries if e.path in dates]
    changed.sort(key=lambda c: (-c.timestamp, c.entry.kind.value, c.entry.name))
    return changed[:count]


def collections(catalogue: Catalogue, manifests: Mapping[str, Manifest]) -> list[dict[str, object]]:
    """Each collection with its title, description (from its manifest) and entry count, and
    the catalogue query that shows it."""
    counts: dict[str, int] = {}
    for entry in catalogue.entries:
        if entry.collection:
            counts[entry.collection] = counts.get(entry.collection, 0) + 1
    result = []
    for name in sorted(counts):
        manifest = manifests.get(name)
        result.append(
            {
                "name": name,
                "title": manifest.title if manifest and manifest.title else name,
                "description": manifest.description if manifest else "",
                "count": counts[name],
                "query": "?collection=" + quote(name, safe=""),
            }
        )
    return result


def context(
    catalogue: Catalogue,
    relations: Relations,
    manifests: Mapping[str, Manifest],
    dates: Mapping[str, int] | None,
) -> dict[str, object]:
    """What the home fragment shows (``templates/fragments/home.html``)."""
    return {
        "counts": {
            "personas": len(catalogue.personas),
            "skills": len(catalogue.skills),
            "keywords": len(relations.keywords),
            "collections": len(set(catalogue.collections)),
            "conflicts": len(relations.conflicts),
        },
        "home_collections": collections(catalogue, manifests),
        "recent": recent(catalogue, dates),
    }


class Home:
    """The home page of one build (``mode`` ``page``), or its parts for an author's page
    that embeds them (``embed``)."""

    def __init__(
        self,
        registry: Registry,
        catalogue: Catalogue,
        relations: Relations,
        *,
        manifests: Mapping[str, Manifest],
        dates: Mapping[str, int] | None,
        mode: str | None,
    ) -> None:
        self.registry = registry
        self.mode = mode
        self.context = context(catalogue, relations, manifests, dates=dates) if mode else None

    def plan(self) -> None:
        if self.mode == "page":
            site_name = self.registry.config.site_name
            self.registry.add(
                HOME, Page(site_name, "home.html", {**self.context}, search=NO_SEARCH)
            )

    def embedded(self) -> Page:
        """The home's parts as a page of their own, for an author's ``docs/index.md``."""
        context = {**(self.context or {}), "embedded": True}
        return Page(self.registry.config.site_name, "home.html", context)
