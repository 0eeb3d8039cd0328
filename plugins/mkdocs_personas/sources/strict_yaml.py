"""Front matter as data: a strict YAML reader that keeps every scalar as written.

It reads libyaml's event stream (PyYAML's own parser where libyaml is missing) and
builds the tree itself, iteratively: no PyYAML constructor ever runs, so no tag can
create an object, and nesting is bounded by us, not by the C stack. Anchors, aliases,
tags, merge keys, duplicate keys and non-string keys are reported with their position.
Front matter in the plainest shape (printable ASCII ``key: value`` lines and lists of
such values, :func:`_simple`) is read line by line to the same tree, without a parser.

Front matter that YAML refuses only because a single-line top-level value holds ``: ``
or `` #`` (``description: Beast Mode 2.0: A powerful ...``) is read once more with those
values quoted, as Claude Code's loader does; each such value gets a warning.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import yaml

try:  # libyaml's event parser alone: no constructor or resolver is ever set up
    from yaml.cyaml import CParser as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

SCALAR, SEQUENCE, MAPPING = "scalar", "sequence", "mapping"


class Node(NamedTuple):
    """A YAML value with its 1-based position in the file."""

    kind: str
    line: int
    col: int
    value: str = ""
    """The exact text of a scalar (``NO``, ``1.10`` and ``2001-02-03`` stay strings)."""
    plain: bool = True
    """Whether a scalar was written without quotes (an empty plain scalar means "no value")."""
    items: tuple = ()
    """A sequence's nodes, or a mapping's ``(key, value)`` node pairs."""

    @property
    def is_empty(self) -> bool:
        """True for a plain scalar with no text, as in ``key:`` with nothing after it."""
        return self.kind == SCALAR and self.plain and self.value == ""

    def get(self, key: str) -> Node | None:
        """The value of ``key`` in a mapping, or None."""
        for k, v in self.items:
            if k.value == key:
                return v
        return None

    def to_data(self) -> object:
        """Plain Python data: strings, lists and dicts."""
        if self.kind == SCALAR:
            return self.value
        if self.kind == SEQUENCE:
            return [item.to_data() for item in self.items]
        return {k.value: v.to_data() for k, v in self.items}


def describe(node: Node) -> str:
    """What a node is, for messages: "a string", "a list", "a mapping", "an empty value"."""
    if node.is_empty:
        return "an empty value"
    return {SCALAR: "a string", SEQUENCE: "a list", MAPPING: "a mapping"}[node.kind]


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem in the YAML text; ``field`` is the top-level key it belongs to."""

    line: int
    col: int
    field: str
    message: str
    fatal: bool = False
    """The parse stopped here: there is no tree."""
    warning: bool = False
    """The value was recovered and the file can be kept; every other issue is an error."""


class _Frame:
    __slots__ = ("col", "items", "key", "keys", "kind", "line", "skip")

    def __init__(self, kind: str, line: int, col: int, skip: bool) -> None:
        self.kind, self.line, self.col, self.skip = kind, line, col, skip
        self.items: list = []
        self.key: Node | None = None
        self.keys: dict[str, int] = {}


_SKIP = Node(SCALAR, 0, 0, "\0skip")
_ScalarEvent = yaml.ScalarEvent
_new = tuple.__new__
"""Builds a :class:`Node` from all six fields without the keyword-handling constructor."""
_PASS = (yaml.StreamStartEvent, yaml.DocumentEndEvent)
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_BRACKETS = re.compile(r"[\[\]{}]")


_INDENT = re.compile(r"^ *", re.MULTILINE)
_COMPACT = re.compile(r"^ *((?:[-?] +){2,})", re.MULTILINE)


def prescan_depth(text: str, limit: int) -> tuple[int, int] | None:
    """Find where the text may nest deeper than ``limit``, without parsing it.

    A cheap over-estimate from indentation, compact ``- `` entries and brackets, so that
    a deeply nested document is refused before any YAML parser sees it. Nesting can be
    no deeper than the distinct indentations, plus the longest run of compact entries,
    plus the brackets; only when that sum passes the limit are lines looked at one by one.
    """
    columns = len(set(map(len, _INDENT.findall(text))))
    compact = max((m.count("-") + m.count("?") for m in _COMPACT.findall(text)), default=1)
    if columns + compact + text.count("[") + text.count("{") <= limit:
        return None
    return _scan_depth(text, limit)


