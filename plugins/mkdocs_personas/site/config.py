"""The plugin's options in ``mkdocs.yml``, and their translation into reader settings.

The options are one table (:data:`OPTIONS`). MkDocs checks them through
:class:`PersonasConfig`, made from the table when first asked for; the command line reads
them without importing MkDocs (:func:`read_project`): a value of the kind the table names
is taken as MkDocs would take it, and only a value MkDocs would refuse is handed to
MkDocs' own check, for its message.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import yaml

from ..analysis.relations import Options
from ..catalogue.bundles import Bounds
from ..catalogue.catalogue import Settings
from ..catalogue.validate import DEFAULT_FIELDS
from ..sources.read import DEFAULT_EXCLUDE, Limits

if TYPE_CHECKING:
    from mkdocs.config import base

    from ..analysis import keywords
    from ..catalogue.sanitize import Policy


@dataclass(frozen=True)
class Option:
    """One option of the ``personas`` plugin: its kind, default and meaning."""

    kind: str
    """``bool``, ``int``, ``number`` (int or float), ``strings`` (a list of strings),
    ``lists`` (a mapping of lists of strings), ``choice`` or ``text?`` (a string or
    nothing)."""
    default: Any
    doc: str
    choices: tuple = ()


OPTIONS: dict[str, Option] = {
    "enabled": Option(
        "bool", True, "Build the catalogue; ``false`` turns the plugin off without removing it."
    ),
    "personas": Option(
        "strings",
        ["personas/**/*.md"],
        "Globs of persona files, relative to the folder of ``mkdocs.yml``.",
    ),
    "skills": Option(
        "strings",
        ["skills/**/SKILL.md"],
        "Globs of skill files; a file matched here is never also a persona.",
    ),
    "exclude": Option(
        "strings",
        list(DEFAULT_EXCLUDE),
        "Globs of files never read, even when ``personas`` or ``skills`` match them: a "
        "pattern without ``/`` is a file name (any case), others a path from ``mkdocs.yml``.",
    ),
    "fields": Option(
        "lists",
        {},
        "Front-matter keys that feed each model field, replacing the defaults per field.",
    ),
    "max_file_size": Option("int", Limits.max_file_bytes, "Largest source file read, in bytes."),
    "max_front_matter_size": Option(
        "int", Limits.max_front_matter_bytes, "Largest front matter parsed, in bytes."
    ),
    "max_depth": Option(
        "int", Limits.max_depth, "Deepest nesting of lists and mappings allowed in front matter."
    ),
    "suggest_skills": Option(
        "int",
        Options.suggest_skills,
        "Skills inferred from content shown per persona, after the ones it names (0: none).",
    ),
    "related_personas": Option(
        "int", Options.related_personas, "Similar personas shown per persona (0: none)."
    ),
    "min_score": Option(
        "number",
        Options.min_score,
        "Lowest similarity, from 0 to 1, for an inferred skill or related persona.",
    ),
    "collection_signal": Option(
        "bool",
        Options.collection_signal,
        "Whether sharing a collection folder makes a skill or persona more related.",
    ),
    "sanitize": Option(
        "choice",
        True,
        "Sanitize persona and skill bodies (``true``), every page too (``all``), or nothing.",
        (True, False, "all"),
    ),
    "allow_tags": Option(
        "strings",
        [],
        "Extra HTML elements the sanitizer keeps, for catalogues that trust their authors.",
    ),
    "allow_attributes": Option(
        "lists",
        {},
        'Extra attributes the sanitizer keeps, per element (``"*"``: every element).',
    ),
    "remote_images": Option(
        "bool",
        False,
        "Let pages load images from other hosts; by default each becomes a link to it.",
    ),
    "base_revision": Option(
        "text?",
        None,
        "Git revision to compare with (default: the ``PERSONAS_BASE_REVISION`` variable): "
        'new and changed personas get badges and a "Changes in this preview" page lists them.',
    ),
    "search": Option(
        "choice",
        "material",
        "Search backend: Material's (one index file, downloaded whole) or Pagefind (a page "
        "``/find/`` whose index is fetched in small chunks per query; needs the ``pagefind`` "
        "extra, and Material's ``search`` plugin removed from ``plugins``).",
        ("material", "pagefind"),
    ),
    "max_index_size": Option(
        "int",
        800_000,
        "Size in bytes past which an index page (keywords, expertise, catalogue) splits by letter.",
    ),
    "max_bundle_files": Option(
        "int",
        Bounds.max_files,
        "Files published per skill folder besides ``SKILL.md``; more are left out with a warning.",
    ),
    "max_bundle_file_size": Option(
        "int", Bounds.max_file_bytes, "Largest file of a skill folder published, in bytes."
    ),
    "max_bundle_size": Option(
        "int",
        Bounds.max_total_bytes,
        "Largest total of one skill folder's files published, in bytes.",
    ),
    "derive_keywords": Option(
        "bool",
        True,
        "Give entries that declare no activation keywords keywords derived from their "
        "description, examples, name and headings (shown apart from declared ones).",
    ),
    "derived_keywords": Option("int", 8, "Most derived keywords per entry."),
    "synonyms": Option(
        "strings",
        [],
        'Extra synonym groups for matching, one per item: ``"postgres = PostgreSQL = pg"``.',
    ),
    "home": Option(
        "choice",
        "auto",
        "The generated home page (``index.md``: a task box, the catalogue filter, counts, "
        "collections, recently changed entries, links to every index): ``auto`` makes it "
        "unless ``docs/index.md`` exists, ``true`` makes it too, ``false`` never. An author's "
        "``docs/index.md`` is never replaced; a ``<!-- personas:home -->`` line in it shows "
        "the home's parts there.",
        ("auto", True, False),
    ),
    "watch": Option(
        "choice",
        "native",
        "How ``mkdocs serve`` notices persona and skill edits: reported by the operating "
        "system (at once, where it can), or ``polling`` (for folders it cannot report on, "
        "such as some network and container mounts).",
        ("native", "polling"),
    ),
}
"""Options of the ``personas`` plugin, in the order MkDocs checks them."""


PluginOptions = Any
"""A :class:`PersonasConfig` or what :func:`read_project` reads without MkDocs: one
attribute per option either way."""


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


_ACCEPTS = {
    "bool": lambda value, option: isinstance(value, bool),
    "int": lambda value, option: isinstance(value, int),
    "number": lambda value, option: isinstance(value, (int, float)),
    "strings": lambda value, option: _strings(value),
    "lists": lambda value, option: (
        isinstance(value, dict)
        and all(isinstance(k, str) and _strings(v) for k, v in value.items())
    ),
    "choice": lambda value, option: value in option.choices,
    "text?": lambda value, option: isinstance(value, str),
}
"""The values MkDocs' check of each kind takes as they are (``None`` is the default, but
for lists)."""


def _mkdocs_option(option: Option):
    from mkdocs.config import config_options as c

    if option.kind == "choice":
        return c.Choice(option.choices, default=option.default)
    if option.kind == "text?":
        return c.Optional(c.Type(str))
    if option.kind == "strings":
        return c.ListOfItems(c.Type(str), default=option.default)
    if option.kind == "lists":
        return c.DictOfItems(c.ListOfItems(c.Type(str)), default=option.default)
    kind = {"bool": bool, "int": int, "number": (int, float)}[option.kind]
    return c.Type(kind, default=option.default)


@functools.cache
def _personas_config() -> type[base.Config]:
    """:class:`PersonasConfig`, made from :data:`OPTIONS` (imports MkDocs)."""
    from mkdocs.config import base

    schema = {name: _mkdocs_option(option) for name, option in OPTIONS.items()}
    attributes = {"__module__": __name__, "__doc__": "Options of the ``personas`` plugin."}
    return type("PersonasConfig", (base.Config,), {**attributes, **schema})


def __getattr__(name: str) -> Any:
    if name == "PersonasConfig":
        return _personas_config()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _quick_options(found: object) -> SimpleNamespace | None:
    """The options as MkDocs' check would give them, when it would take every value as
    written (unknown names are only warned about there, and ignored here too); None when
    a value needs MkDocs' own check."""
    if found is None:
        found = {}
    if not isinstance(found, dict):
        return None
    values = {}
    for name, option in OPTIONS.items():
        value = found.get(name, option.default)
        if value is None and option.kind not in ("strings", "lists"):
            value = option.default  # MkDocs' lists refuse an empty value
        elif not _ACCEPTS[option.kind](value, option):
            return None
        values[name] = value
    return SimpleNamespace(**values)


