"""Check a document's front matter and normalize it into an :class:`~.model.Entry`.

Which front-matter keys feed which model field is configuration (:data:`DEFAULT_FIELDS`
covers the persona pack, Claude Code subagent and Agent Skills shapes). Every problem
of a file is reported, each at the position of the value it is about.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

from ..sources import bounds, runtimes
from ..sources.examples import split as split_examples
from ..sources.model import COMPLEXITIES, Entry, Kind, Problem, Reference, hidden
from ..sources.read import Document
from ..sources.strict_yaml import SCALAR, SEQUENCE, Node, describe
from ..sources.text import key as term_key

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
"""A name that is its own URL slug (and follows the Agent Skills spec)."""
MAX_NAME_LENGTH = 64
RESERVED_NAMES = frozenset(
    ["index", "con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)
"""Slugs whose URL clashes: ``personas/index.md`` would be the ``personas/`` folder's page
and ``skills/index.md`` is the skills catalogue; the others cannot be file or folder
names on Windows. Such a name gets the slug ``<name>-name`` (a warning says so)."""
COPILOT_SUFFIX = ".agent.md"
"""GitHub Copilot agent files: their ``name`` is a display name, their file name the identity."""
SPEC_NAME_RULE = (
    "the Agent Skills spec says a name 'must be 1-64 characters', 'may only contain "
    "lowercase alphanumeric characters and hyphens (a-z and -)', 'must not start or end "
    "with -' and 'must not contain consecutive hyphens (--)'"
)
SPEC_FOLDER_RULE = "the Agent Skills spec says the name 'must match the parent directory name'"
SPEC_LIMITS = {
    "description": ("Description", runtimes.SKILL_DESCRIPTION_MAX),
    "compatibility": ("Compatibility", runtimes.SKILL_COMPATIBILITY_MAX),
}
"""The Agent Skills spec's length limits on ``SKILL.md`` fields, in characters, with the
label the reference validators (skills-ref) name them by."""

_LISTS = ("expertise", "keywords", "skills", "related")
_STRINGS = ("title", "description", "model", "collection")
_H1 = re.compile(r"#[ \t]")
_FENCE = re.compile(r"[ \t]{0,3}(```|~~~)")
_UNTIDY = re.compile(r"^\s|\s\Z|\s\s|[\t\n\r\f\v]")
_INLINE = re.compile(r"!?\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)|[*_`]{1,3}")
"""A link or image (its text kept), or emphasis markers. Linear: a label stops at the next
bracket and a target at the next unbalanced parenthesis, so no scan reaches past another
failed start."""
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_WORDS = re.compile(r"[-_\s]+")


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


@lru_cache(maxsize=1 << 16)
def slug(text: str, limit: int = MAX_NAME_LENGTH) -> str:
    """The URL slug of a name: NFKC, lowercase, accents dropped, every run of other
    characters (``.``, ``_``, spaces, ...) one hyphen; a reserved name gets ``-name``.

    It depends on the text alone: ``"WinFormsExpert"`` -> ``"winformsexpert"``,
    ``"powershell-5.1-expert"`` -> ``"powershell-5-1-expert"``, and a valid name is its own
    slug. A name with no Latin letter or digit becomes a short hash of itself, and one
    longer than ``limit`` is cut and ends with such a hash.
    """
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    result = _NOT_SLUG.sub("-", folded.encode("ascii", "ignore").decode()).strip("-")
    if not result:
        return _short_hash(text)
    if len(result) > limit:
        result = result[: limit - 9].rstrip("-") + "-" + _short_hash(text)
    return result + "-name" if result in RESERVED_NAMES else result


def suggest_name(text: str) -> str:
    """The closest valid name: ``"Backend_Architect"`` -> ``"backend-architect"``."""
    return slug(text)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a name at all (empty, or holding hidden characters), or None."""
    if not name.strip():
        return "expected a name, got an empty value"
    marks = hidden(name)
    if marks:
        return (
            f"the name holds invisible or direction-changing characters "
            f"({', '.join(dict.fromkeys(marks))}), which can make it look like another "
            "name; remove them"
        )
    return None