def _scan_depth(text: str, limit: int) -> tuple[int, int] | None:
    indents: list[int] = []
    flow = 0
    for number, line in enumerate(text.split("\n"), 1):
        content = line.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        if flow == 0:
            col = len(line) - len(content)
            while indents and indents[-1] >= col:
                indents.pop()
            indents.append(col)
            while content[:2] in ("- ", "? ") or content in ("-", "?"):
                col += 2
                content = content[2:].lstrip(" ")
                indents.append(col)
        if flow or "[" in line or "{" in line:
            for bracket in _BRACKETS.finditer(line):
                if bracket.group() in "[{":
                    flow += 1
                    if flow + len(indents) > limit:
                        return number, bracket.start() + 1
                elif flow:
                    flow -= 1
        if len(indents) + flow > limit:
            return number, len(line) - len(content) + 1
    return None


def _tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


_MERGE = (
    "merge keys (<<) are not allowed: other YAML loaders would merge hidden values; "
    "write the fields out"
)


def _locator(text: str, first_line: int) -> Callable[[yaml.Mark], tuple[int, int]] | None:
    """The 1-based file ``(line, column)`` of a parser mark, counting only ``\\n`` as a line end.

    libyaml also ends lines at U+0085, U+2028 and U+2029, which editors and readers do
    not; only a text holding one of them is counted again, from the mark's character
    index. None when the parser's own count is right.
    """
    if "\x85" not in text and "\u2028" not in text and "\u2029" not in text:
        return None
    starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def locate(mark: yaml.Mark) -> tuple[int, int]:
        line = bisect_right(starts, mark.index) - 1
        return line + first_line, mark.index - starts[line] + 1

    return locate


def parse(
    text: str, first_line: int = 1, max_depth: int = 16, recover: bool = True
) -> tuple[Node | None, list[Issue]]:
    """Parse one YAML document into a tree of :class:`Node`.

    ``first_line`` is the file line the text starts on. Returns the root node (None if
    the text holds no document or a fatal problem stopped the parse) and every issue.
    Invalid YAML is read once more with unquoted single-line top-level values that hold
    ``: `` or `` #`` (or are a bare ``*``) read as text; if that parses, those values get
    warnings, otherwise the first error stands. ``recover=False`` reads the text as
    written only (:mod:`runtimes` applies another tool's own retry instead).
    """
    root, issues, invalid = _parse(text, first_line, max_depth)
    if invalid and recover:
        recovered = _recover(text, first_line, max_depth)
        if recovered is not None:
            return recovered
    return root, issues


_NOT_SIMPLE = re.compile(r"[^\x20-\x7e\n]")
_SIMPLE_PLAIN = r"[A-Za-z0-9_./(](?:[A-Za-z0-9 _./()+,'=-]*[A-Za-z0-9_./()+,'=-])?"
_SIMPLE_VALUE = rf"\"[^\"\\]*\"|'[^']*'|{_SIMPLE_PLAIN}"
_SIMPLE_FIELD = re.compile(rf"([A-Za-z_][A-Za-z0-9_-]{{0,127}}):(?:( +)({_SIMPLE_VALUE}))?\Z")
_SIMPLE_ITEM = re.compile(rf"( *)- ({_SIMPLE_VALUE})\Z")


def _simple_scalar(value: str, line: int, col: int) -> Node:
    if value[0] in "\"'":
        return _new(Node, (SCALAR, line, col, value[1:-1], False, ()))
    return _new(Node, (SCALAR, line, col, value, True, ()))


