"""Hidden content: text that readers of a page cannot see, but that an agent given the raw
file ("Copy raw file", "Download") reads.

Invisible, bidirectional-control, Unicode tag and control characters, and names or
titles written with look-alike letters of another script, are *security* findings: the
file is kept, but ``personas validate`` fails and the page shows a notice. HTML comments
and reference-definition comments (``[//]: # (...)``) outside code are plain warnings:
real collections use them innocently, but they are just as invisible on the page.

Every finding's message is what the page notice shows: it writes the hidden text out,
invisible characters as ``<U+202E>``. All scans are linear in the size of the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence

from ..sources.model import Problem
from ..sources.read import Document
from ..sources.strict_yaml import MAPPING, SCALAR, SEQUENCE, Node

_CLASSES = {
    "bidi": "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069",
    "tag": "\U000e0000-\U000e007f",
    "invisible": (
        "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d\u2060-\u2065"
        "\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0100-\U000e01ef"
    ),
    "control": "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029",
}
"""Hidden characters by class. Tab and newline are the only control characters allowed
(the reader has already turned ``\\r\\n`` and ``\\r`` into ``\\n``)."""

_RUN = re.compile("|".join(f"(?P<{name}>[{chars}]+)" for name, chars in _CLASSES.items()))
_ANY = re.compile("[" + "".join(_CLASSES.values()) + "]")

MAX_FINDINGS = 50
"""Findings of one kind reported per file; one more line says that more follow."""

COMMENT = "hidden comment"
"""How the message of every comment warning starts."""

_CONTEXT = 16
_QUOTE = 200


def write_out(text: str) -> str:
    """``text`` with every hidden character written as ``<U+XXXX>``."""
    return _ANY.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def _quote(text: str, limit: int = _QUOTE) -> str:
    """Text on one line, cut at ``limit`` characters, hidden characters written out."""
    flat = " ".join(text[: limit * 4].split())
    if len(flat) > limit:
        flat = flat[:limit].rstrip() + "…"
    return '"' + write_out(flat) + '"'


def is_finding(problem: Problem) -> bool:
    """Whether ``problem`` is about hidden content (a security finding or a comment)."""
    return problem.security or problem.message.startswith((COMMENT, "hidden markup"))


# --- hidden characters -------------------------------------------------------------------


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"


def _may_hide(text: str) -> bool:
    """Whether ``text`` may hold hidden characters: for ASCII text (most files), a
    deletion of every printable byte, many times faster than a regex search."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _PRINTABLE_ASCII))
    return _ANY.search(text) is not None


def _runs(text: str) -> Iterator[re.Match[str]]:
    """Runs of hidden characters of one class, in order."""
    found = _ANY.search(text)
    while found:
        run = _RUN.match(text, found.start())
        assert run is not None
        yield run
        found = _ANY.search(text, run.end())


def _innocent(text: str, start: int, end: int) -> bool:
    """Hidden characters that only join what is visible: a ZWJ inside an emoji sequence,
    a ZWNJ between letters of a script that needs it (Persian, Indic), the tag characters
    of a subdivision flag emoji (🏴 followed by a few tags and U+E007F)."""
    if start == 0:
        return False
    before, char = text[start - 1], text[start]
    if before == "\U0001f3f4" and char == "\U000e0067":
        return end - start <= 7 and text[end - 1] == "\U000e007f"
    if end - start != 1 or end >= len(text):
        return False
    after = text[end]
    if char == "\u200d":
        return unicodedata.category(after) == "So" and (
            unicodedata.category(before) in ("So", "Sk") or before == "\ufe0f"
        )
    if char == "\u200c":
        return all(ord(c) > 0x7F and unicodedata.category(c)[0] in "LM" for c in (before, after))
    return False


def _describe_run(run: str) -> str:
    """A run of hidden characters written out, cut after eight."""
    return write_out(run[:8]) + ("…" if len(run) > 8 else "")