def _name_warnings(written: str, name: str, kind: Kind, folder: str | None, fix: str) -> list[str]:
    """Why a usable name is not portable: not its own URL slug, or not what the Agent
    Skills spec allows (``folder`` is a skill's folder name; ``fix`` says how to mend)."""
    url = f"its URL uses '{name}' ({kind.value}s/{name}/)"
    messages = []
    if written != name:
        if name == written + "-name":
            messages.append(
                f"'{written}' would clash with a page or file name of the site, so "
                f"{url}; choose another name to avoid the suffix"
            )
        elif kind == Kind.SKILL:
            messages.append(f"{SPEC_NAME_RULE}; {url}; {fix}")
        else:
            messages.append(
                f"'{written}' is not a URL slug (lowercase letters, digits and hyphens); "
                f"{url}; {fix} to make them match"
            )
    if folder is not None and folder not in (written, name):
        messages.append(
            f"{SPEC_FOLDER_RULE} ('{folder}'); rename the folder or write 'name: {folder}'"
        )
    return messages


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


def _h1_text(line: str) -> str | None:
    """The text of an ATX H1 line (``# Title #``), without its closing hashes; linear."""
    if not _H1.match(line):
        return None
    text = line[2:].strip(" \t")
    bare = text.rstrip("#")
    if bare != text and bare and bare[-1] in " \t":
        text = bare.rstrip(" \t")
    return text or None


def first_heading(body: str) -> tuple[int, str] | None:
    """The body's first H1 as ``(line index, plain text)``."""
    previous = None
    for index, line in _outside_fences(body):
        text = _h1_text(line)
        if text is not None:
            return index, plain_text(text)
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
    """``"code-reviewer"`` -> ``"Code Reviewer"``; ``"WinFormsExpert"`` stays as written."""
    return " ".join(w[:1].upper() + w[1:] for w in _WORDS.split(name) if w) or name


def _unescape(text: str) -> str:
    """A single-line value's literal ``\\n`` as a line break, as Claude Code reads it.

    ``\\t`` and other escapes stay as written (Windows paths such as ``C:\\tools``
    would change meaning); a value that already spans lines is left alone.
    """
    return text.replace("\\n", "\n") if "\n" not in text else text


def _identity(check: _Checker) -> tuple[str | None, str | None]:
    """The entry's name as written (None if there is no usable one) and, for a GitHub
    Copilot ``*.agent.md`` file, its ``name`` as a display name; problems go to ``check``.

    A Copilot agent's identity is its file name (``foo.agent.md`` -> ``foo``). Any other
    file needs a ``name``; any non-empty one is accepted unless it holds hidden
    characters. Names that are not their own URL slug, and skill names that break the
    Agent Skills spec, are warnings.
    """
    source = check.document.source
    written = check.string("name")
    node = check.nodes["name"][1] if "name" in check.nodes else None
    display = None
    if source.path.name.endswith(COPILOT_SUFFIX):
        display, written = written, source.path.name[: -len(COPILOT_SUFFIX)]
        line, col, fix = 1, 1, f"rename the file to '{slug(written)}{COPILOT_SUFFIX}'"
    elif node is None:
        stem = source.path.parent.name if source.kind == Kind.SKILL else source.path.stem
        suggestion = slug(stem)
        hint = f"; add 'name: {suggestion}'" if suggestion else ""
        check.problems.append(Problem(check.path, 1, 1, "name", "required field is missing" + hint))
        return None, None
    elif written is None:
        if node.kind == SCALAR:
            check.add(node, "name", "expected a name, got an empty value")
        return None, None
    else:
        line, col, fix = node.line, node.col, f"write 'name: {slug(written)}'"
    problem = name_problem(written)
    if problem:
        check.problems.append(Problem(check.path, line, col, "name", problem, security=True))
        return None, display
    is_skill = source.kind == Kind.SKILL and source.path.name == "SKILL.md"
    folder = source.path.parent.name if is_skill else None
    for message in _name_warnings(written, slug(written), source.kind, folder, fix):
        check.problems.append(Problem(check.path, line, col, "name", message, fatal=False))
    return written, display