def _simple(text: str, first_line: int) -> Node | None:
    """The tree of front matter in the plainest shape, read without a parser, or None.

    Printable ASCII only, and line by line nothing but ``key: value`` at the left margin
    (each key once) or ``key:`` followed by ``- value`` lines at one indentation; a value
    is a double-quoted string without a backslash, a single-quoted one without a quote
    inside, or a plain one of letters, digits, spaces and ``_./()+,'=-`` (no ``:`` or
    ``#``, not starting with ``-``). Nothing in that shape can be an anchor, alias, tag,
    merge key, second document or hidden character; libyaml reads it to exactly this
    tree (positions included), and everything else goes to libyaml.
    """
    if _NOT_SIMPLE.search(text):
        return None
    lines = text.split("\n")
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        return None
    items: list[tuple[Node, Node]] = []
    keys: set[str] = set()
    index, count = 0, len(lines)
    while index < count:
        field = _SIMPLE_FIELD.match(lines[index])
        if field is None or field.group(1) in keys:
            return None
        keys.add(field.group(1))
        line = first_line + index
        key = _new(Node, (SCALAR, line, 1, field.group(1), True, ()))
        index += 1
        if field.group(3) is not None:
            items.append((key, _simple_scalar(field.group(3), line, field.start(3) + 1)))
            continue
        indent, entries = "", []
        while index < count:
            item = _SIMPLE_ITEM.match(lines[index])
            if item is None or (entries and item.group(1) != indent):
                break
            indent = item.group(1)
            entries.append(_simple_scalar(item.group(2), first_line + index, item.start(2) + 1))
            index += 1
        if not entries:  # an empty value: libyaml places it at the next token
            return None
        sequence = (SEQUENCE, entries[0].line, len(indent) + 1, "", True, tuple(entries))
        items.append((key, _new(Node, sequence)))
    return _new(Node, (MAPPING, first_line, 1, "", True, tuple(items)))


