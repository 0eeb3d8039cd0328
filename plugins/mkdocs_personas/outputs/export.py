"""The catalogue as data: ``personas.json``, ``catalogue.json``, the front-matter JSON Schema,
and the raw source files. Plain Python, shared by the build and ``personas export``."""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..analysis.ranking import Groups, index, index_digest
from ..analysis.relations import Relations, Suggestion, Term
from ..catalogue.capabilities import capabilities
from ..catalogue.catalogue import Catalogue
from ..catalogue.validate import MAX_NAME_LENGTH, NAME_PATTERN, RESERVED_NAMES, slug
from ..sources.examples import summary
from ..sources.model import COMPLEXITIES, Entry, Kind
from .convert import (
    TARGETS,
    Conversion,
    changes,
    convert,
    convert_all,
    site_path,
    written_name,
)

FORMAT_VERSION = 1


def entry_url(entry: Entry, directory_urls: bool = True) -> str:
    """Site-relative URL of an entry's page (the public URL contract)."""
    base = f"{entry.kind.value}s/{entry.name}"
    return base + "/" if directory_urls else base + ".html"


def raw_path(entry: Entry) -> str:
    """Where the raw source file is published, next to the entry's page."""
    if entry.kind == Kind.SKILL:
        return f"skills/{entry.name}/SKILL.md"
    return f"personas/{entry.name}.md"


def _links(items: Iterable[Suggestion], kind: Kind, directory_urls: bool) -> list[dict]:
    prefix = f"{kind.value}s/"
    return [
        {
            "name": s.name,
            "url": prefix + s.name + ("/" if directory_urls else ".html"),
            "named": s.explicit,
            "score": s.score,
            "reasons": list(s.reasons),
            **({"collection": s.collection} if s.collection else {}),
        }
        for s in items
    ]


def _terms(terms: Sequence[Term]) -> list[dict]:
    return [{"label": t.label, "slug": t.slug, "personas": list(t.personas)} for t in terms]


def catalogue_data(catalogue: Catalogue, relations: Relations, directory_urls: bool = True) -> dict:
    """Every persona and skill with its fields, URL and relations (``personas.json``)."""

    def common(entry: Entry) -> dict:
        return {
            "name": entry.name,
            **({"written_name": entry.written_name} if entry.written_name else {}),
            "title": entry.title,
            "description": entry.description,
            "url": entry_url(entry, directory_urls),
            "raw_url": raw_path(entry),
            "source": entry.path,
            "collection": entry.collection,
            "tools": list(entry.tools),
            "keywords_derived": list(entry.keywords_derived),
            "extra": dict(entry.extra),
        }

    personas = [
        {
            **common(p),
            "expertise": list(p.expertise),
            "keywords": list(p.keywords),
            "complexity": p.complexity,
            "model": p.model,
            "skills": _links(relations.skills_of.get(p.name, ()), Kind.SKILL, directory_urls),
            "related": _links(relations.related.get(p.name, ()), Kind.PERSONA, directory_urls),
            "capabilities": capabilities(p).to_data(),
            **({"examples": [e.to_data() for e in p.examples]} if p.examples else {}),
        }
        for p in catalogue.personas
    ]
    skills = [
        {
            **common(s),
            "personas": _links(relations.personas_of.get(s.name, ()), Kind.PERSONA, directory_urls),
        }
        for s in catalogue.skills
    ]
    return {
        "version": FORMAT_VERSION,
        "personas": personas,
        "skills": skills,
        "keywords": _terms(relations.keywords),
        "expertise": _terms(relations.expertise),
    }


def browser_entry(entry: Entry, directory_urls: bool = True) -> dict:
    """One entry as the catalogue filter reads it (``catalogue.json``, ``cards.json``)."""
    return {
        "name": entry.name,
        "title": entry.title,
        "url": entry_url(entry, directory_urls),
        "description": summary(entry.description, 200),
        "complexity": entry.complexity or "",
        "collection": entry.collection or "",
        "model": entry.model or "",
        "expertise": list(entry.expertise),
        "keywords": list(entry.keywords),
        "keywords_derived": list(entry.keywords_derived),
        "risk": capabilities(entry).flag_ids if entry.kind == Kind.PERSONA else [],
    }


def browser_data(catalogue: Catalogue, directory_urls: bool = True) -> dict:
    """The compact data the catalogue filter and task matcher load (``catalogue.json``)."""
    return {
        "version": FORMAT_VERSION,
        "personas": [browser_entry(p, directory_urls) for p in catalogue.personas],
    }