SANITIZE_VARIABLE = "PERSONAS_SANITIZE"
"""Environment variable that overrides ``sanitize`` (``all`` for previews of pull requests)."""


def sanitize_mode(options: PluginOptions) -> bool | str:
    """``sanitize`` from the environment when set there, else from the options."""
    value = os.environ.get(SANITIZE_VARIABLE, "").strip().lower()
    if not value:
        return options.sanitize
    if value not in ("true", "false", "all"):
        raise ValueError(f"{SANITIZE_VARIABLE} must be true, false or all, not {value!r}")
    return {"true": True, "false": False}.get(value, value)


def sanitize_policy(mode: bool | str, options: PluginOptions) -> Policy | None:
    """The sanitizer policy for a ``sanitize`` mode, or None when sanitizing is off."""
    if mode is False:
        return None
    from ..catalogue.sanitize import Policy

    policy = Policy(remote_images=options.remote_images)
    return policy.extended(options.allow_tags, options.allow_attributes)


def keyword_options(options: PluginOptions) -> keywords.Options:
    """How keywords are derived, from the plugin options."""
    from ..analysis import keywords

    return keywords.Options(enabled=options.derive_keywords, limit=max(0, options.derived_keywords))


def synonym_groups(options: PluginOptions) -> tuple[tuple[str, ...], ...]:
    """The catalogue's own synonym groups (``a = b = c`` per item)."""
    groups = (tuple(p.strip() for p in item.split("=") if p.strip()) for item in options.synonyms)
    return tuple(g for g in groups if len(g) > 1)


