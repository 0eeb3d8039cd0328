"""Where a file's front matter ends, as our reader sees it: below both the reader and the
runtime readings, which compare their own view with this one."""

from __future__ import annotations

import re

from .model import Problem

DELIMITER = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
"""A line that closes the front matter: ``---`` or ``...``, trailing blanks allowed."""


def split_front_matter(text: str, display: str) -> tuple[str, str, int] | Problem:
    """Return ``(front matter, body, body line)``, or the problem with the delimiters."""
    first = text.split("\n", 1)[0]
    if first.rstrip(" \t") != "---":
        found = repr(first.strip()[:40]) if first.strip() else "an empty line"
        found = found if text else "an empty file"
        message = f"expected the file to start with a '---' line, found {found}"
        return Problem(display, 1, 1, "front matter", message)
    start = len(first) + 1
    end = DELIMITER.search(text, start)
    if end is None:
        message = "the '---' on line 1 is never closed: expected a closing '---' line"
        return Problem(display, 1, 1, "front matter", message)
    front = text[start : end.start()]
    after = text.find("\n", end.end())
    body = "" if after < 0 else text[after + 1 :]
    body_line = text.count("\n", 0, end.start()) + 2
    return front, body, body_line
