"""Bound the work that rendering a body takes, before Python-Markdown sees it.

Python-Markdown recurses once per level of nested lists, quotes and admonitions (a
RecursionError aborts the whole build past a few hundred levels), and some of its scans
restart at every unclosed ``[``, link target ``(``, ``<tag``, fence or backslash run, which
makes its time grow with the square of such input. :func:`check` measures those shapes
in one linear pass over the body and reports each bound that is passed. Nesting deeper
than the bound is legitimate Markdown that every client reads: it is a warning, and
:func:`flatten` shows the lines past the bound at the deepest level allowed (their extra
markers as text), so the file is published. The other bounds are fatal problems, so the
file is left out of the site. Real persona files stay far below every
bound; the limits were found by timing Python-Markdown with the repository's
``mkdocs.yml`` extensions (see ``tests/test_linear.py``).

Fenced code blocks (closed ones) are left out of the measures: Python-Markdown stores
them away before it parses anything else.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Problem


@dataclass(frozen=True)
class Bounds:
    """The limits of :func:`check`."""

    depth: int = 12
    """Levels of nested lists, block quotes and indentation (admonitions, tabs, details)."""
    line: int = 10_000
    """Characters per line."""
    run: int = 64
    """A character among ``[ ] ( ) < \\ `` repeated in a row."""
    blank: int = 500
    """Spaces and tabs in a row inside a line (a heading's text is scanned once per space)."""
    emphasis: int = 32
    """``*`` and ``_`` opened and not yet closed in one paragraph."""
    fences: int = 300
    """Fenced code blocks in one file (Python-Markdown copies the text once per block)."""
    scan: int = 200_000
    """Characters Python-Markdown reads looking for the ends of brackets, link targets and
    tags, on top of the body's own length."""


DEFAULT = Bounds()

_FENCE = re.compile(r"([ \t]*)(`{3,}|~{3,})")
_CLOSE = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*\Z")
_RUN = re.compile(r"(?<![\[\]()<\\`])[\[\]()<\\`]{%d,}")
_BLANKS = re.compile(r"(?<=\S)[ \t]{%d,}")
_MARKER = re.compile(r"(?:>[ \t]?|[-*+](?:[ \t]|\Z)|\d{1,9}[.)](?:[ \t]|\Z))")
_STARTS = frozenset(" \t>-*+0123456789")
"""The characters a line nested in a list, quote or indented block can start with."""
_PAIRS = {
    ("[", "]"): re.compile(r"\\.|[\[\]]", re.DOTALL),
    ("(", ")"): re.compile(r"\\.|[()]", re.DOTALL),
}
_TAG = re.compile(r"<[A-Za-z/!?]")
_BACKTICKS = re.compile(r"(?<!`)`+")
_DELIMITERS = re.compile(r"\\.|[*_]+", re.DOTALL)


def _prose(lines: list[str]) -> tuple[list[str], list[int]]:
    """``lines`` with the lines of closed fenced code blocks blanked, and the indexes of
    the lines that open them.

    A fence closes at the next bare fence line of the same character and at least its
    length; an unclosed one is not code (its lines are measured like the others).
    """
    closing: list[int | None] = [None] * len(lines)
    after: dict[str, int] = {}
    for index in range(len(lines) - 1, -1, -1):
        closing[index] = after.get("`"), after.get("~")  # type: ignore[assignment]
        bare = _CLOSE.match(lines[index])
        if bare:
            after[bare.group(1)[0]] = index
    prose = list(lines)
    blocks: list[int] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening:
            mark = opening.group(2)
            end = closing[index][0 if mark[0] == "`" else 1]  # type: ignore[index]
            if end is not None and len(_CLOSE.match(lines[end]).group(1)) >= len(mark):
                for inner in range(index, end + 1):
                    prose[inner] = ""
                blocks.append(index)
                index = end + 1
                continue
        index += 1
    return prose, blocks


def _depth(line: str) -> tuple[int, int]:
    """Container depth of a line (quote and list markers, plus indentation in steps of
    four columns) and the column where its text starts."""
    if not line or line[0] not in _STARTS:
        return 0, 0
    depth = column = blank = position = 0
    while position < len(line):
        char = line[position]
        if char in " \t":
            width = 1 if char == " " else 4 - column % 4
            column += width
            blank += width
        else:
            marker = _MARKER.match(line, position)
            if not marker:
                break
            depth += 1
            column += marker.end() - position
            position = marker.end()
            continue
        position += 1
    return depth + blank // 4, position


def _same_run(text: str, limit: int) -> int | None:
    """Where ``text`` has one character more than ``limit`` times in a row, if anywhere."""
    start = 0
    for position in range(1, len(text) + 1):
        if position == len(text) or text[position] != text[start]:
            if position - start > limit:
                return start
            start = position
    return None


def _paragraphs(prose: list[str]) -> Iterator[tuple[int, str]]:
    """Runs of non-blank lines, as ``(index of the first line, text)``."""
    start = None
    for index, line in enumerate([*prose, ""]):
        if line.strip():
            if start is None:
                start = index
        elif start is not None:
            yield start, "\n".join(prose[start:index])
            start = None


def _pairs(text: str, opening: str, closing: str) -> tuple[list[int], dict[int, int]]:
    """Positions of ``opening`` characters (not escaped) and where each is closed."""
    openers: list[int] = []
    matched: dict[int, int] = {}
    stack: list[int] = []
    for found in _PAIRS[opening, closing].finditer(text):
        position, char = found.start(), found.group()
        if char == opening:
            openers.append(position)
            stack.append(position)
        elif char == closing and stack:
            matched[stack.pop()] = position
    return openers, matched


def _cut(line: str, limit: int) -> int | None:
    """Where the container prefix of ``line`` (as :func:`_depth` reads it) passes
    ``limit`` levels, or None if it never does."""
    depth = column = blank = position = 0
    while position < len(line):
        char = line[position]
        if char in " \t":
            width = 1 if char == " " else 4 - column % 4
            if depth + (blank + width) // 4 > limit:
                return position
            column += width
            blank += width
        else:
            marker = _MARKER.match(line, position)
            if not marker:
                return None
            if depth + 1 + blank // 4 > limit:
                return position
            depth += 1
            column += marker.end() - position
            position = marker.end()
            continue
        position += 1
    return None


_DEEP = r"^[ \t>*+0-9.)-]{%d,}"
"""A line whose leading run of spaces and markers is long enough to be too deep (every
level takes at least one character): only bodies holding one are looked at closely."""


_DEEP_LINE = r"\n[ \t>*+0-9.)-]{{{}}}"
""":data:`_DEEP` after a newline (found faster than a line start): with the text's own
first line behind a ``\n``, the lines that may be too deep."""


def flatten(body: str, bounds: Bounds = DEFAULT) -> str:
    """``body`` with every line nested deeper than ``bounds.depth`` shown at that depth:
    the rest of its prefix becomes text (a marker escaped, ``\\-``, ``\\>``, ``1\\.``),
    so Python-Markdown never recurses past the bound. Lines of closed fenced code blocks
    are kept as written. One linear pass; bodies within the bound come back unchanged."""
    if not re.search(_DEEP % (bounds.depth + 1), body, re.MULTILINE):
        return body
    lines = body.split("\n")
    prose, _ = _prose(lines)
    for index, line in enumerate(prose):
        cut = _cut(line, bounds.depth) if line else None
        if cut is None:
            continue
        rest = line[cut:].lstrip(" \t")
        marker = _MARKER.match(rest)
        if marker:
            digits = len(rest) - len(rest.lstrip("0123456789"))
            rest = rest[:digits] + "\\" + rest[digits:]
        lines[index] = line[:cut] + rest
    return "\n".join(lines)


class _Report:
    """Turns body offsets into file positions and collects one problem per bound."""

    def __init__(self, path: str, first_line: int) -> None:
        self.path = path
        self.first_line = first_line
        self.problems: dict[str, Problem] = {}

    def add(self, kind: str, index: int, col: int, message: str, fatal: bool = True) -> None:
        if kind not in self.problems:
            line = self.first_line + index
            self.problems[kind] = Problem(self.path, line, col + 1, "body", message, fatal)


def check(body: str, path: str, first_line: int = 1, bounds: Bounds = DEFAULT) -> list[Problem]:
    """Problems for the shapes of ``body`` that would make rendering it crash or take
    too long; ``first_line`` is the line of the file where the body starts. Nesting past
    the bound is a warning (pages show the body through :func:`flatten`); the others
    are fatal."""
    report = _Report(path, first_line)
    lines = body.split("\n")
    if "```" in body or "~~~" in body:
        prose, blocks = _prose(lines)
    else:  # no fence: every line is prose
        prose, blocks = lines, []
    if len(blocks) > bounds.fences:
        report.add(
            "fences",
            blocks[bounds.fences],
            0,
            f"{len(blocks)} fenced code blocks; at most {bounds.fences} fit in one file: "
            "merge small blocks or split the file",
        )
    run = re.compile(_RUN.pattern % (bounds.run + 1))
    blanks = re.compile(_BLANKS.pattern % bounds.blank)
    # The line bounds, looked for in the whole body first (a superset of the prose, whose
    # lines never join: none of the patterns matches a newline): only a body where one
    # may be passed is read line by line.
    if (
        max(map(len, lines)) > bounds.line
        or re.search(_DEEP_LINE.format(bounds.depth + 1), "\n" + body)
        or (sum(map(body.count, "[]()<\\`")) > bounds.run and run.search(body))
        or (("\t" in body or " " * bounds.blank in body) and blanks.search(body))
    ):
        _check_lines(report, prose, bounds, run, blanks)
    budget = bounds.scan + len(body)
    text = "\n".join(prose)
    most = (text.count("[") + text.count("](") + text.count("`")) * len(text)
    if most <= budget and not _scan_tags(_Report(path, first_line), text, [budget - most]):
        # No paragraph can spend the budget, nor the tags what paragraphs leave of it
        # (less is left only when a tag is reported): only emphasis may pass its bound,
        # in a paragraph holding more '*' and '_' than the bound.
        if _emphatic(text, bounds.emphasis):
            for start, paragraph in _paragraphs(prose):
                if paragraph.count("*") + paragraph.count("_") > bounds.emphasis:
                    _scan_paragraph(report, start, paragraph, bounds, [budget])
        return list(report.problems.values())
    left = [budget]
    for start, paragraph in _paragraphs(prose):
        _scan_paragraph(report, start, paragraph, bounds, left)
    _scan_tags(report, text, left)
    return list(report.problems.values())


def _emphatic(text: str, bound: int) -> bool:
    """Whether a paragraph of ``text`` may hold more than ``bound`` ``*`` and ``_``
    (counted in the runs between empty lines, which hold whole paragraphs)."""
    if text.count("*") + text.count("_") <= bound:
        return False
    return any(part.count("*") + part.count("_") > bound for part in text.split("\n\n"))


def _check_lines(
    report: _Report, prose: list[str], bounds: Bounds, run: re.Pattern, blanks: re.Pattern
) -> None:
    """Report the first line past each of the line bounds: length, depth, runs, blanks."""
    for index, line in enumerate(prose):
        if len(line) > bounds.line:
            report.add(
                "line",
                index,
                bounds.line,
                f"line of {len(line)} characters, longer than {bounds.line}; break it "
                "into shorter lines",
            )
        depth, _ = _depth(line)
        if depth > bounds.depth:
            report.add(
                "depth",
                index,
                0,
                f"lists, quotes or indented blocks nested {depth} levels deep, deeper than "
                f"{bounds.depth}: the file is kept, and lines nested deeper are shown at "
                f"level {bounds.depth} with their extra markers as text; flatten the list or "
                "remove indentation",
                fatal=False,
            )
        for found in run.finditer(line):
            same = _same_run(found.group(), bounds.run)
            if same is not None:
                report.add(
                    "run",
                    index,
                    found.start() + same,
                    f"more than {bounds.run} {found.group()[same]!r} in a row; write fewer, "
                    "or put the text in a fenced code block",
                )
                break
        found = blanks.search(line)
        if found:
            report.add(
                "blank",
                index,
                found.start(),
                f"more than {bounds.blank} spaces in a row inside a line; remove them",
            )


def _locate(text: str, offset: int) -> tuple[int, int]:
    """Line index and column of ``offset`` in ``text``, by counting newlines."""
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


def _scan_paragraph(
    report: _Report, start: int, text: str, bounds: Bounds, budget: list[int]
) -> None:
    """Charge the scans for the ends of ``[``, ``](`` and emphasis in one paragraph."""
    openers, matched = _pairs(text, "[", "]") if "[" in text else ((), {})
    for position in openers:
        end = matched.get(position)
        budget[0] -= (end if end is not None else len(text)) - position
        if budget[0] < 0:
            line, col = _locate(text, position)
            what = "has no matching ']'" if end is None else "holds too many nested brackets"
            report.add(
                "scan",
                start + line,
                col,
                f"'[' {what}, and this file has too many unclosed or nested brackets to "
                "render in time; write '\\[' for a literal bracket or close the link",
            )
            return
    parens, closed = _pairs(text, "(", ")") if "](" in text else ((), {})
    for position in parens:
        if position == 0 or text[position - 1] != "]":
            continue
        end = closed.get(position)
        budget[0] -= (end if end is not None else len(text)) - position
        if budget[0] < 0:
            line, col = _locate(text, position)
            report.add(
                "scan",
                start + line,
                col,
                "link target '(' without a closing ')', and this file has too many of "
                "them to render in time; close each link as [text](address)",
            )
            return
    runs = list(_BACKTICKS.finditer(text)) if "`" in text else []
    following: dict[int, int] = {}
    after: list[int | None] = [None] * len(runs)
    for number in range(len(runs) - 1, -1, -1):
        size = len(runs[number].group())
        after[number] = following.get(size)
        following[size] = number
    spans: list[tuple[int, int]] = []
    for number, run in enumerate(runs):
        close = after[number]
        budget[0] -= (runs[close].start() if close is not None else len(text)) - run.start()
        if budget[0] < 0:
            line, col = _locate(text, run.start())
            report.add(
                "scan",
                start + line,
                col,
                "'`' without a closing run of the same length, and this file has too many "
                "of them to render in time; close each code span or use a fenced block",
            )
            return
        if close is not None and (not spans or run.start() >= spans[-1][1]):
            spans.append((run.start(), runs[close].end()))
    if text.count("*") + text.count("_") <= bounds.emphasis:
        return  # the emphasis opened can never pass the bound
    starts = [span[0] for span in spans]
    depth = 0
    for found in _DELIMITERS.finditer(text):
        mark = found.group()
        inside = bisect_right(starts, found.start()) - 1
        if mark[0] == "\\" or (inside >= 0 and found.start() < spans[inside][1]):
            continue
        before = text[found.start() - 1] if found.start() else " "
        after = text[found.end()] if found.end() < len(text) else " "
        opens = not after.isspace() and (after.isalnum() or not before.isalnum())
        closes = not before.isspace() and (before.isalnum() or not after.isalnum())
        if closes and depth:
            depth = max(0, depth - len(mark))
        elif opens:
            depth += len(mark)
        if depth > bounds.emphasis:
            line, col = _locate(text, found.start())
            report.add(
                "emphasis",
                start + line,
                col,
                f"more than {bounds.emphasis} '*' or '_' opened and not closed in one "
                "paragraph; close the emphasis or write '\\*' for a literal star",
            )
            return


def _scan_tags(report: _Report, text: str, budget: list[int]) -> bool:
    """Charge the scans for the ends of HTML tags, comments and declarations: Python's
    HTML parser reads from each ``<`` to the ``>`` that closes it."""
    for found in _TAG.finditer(text):
        position = found.start()
        if text.startswith("<![CDATA[", position):
            end = text.find("]]>", position)
            weight = 8
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
            weight = 1
        else:
            end = text.find(">", position)
            weight = 1
        budget[0] -= weight * ((end if end >= 0 else len(text)) - position)
        if budget[0] < 0:
            line, col = _locate(text, position)
            report.add(
                "scan",
                line,
                col,
                "'<' starts an HTML tag that is not closed, and this file has too many of "
                "them to render in time; close the tag with '>' or write '&lt;'",
            )
            return True
    return False
