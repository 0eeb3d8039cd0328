"""What a preview changes: the "Changes in this preview" page and the badges (``new``,
``changed``) that cards and entry headers show, in builds given a base revision."""

from __future__ import annotations

from ...outputs.diff import Diff
from ...sources import strings
from .registry import CHANGES, NO_SEARCH, Page, Registry


def badges(changes: Diff | None) -> dict[tuple[str, str], str]:
    """(kind, name) -> ``new`` or ``changed``, for entries added, renamed or changed."""
    result: dict[tuple[str, str], str] = {}
    if changes is not None:
        for change in changes.changes:
            if change.status in ("added", "renamed", "changed"):
                label = "changed" if change.status == "changed" else "new"
                result[(change.kind, change.name)] = label
    return result


def plan(registry: Registry, changes: Diff | None) -> None:
    if changes is not None:
        context = {"diff": changes}
        page = Page(strings.tr("changes.title"), "changes.html", context, search=NO_SEARCH)
        registry.add(CHANGES, page)