def _parse(text: str, first_line: int, max_depth: int) -> tuple[Node | None, list[Issue], bool]:
    """:func:`parse` without recovery; the flag tells whether the YAML syntax was invalid."""
    if max_depth >= 2:
        simple = _simple(text, first_line)
        if simple is not None:
            return simple, [], False
    issues: list[Issue] = []
    deep = prescan_depth(text, max_depth)
    if deep:
        line, col = deep
        message = f"nesting deeper than {max_depth} levels is not allowed"
        return None, [Issue(line + first_line - 1, col, "front matter", message, fatal=True)], False

    stack: list[_Frame] = []
    root: Node | None = None
    documents = 0
    aliases: dict[str, list[int]] = {}

    def field() -> str:
        if stack and stack[0].kind == MAPPING and stack[0].key is not None:
            return stack[0].key.value
        return "front matter"

    exact = _locator(text, first_line)

    def locate(mark: yaml.Mark) -> tuple[int, int]:
        return exact(mark) if exact else (mark.line + first_line, mark.column + 1)

    def report(event: yaml.Event, message: str, fatal: bool = False) -> None:
        line, col = locate(event.start_mark)
        issues.append(Issue(line, col, field(), message, fatal))

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        frame = stack[-1]
        if frame.kind == SEQUENCE:
            if node is not _SKIP:
                frame.items.append(node)
            return
        if frame.key is None:
            frame.key = node
            if node is _SKIP:
                return
            if node.plain and node.value == "<<":
                issues.append(
                    Issue(node.line, node.col, field() if len(stack) > 1 else "<<", _MERGE)
                )
                frame.key = _SKIP
                return
            first = frame.keys.get(node.value)
            if first is not None:
                message = f"duplicate key '{node.value}' (first at line {first})"
                issues.append(Issue(node.line, node.col, node.value or field(), message))
                frame.key = _SKIP
            else:
                frame.keys[node.value] = node.line
            return
        if frame.key is not _SKIP and node is not _SKIP:
            frame.items.append((frame.key, node))
        frame.key = None

    loader = _Loader(text)
    get_event = loader.get_event
    try:
        while True:
            event = get_event()
            cls = event.__class__
            if cls is _ScalarEvent and event.anchor is None and event.tag is None:
                value = event.value
                if value:  # the common case, inline: a plain or quoted string, no tag
                    mark = event.start_mark
                    if exact:
                        line, col = exact(mark)
                    else:
                        line, col = mark.line + first_line, mark.column + 1
                    node = _new(Node, (SCALAR, line, col, value, not event.style, ()))
                    if not stack:
                        root = node
                        continue
                    frame = stack[-1]
                    if frame.kind is SEQUENCE:
                        frame.items.append(node)
                    elif frame.key is not None:
                        if frame.key is not _SKIP:
                            frame.items.append((frame.key, node))
                        frame.key = None
                    elif value in frame.keys or (value == "<<" and not event.style):
                        attach(node)  # a duplicate or merge key: reported there
                    else:
                        frame.key = node
                        frame.keys[value] = line
                    continue
            if cls is yaml.StreamEndEvent:
                break
            if cls in _PASS:
                continue
            if cls in _ENDS:
                frame = stack.pop()
                items = tuple(frame.items)
                node = _new(Node, (frame.kind, frame.line, frame.col, "", True, items))
                attach(_SKIP if frame.skip else node)
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    report(event, "expected a single YAML document, found several", fatal=True)
                    return None, issues, False
                continue
            is_key = bool(stack) and stack[-1].kind == MAPPING and stack[-1].key is None
            if isinstance(event, yaml.AliasEvent):
                if event.anchor not in aliases:
                    report(event, f"aliases are not allowed (found *{event.anchor})")
                    aliases[event.anchor] = [len(issues) - 1, 1]
                else:
                    index, uses = aliases[event.anchor]
                    aliases[event.anchor][1] = uses = uses + 1
                    first = issues[index]
                    message = f"aliases are not allowed (found *{event.anchor}, {uses} uses)"
                    issues[index] = Issue(first.line, first.col, first.field, message)
                attach(_SKIP)
                continue
            bad = False
            if event.anchor is not None:
                report(event, f"anchors are not allowed (found &{event.anchor})")
                bad = True
            if event.tag is not None and not (
                isinstance(event, yaml.ScalarEvent) and event.tag == "!" and not event.style
            ):
                report(event, f"tags are not allowed (found {_tag(event.tag)})")
                bad = True
            line, col = locate(event.start_mark)
            if isinstance(event, yaml.ScalarEvent):
                if is_key and event.style in (None, "") and event.value == "":
                    report(event, "expected a string key, found an empty key")
                    bad = True
                plain = event.style in (None, "")
                attach(_SKIP if bad else Node(SCALAR, line, col, event.value, plain))
                continue
            kind = SEQUENCE if isinstance(event, yaml.SequenceStartEvent) else MAPPING
            if is_key:
                report(
                    event, f"expected a string key, found a {'list' if kind == SEQUENCE else kind}"
                )
                bad = True
            if len(stack) >= max_depth:
                report(event, f"nesting deeper than {max_depth} levels is not allowed", fatal=True)
                return None, issues, False
            stack.append(_Frame(kind, line, col, bad))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = "invalid YAML: " + " ".join(
            part for part in (error.problem, error.context and f"({error.context})") if part
        )
        # A token the scanner began (a quote, a key, a block scalar) and could not finish
        # is named where it starts: that is the line to fix, not where the scanner gave up.
        start, context = error.context_mark, error.context or ""
        at_end = mark is not None and mark.index >= len(text.rstrip())
        unclosed = context.startswith("while parsing a flow") and at_end
        if start and (context.startswith("while scanning") or unclosed) and mark is not start:
            found_line = locate(mark)[0] if mark else None
            mark = start
            what = (
                "the quote opened here is not closed"
                if "quoted" in context
                else "the bracket opened here is not closed"
                if unclosed
                else "it starts here"
            )
            if found_line is not None and found_line != locate(start)[0]:
                message += f"; {what} (the YAML reader stopped at line {found_line})"
        line, col = locate(mark) if mark else (first_line, 1)
        issues.append(Issue(line, col, field(), message, fatal=True))
        return None, issues, True
    except yaml.reader.ReaderError as error:
        before = text[: error.position]
        line = before.count("\n") + first_line
        col = error.position - (before.rfind("\n") + 1) + 1
        char = error.character if isinstance(error.character, int) else ord(error.character)
        message = f"invalid YAML: control character U+{char:04X} is not allowed"
        issues.append(Issue(line, col, field(), message, fatal=True))
        return None, issues, False
    finally:
        loader.dispose()
    return root, issues, False


