"""Check a document's front matter and normalize it into an :class:`~.model.Entry`.

Which front-matter keys feed which model field is configuration (:data:`DEFAULT_FIELDS`
covers the persona pack, Claude Code subagent and Agent Skills shapes). Every problem
of a file is reported, each at the position of the value it is about.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence

from .model import COMPLEXITIES, Entry, Kind, Problem, Reference
from .read import Document
from .strict_yaml import SCALAR, SEQUENCE, Node, describe
from .text import key as term_key

DEFAULT_FIELDS: dict[str, list[str]] = {
    "name": ["name"],
    "title": ["title"],
    "description": ["description", "summary"],
    "expertise": ["expertise"],
    "keywords": ["activation_keywords", "keywords", "triggers"],
    "complexity": ["complexity_threshold", "complexity"],
    "skills": ["skills"],
    "related": ["related_personas", "related"],
    "tools": ["tools", "allowed-tools", "allowed_tools"],
    "model": ["model"],
    "collection": ["collection"],
}
"""Model field -> front-matter keys that may feed it, in order of preference."""

NAME_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
MAX_NAME_LENGTH = 64
RESERVED_NAMES = frozenset(
    ["index", "search", "assets", "404", "sitemap", "con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)
"""Names that would clash with MkDocs' own files or cannot be file names on Windows."""

