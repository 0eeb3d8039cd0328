"""Readable descriptions: ``<example>`` dialogues lifted out of a subagent's description.

Claude Code subagent descriptions often carry usage examples written as pseudo-markup::

    Use this agent when ... Examples:\\n\\n<example>\\nContext: ...\\nuser: "..."\\n
    assistant: "..."\\n<commentary>...</commentary>\\n</example>

:func:`split` turns that into the prose before the examples and structured
:class:`Example` records (a context, dialogue turns, a commentary). It only scans with
``str.find`` and line-anchored patterns, so the work is linear in the text, and missing
closing tags end a block at the next opening tag or at the end of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROLES = ("context", "user", "assistant")
_AT_LINE_START = re.compile(r"^[ \t]*(context|user|assistant)[ \t]*:[ \t]*", re.I | re.M)
_INLINE = re.compile(r"(?<!\S)(context|user|assistant)[ \t]*:[ \t]*", re.I)
_LEAD_IN = re.compile(r"(?:\bfor )?\bexamples?[ \t]*:?\Z", re.I)
_QUOTES = ('"', "'", "\u201c\u201d", "\u2018\u2019")


@dataclass(frozen=True)
class Turn:
    """One line of an example dialogue."""

    role: str
    """``user`` or ``assistant``."""
    text: str


@dataclass(frozen=True)
class Example:
    """An ``<example>`` block of a subagent's description."""

    context: str = ""
    turns: tuple[Turn, ...] = ()
    commentary: str = ""

    def __str__(self) -> str:
        """Plain text, one part a line (for places that show text only)."""
        lines = [f"Context: {self.context}"] if self.context else []
        lines += [f"{turn.role}: {turn.text}" for turn in self.turns]
        if self.commentary:
            lines.append(f"Commentary: {self.commentary}")
        return "\n".join(lines)

    def to_data(self) -> dict:
        """JSON-ready form: ``{context, turns: [{role, text}], commentary}``."""
        return {
            "context": self.context,
            "turns": [{"role": t.role, "text": t.text} for t in self.turns],
            "commentary": self.commentary,
        }


def _tidy(text: str) -> str:
    """Whitespace collapsed, and one pair of quotes around the whole text removed."""
    text = " ".join(text.split())
    for pair in _QUOTES:
        opening, closing = pair[0], pair[-1]
        if len(text) > 1 and text[0] == opening and text[-1] == closing:
            inner = text[1:-1]
            if opening not in inner and closing not in inner:
                return inner.strip()
    return text


def _blocks(text: str, tag: str) -> tuple[list[str], list[str]]:
    """The pieces of ``text`` around its ``<tag>…</tag>`` blocks (one more than there are
    blocks), and the blocks' contents.

    A block with no closing tag ends at the next opening tag, or at the end of the text.
    """
    lower = text.lower()
    opening, closing = f"<{tag}>", f"</{tag}>"
    rest: list[str] = []
    blocks: list[str] = []
    position, close = 0, lower.find(closing)
    while True:
        start = lower.find(opening, position)
        if start < 0:
            rest.append(text[position:])
            return rest, blocks
        rest.append(text[position:start])
        inner = start + len(opening)
        if 0 <= close < inner:  # each search goes on from the last one: linear in the text
            close = lower.find(closing, inner)
        following = lower.find(opening, inner)
        if close < 0 or 0 <= following < close:
            end = position = following if following >= 0 else len(text)
        else:
            end, position = close, close + len(closing)
        blocks.append(text[inner:end])


def parse_example(block: str) -> Example:
    """One ``<example>`` block's text as context, dialogue turns and commentary."""
    pieces, commentaries = _blocks(block, "commentary")
    block = "\n".join(pieces)
    markers = list(_AT_LINE_START.finditer(block))
    if len(markers) < 2:  # a block on one line: roles are found anywhere after a space
        markers = list(_INLINE.finditer(block))
    context = [block[: markers[0].start()] if markers else block]
    turns: list[Turn] = []
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(block)
        role, said = marker.group(1).lower(), _tidy(block[marker.end() : end])
        if role == "context":
            context.append(said)
        elif said:
            turns.append(Turn(role, said))
    return Example(
        _tidy(" ".join(context)),
        tuple(turns),
        _tidy(" ".join(commentaries)),
    )


def split(text: str) -> tuple[str, tuple[Example, ...]]:
    """``text`` without its examples (and a trailing "Examples:" lead-in), and the examples.

    Prose after the last example is kept after the prose before the first one.
    """
    pieces, blocks = _blocks(text, "example")
    if not blocks:
        return text, ()
    before = pieces[0].rstrip()
    lead_in = _LEAD_IN.search(before[-16:])
    if lead_in:
        before = before[: len(before) - len(lead_in.group())].rstrip()
    return (before + " " + pieces[-1].strip()).strip(), tuple(map(parse_example, blocks))


def summary(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters
    with an ellipsis when it is longer (for cards and meta descriptions)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "\u2026"
