"""Rendering a generated page can never abort the build.

:mod:`.bounds` keeps the shapes known to break Python-Markdown out of the site; this is
the net under it: a page whose Markdown still fails to render (a RecursionError, or any
other error of an extension) gets a short notice instead of its body, and the build goes
on with the other pages.
"""

from __future__ import annotations

from collections.abc import Callable

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

NOTICE = (
    '<div class="admonition failure"><p class="admonition-title">This page could not be '
    "rendered</p><p>Its Markdown could not be converted to HTML; the build log names the "
    "error. Copy or download the raw file to read it.</p></div>"
)


def protect(page: Page, report: Callable[[str], None]) -> None:
    """Wrap ``page.render`` so that an error replaces the page's content with a notice
    and is passed to ``report`` as one line (the caller logs it with the file's path)."""
    render = page.render
    if getattr(render, "protected", False):
        return

    def safe_render(config, files) -> None:
        try:
            render(config, files)
        except Exception as error:  # any failure of a body is reported, never raised
            page.content = NOTICE
            page.toc = get_toc([])
            page.present_anchor_ids = set()
            reason = (
                "its lists, quotes or other blocks are nested too deeply"
                if isinstance(error, RecursionError)
                else f"{type(error).__name__}: {str(error)[:200]}"
            )
            report(f"the body could not be rendered ({reason}); the page shows a notice instead")

    safe_render.protected = True  # type: ignore[attr-defined]
    page.render = safe_render  # type: ignore[method-assign]