def match_data(
    catalogue: Catalogue, synonyms: Groups = (), labels: bool = True, cache: dict | None = None
) -> dict:
    """The task matcher's index of the personas (``match.json``; ``docs/matching.md``),
    with their declared and derived keywords and the catalogue's own synonym groups.

    Entry ``i`` of the index is persona ``i`` of ``catalogue.json``. A file of its own,
    loaded by the matcher (and by the filter once a word is typed). With ``labels=False``
    (the file the site ships) it leaves out the keywords' spellings: the page takes them
    from ``catalogue.json``, which it loads anyway.
    """
    derived = {(p.kind, p.name): p.keywords_derived for p in catalogue.personas}
    data = index(catalogue.personas, derived, synonyms, cache=cache)
    if not labels:
        del data["keywords"]
    return data


def match_digest(catalogue: Catalogue, synonyms: Groups = ()) -> str:
    """A digest of what :func:`match_data` reads: equal digests give equal ``match.json``."""
    derived = {(p.kind, p.name): p.keywords_derived for p in catalogue.personas}
    return index_digest(catalogue.personas, derived, synonyms)


_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_FIELD_SCHEMAS: Mapping[str, dict] = {
    "name": {
        "type": "string",
        "pattern": "^" + NAME_PATTERN.pattern.removesuffix(r"\Z") + "$",
        "maxLength": MAX_NAME_LENGTH,
        "not": {"enum": sorted(RESERVED_NAMES)},
        "description": "Unique identifier: lowercase letters, digits and hyphens; not a "
        "reserved name (index, search, assets, 404, sitemap, Windows device names).",
    },
    "title": {**_STRING, "description": "Shown as the page title (default: the body's H1)."},
    "description": {
        **_STRING,
        "description": "One or two sentences (default: the body's first paragraph).",
    },
    "expertise": {**_STRINGS, "description": "What the persona knows, as short phrases."},
    "keywords": {**_STRINGS, "description": "Words that make a router activate the persona."},
    "complexity": {"enum": list(COMPLEXITIES), "description": "Complexity threshold."},
    "skills": {**_STRINGS, "description": "Names of the skills this persona follows."},
    "related": {**_STRINGS, "description": "Names of related personas."},
    "tools": {
        "oneOf": [_STRING, _STRINGS],
        "description": "Tools the agent may use: a comma-separated string or a list.",
    },
    "model": {**_STRING, "description": "Model the agent runs on."},
    "collection": {**_STRING, "description": "Collection (default: the first folder)."},
}


def front_matter_schema(fields: Mapping[str, Sequence[str]]) -> dict:
    """A JSON Schema of persona and skill front matter, for editors' YAML language servers."""
    properties: dict[str, dict] = {}
    for field, keys in fields.items():
        for key in keys:
            properties[key] = _FIELD_SCHEMAS[field]
    properties.setdefault("license", _STRING)
    properties.setdefault("metadata", {"type": "object"})
    properties.setdefault("compatibility", _STRING)
    name_keys = list(fields.get("name", ["name"]))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Persona or skill front matter (mkdocs-personas)",
        "type": "object",
        "properties": properties,
        "anyOf": [{"required": [key]} for key in name_keys],
        "additionalProperties": True,
    }


def dumps(data: object) -> str:
    """Deterministic JSON: sorted keys, UTF-8, and no ``<`` or ``>`` (safe even inlined in HTML)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def data_key(catalogue: Catalogue, relations: Relations, directory_urls: bool) -> tuple:
    """What the data files are made of: equal keys give equal files."""
    return (
        relations,
        directory_urls,
        *(
            (
                e.kind,
                e.name,
                e.title,
                e.description,
                e.path,
                e.collection,
                e.tools,
                e.expertise,
                e.keywords,
                e.keywords_derived,
                e.written_name,
                e.complexity,
                e.model,
                e.examples,
                e.raw[: e.body_offset],  # the front matter: what capabilities read
                repr(e.extra),
            )
            for e in catalogue.entries
        ),
    )


def match_key(catalogue: Catalogue) -> tuple:
    """What the matcher's index (``match.json``) reads beyond :func:`data_key`: each
    entry's whole file (the words of its body)."""
    return tuple(e.raw for e in catalogue.entries)


DATA_FILES = ("personas.json", "catalogue.json", "match.json", "persona.schema.json")
"""The catalogue's data files, at the site's root."""