def relation_options(options: PluginOptions) -> Options:
    """How related skills and personas are inferred, from the plugin options."""
    return Options(
        suggest_skills=max(0, options.suggest_skills),
        related_personas=max(0, options.related_personas),
        min_score=float(options.min_score),
        collection_signal=options.collection_signal,
    )


def field_map(overrides: dict[str, list[str]]) -> dict[str, list[str]]:
    """The default field aliases with ``overrides`` applied; unknown fields raise ValueError."""
    unknown = sorted(set(overrides) - set(DEFAULT_FIELDS))
    if unknown:
        known = ", ".join(DEFAULT_FIELDS)
        raise ValueError(
            f"unknown model field(s) {', '.join(unknown)} in 'fields' (known: {known})"
        )
    return {**DEFAULT_FIELDS, **overrides}


def settings(options: PluginOptions, config_file: str | Path) -> Settings:
    """Reader settings from validated options and the path of ``mkdocs.yml``."""
    return Settings(
        base=Path(config_file).resolve().parent,
        personas=tuple(options.personas),
        skills=tuple(options.skills),
        fields=field_map(dict(options.fields)),
        limits=Limits(options.max_file_size, options.max_front_matter_size, options.max_depth),
        exclude=tuple(options.exclude),
        allow_tags=tuple(options.allow_tags),
        allow_attributes={k: tuple(v) for k, v in options.allow_attributes.items()},
    )


