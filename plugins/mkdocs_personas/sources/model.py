"""The normalized catalogue model: personas, skills and the problems found reading them.

Every shape of source file (persona pack, Claude Code subagent, Agent Skills ``SKILL.md``)
becomes one of these records; nothing downstream knows which shape a file had.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .examples import Example


class Kind(str, Enum):
    """What a source file describes."""

    PERSONA = "persona"
    SKILL = "skill"


COMPLEXITIES = ("low", "medium", "high")
"""Allowed values of ``complexity``, from least to most demanding."""


_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\U000e0000-\U000e007f]"
)


def hidden(text: str) -> list[str]:
    """The control, bidi, zero-width and tag characters of ``text``, as ``<U+XXXX>``."""
    return [f"<U+{ord(m.group()):04X}>" for m in _CONTROL.finditer(text)]


def visible(text: str) -> str:
    """``text`` with control, line-separator, bidi, zero-width and tag characters written
    out as ``<U+202E>``, so that no output line can be forged or reordered by a file."""
    return _CONTROL.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at a precise position.

    ``fatal`` problems make the file unusable (it is left out of the site): errors.
    The others are warnings: the file is published, and something should be fixed.
    ``security`` warnings (hidden text, look-alike names) keep the file but fail
    ``personas validate`` and are logged as WARNING by builds.
    """

    path: str
    line: int
    col: int
    field: str
    message: str
    fatal: bool = True
    security: bool = False

    @property
    def severity(self) -> str:
        """``error`` (the file is left out), ``security`` or ``warning`` (the file is kept)."""
        return "error" if self.fatal else "security" if self.security else "warning"

    def __str__(self) -> str:
        return visible(
            f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.field}: {self.message}"
        )


@dataclass(frozen=True)
class Reference:
    """A name written in a file to point at another persona or skill."""

    name: str
    line: int
    col: int
    key: str = "skills"
    """The front-matter key it was written under."""


@dataclass(frozen=True)
class Entry:
    """A persona or a skill, normalized from its front matter and body."""

    kind: Kind
    name: str
    title: str
    description: str
    path: str
    """Source path as shown to people: relative to the project folder, with ``/``."""
    raw: str
    """The whole source file as text (UTF-8, ``\\n`` line endings), for copy and download."""
    body_offset: int
    """Where the Markdown body starts in ``raw`` (after a heading used as the title)."""
    body_line: int
    """Line of the source file where the body starts (1-based)."""
    expertise: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    complexity: str | None = None
    skills: tuple[Reference, ...] = ()
    related: tuple[Reference, ...] = ()
    tools: tuple[str, ...] = ()
    model: str | None = None
    collection: str | None = None
    description_in_body: bool = False
    """The description is the body's first paragraph (so pages need not show it twice)."""
    examples: tuple[Example, ...] = ()
    """``<example>`` blocks lifted out of a subagent's description, as dialogues."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Front-matter fields the model has no place for, as plain strings, lists and dicts."""
    written_name: str = ""
    """The name as the file writes it, when that differs from ``name``. ``name`` is the
    identity and URL slug (lowercase letters, digits, hyphens); a name a real tool accepts
    but that is not a slug (``WinFormsExpert``, ``Claude Code Guide``) is kept here."""
    keywords_derived: tuple[str, ...] = ()
    """Keywords derived from what an entry without declared keywords says (never declared)."""
    findings: tuple[Problem, ...] = ()
    """Security findings (hidden text, look-alike names) that the page shows in a notice."""
    runtime: Any = field(default=None, compare=False, repr=False)
    """Claude Code's reading of the file (:class:`runtimes.Reading`), made while reading it:
    what the agent may do follows it (None for skills and files read without it)."""

    @property
    def body(self) -> str:
        """The Markdown body (a slice of ``raw``, so a file's text is held once)."""
        return self.raw[self.body_offset :]

    @property
    def url(self) -> str:
        """Site-relative URL of the entry's page (the public URL contract)."""
        return f"{self.kind.value}s/{self.name}/"
