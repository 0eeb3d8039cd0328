"""The normalized catalogue model: personas, skills and the problems found reading them.

Every shape of source file (persona pack, Claude Code subagent, Agent Skills ``SKILL.md``)
becomes one of these records; nothing downstream knows which shape a file had.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Kind(str, Enum):
    """What a source file describes."""

    PERSONA = "persona"
    SKILL = "skill"


COMPLEXITIES = ("low", "medium", "high")
"""Allowed values of ``complexity``, from least to most demanding."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at a precise position.

    ``fatal`` problems make the file unusable (it is left out of the site);
    the others are reported but the file is still published.
    """

    path: str
    line: int
    col: int
    field: str
    message: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.field}: {self.message}"


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
    examples: tuple[str, ...] = ()
    """``<example>`` blocks lifted out of a subagent's description, as plain text."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Front-matter fields the model has no place for, as plain strings, lists and dicts."""

    @property
    def body(self) -> str:
        """The Markdown body (a slice of ``raw``, so a file's text is held once)."""
        return self.raw[self.body_offset :]

    @property
    def url(self) -> str:
        """Site-relative URL of the entry's page (the public URL contract)."""
        return f"{self.kind.value}s/{self.name}/"