_SEPARATOR = re.compile(r":[ \t]")
_MISREAD = re.compile(r":(?:[ \t]|\Z)|[ \t]#")
_NOT_KEY = frozenset(" \t#'\"&*!|>%@`[]{},?:-")
_NOT_VALUE = frozenset("!&*|>'\"[{-?%@`#")


def _misread(line: str) -> tuple[int, str, str, str] | None:
    """For a top-level ``key: value`` line whose unquoted value YAML misreads:
    where the value starts, the key, the value and the warning; otherwise None."""
    if not line or line[0] in _NOT_KEY:
        return None
    separator = _SEPARATOR.search(line)
    if separator is None:
        return None
    key = line[: separator.start()].rstrip(" \t")
    rest = line[separator.end() :].lstrip(" \t")
    value = rest.rstrip(" \t")
    if key == "<<" or "#" in key or not value:
        return None
    start = len(line) - len(rest)
    if value == "*":
        message = (
            "the value * is what YAML reads as an alias with no name; it was read as the "
            f"text '*', as Claude Code does. Quote it ({key}: '*') so that every tool reads "
            "it the same"
        )
        return start, key, value, message
    found = _MISREAD.search(value)
    if value[0] in _NOT_VALUE or found is None:
        return None
    if found.group().startswith(":"):
        why = "ends with ':'" if found.end() == len(value) else "holds ': '"
        why += ", which YAML reads as a new key"
    else:
        why = "holds ' #', which YAML reads as the start of a comment"
    message = (
        f"the value {why}; it was read as plain text, as Claude Code does. Quote it ('...') "
        f"or write it as a block ({key}: >-) so that every tool reads it the same"
    )
    return start, key, value, message


def _recover(text: str, first_line: int, max_depth: int) -> tuple[Node, list[Issue]] | None:
    """Read invalid YAML once more with misread single-line top-level values quoted.

    A value qualifies when its key starts a line, it is not continued on the next
    non-empty line (a multi-line value or a block), and it holds ``: `` or `` #`` (or is
    a bare ``*``). Quoting keeps every line and column. The result is used only if it
    parses and each quoted value comes back as exactly the text on its line.
    """
    lines = text.split("\n")
    continued = [False] * len(lines)  # the next non-empty line is indented: it continues
    indented = False
    for index in range(len(lines) - 1, -1, -1):
        continued[index] = indented
        if lines[index].strip(" \t"):
            indented = lines[index].startswith((" ", "\t"))
    fixes: list[tuple[int, int, str, str, str]] = []
    for index, line in enumerate(lines):
        found = None if continued[index] else _misread(line)
        if found is None:
            continue
        start, key, value, message = found
        lines[index] = line[:start] + "'" + value.replace("'", "''") + "'"
        fixes.append((index + first_line, start + 1, key, value, message))
    if not fixes:
        return None
    root, issues, _ = _parse("\n".join(lines), first_line, max_depth)
    if root is None or root.kind != MAPPING:
        return None
    values = {key.line: (key.value, value) for key, value in root.items}
    replaced: dict[tuple[int, str], Node] = {}
    for line, col, key, value, message in fixes:
        written, node = values.get(line, (None, None))
        if node is None and any(issue.line == line for issue in issues):
            continue
        if written != key or node is None or (node.kind, node.value) != (SCALAR, value):
            return None
        if (node.line, node.col) != (line, col):
            return None
        replaced[line, key] = node._replace(plain=True)
        issues.append(Issue(line, col, key, message, warning=True))
    items = tuple((k, replaced.get((k.line, k.value), v)) for k, v in root.items)
    return root._replace(items=items), sorted(issues, key=lambda issue: (issue.line, issue.col))