class _ConfigLoader(yaml.SafeLoader):
    """Reads ``mkdocs.yml`` as data: ``!ENV``, ``!relative`` and ``!!python`` tags become None."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_multi_constructor("!", _ignore_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def _merged(parent: dict, child: dict) -> dict:
    """``child`` over ``parent`` as MkDocs merges an ``INHERIT``: mappings key by key,
    anything else (lists too) replaced."""
    merged = dict(parent)
    for key, value in child.items():
        below = merged.get(key)
        merged[key] = (
            _merged(below, value) if isinstance(below, dict) and isinstance(value, dict) else value
        )
    return merged


def _load(path: Path, inheriting: tuple[str, ...] = (), parents: list[Path] | None = None) -> dict:
    """The data of a configuration file, with the file its ``INHERIT`` names merged under
    it, as MkDocs reads them; ``parents`` collects the inherited files, nearest first.
    Raises ValueError with a clear message."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = yaml.load(handle, Loader=_ConfigLoader) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of settings")
    if "INHERIT" not in data:
        return data
    data = dict(data)
    relative = data.pop("INHERIT")
    if not isinstance(relative, str) or not relative.strip():
        raise ValueError(f"{path}: INHERIT must name a configuration file, not {relative!r}")
    parent = os.path.normpath(os.path.join(os.path.dirname(path), relative))
    if os.path.realpath(parent) in inheriting:
        raise ValueError(f"{path}: INHERIT: {relative} inherits back from this file")
    if not os.path.exists(parent):
        raise ValueError(f"{path}: INHERIT: {relative} does not exist (at {parent})")
    own = (*inheriting, os.path.realpath(path))
    if parents is not None:
        parents.append(Path(parent))
    return _merged(_load(Path(parent), own, parents), data)


def inherited_files(config_file: str | Path) -> list[Path]:
    """The configuration files ``config_file`` inherits from (its ``INHERIT``, that file's
    own, and so on), nearest first. Raises ValueError as :func:`_load` does."""
    parents: list[Path] = []
    _load(Path(config_file), parents=parents)
    return parents


def _read_file(config_file: str | Path) -> tuple[dict, PluginOptions]:
    """The data of an ``mkdocs.yml`` (with what it inherits) and its validated ``personas``
    options, running nothing.

    Hooks and plugins are not imported, and tags that would call code are read as empty
    values. Raises ValueError with a clear message.
    """
    path = Path(config_file)
    data = _load(path)
    plugins = data.get("plugins")
    entries = (
        plugins.items()
        if isinstance(plugins, dict)
        else [next(iter(p.items())) if isinstance(p, dict) else (p, None) for p in plugins or []]
    )
    found = [opts for name, opts in entries if name == "personas"]
    if not found:
        raise ValueError(f"{path}: the 'personas' plugin is not enabled in 'plugins'")
    quick = _quick_options(found[0])
    if quick is not None:
        return data, quick
    plugin_options = _personas_config()(config_file_path=str(path))
    plugin_options.load_dict(found[0] or {})
    errors, _ = plugin_options.validate()
    if errors:
        raise ValueError("; ".join(f"{path}: personas.{key}: {error}" for key, error in errors))
    return data, plugin_options


@dataclass(frozen=True)
class Project:
    """What the command line needs from an ``mkdocs.yml``."""

    settings: Settings
    relations: Options
    directory_urls: bool
    synonyms: tuple[tuple[str, ...], ...] = ()
    """The catalogue's own synonym groups (``synonyms``)."""
    options: PluginOptions = field(default=None, repr=False, compare=False)
    """The plugin's options, read and checked."""

    @property
    def bounds(self) -> Bounds:
        """What one skill's bundle may hold (``max_bundle_files``, ``max_bundle_file_size``,
        ``max_bundle_size``), as the build bounds it."""
        options = self.options if self.options is not None else _quick_options({})
        return Bounds(
            options.max_bundle_files, options.max_bundle_file_size, options.max_bundle_size
        )

    @property
    def keywords(self) -> keywords.Options:
        """How keywords are derived (``derive_keywords``, ``derived_keywords``); made when
        asked for, so that a command that derives none (``validate``) imports nothing
        for it."""
        return keyword_options(self.options if self.options is not None else _quick_options({}))


def read_project(config_file: str | Path) -> Project:
    """Read an ``mkdocs.yml`` as data (running nothing) into a :class:`Project`."""
    data, plugin_options = _read_file(config_file)
    return Project(
        settings(plugin_options, config_file),
        relation_options(plugin_options),
        data.get("use_directory_urls", True) is not False,
        synonym_groups(plugin_options),
        plugin_options,
    )