_LISTS = ("expertise", "keywords", "skills", "related")
_STRINGS = ("title", "description", "model", "collection")
_EXAMPLE = re.compile(r"<example>(.*?)(?:</example>|\Z)", re.DOTALL | re.IGNORECASE)
_H1 = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*\Z")
_FENCE = re.compile(r"[ \t]{0,3}(```|~~~)")
_UNTIDY = re.compile(r"^\s|\s\Z|\s\s|[\t\n\r\f\v]")
_INLINE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`]{1,3}")


def suggest_name(text: str) -> str:
    """The closest valid name: ``"Backend_Architect"`` -> ``"backend-architect"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_NAME_LENGTH].strip("-")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a name, or None if it can."""
    if NAME_PATTERN.match(name) and len(name) <= MAX_NAME_LENGTH:
        if name in RESERVED_NAMES:
            return f"'{name}' is reserved (it would clash with the site's own pages or files)"
        return None
    message = (
        f"expected lowercase letters, digits and hyphens (at most {MAX_NAME_LENGTH} "
        f"characters), got {name!r}"
    )
    suggestion = suggest_name(name)
    if suggestion and suggestion != name and suggestion not in RESERVED_NAMES:
        message += f"; did you mean '{suggestion}'?"
    return message


def plain_text(markdown: str) -> str:
    """Markdown inline text without links' targets and emphasis markers."""
    return " ".join(_INLINE.sub(lambda m: m.group(1) or "", markdown).split())


def _outside_fences(body: str):
    """Yield ``(index, line)`` for body lines outside fenced code blocks."""
    fence = None
    for index, line in enumerate(body.split("\n")):
        match = _FENCE.match(line)
        if match:
            if fence is None:
                fence = match.group(1)
            elif fence == match.group(1):
                fence = None
            continue
        if fence is None:
            yield index, line


def first_heading(body: str) -> tuple[int, str] | None:
    """The body's first H1 as ``(line index, plain text)``."""
    previous = None
    for index, line in _outside_fences(body):
        match = _H1.match(line)
        if match:
            return index, plain_text(match.group(1))
        if previous and re.fullmatch(r"=+[ \t]*", line) and previous[1].strip():
            return previous[0], plain_text(previous[1])
        previous = (index, line)
    return None


def first_paragraph(body: str) -> str:
    """The body's first paragraph of prose, as plain text."""
    paragraph: list[str] = []
    for _, line in _outside_fences(body):
        stripped = line.strip()
        if not stripped:
            if paragraph:
                break
            continue
        if stripped[0] in "#<>|-*+=" or re.match(r"\d+[.)] ", stripped):
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    return plain_text(" ".join(paragraph))


def _title_from_name(name: str) -> str:
    return " ".join(word.capitalize() for word in name.split("-")) or name


class _Checker:
    """Collects the problems of one document while reading its fields."""

    def __init__(self, document: Document, fields: Mapping[str, Sequence[str]]) -> None:
        self.document = document
        self.path = document.source.display
        self.problems: list[Problem] = []
        self.nodes: dict[str, tuple[str, Node]] = {}
        self.extra: dict[str, object] = {}
        owner = {key: field for field, keys in fields.items() for key in keys}
        for key, value in document.front.items:
            field = owner.get(key.value)
            if field is None:
                self.extra[key.value] = value.to_data()
                self._hint_unknown(key, owner)
            elif field in self.nodes:
                first = self.nodes[field][0]
                self.add(key, key.value, f"'{first}' already gives the {field}; use only one")
            else:
                self.nodes[field] = (key.value, value)

    def _hint_unknown(self, key: Node, owner: Mapping[str, str]) -> None:
        close = difflib.get_close_matches(key.value, list(owner), n=1, cutoff=0.8)
        if close:
            message = f"unknown field, kept as extra metadata; did you mean '{close[0]}'?"
            self.problems.append(
                Problem(self.path, key.line, key.col, key.value, message, fatal=False)
            )

    def add(self, node: Node, field: str, message: str, fatal: bool = True) -> None:
        self.problems.append(Problem(self.path, node.line, node.col, field, message, fatal))

    def string(self, field: str) -> str | None:
        if field not in self.nodes:
            return None
        key, node = self.nodes[field]
        if node.kind != SCALAR:
            self.add(node, key, f"expected a string, got {describe(node)}")
            return None
        return node.value.strip() or None

    def strings(self, field: str) -> list[tuple[str, Node]]:
        if field not in self.nodes:
            return []
        key, node = self.nodes[field]
        if node.is_empty:
            return []
        if node.kind != SEQUENCE:
            self.add(node, key, f"expected a list of strings, got {describe(node)}")
            return []
        values: list[tuple[str, Node]] = []
        seen: dict[str, int] = {}
        for item in node.items:
            value = item.value
            if item.kind != SCALAR or not value.strip():
                self.add(item, key, f"expected a list of strings, got {describe(item)} in it")
                continue
            text = " ".join(value.split()) if _UNTIDY.search(value) else value
            folded = term_key(text)
            if folded in seen:
                message = f"duplicate entry {text!r} (first at line {seen[folded]})"
                self.add(item, key, message, fatal=False)
                continue
            seen[folded] = item.line
            values.append((text, item))
        return values

    def tools(self) -> tuple[str, ...]:
        if "tools" not in self.nodes:
            return ()
        node = self.nodes["tools"][1]
        if node.kind == SCALAR:
            separator = "," if "," in node.value else None
            return tuple(t.strip() for t in _split_tools(node.value, separator) if t.strip())
        return tuple(text for text, _ in self.strings("tools"))


def _split_tools(text: str, separator: str | None) -> list[str]:
    """Split a tools string on commas, or on spaces outside parentheses."""
    if separator:
        return text.split(separator)
    return re.findall(r"(?:[^\s(]+(?:\([^)]*\))?)+", text)


def normalize(
    document: Document, fields: Mapping[str, Sequence[str]] = DEFAULT_FIELDS
) -> tuple[Entry | None, list[Problem]]:
    """Validate ``document`` and build its entry; None if a fatal problem keeps it out."""
    check = _Checker(document, fields)
    source = document.source

    name = check.string("name")
    if "name" not in check.nodes:
        stem = source.path.parent.name if source.kind == Kind.SKILL else source.path.stem
        suggestion = suggest_name(stem)
        hint = f"; add 'name: {suggestion}'" if suggestion else ""
        check.problems.append(Problem(check.path, 1, 1, "name", "required field is missing" + hint))
    elif name is None and check.nodes["name"][1].kind == SCALAR:
        check.add(check.nodes["name"][1], "name", "expected a name, got an empty value")
    elif name is not None:
        problem = name_problem(name)
        if problem:
            check.add(check.nodes["name"][1], "name", problem)

    complexity = check.string("complexity")
    if complexity is not None and complexity not in COMPLEXITIES:
        key, node = check.nodes["complexity"]
        message = f"expected one of {', '.join(COMPLEXITIES)}, got {complexity!r}"
        if complexity.lower() in COMPLEXITIES:
            message += f"; write '{complexity.lower()}'"
        check.add(node, key, message)

    values = {field: check.string(field) for field in _STRINGS}
    lists = {field: check.strings(field) for field in _LISTS}
    tools = check.tools()

    if any(p.fatal for p in check.problems) or name is None:
        return None, check.problems

    body = document.body
    description = values["description"] or ""
    examples = tuple(m.strip() for m in _EXAMPLE.findall(description))
    if examples:
        description = description[: description.lower().index("<example>")]
    description = " ".join(description.split())
    title = values["title"]
    heading = first_heading(body)
    body_line = document.body_line
    if title is None and heading is not None:
        index, title = heading
        lines = body.split("\n")
        if all(not line.strip() for line in lines[:index]):
            body = "\n".join(lines[index + 1 :])
            body_line += index + 1
    description_in_body = not description
    if description_in_body:
        description = first_paragraph(body)
    refs = {
        field: tuple(
            Reference(text, node.line, node.col, check.nodes[field][0])
            for text, node in lists[field]
        )
        for field in ("skills", "related")
    }
    entry = Entry(
        kind=source.kind,
        name=name,
        title=title or _title_from_name(name),
        description=description,
        path=source.display,
        raw=document.text,
        body_offset=len(document.text) - len(body),
        body_line=body_line,
        expertise=tuple(text for text, _ in lists["expertise"]),
        keywords=tuple(text for text, _ in lists["keywords"]),
        complexity=complexity,
        skills=refs["skills"],
        related=refs["related"],
        tools=tools,
        model=values["model"],
        collection=values["collection"] or source.collection,
        examples=examples,
        description_in_body=description_in_body,
        extra=check.extra,
    )
    return entry, check.problems