def _describe(kind: str, run: str) -> str:
    """What a run of hidden characters of one class is, written out, and what it does."""
    count = len(run)
    plural = "s" * (count != 1)
    shown = _describe_run(run)
    if kind == "tag":
        decoded = "".join(chr(ord(c) - 0xE0000) for c in run if 0xE0020 <= ord(c) <= 0xE007E)
        return (
            f"{count} invisible Unicode tag character{plural} {shown} spelling out "
            f"{_quote(decoded)}"
        )
    return {
        "bidi": f"bidirectional control character{plural} {shown} (changes the order in "
        "which the text is shown)",
        "invisible": f"invisible character{plural} {shown}",
        "control": f"control character{plural} {shown}",
    }[kind]


def _field_at(front: Node | None, body_line: int) -> Iterator[tuple[int, str]]:
    """``(first line, field)`` spans of the file: front-matter keys, then the body."""
    yield 1, "front matter"
    if front is not None and front.kind == MAPPING:
        for key, _ in sorted(front.items, key=lambda pair: pair[0].line):
            yield key.line, key.value
    yield body_line, "body"


def hidden_characters(
    text: str, path: str, fields: Sequence[tuple[int, str]] = ((1, "body"),)
) -> list[Problem]:
    """Security findings for runs of hidden characters in ``text``, at their line:col
    (the first :data:`MAX_FINDINGS`, then one line saying that more follow).

    ``fields`` gives, sorted by line, the field that starts at each line (for messages).
    """
    problems: list[Problem] = []
    line, line_start, last = 1, 0, 0
    field_index = 0
    for match in _runs(text):
        start, end = match.span()
        if _innocent(text, start, end):
            continue
        newlines = text.count("\n", last, start)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", last, start) + 1
        last = start
        while field_index + 1 < len(fields) and fields[field_index + 1][0] <= line:
            field_index += 1
        col, field = start - line_start + 1, fields[field_index][1]
        if len(problems) == MAX_FINDINGS:
            message = (
                "hidden text: more hidden characters from here on "
                f"(only the first {MAX_FINDINGS} are listed)"
            )
            problems.append(Problem(path, line, col, field, message, False, True))
            break
        before = text[max(line_start, start - _CONTEXT) : start]
        after = text[end : end + _CONTEXT].split("\n", 1)[0]
        context = write_out(before) + _describe_run(match.group()) + write_out(after)
        remove = "it" if end - start == 1 else "them"
        what = _describe(match.lastgroup or "control", match.group())
        message = f'hidden text: {what} in "{context}"; remove {remove}'
        problems.append(Problem(path, line, col, field, message, False, True))
    return problems


def _scalars(node: Node) -> Iterator[Node]:
    """Every scalar (keys included) of ``node``, without recursion."""
    pending = [node]
    while pending:
        current = pending.pop()
        if current.kind == SCALAR:
            yield current
        elif current.kind == SEQUENCE:
            pending.extend(reversed(current.items))
        else:
            for key, value in reversed(current.items):
                pending.extend((value, key))


def escaped_characters(front: Node, path: str, literal: set[str]) -> list[Problem]:
    """Findings for hidden characters that front matter writes as escapes (``"\\u202e"``):
    they are on no line of the raw file, but in the values the page shows. One finding
    per top-level field, at the first value holding them."""
    problems: list[Problem] = []
    for key, value in front.items if front.kind == MAPPING else ():
        for node in _scalars(Node(SEQUENCE, key.line, key.col, items=(key, value))):
            match = next(
                (
                    m
                    for m in _runs(node.value)
                    if not literal.issuperset(m.group())
                    and not _innocent(node.value, m.start(), m.end())
                ),
                None,
            )
            if match is None:
                continue
            start, end = match.span()
            context = write_out(node.value[max(0, start - _CONTEXT) : end + _CONTEXT])
            message = (
                f"hidden text: {_describe(match.lastgroup or 'control', match.group())}, "
                f'written as an escape in a quoted value: "{" ".join(context.split())}"; '
                "remove the escape"
            )
            problems.append(Problem(path, node.line, node.col, key.value, message, False, True))
            break
        if len(problems) >= MAX_FINDINGS:
            break
    return problems


# --- look-alike letters --------------------------------------------------------------------

