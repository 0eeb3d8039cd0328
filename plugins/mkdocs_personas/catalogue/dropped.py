"""What the page drops: text and attribute values a source holds that readers of its page
never see, found as a diff.

Markdown passes HTML through as written, so a body with its code blanked out is the HTML
the sanitizer gets; it is sanitized as the site does it (the site's extra allowed tags
and attributes included, remote images kept as images). Then what the source says (every
word of its text, and of its tags: attribute names and values, end-tag junk, processing
instructions) is compared, in order, with what survives sanitizing and is visible. A word
that does not survive was removed (``<style>``, ``<script>``, a processing instruction,
``data-*`` and unknown attributes, attributes of unknown elements...); one that survives
but cannot be read is hidden (a ``title`` shown on hover only, a zero-size image's
``alt``, a link without text, text nested in so many ``<sup>`` that it is too small to
read). What Markdown syntax itself hides is found from the source: reference definitions
no link uses (the renderer drops them), link titles (hover only), links without text;
attribute lists go through the same diff. Each run of such words is a warning that writes
the text out; one that reads like an instruction to an agent is a security finding, like
hidden characters.

Ordinary link targets and image sources the page uses survive, so they are never
reported. Comments are left to :mod:`hidden` (they are reported there). Linear in the
size of the body, and no Markdown render: one sanitize, two scans of the HTML and an
alignment that looks a bounded distance ahead; a body with no markup, definition, empty
link, attribute list or link title outside code is skipped at once (:func:`may_drop`).
Plain Python, no MkDocs.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from html.parser import HTMLParser

from ..sources.model import Problem
from .hidden import _quote

DROPPED = "hidden markup"
"""How the message of every finding of this module starts."""


TINY_DEPTH = 3
"""``<sup>``, ``<sub>`` and ``<small>`` nested deeper than this are too small to read
(each level shrinks the text by about a quarter: 4 levels give a third of its size)."""

WINDOW = 64
"""How far ahead the alignment looks for a word that moved (nh3 may move text out of
misnested tables); words further away count as removed."""

CHECK = 3
"""Words after a moved word that must follow it in what survives too."""

MAX_FINDINGS = 50

_WORD = re.compile(r"\w+")
_MAY_DROP = re.compile(r"<|\]:|\[\s*\]\(|\{|\]\([^()\n\[\]\"']*[\"']")
"""What a body needs before the renderer or the sanitizer can drop anything from it:
markup, a reference definition, an empty link, an attribute list, a link title."""

_INLINE_CODE = re.compile(r"`[^`\n]+`")


def may_drop(body: str) -> bool:
    """Whether the renderer or the sanitizer can drop anything from ``body``: markup, a
    reference definition, an empty link, an attribute list or a link title outside
    code. A fast test that may say yes for nothing, never no for something."""
    if not _MAY_DROP.search(body):
        return False
    prose = _INLINE_CODE.sub("", _blank(body, _fences(body)))
    return _MAY_DROP.search(prose) is not None


_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|instructions?|prompt|system|you\s+(?:are|must|"
    r"should|will)|always|never|do\s+not|don'?t|execute|run|curl|wget|send|upload|exfiltrat\w*|"
    r"password|secrets?|tokens?|credentials?|api\s+keys?)\b",
    re.IGNORECASE,
)
"""Words of an instruction to an agent: removed text holding them is a security finding."""

_REASONS = {
    None: "removed from the page by the renderer or the sanitizer",
    "hover": "shown only on hover (a title)",
    "tiny": "shown at a size no one can read (nested <sup>, <sub> or <small>)",
    "zero": "in an image of zero size",
    "empty": "in a link without text",
}


_Token = tuple[str, int, int, "str | None"]
"""A word: its kind (``t`` text, ``a`` a tag's attributes, ``m`` other markup, never
kept) and the word itself as one key (``"tword"``), where its text, attribute or markup
starts and ends in the HTML, and, on the sanitized side, why it cannot be read (see
:data:`_REASONS`) or None."""


def _zero(value: str | None) -> bool:
    digits = re.match(r"\s*(\d+)", value or "")
    return digits is not None and int(digits.group(1)) <= 1


_ATTRIBUTE = re.compile(r"""[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")


class _Words(HTMLParser):
    """The words of an HTML text, in order, each with its kind, its span and, for the
    sanitized side (``visible``), why it cannot be read."""

    def __init__(self, html: str, visible: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.visible = visible
        self.tokens: list[_Token] = []
        """Words of attributes and other markup."""
        self.texts: list[tuple[int, str, str | None]] = []
        """Text: where it starts, the text, why it cannot be read (or None)."""
        self._lines = [0, *(m.end() for m in re.finditer("\n", html))]
        self._small = 0
        self._links: list[list[_Token] | None] = []
        """Attribute words of the open links, held until the link shows some text."""
        self.feed(html)
        self.close()
        for pending in self._links:
            self._flush(pending, "empty")

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    def _add(self, kind: str, text: str, start: int, reason: str | None, span: int = 0) -> None:
        """The words of ``text`` found at ``start``: each with its own span, or all with
        the span ``start + span`` when given (markup whose words are not where they seem)."""
        for match in _WORD.finditer(text):
            if span:
                first, last = start, start + span
            else:
                first, last = start + match.start(), start + match.end()
            token = (kind + match.group().casefold(), first, last, reason)
            if kind == "a" and self._links and self._links[-1] is not None:
                self._links[-1].append(token)
            else:
                self.tokens.append(token)

    def _shown(self) -> None:
        """Some text is visible: the open links are not empty."""
        for index, pending in enumerate(self._links):
            if pending is not None:
                self._flush(pending, None)
                self._links[index] = None

    def _flush(self, pending: list[_Token] | None, reason: str | None) -> None:
        for token in pending or ():
            self.tokens.append((token[0], token[1], token[2], token[3] or reason))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        values = dict(attrs)
        zero = tag == "img" and (_zero(values.get("width")) or _zero(values.get("height")))
        if tag == "a" and self.visible:
            self._links.append([])
        spans = _ATTRIBUTE.finditer(text, len(tag) + 1)
        for name, value in attrs:
            at = next(spans, None)
            first, width = (start + at.start(), len(at.group())) if at else (start, len(text))
            reason = "zero" if zero else "hover" if name == "title" else None
            reason = reason if self.visible else None
            self._add("a", f"{name} {value or ''}", first, reason, width)
        if tag == "img" and not zero and self.visible:
            self._shown()
        if tag in ("sup", "sub", "small"):
            self._small += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("sup", "sub", "small"):
            self._small -= 1

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        close = self.rawdata.find(">", start)
        text = self.rawdata[start : close + 1 if close >= 0 else len(self.rawdata)]
        parts = text[2:].rstrip(">").split(None, 1)
        if len(parts) > 1:
            self._add("m", parts[1], start, None, len(text))
        if tag in ("sup", "sub", "small") and self._small:
            self._small -= 1
        if tag == "a" and self._links:
            self._flush(self._links.pop(), "empty")

    def handle_data(self, data: str) -> None:
        if not data.strip():
            return
        reason = "tiny" if self.visible and self._small > TINY_DEPTH else None
        if self.visible and reason is None and self._links and _WORD.search(data):
            self._shown()
        self.texts.append((self._offset(), data, reason))

    def text_words(self) -> list[_Token]:
        """The words of the text, each with its span."""
        return [
            ("t" + m.group().casefold(), start + m.start(), start + m.end(), reason)
            for start, data, reason in self.texts
            for m in _WORD.finditer(data)
        ]

    def same_text(self, other: _Words) -> bool:
        """Whether this text and ``other``'s are the same words, all readable (one
        comparison of word lists, for the common case where nothing was removed)."""
        if any(reason for _, _, reason in other.texts):
            return False
        mine = _WORD.findall(" ".join(data for _, data, _ in self.texts).casefold())
        theirs = _WORD.findall(" ".join(data for _, data, _ in other.texts).casefold())
        return mine == theirs

    def handle_pi(self, data: str) -> None:
        self._add("m", data, self._offset(), None, len(data) + 3)

    def handle_decl(self, decl: str) -> None:
        self._add("m", decl, self._offset(), None, len(decl) + 3)

    def unknown_decl(self, data: str) -> None:
        self._add("m", data, self._offset(), None, len(data) + 4)


def _align(source: list[_Token], kept: list[_Token]) -> list[tuple[_Token, str | None]]:
    """Each source word that is removed (reason None) or hidden (its reason).

    What survives sanitizing is the source minus what was removed, in the same order, so
    a source word is kept when it is the next kept word. A word the sanitizer moved (text
    out of a misnested table) is kept too when it and the :data:`CHECK` words after it
    are found a little further on (within :data:`WINDOW` words).
    """
    where: dict[tuple[str, str], list[int]] = {}
    for index, token in enumerate(kept):
        where.setdefault(token[0], []).append(index)
    lost: list[tuple[_Token, str | None]] = []
    position = 0
    for index, token in enumerate(source):
        key = token[0]
        match = None
        if position < len(kept) and kept[position][0] == key:
            match = position
        else:
            places = where.get(key, ())
            found = bisect.bisect_left(places, position)
            for place in places[found : found + 4]:
                if place >= position + WINDOW:
                    break
                if _same_run(source, index + 1, kept, place + 1):
                    match = place
                    break
        if match is None:
            lost.append((token, None))
            continue
        position = match + 1
        if kept[match][3] is not None:
            lost.append((token, kept[match][3]))
    return lost


def _same_run(source: list[_Token], at: int, kept: list[_Token], there: int) -> bool:
    """Whether the next :data:`CHECK` words of ``source`` from ``at`` are the words of
    ``kept`` from ``there`` (or both end): a moved word, not a repeated one."""
    ahead = source[at : at + CHECK]
    return [t[0] for t in ahead] == [t[0] for t in kept[there : there + len(ahead)]]


def _runs(html: str, lost: list[tuple[_Token, str | None]]) -> list[tuple[int, int, str | None]]:
    """Lost words grouped into ``(start, end, reason)`` spans of the source HTML: words
    of one reason with no other word between them."""
    runs: list[tuple[int, int, str | None]] = []
    for token, reason in lost:
        previous = runs[-1] if runs else None
        if (
            previous is not None
            and previous[2] == reason
            and token[1] <= previous[1] + 200
            and not _WORD.search(html, previous[1], max(previous[1], token[1]))
        ):
            start, end, _ = runs[-1]
            runs[-1] = (start, max(end, token[2]), reason)
        else:
            runs.append((token[1], token[2], reason))
    return runs


def _position(body: str, offset: int, first_line: int) -> tuple[int, int]:
    line = body.count("\n", 0, offset)
    return first_line + line, offset - (body.rfind("\n", 0, offset) + 1) + 1


def _problem(path: str, line: int, col: int, what: str, text: str) -> Problem:
    security = bool(_INSTRUCTION.search(text))
    message = (
        f"{DROPPED}: text {what}, invisible on the page but kept in the raw file that readers "
        f"copy: {_quote(text)}; make it visible text or remove it"
    )
    if security:
        message += " (it reads like an instruction to an agent)"
    return Problem(path, line, col, "body", message, False, security)


_FENCE_LINE = re.compile(r"^[ \t]*(`{3,}|~{3,})([^\n]*)$", re.MULTILINE)


def _fences(body: str) -> list[tuple[int, int]]:
    """Fenced code blocks, at any indentation (in a list item it is code too, with
    superfences): each fence line opens a block or closes the open one (same character,
    at least as long, nothing after it); an unclosed block runs to the end. One pass."""
    spans: list[tuple[int, int]] = []
    opened: re.Match[str] | None = None
    for line in _FENCE_LINE.finditer(body):
        marker, rest = line.groups()
        if opened is None:
            if not (marker[0] == "`" and "`" in rest):
                opened = line
        elif (
            marker[0] == opened.group(1)[0]
            and len(marker) >= len(opened.group(1))
            and not rest.strip()
        ):
            spans.append((opened.start(), line.end()))
            opened = None
    if opened is not None:
        spans.append((opened.start(), len(body)))
    return spans


_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>")
_LINK = re.compile(
    r"(!?)\[([^\[\]\n]*)\]\([ \t]*(<[^<>\n]*>|[^)\s\[\]]*)"
    r"(?:[ \t]+(\"[^\"\n\[\]]*\"|'[^'\n\[\]]*'|\([^()\n\[\]]*\)))?[ \t]*\)"
)
"""An inline link or image: ``[text](url "title")`` (no brackets inside its parts, so
that every attempt stops at the next bracket: linear)."""
_DEFINITION = re.compile(
    r"^ {0,3}\[([^\]\n]+)\]:[ \t]*(<[^>\n]*>|\S+)"
    r"(?:[ \t]+(\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$",
    re.MULTILINE,
)
"""A reference definition: ``[label]: url "title"``."""
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_LABEL = re.compile(r"\[([^\[\]\n]+)\]")
_ATTRIBUTE_LIST = re.compile(r"\{:?[ \t]*([^{}\n=]*=[^{}\n]*)\}")
"""An attribute list with at least one ``key=value`` (``{: data-note="..." }``)."""


MAX_UNCLOSED = 16
"""Tag starts with no ``>`` before the next ``<`` past which the body's bounds are checked
first (the HTML parser reads to the end of the text for each)."""
_TAG_START = re.compile(r"<[A-Za-z/!?]")


def _unclosed_tags(body: str) -> int:
    """How many tag starts have no ``>`` before the next ``<`` (one pass)."""
    count = 0
    for match in _TAG_START.finditer(body):
        close = body.find(">", match.end())
        following = body.find("<", match.end())
        if close < 0:
            return MAX_UNCLOSED + 1  # every later tag start is unclosed too
        if 0 <= following < close:
            count += 1
            if count > MAX_UNCLOSED:
                break
    return count


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the ``spans`` replaced by spaces (line breaks kept, so offsets stay)."""
    if not spans:
        return text
    pieces, position = [], 0
    for start, end in sorted(spans):
        if end <= position:
            continue
        start = max(start, position)
        pieces.append(text[position:start])
        pieces.append(re.sub(r"[^\n]", " ", text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _prose(body: str) -> str:
    """``body`` with code blanked out: fenced and indented code blocks, inline code."""
    from .hidden import _code_spans
    from .hidden import _prose as prose_lines

    text = _blank(body, _fences(body))
    spans = []
    tick = text.find("`")
    while tick >= 0:  # each line holding a backtick, once
        start = text.rfind("\n", 0, tick) + 1
        end = text.find("\n", tick)
        end = len(text) if end < 0 else end
        spans += [(start + a, start + b) for a, b in _code_spans(text[start:end])]
        tick = text.find("`", end)
    text = _blank(text, spans)
    if re.search(r"(?m)^(?: {4}|\t)", text):
        lines, offset, spans = text.split("\n"), 0, []
        for line, prose in zip(lines, prose_lines(lines), strict=True):
            if not prose:
                spans.append((offset, offset + len(line)))
            offset += len(line) + 1
        text = _blank(text, spans)
    return text


def _diff(html: str, policy: object) -> list[tuple[int, int, str | None]]:
    """Spans of ``html`` whose words do not survive sanitizing, or survive unreadable,
    with the reason (None: removed)."""
    from .sanitize import sanitize

    source, kept = _Words(html, visible=False), _Words(sanitize(html, policy), visible=True)
    lost = _align(source.tokens, kept.tokens)
    if not source.same_text(kept):
        lost += _align(source.text_words(), kept.text_words())
        lost.sort(key=lambda pair: pair[0][1])
    return _runs(html, lost)


def dropped(
    body: str,
    path: str,
    first_line: int = 1,
    allowed: tuple[Sequence[str], Mapping[str, Sequence[str]]] = ((), {}),
) -> list[Problem]:
    """Findings for what the page of ``body`` (a Markdown body starting at ``first_line``
    of ``path``) drops or cannot show, with the text written out (the first
    :data:`MAX_FINDINGS`). ``allowed`` holds the extra tags and attributes the site's
    sanitizer keeps (options ``allow_tags``, ``allow_attributes``).

    Markdown passes HTML through as written, so the body itself, with its code blanked
    out, is the HTML that the sanitizer gets: the diff runs on it directly, at the body's
    own offsets. What Markdown syntax itself hides is added: link titles (hover only),
    links without text, reference definitions no link uses (and the titles of those used),
    and attribute lists (whose attributes go through the same diff).
    """
    if not may_drop(body):
        return []
    from ..sources import bounds
    from .sanitize import Policy

    if _unclosed_tags(body) > MAX_UNCLOSED and bounds.check(body, path, first_line):
        return []  # the page shows a notice instead of the body (reported as an error)

    policy = replace(Policy().extended(*allowed), remote_images=True)
    prose = _prose(body)
    found: list[tuple[int, int, str]] = []
    hide: list[tuple[int, int]] = []

    definitions = list(_DEFINITION.finditer(prose))
    hide += [m.span() for m in definitions]
    for match in _LINK.finditer(prose):
        hide.append((match.start(3), match.end(3)))
        image, _, url, title = match.groups()
        text = body[match.start(2) : match.end(2)]  # inline code is text too
        if title:
            hide.append((match.start(4), match.end(4)))
        if title and _WORD.search(title):
            found.append((match.start(4), match.end(4), _REASONS["hover"]))
        if not image and not _WORD.search(text) and _WORD.search(url):
            found.append((match.start(), match.end(), _REASONS["empty"]))
    hide += [m.span() for m in _AUTOLINK.finditer(prose)]
    hide += [m.span() for m in _COMMENT.finditer(prose)]  # reported by hidden.comments
    if definitions:
        labels = {
            m.group(1).strip().casefold()
            for m in _LABEL.finditer(_blank(prose, [m.span() for m in definitions]))
        }
        for match in definitions:
            label, url, title = match.groups()
            if url in ("#", "<>"):
                continue  # a comment, reported by hidden.comments
            if label.strip().casefold() not in labels:
                what = "in a reference definition that no link uses (the renderer drops it)"
                found.append((match.start(), match.end(), what))
            elif title and _WORD.search(title):
                found.append((match.start(3), match.end(3), _REASONS["hover"]))
    for match in _ATTRIBUTE_LIST.finditer(prose):
        hide.append(match.span())
        snippet = "<span " + match.group(1) + ">"
        shift = match.start(1) - len("<span ")
        for start, end, reason in _diff(snippet, policy):
            found.append((start + shift, end + shift, _REASONS[reason]))
    html = _blank(prose, hide)
    if "<" in html:
        found += [(a, b, _REASONS[r]) for a, b, r in _diff(html, policy)]
    problems = []
    for start, end, what in sorted(found)[:MAX_FINDINGS]:
        line, col = _position(body, start, first_line)
        problems.append(_problem(path, line, col, what, body[start:end]))
    return problems


MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})


def front_matter(data: bytes) -> tuple[str, int] | None:
    """The front matter of a bundled Markdown file as written (between its ``---``
    lines) and the line its body starts on, or None: what its page shows above the body."""
    text = _text(data)
    if text is None or not text.startswith("---"):
        return None
    from ..sources.read import split_front_matter

    parts = split_front_matter(text, "")
    if isinstance(parts, Problem):
        return None
    return parts[0], parts[2]


def _text(data: bytes) -> str | None:
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def scan_bundled(display: str, data: bytes) -> list[Problem]:
    """Hidden content of a file bundled with a skill (``display`` is its path as messages
    show it): hidden characters in every text file (UTF-8 without NUL bytes, whatever its
    name: the zip carries scripts and templates too); in Markdown, also the front matter
    (read by agents that load the file; the page shows it folded above the body), comments and what
    the page drops (:func:`dropped`). Files that are not UTF-8 text are left to the
    page's own warning."""
    suffix = "." + display.rsplit(".", 1)[-1].lower() if "." in display else ""
    text = _text(data)
    if text is None or "\x00" in text:
        return []  # not text (an image, an archive)
    from .hidden import _may_hide, _quote, comments, hidden_characters

    problems: list[Problem] = []
    markdown = suffix in MARKDOWN_SUFFIXES
    front = front_matter(data) if markdown else None
    body_line = front[1] if front else 1
    if _may_hide(text):
        fields = [(1, "front matter"), (body_line, "body")] if front else [(1, "body")]
        problems += hidden_characters(text, display, fields)
    if markdown:
        body = text.split("\n", body_line - 1)[-1] if body_line > 1 else text
        if front:
            message = (
                f"{DROPPED}: front matter (lines 1-{body_line - 1}), read by agents that load "
                f"the file and shown folded above its page's body, not in it: {_quote(front[0])}; "
                "make sure it says nothing the page's readers should see at once"
            )
            problems.append(Problem(display, 1, 1, "front matter", message, False))
        problems += comments(body, display, body_line)
        problems += dropped(body, display, body_line)
    return sorted(problems, key=lambda p: (p.line, p.col))
