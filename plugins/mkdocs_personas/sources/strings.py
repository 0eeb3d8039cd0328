"""The plugin's interface strings, one table per language, following ``theme.language``.

Each language is a folder ``data/strings/<code>/`` of JSON files (one per area of the
interface, e.g. ``core.json``), merged into one table of dotted keys. A key missing from a
language falls back to English, key by key. Values may hold ``{name}`` placeholders.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

STRINGS_DIR = Path(__file__).resolve().parent.parent / "data" / "strings"
DEFAULT = "en"
JS_PREFIX = "js."
"""Keys under this prefix are the strings the browser code shows."""

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_current = DEFAULT


@cache
def _folder(code: str) -> dict[str, str]:
    """The merged table of one language folder (empty when the language is not shipped)."""
    folder = STRINGS_DIR / code
    table: dict[str, str] = {}
    if not folder.is_dir():
        return table
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        table.update((str(key), str(value)) for key, value in data.items())
    return table


@cache
def resolve(code: str | None) -> str:
    """The shipped language for a theme language code: ``fr``, ``fr_FR`` and ``fr-CA`` give
    ``fr``; anything not shipped gives English. (Kept: pages ask for every plural form.)"""
    code = (code or DEFAULT).strip().replace("_", "-").lower()
    for candidate in (code, code.split("-", 1)[0]):
        if candidate and (STRINGS_DIR / candidate).is_dir():
            return candidate
    return DEFAULT


@cache
def table(language: str | None = None) -> dict[str, str]:
    """Every string of ``language``, English where it has none."""
    code = resolve(language)
    return {**_folder(DEFAULT), **_folder(code)} if code != DEFAULT else dict(_folder(DEFAULT))


def languages() -> list[str]:
    """The languages shipped."""
    return sorted(p.name for p in STRINGS_DIR.iterdir() if p.is_dir())


def set_language(code: str | None) -> None:
    """Make ``code`` (a theme language) the language of :func:`tr` calls that name none."""
    global _current
    _current = resolve(code)


def current() -> str:
    """The language set by :func:`set_language`."""
    return _current


SINGULAR = {"fr": lambda n: n in (0, 1)}
"""Which counts take a language's singular form (``<key>_one``); English: 1 only."""


def singular(language: str | None, count: int) -> bool:
    """Whether ``count`` takes the singular form in ``language``."""
    return SINGULAR.get(resolve(language), lambda n: n == 1)(count)


def plural_key(key: str, count: object, language: str | None = None) -> str:
    """``<key>_one`` when ``count`` is an integer that takes the singular in ``language``
    and the table has that form, else ``key`` (the plural form)."""
    one, code = f"{key}_one", language or _current
    if isinstance(count, int) and singular(code, count) and one in table(code):
        return one
    return key


def tr(key: str, language: str | None = None, /, **values: object) -> str:
    """The string ``key`` in ``language`` (default: the current one), placeholders filled.

    With an integer ``count``, the singular form ``<key>_one`` is used when the table has
    one and the language's rule takes it (``1 persona``; French also ``0 persona``); the
    key itself is the plural form. An unknown key raises KeyError: every key used must
    exist in English.
    """
    strings = table(language or _current)
    text = strings[plural_key(key, values.get("count"), language)]
    if not values:
        return text
    return PLACEHOLDER.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text
    )


def browser_strings(language: str | None = None, prefix: str = "") -> dict[str, str]:
    """The strings the browser code shows, without their ``js.`` prefix; with ``prefix``,
    only those whose key starts with it (a page that needs a few carries only those)."""
    start = JS_PREFIX + prefix
    return {
        key[len(JS_PREFIX) :]: value
        for key, value in table(language or _current).items()
        if key.startswith(start)
    }


def browser_json(language: str | None = None, prefix: str = "") -> str:
    """:func:`browser_strings` as compact JSON, for a ``data-pc-strings`` attribute."""
    return _browser_json(resolve(language or _current), prefix)


@cache
def _browser_json(language: str, prefix: str) -> str:
    """Made once per language and prefix: every entry's page carries the same."""
    return json.dumps(browser_strings(language, prefix), ensure_ascii=False, sort_keys=True)