_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")
_STYLED = ("FULLWIDTH", "MATHEMATICAL")
_LOOKS_LIKE = dict(
    zip(
        "аеорсухіјѕһԁԛԝӏАВЕКМНОРСТХІЈЅУΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοικνρτυχ",
        "aeopcyxijshdqwlABEKMHOPCTXIJSYABEZHIKMNOPTYXaoikvptux",
        strict=True,
    )
)
"""Cyrillic and Greek letters that look like Latin ones."""

_WORD = re.compile(r"[^\W\d_]+")


def _script(char: str) -> str | None:
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0]
    if first in _STYLED:
        return f"styled ({first.lower()})"
    return first.capitalize() if first in _SCRIPTS else None


def lookalike(value: str) -> str | None:
    """Why ``value`` reads as something it is not, or None: a word mixing letters of
    Latin with Cyrillic, Greek or other look-alike scripts, or, in Latin text, a word
    written entirely in Cyrillic or Greek letters that look Latin."""
    if value.isascii():
        return None
    latin_elsewhere = False
    suspect: str | None = None
    for match in _WORD.finditer(value):
        word = match.group()
        scripts = {_script(c) for c in word} - {None}
        if "Latin" in scripts:
            latin_elsewhere = True
        if len(scripts) > 1:
            odd = next(c for c in word if _script(c) not in (None, "Latin"))
            names = " and ".join(sorted(s for s in scripts if s))
            hint = f", which looks like Latin {_LOOKS_LIKE[odd]!r}" if odd in _LOOKS_LIKE else ""
            return (
                f"the word {_quote(word)} mixes {names} letters "
                f"({odd!r} is {unicodedata.name(odd, '?')}{hint})"
            )
        if (
            suspect is None
            and scripts & {"Cyrillic", "Greek"}
            and all(c in _LOOKS_LIKE for c in word)
        ):
            latin = "".join(_LOOKS_LIKE[c] for c in word)
            suspect = (
                f"the word {_quote(word)} is written in {', '.join(sorted(scripts))} letters "
                f"that look like the Latin {latin!r}"
            )
    return suspect if latin_elsewhere else None


def lookalike_problem(path: str, field: str, value: str, line: int, col: int) -> Problem | None:
    """A security finding when the ``field`` value at ``line:col`` uses look-alike letters."""
    reason = lookalike(value)
    if reason is None:
        return None
    message = (
        f"look-alike letters: {reason}, so it can pass for another {field}; write it in one script"
    )
    return Problem(path, line, col, field, message, False, True)


# --- comments -----------------------------------------------------------------------------

_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|\Z)")
_REFERENCE_COMMENT = re.compile(r" {0,3}\[[^\]\n]{0,999}\]:[ \t]*(?:#|<>)(?:[ \t]|\Z)")
_REFERENCE_ANYWHERE = re.compile(r"\]:[ \t]*(?:#|<>)")
_TICKS = re.compile(r"`+")


def _code_spans(line: str) -> list[tuple[int, int]]:
    """Inline code spans of one line, as ``(start, end)``: a backtick run up to the next
    run of the same length (linear: each run is looked at once)."""
    spans, opened = [], None
    for run in _TICKS.finditer(line):
        if opened is None:
            opened = run
        elif len(run.group()) == len(opened.group()):
            spans.append((opened.start(), run.end()))
            opened = None
    return spans


def _comment_start(line: str, start: int) -> int:
    """Where the first ``<!--`` at or after ``start`` outside inline code is, or -1."""
    spans = _code_spans(line) if "`" in line else []
    position = line.find("<!--", start)
    while position >= 0:
        inside = next((end for s, end in spans if s <= position < end), None)
        if inside is None:
            return position
        position = line.find("<!--", inside)
    return -1


def _prose(lines: Sequence[str]) -> Iterator[bool]:
    """For each line, whether it is outside fenced and indented code blocks (an indented
    line after a blank line is code, unless a list is going on)."""
    fence: str | None = None
    blank_before, in_list = True, False
    for line in lines:
        if not line or line.isspace():
            blank_before = True
            yield fence is None
            continue
        opened = _FENCE.match(line) if line[0] in " \t`~" else None
        if fence is not None:
            marker = opened.group(1) if opened else ""
            closes = marker[:1] == fence[0] and len(marker) >= len(fence)
            if closes and not line[opened.end() :].strip():
                fence = None
            yield False
        elif opened and not (opened.group(1)[0] == "`" and "`" in line[opened.end() :]):
            fence = opened.group(1)
            yield False
        else:
            indented = line.startswith(("    ", "\t"))
            if _LIST_ITEM.match(line):
                in_list = True
            elif not indented:
                in_list = False
            code = indented and blank_before and not in_list
            blank_before = blank_before and code
            yield not code


