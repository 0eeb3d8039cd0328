"""Where a project keeps its agents and skills: the folders to point the globs at.

Used when the configured globs find nothing (``personas validate`` names the folders it
can see) and by ``personas init``. Looks for the folders that Claude Code, GitHub
Copilot, Cursor and plugin collections use, and for any folder holding ``*/SKILL.md``
or Markdown files whose front matter looks like an agent's. The walk is bounded.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

KNOWN_AGENTS = (".claude/agents", ".github/agents", ".cursor/agents", "agents", "plugins/*/agents")
"""Folders that usually hold agent (persona) files, in the order they are suggested."""
KNOWN_SKILLS = (".claude/skills", "skills", "plugins/*/skills")
"""Folders that usually hold skills, one folder with a ``SKILL.md`` per skill."""

MAX_DEPTH = 6
"""Deepest folder looked at, below the project."""
MAX_FOLDERS = 5000
"""Folders looked at, at most."""
MAX_PEEKS = 400
"""Markdown files whose beginning is read to see whether they look like agents."""

_ENTER_HIDDEN = frozenset({".claude", ".github", ".cursor"})
_SKIP = frozenset({"node_modules", "__pycache__", "site", "venv"})
_NOT_AGENTS = frozenset(
    {"readme.md", "contributing.md", "changelog.md", "agents.md", "claude.md", "license.md"}
)
_AGENT_FRONT = re.compile(rb"\A(?:\xef\xbb\xbf)?---[ \t]*\r?\n(?:.*\n){0,60}?name:", re.MULTILINE)
_DESCRIBED = re.compile(rb"^(?:description|tools|model):", re.MULTILINE)


@dataclass(frozen=True)
class Folders:
    """Agent and skill folders of a project, relative to it, with ``/``."""

    agents: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()

    @property
    def persona_globs(self) -> tuple[str, ...]:
        """Globs for the ``personas`` option."""
        return tuple(f"{folder}/**/*.md" for folder in self.agents)

    @property
    def skill_globs(self) -> tuple[str, ...]:
        """Globs for the ``skills`` option."""
        return tuple(f"{folder}/**/SKILL.md" for folder in self.skills)

    def __bool__(self) -> bool:
        return bool(self.agents or self.skills)


def _looks_like_agent(path: str) -> bool:
    """Whether a Markdown file starts with front matter giving a name and a description."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return bool(_AGENT_FRONT.match(head)) and bool(_DESCRIBED.search(head))


def _walk(base: Path) -> tuple[set[str], set[str], set[str]]:
    """Folders with any Markdown, folders with agent-looking files, and skill roots
    (parents of folders holding ``SKILL.md``), below ``base``."""
    markdown, agents, skills = set(), set(), set()
    pending, seen, peeks = [("", 0)], 0, 0
    while pending and seen < MAX_FOLDERS:
        relative, depth = pending.pop()
        seen += 1
        try:
            with os.scandir(base / relative if relative else base) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            continue
        files = [e for e in entries if e.is_file(follow_symlinks=False)]
        if any(e.name == "SKILL.md" for e in files):
            skills.add(posixpath.dirname(relative) or ".")
            continue
        pages = [e for e in files if e.name.endswith(".md") and e.name.lower() not in _NOT_AGENTS]
        if pages and relative:
            markdown.add(relative)
            for entry in pages[:3]:
                if peeks >= MAX_PEEKS:
                    break
                peeks += 1
                if _looks_like_agent(entry.path):
                    agents.add(relative)
                    break
        if depth >= MAX_DEPTH:
            continue
        for entry in reversed(entries):
            hidden = entry.name.startswith(".") and entry.name not in _ENTER_HIDDEN
            if entry.is_dir(follow_symlinks=False) and not hidden and entry.name not in _SKIP:
                pending.append((posixpath.join(relative, entry.name), depth + 1))
    return markdown, agents, skills


def _under(folder: str, root: str) -> bool:
    """Whether ``folder`` is ``root`` or inside it; ``root`` may hold ``*`` for one folder."""
    parts, root_parts = folder.split("/"), root.split("/")
    if root == "." or len(parts) < len(root_parts):
        return root == "."
    return all(r in ("*", p) for r, p in zip(root_parts, parts, strict=False))


def _collapse(folders: set[str], keep_out: set[str]) -> set[str]:
    """Sibling folders replaced by their parent (``categories/a``, ``categories/b`` ->
    ``categories``), unless the parent holds one of ``keep_out``; nested ones dropped."""
    folders = set(folders)
    changed = True
    while changed:
        changed = False
        children: dict[str, list[str]] = {}
        for folder in folders:
            parent = posixpath.dirname(folder)
            if parent and not any(_under(other, parent) for other in keep_out):
                children.setdefault(parent, []).append(folder)
        for parent, group in children.items():
            if len(group) > 1:
                folders.difference_update(group)
                folders.add(parent)
                changed = True
                break
    return {f for f in folders if not any(o != f and _under(f, o) for o in folders)}


def find_folders(base: Path) -> Folders:
    """The agent and skill folders of the project at ``base``: the usual places first
    (``.claude/agents``, ``skills``, ``plugins/*/agents``, ...) when they hold files,
    then any other folder of agent-looking Markdown files or of skills."""
    markdown, agent_folders, skill_roots = _walk(base)

    def known(patterns: tuple[str, ...], found: set[str]) -> list[str]:
        return [p for p in patterns if any(_under(f, p) for f in found)]

    agents = known(KNOWN_AGENTS, markdown | agent_folders)
    skills = known(KNOWN_SKILLS, skill_roots)
    agent_rest = {f for f in agent_folders if not any(_under(f, k) for k in agents + skills)}
    skill_rest = {f for f in skill_roots if not any(_under(f, k) for k in skills)}
    agent_rest = {f for f in agent_rest if not any(_under(s, f) for s in skill_roots)}
    agents += sorted(_collapse(agent_rest, skill_roots))
    skills += sorted(_collapse(skill_rest, set()) - {"."})
    return Folders(tuple(agents), tuple(skills))