def _spec_checks(check: _Checker) -> None:
    """Warnings where the reference validators (skills-ref) reject a ``SKILL.md`` that we
    keep: a description over 1,024 characters or a compatibility over 500 (in their
    words; lengths of the value as YAML gives it, the larger of characters and the UTF-16
    units skills-ref counts), no description, a byte order mark before the front matter."""
    source = check.document.source
    if source.path.name != "SKILL.md":
        return
    if check.document.bom:
        check.problems.append(
            Problem(
                check.path,
                1,
                1,
                "front matter",
                "the file starts with a byte order mark (U+FEFF) before '---': skills-ref "
                "then finds no front matter ('SKILL.md must start with YAML frontmatter') "
                "and rejects the skill; it is kept here; save the file as UTF-8 without a BOM",
                fatal=False,
            )
        )
    node = check.document.front.get("description")
    if node is None or (node.kind == SCALAR and not node.value.strip()):
        where = (node.line, node.col) if node is not None else (1, 1)
        check.problems.append(
            Problem(
                check.path,
                *where,
                "description",
                "the Agent Skills spec requires a description (what the skill does and when "
                "to use it) and skills-ref rejects the skill without one; it is kept, with "
                "its first paragraph as description; add 'description: ...'",
                fatal=False,
            )
        )
    for key, (label, limit) in SPEC_LIMITS.items():
        node = check.document.front.get(key)
        if node is None or node.kind != SCALAR:
            continue
        count = max(len(node.value), len(node.value.encode("utf-16-le")) // 2)
        if count > limit:
            message = (
                f"{label} exceeds {limit} character limit ({count} chars): the Agent Skills "
                f"spec allows at most {limit:,} characters and skills-ref rejects the skill; "
                f"the skill is kept, shorten the {key} to {limit:,} characters or fewer"
            )
            check.add(node, key, message, fatal=False)


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
        if node.kind == SCALAR and field in _LISTS:
            items = [node._replace(value=v) for v in node.value.split(",") if v.strip()]
            if not items:
                self.add(node, key, "expected a list of strings, got an empty string")
                return []
            listed = ", ".join(item.value.strip() for item in items[:3])
            more = ", ..." if len(items) > 3 else ""
            message = (
                f"written as one string, read as a list of {len(items)} (split at commas); "
                f"write a YAML list to be explicit: {key}: [{listed}{more}]"
            )
            self.add(node, key, message, fatal=False)
        elif node.kind != SEQUENCE:
            self.add(node, key, f"expected a list of strings, got {describe(node)}")
            return []
        else:
            items = list(node.items)
        values: list[tuple[str, Node]] = []
        seen: dict[str, int] = {}
        for item in items:
            value = item.value
            if item.kind != SCALAR or not value.strip():
                self.add(item, key, f"expected a list of strings, got {describe(item)} in it")
                continue
            tidy = " ".join(value.split())
            # A value its tidy form leaves as it is (the usual case) needs no closer look.
            text = value if tidy == value or not _UNTIDY.search(value) else tidy
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


MAX_KEYWORDS = 30
"""Declared keywords that count (the matcher, the keyword pages): the first this many."""
MAX_KEYWORD_LENGTH = 60
"""Characters a declared keyword may have to count."""


def _counted_keywords(check: _Checker, items: list[tuple[str, Node]]) -> list[tuple[str, Node]]:
    """The declared keywords that count: each of at most :data:`MAX_KEYWORD_LENGTH`
    characters, the first :data:`MAX_KEYWORDS` of them; a warning names each one left out,
    so that a long list cannot buy a persona the first place for every task."""
    if not items:
        return items
    key = check.nodes["keywords"][0]
    kept = []
    for text, node in items:
        if len(text) > MAX_KEYWORD_LENGTH:
            shown = text[:40] + "..."
            message = (
                f"keyword {shown!r} has {len(text)} characters, more than the limit of "
                f"{MAX_KEYWORD_LENGTH}: it is left out of the matcher and the keyword pages "
                "(the file is kept); shorten it to the words a task would use"
            )
            check.add(node, key, message, fatal=False)
        else:
            kept.append((text, node))
    if len(kept) > MAX_KEYWORDS:
        rest = kept[MAX_KEYWORDS:]
        listed = ", ".join(repr(t) for t, _ in rest[:3]) + (", ..." if len(rest) > 3 else "")
        message = (
            f"{len(kept)} keywords declared, more than the limit of {MAX_KEYWORDS}: only the "
            f"first {MAX_KEYWORDS} count; the other {len(rest)} ({listed}) are left out of "
            "the matcher and the keyword pages (the file is kept); keep the keywords that "
            "say what this persona is for"
        )
        check.add(rest[0][1], key, message, fatal=False)
        kept = kept[:MAX_KEYWORDS]
    return kept


_TOOL = re.compile(r"[^\s(]+(?:\([^()]*\)[^\s(]*)*")
"""A tool: a word with optional ``(arguments)``; the arguments stop at the next parenthesis."""


def _split_tools(text: str, separator: str | None) -> list[str]:
    """Split a tools string on commas, or on spaces outside parentheses."""
    if separator:
        return text.split(separator)
    return _TOOL.findall(text)


PAGE_ONLY: Mapping[str, object] = {
    "description": "",
    "raw": "",
    "body_offset": 0,
    "expertise": (),
    "keywords": (),
    "tools": (),
    "examples": (),
    "model": None,
    "complexity": None,
}
"""Fields only pages show, left out of what a check (``pages=False``) reads (and the extra
fields, left empty)."""


def normalize(
    document: Document,
    fields: Mapping[str, Sequence[str]] = DEFAULT_FIELDS,
    *,
    pages: bool = True,
) -> tuple[Entry | None, list[Problem]]:
    """Validate ``document`` and build its entry; None if a fatal problem keeps it out.

    ``pages=False`` (a check, which reports problems and publishes nothing) leaves out
    what only pages show (:data:`PAGE_ONLY`, the text and the extra fields): less to
    compute and to ship from the workers; no problem comes of them.
    """
    check = _Checker(document, fields)
    source = document.source

    written, display = _identity(check)

    complexity = check.string("complexity")
    if complexity is not None and complexity not in COMPLEXITIES:
        key, node = check.nodes["complexity"]
        message = f"expected one of {', '.join(COMPLEXITIES)}, got {complexity!r}"
        if complexity.lower() in COMPLEXITIES:
            message += f"; write '{complexity.lower()}'"
        check.add(node, key, message)

    values = {field: check.string(field) for field in _STRINGS}
    if source.kind == Kind.SKILL:
        _spec_checks(check)
    lists = {field: check.strings(field) for field in _LISTS}
    lists["keywords"] = _counted_keywords(check, lists["keywords"])
    tools = check.tools()
    check.problems.extend(bounds.check(document.body, check.path, document.body_line))

    if any(p.fatal for p in check.problems) or written is None:
        return None, check.problems

    name = slug(written)
    body = document.body
    description, examples = "", ()
    if pages:
        description, examples = split_examples(_unescape(values["description"] or ""))
        description = " ".join(description.split())
    title = " ".join(_unescape(values["title"] or display or "").split()) or None
    body_line = document.body_line
    heading = first_heading(body) if title is None else None
    if heading is not None:
        index, title = heading
        lines = body.split("\n")
        if all(not line.strip() for line in lines[:index]):
            body = "\n".join(lines[index + 1 :])
            body_line += index + 1
    description_in_body = not description
    if description_in_body and pages:
        description = first_paragraph(body)
    refs = {
        field: tuple(
            Reference(text, node.line, node.col, check.nodes[field][0])
            for text, node in lists[field]
        )
        for field in ("skills", "related")
    }
    if not pages:
        return Entry(
            kind=source.kind,
            name=name,
            path=source.display,
            title=title or "",
            body_line=body_line,
            skills=refs["skills"],
            related=refs["related"],
            collection=values["collection"] or source.collection,
            written_name=written if written != name else "",
            extra={},  # a dict of its own: PAGE_ONLY's values are shared
            **PAGE_ONLY,
        ), check.problems
    entry = Entry(
        kind=source.kind,
        name=name,
        title=title or _title_from_name(written),
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
        written_name=written if written != name else "",
    )
    return entry, check.problems
