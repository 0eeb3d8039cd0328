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

from .capabilities import capabilities
from .catalogue import Catalogue
from .export import browser_entry, raw_path
from .manifests import Manifest
from .model import Entry, Kind
from .relations import Relations

HOME = "index.md"
MARKER = "<!-- personas:home -->"
"""A line of an author's ``docs/index.md`` that the home's parts replace."""
CARDS = "cards.json"
"""What cards show besides ``catalogue.json``: skills, counts and dates (site path)."""
CARD_KEYWORDS = 4
"""Keywords a card shows: declared ones first."""
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


def timestamps(catalogue: Catalogue, dates: Mapping[str, int] | None) -> dict[str, int]:
    """``kind/name`` -> time of the last commit, for the catalogue's "recently changed" sort."""
    if not dates:
        return {}
    return {f"{e.kind.value}/{e.name}": dates[e.path] for e in catalogue.entries if e.path in dates}


def card_facts(
    entry: Entry, relations: Relations, updated: Mapping[str, int] | None = None
) -> dict[str, object]:
    """What a card shows and sorts by: top keywords (declared first), skill and tool counts
    (tools None: every tool), how connected it is, its last commit time and raw file."""
    if entry.kind == Kind.PERSONA:
        caps = capabilities(entry)
        tools = None if caps.all_tools else len(caps.tools)
        skills = len(relations.skills_of.get(entry.name, ()))
        links = skills + len(relations.related.get(entry.name, ()))
    else:
        tools, skills = None, 0
        links = len(relations.personas_of.get(entry.name, ()))
    keywords = list(dict.fromkeys((*entry.keywords, *entry.keywords_derived)))
    return {
        "keywords": keywords[:CARD_KEYWORDS],
        "skills": skills,
        "tools": tools,
        "links": links,
        "updated": (updated or {}).get(f"{entry.kind.value}/{entry.name}", 0),
        "raw": raw_path(entry),
    }


def cards_data(
    catalogue: Catalogue,
    relations: Relations,
    dates: Mapping[str, int] | None,
    directory_urls: bool = True,
) -> dict[str, object]:
    """``cards.json``: the skills, shaped like ``catalogue.json``'s personas, and each
    entry's card facts by ``kind/name``, for the catalogue filter's cards and sorts."""
    updated = timestamps(catalogue, dates)
    return {
        "skills": [{"kind": "skill", **browser_entry(s, directory_urls)} for s in catalogue.skills],
        "facts": {
            f"{e.kind.value}/{e.name}": card_facts(e, relations, updated) for e in catalogue.entries
        },
    }


POWERFUL = frozenset({"bypass-permissions", "hooks", "mcp", "shell", "network"})
"""Capability flags the catalogue's risk facet hides: every tool alone (an agent without a
``tools`` list) or accepting edits is not enough."""


def risky(entry: Entry) -> bool:
    """Whether an agent has a powerful setting the risk facet hides (:data:`POWERFUL`)."""
    return entry.kind == Kind.PERSONA and bool(POWERFUL & set(capabilities(entry).flag_ids))


# Tables of contents of generated pages ----------------------------------------------------

TITLE_ID = "pc-title"
"""The id of a generated page's ``<h1>``: its table of contents starts there, and so does
Material's "Skip to content" link (the first focusable element of every page)."""


def outline(toc: Sequence, title: str, sections: Sequence[tuple[str, str]] = ()) -> list:
    """A generated page's table of contents: its title (:data:`TITLE_ID`) holding the
    headings of its body, then ``sections`` (``(text, id)``: our fragments' headings, which
    Material cannot see, such as "Skills" and "Related personas")."""
    from markupsafe import escape
    from mkdocs.structure.toc import AnchorLink, TableOfContents

    top = AnchorLink(str(escape(title)), TITLE_ID, 1)
    items = list(toc)
    for item in items:  # the body's own H1 repeats the title: keep what it holds
        top.children.extend(item.children if item.level == 1 else [item])
    for text, anchor in sections:
        top.children.append(AnchorLink(str(escape(text)), anchor, 2))
    return TableOfContents([top])
