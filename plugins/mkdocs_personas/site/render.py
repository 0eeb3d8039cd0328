"""Our own Jinja2 environment, with autoescaping on, for every fragment built from data.

MkDocs' theme environment does not autoescape, so nothing that holds a front-matter
value is rendered there: pages get their persona-specific HTML from here.
"""

from __future__ import annotations

from functools import cache, lru_cache

import jinja2
from markupsafe import Markup, escape

from ..sources import strings
from ..sources.examples import summary
from ..sources.model import visible
from ..sources.package_files import templates_dir, theme_dir  # noqa: F401  (workflows import render.theme_dir)


@cache
def environment() -> jinja2.Environment:
    """The autoescaping environment for ``templates/fragments``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "fragments"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # package files: no stat of each template at each page
    )
    env.filters["visible"] = visible
    env.filters["summary"] = summary
    env.globals["tr"] = tr
    env.globals["browser_strings"] = lambda prefix="": strings.browser_json(prefix=prefix)
    return env


def set_language(code: str | None) -> None:
    """Render fragments in the shipped language closest to ``code`` (``theme.language``)."""
    strings.set_language(code)


def tr(key: str, **values: object) -> Markup:
    """The interface string ``key`` of the current language for templates: its text and
    each ``{name}`` value escaped, except values that are already safe HTML (Markup)."""
    if not values:
        return _plain(key, strings.current())
    return tr_values(strings.tr(strings.plural_key(key, values.get("count"))), **values)


@lru_cache(maxsize=4096)
def _plain(key: str, language: str) -> Markup:
    """A string without values, escaped once (templates ask for the same ones per page)."""
    return tr_values(strings.tr(key, language))


def tr_values(text: str, **values: object) -> Markup:
    """``text`` escaped, its ``{name}`` placeholders filled with escaped ``values``."""
    return Markup("").join(
        part if isinstance(part, Markup) else escape(values.get(part, "{" + part + "}"))
        for part in _pieces(text)
    )


@lru_cache(maxsize=4096)
def _pieces(text: str) -> tuple[Markup | str, ...]:
    """``text`` split at its placeholders: its own parts escaped (Markup), the names of
    the placeholders between them (str)."""
    parts = strings.PLACEHOLDER.split(text)
    return tuple(escape(part) if i % 2 == 0 else part for i, part in enumerate(parts))


def render(template: str, **context: object) -> Markup:
    """Render a fragment template to safe HTML."""
    return Markup(environment().get_template(template).render(**context))