def comments(body: str, path: str, first_line: int = 1) -> list[Problem]:
    """Warnings for HTML comments and ``[//]: # (...)`` comments outside code blocks
    (the first :data:`MAX_FINDINGS`)."""
    problems: list[Problem] = []
    if "<!--" not in body and not ("]:" in body and _REFERENCE_ANYWHERE.search(body)):
        return problems
    lines = body.split("\n")
    prose = _prose(lines)
    index, column, offset = 0, 0, 0
    while index < len(lines) and len(problems) < MAX_FINDINGS:
        line = lines[index]
        if column == 0 and (not next(prose) or ("<!--" not in line and "]:" not in line)):
            index, offset = index + 1, offset + len(line) + 1
            continue
        if column == 0 and _REFERENCE_COMMENT.match(line):
            message = (
                f"{COMMENT}: a reference-definition comment, invisible on the page but kept "
                f"in the raw file that readers copy: {_quote(line.strip())}; make it visible "
                "text or remove it"
            )
            col = len(line) - len(line.lstrip()) + 1
            problems.append(Problem(path, first_line + index, col, "body", message, False))
            index, offset = index + 1, offset + len(line) + 1
            continue
        start = _comment_start(line, column)
        if start < 0:
            index, column, offset = index + 1, 0, offset + len(line) + 1
            continue
        close = body.find("-->", offset + start + 4)
        end = len(body) if close < 0 else close + 3
        what = (
            "that is never closed hides the rest of the file on the page"
            if close < 0
            else "is invisible on the page"
        )
        message = (
            f"{COMMENT}: an HTML comment {what}, but is kept in the raw file that readers "
            f"copy: {_quote(body[offset + start : end])}; make it visible text or remove it"
        )
        problems.append(Problem(path, first_line + index, start + 1, "body", message, False))
        if close < 0:
            break
        while offset + len(lines[index]) < end:
            offset += len(lines[index]) + 1
            index += 1
            next(prose)
        column = end - offset
    return problems


# --- one document ------------------------------------------------------------------------


def scan(
    document: Document, fields: Mapping[str, Sequence[str]], title: str | None = None
) -> list[Problem]:
    """Every hidden-content finding of ``document``, sorted by position.

    ``title`` is the entry's title, checked for look-alike letters at its heading when the
    front matter gives none.
    """
    path, front, text = document.source.display, document.front, document.text
    problems = []
    if _may_hide(text):
        spans = list(_field_at(front, document.body_line))
        problems += hidden_characters(text, path, spans)
    front_text = text[: len(text) - len(document.body)]
    if "\\" in front_text:
        problems += escaped_characters(front, path, set(_ANY.findall(front_text)))
    problems += comments(document.body, path, document.body_line)
    front_title = None
    for field in ("name", "title"):
        for key in fields.get(field, (field,)):
            node = front.get(key) if front is not None and front.kind == MAPPING else None
            if node is not None and node.kind == SCALAR:
                if field == "title":
                    front_title = node
                found = lookalike_problem(path, key, node.value, node.line, node.col)
                if found:
                    problems.append(found)
                break
    if front_title is None and title and lookalike(title):
        problems += _heading_lookalike(document, path, title)
    return sorted(problems, key=lambda p: (p.line, p.col, p.message))


def _heading_lookalike(document: Document, path: str, title: str) -> list[Problem]:
    """The look-alike finding of a title taken from the body's first heading."""
    from .validate import first_heading

    heading = first_heading(document.body)
    line, col = document.body_line, 1
    if heading is not None:
        index = heading[0]
        line += index
        text = document.body.split("\n", index + 1)[index]
        col = len(text) - len(text.lstrip("# \t")) + 1
    found = lookalike_problem(path, "title", title, line, col)
    return [found] if found else []