def write_exports(
    site_dir: str | Path,
    catalogue: Catalogue,
    relations: Relations,
    fields: Mapping[str, Sequence[str]],
    directory_urls: bool = True,
    unchanged: Mapping[str, str] | None = None,
    data: Collection[str] | None = None,
    index_cache: dict | None = None,
    more: Mapping[str, object] | None = None,
    synonyms: Groups = (),
    keep: bool = True,
    order: Iterable[int] | None = None,
) -> dict[str, str]:
    """Write the data files, ``more`` data files (site path -> data) and the raw sources
    into a built site.

    Returns every file written (site path -> text). Raw files equal in ``unchanged`` (the
    files an earlier build of the same site wrote) are not written again; of the
    catalogue's :data:`DATA_FILES`, only those named in ``data`` (all when None).
    ``index_cache``, kept between rebuilds, holds ``match.json``'s terms of each entry.
    ``synonyms`` are the catalogue's own synonym groups, for the matcher's index. Without
    ``keep``, nothing is returned: no file's text is held after it is written (a
    catalogue's conversions add up). ``order`` gives the positions in
    ``catalogue.entries`` of the entries whose raw sources and conversions to write (all
    when None; two processes sharing the work draw them from one
    :class:`~mkdocs_personas.site.background.Claims`).
    """
    root = Path(site_dir)
    outputs = {
        "personas.json": lambda: catalogue_data(catalogue, relations, directory_urls),
        "catalogue.json": lambda: browser_data(catalogue, directory_urls),
        "match.json": lambda: match_data(catalogue, synonyms, labels=False, cache=index_cache),
        "persona.schema.json": lambda: front_matter_schema(fields),
    }
    for name in DATA_FILES if data is None else data:  # one file's data in memory at a time
        (root / name).write_text(dumps(outputs[name]()) + "\n", encoding="utf-8")
    written: dict[str, str] = {}
    for relative, value in (more or {}).items():
        text = dumps(value) + "\n"
        path = root.joinpath(*relative.split("/"))
        os.makedirs(path.parent, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written[relative] = text
    entries = catalogue.entries
    for entry in entries if order is None else (entries[i] for i in order):
        relative = raw_path(entry)
        written[relative] = entry.raw
        same = unchanged is not None and unchanged.get(relative) == entry.raw
        if entry.kind == Kind.PERSONA:
            conversions = _write_conversions(root, entry, unchanged if same else None)
            if keep:
                written.update(conversions)
        if same:
            continue
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(entry.raw)
    return written if keep else {}


def _write_conversions(
    root: Path, entry: Entry, unchanged: Mapping[str, str] | None
) -> dict[str, str]:
    """A persona as the agent file of each tool (``convert.py``), at
    ``personas/<name>/convert/<tool>/<file>``: inert ``.md`` and ``.toml`` downloads for
    the "Use this" panel. Not made again when ``unchanged`` (the last build's files, for
    an unchanged source) holds them all."""
    paths = {target: site_path(entry, target) for target in TARGETS}
    if unchanged is not None and all(path in unchanged for path in paths.values()):
        return {path: unchanged[path] for path in paths.values()}
    written = {}
    for target, conversion in convert_all(entry).items():
        path = root.joinpath(*paths[target].split("/"))
        os.makedirs(path.parent, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(conversion.text)
        written[paths[target]] = conversion.text
    return written


def agent_files(
    personas: Iterable[Entry], target: str, roots: Sequence[str] = ()
) -> list[tuple[str, Conversion]]:
    """Every persona as ``target``'s agent file, at a path that mirrors its source's
    folders below the glob root it came from (``personas export --to``), so that agents
    sharing a name in two folders never overwrite each other.

    The file is named after the slug of the name as written (``powershell-5-1-expert.md``
    for ``powershell-5.1-expert``); in the rare folder where two names give one slug, after
    the entry's unique name (``<name>-<collection>``). The name inside is as written.
    """
    prefixes = sorted((r.strip("/") + "/" for r in roots if r.strip("/.")), key=len, reverse=True)
    suffix = TARGETS[target].suffix
    planned: list[tuple[str, str, Entry]] = []
    for entry in personas:
        folder = posixpath.dirname(entry.path)
        for prefix in prefixes:
            if (folder + "/").startswith(prefix):
                folder = folder[len(prefix) :]
                break
        folder = "/".join(p for p in folder.split("/") if p not in ("", ".", ".."))
        planned.append((folder, slug(written_name(entry)) or entry.name, entry))
    counts: dict[str, int] = {}
    for folder, stem, _ in planned:
        key = posixpath.join(folder, stem + suffix)
        counts[key] = counts.get(key, 0) + 1
    files = []
    for folder, stem, entry in planned:
        path = posixpath.join(folder, stem + suffix)
        if counts[path] > 1:
            path = posixpath.join(folder, entry.name + suffix)
        conversion = convert(entry, target)
        name = posixpath.basename(path)
        conversion = replace(
            conversion, file_name=name, changed=tuple(changes(entry, target, name))
        )
        files.append((path, conversion))
    return files


def claude_copies(base: Path, globs: Sequence[str]) -> dict[str, Conversion]:
    """Our Claude Code copy of every agent the globs find below ``base``, by the source's
    path relative to ``base`` (the key Claude Code's recordings use)."""
    from ..catalogue.catalogue import Reader, Settings

    catalogue, _problems = Reader().load(Settings(base, tuple(globs), ()))
    return {entry.path: convert(entry, "claude") for entry in catalogue.personas}
