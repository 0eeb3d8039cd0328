"""What an agent may do: its tools, permission mode, hooks, MCP servers and other powers,
with a flag in plain words for each powerful setting.

An agent's powers are what the runtime gives it, so they come from Claude Code's own
reading of the file (:func:`runtimes.claude_code_reading`), not from ours: a ``---``
inside the front matter, a tools item with a space or a star, ``allowed-tools`` on an
agent or a deny entry in the wrong case change what Claude Code grants, and the panel,
``personas.json``, the risk facet and the conversions show what it grants, with a note
where the two readings differ. Fields Claude Code reads (https://code.claude.com/docs/en/
sub-agents): ``tools`` (absent, or an item ``*``, means every tool), ``disallowedTools``,
``model``, ``permissionMode``, ``hooks``, ``mcpServers``, ``memory``, ``isolation`` and
``background``. A GitHub Copilot ``*.agent.md`` file, and a file Claude Code does not
load, are read as written (Copilot's ``mcp-servers`` counts as MCP servers). Plain
Python, no MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from ..sources import runtimes
from ..sources.model import Entry
from ..sources.read import split_front_matter
from ..sources.runtimes import ALL, Difference, Reading
from .validate import COPILOT_SUFFIX, DEFAULT_FIELDS

SHELL_TOOLS = frozenset({"bash", "execute", "shell", "powershell"})
"""Tools that run shell commands (Claude Code's ``Bash``; Copilot's ``execute`` aliases)."""
NETWORK_TOOLS = frozenset({"webfetch", "websearch", "web"})
"""Tools that reach the web (Claude Code's ``WebFetch`` and ``WebSearch``; Copilot's ``web``)."""
PERMISSION_FLAGS = {
    "bypassPermissions": (
        "bypass-permissions",
        "Its permission mode is bypassPermissions: it uses every tool it has, edits files "
        "and runs commands without ever asking you.",
    ),
    "acceptEdits": (
        "accept-edits",
        "Its permission mode is acceptEdits: it changes files without asking you first.",
    ),
    "auto": (
        "auto-mode",
        "Its permission mode is auto: it decides by itself which actions need your approval.",
    ),
}
FLAG_IDS = (
    "bypass-permissions",
    "accept-edits",
    "auto-mode",
    "hooks",
    "all-tools",
    "shell",
    "network",
    "agents",
    "mcp",
    "reads-differently",
)
"""Every flag, in the order pages and data list them."""

_TRUE = re.compile(r"(?:true|True|TRUE)\Z")
_FALSE = re.compile(r"(?:false|False|FALSE)\Z")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_NULL = re.compile(r"(?:null|Null|NULL|~)?\Z")


def typed(value: object) -> object:
    """Plain data with YAML 1.2 core-schema scalars (booleans, integers, null) read as the
    agent runtimes read them; the strict reader keeps every scalar as the string written."""
    if isinstance(value, str):
        if _TRUE.match(value):
            return True
        if _FALSE.match(value):
            return False
        if _INT.match(value):
            return int(value)
        if _NULL.match(value):
            return None
        return value
    if isinstance(value, Mapping):
        return {str(k): typed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [typed(v) for v in value]
    return value


def tool_key(tool: str) -> str:
    """A tool's name without arguments, lowercased: ``Bash(git *)`` -> ``bash``."""
    return tool.split("(", 1)[0].strip().lower()


def string_list(value: object) -> tuple[str, ...]:
    """A comma-separated string or a list, as strings (``disallowedTools`` takes both)."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if isinstance(v, str) and v.strip())
    return ()


@dataclass(frozen=True)
class Flag:
    """A powerful setting, with why it matters in plain words."""

    id: str
    reason: str
    detail: str = ""
    """The tools concerned, for pages that word the reason in their own language."""
    key: str = ""
    """The interface string pages show (``use.flag.<id>`` unless another wording fits)."""


@dataclass(frozen=True)
class Hook:
    """One hook command: when it runs (event, matcher) and what it runs."""

    event: str
    matcher: str
    kind: str
    """``command`` (a shell command), ``prompt``, ``http``...: the hook's ``type``."""
    command: str
    """The command line (or prompt, or URL) exactly as written."""


@dataclass(frozen=True)
class Server:
    """An MCP server the agent uses: by name, or defined inline with its command or URL."""

    name: str
    command: str = ""


@dataclass(frozen=True)
class Capabilities:
    """What an agent may do."""

    tools: tuple[str, ...]
    """The tools listed (empty with ``all_tools``, or when the agent may use none)."""
    all_tools: bool
    """No ``tools`` field, or ``tools: *``: every tool the runtime has."""
    disallowed_tools: tuple[str, ...] = ()
    model: str | None = None
    permission_mode: str | None = None
    hooks: tuple[Hook, ...] = ()
    mcp_servers: tuple[Server, ...] = ()
    memory: str | None = None
    isolation: str | None = None
    background: bool = False
    flags: tuple[Flag, ...] = ()
    runtime: str = ""
    """Whose reading these powers follow: ``Claude Code 2.1.197``, or "" when the file is
    read as written (a Copilot agent, or a file Claude Code does not load)."""
    ignored_tools: tuple[str, ...] = ()
    """Tools the file lists that the runtime does not have (they give nothing)."""
    differences: tuple[Difference, ...] = ()
    """Where Claude Code reads the file otherwise than it appears to say (for the page)."""

    @property
    def notes(self) -> list[Difference]:
        """Every difference, the ones that give the agent more first."""
        return sorted(self.differences, key=lambda d: (not d.security, d.line, d.col))

    @property
    def gets_note(self) -> tuple[str, str]:
        """What the agent gets, as an interface string key and its ``tools`` value."""
        if self.all_tools:
            if self.disallowed_tools:
                return "runtime.gets_all_except", ", ".join(self.disallowed_tools)
            return "runtime.gets_all", ""
        if self.tools:
            return "runtime.gets", ", ".join(self.tools)
        return "runtime.gets_none", ""

    @property
    def widened(self) -> bool:
        """Claude Code gives it more than the file appears to ask for."""
        return any(d.security for d in self.differences)

    @property
    def flag_ids(self) -> list[str]:
        return [flag.id for flag in self.flags]

    def to_data(self) -> dict:
        """JSON-ready form, as ``personas.json`` carries it."""
        return {
            "tools": list(self.tools),
            "all_tools": self.all_tools,
            "disallowed_tools": list(self.disallowed_tools),
            "model": self.model,
            "permission_mode": self.permission_mode,
            "hooks": [
                {"event": h.event, "matcher": h.matcher, "type": h.kind, "command": h.command}
                for h in self.hooks
            ],
            "mcp_servers": [{"name": s.name, "command": s.command} for s in self.mcp_servers],
            "memory": self.memory,
            "isolation": self.isolation,
            "background": self.background,
            "flags": [{"id": f.id, "reason": f.reason} for f in self.flags],
            "runtime": self.runtime or None,
            "ignored_tools": list(self.ignored_tools),
            "differences": [
                {
                    "line": d.line,
                    "col": d.col,
                    "field": d.field,
                    "message": d.message,
                    "note": d.note,
                    "security": d.security,
                }
                for d in self.differences
            ],
        }


def _shell_and_web_flags(tools) -> list[Flag]:
    """The shell and network flags of the tools an agent may use, as written or as
    Claude Code resolves them."""
    flags = []
    shell = ", ".join(t for t in tools if tool_key(t) in SHELL_TOOLS)
    if shell:
        flags.append(
            Flag(
                "shell",
                f"It may run shell commands ({shell}): anything your user account can do.",
                shell,
            )
        )
    web = ", ".join(t for t in tools if tool_key(t) in NETWORK_TOOLS)
    if web:
        flags.append(
            Flag(
                "network",
                f"It may fetch web pages or search the web ({web}): it reads text from "
                "anywhere and can send data out.",
                web,
            )
        )
    return flags


@cache
def _key_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(key) for key in keys)
    return re.compile(rf"^(?:{alternatives})[ \t]*:", re.M)


def front_matter(entry: Entry) -> str:
    """The front-matter text of an entry's source file ("" when it has none)."""
    parts = split_front_matter(entry.raw, entry.path)
    return parts[0] if isinstance(parts, tuple) else ""


def declares_tools(entry: Entry, keys: Sequence[str] = DEFAULT_FIELDS["tools"]) -> bool:
    """Whether the file has a top-level tools field at all (``tools: []`` allows none; no
    field allows every tool)."""
    return bool(_key_pattern(tuple(keys)).search(front_matter(entry)))


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _hooks(value: object) -> tuple[Hook, ...]:
    """Every hook command of a ``hooks`` field: ``{event: [{matcher, hooks: [{type,
    command}]}]}``, as Claude Code writes it; other shapes give what they hold."""
    if not isinstance(value, Mapping):
        return ()
    found = []
    for event, groups in value.items():
        for group in groups if isinstance(groups, list) else [groups]:
            if not isinstance(group, Mapping):
                continue
            matcher = group.get("matcher", "")
            inner = group.get("hooks", [group])
            for hook in inner if isinstance(inner, list) else [inner]:
                if not isinstance(hook, Mapping):
                    continue
                kind = hook.get("type") if isinstance(hook.get("type"), str) else "command"
                command = next(
                    (hook[k] for k in ("command", "prompt", "url") if isinstance(hook.get(k), str)),
                    "",
                )
                found.append(
                    Hook(str(event), matcher if isinstance(matcher, str) else "", kind, command)
                )
    return tuple(found)


def _servers(value: object) -> tuple[Server, ...]:
    """MCP servers: a list of names or ``{name: config}`` mappings, or one mapping."""
    items = value if isinstance(value, list) else [value] if isinstance(value, Mapping) else []
    found = []
    for item in items:
        if isinstance(item, str) and item.strip():
            found.append(Server(item.strip()))
        elif isinstance(item, Mapping):
            for name, config in item.items():
                command = ""
                if isinstance(config, Mapping):
                    parts = [config.get("command"), *string_list(config.get("args"))]
                    command = " ".join(p for p in parts if isinstance(p, str) and p)
                    command = command or str(config.get("url") or "")
                found.append(Server(str(name), command))
    return tuple(found)


def _as_written(entry: Entry, tool_keys: Sequence[str]) -> Capabilities:
    """What the agent of ``entry`` appears to be allowed, read as written (a Copilot
    agent, or a file Claude Code does not load)."""
    extra = entry.extra
    listed = tuple(t for t in entry.tools if t.strip() != "*")
    all_tools = not declares_tools(entry, tool_keys) or len(listed) < len(entry.tools)
    disallowed = string_list(extra.get("disallowedTools"))
    mode = _text(extra.get("permissionMode"))
    hooks = _hooks(extra.get("hooks"))
    servers = _servers(extra.get("mcpServers", extra.get("mcp-servers")))
    denied = {tool_key(t) for t in disallowed}
    usable = [] if all_tools else [t for t in listed if tool_key(t) not in denied]
    flags = []
    if mode in PERMISSION_FLAGS:
        flags.append(Flag(*PERMISSION_FLAGS[mode]))
    if hooks:
        flags.append(
            Flag(
                "hooks",
                "It has hooks: commands that run by themselves at points of its work, "
                "without asking you.",
            )
        )
    if all_tools:
        but = " (except the disallowed ones)" if disallowed else ""
        flags.append(
            Flag(
                "all-tools",
                f"It has no list of tools, so it may use every tool{but}, shell commands "
                "and web access included.",
                ", ".join(disallowed),
            )
        )
    flags += _shell_and_web_flags(usable)
    flags += _mcp_flags(servers, usable)
    background = typed(extra.get("background")) is True
    return Capabilities(
        tools=listed,
        all_tools=all_tools,
        disallowed_tools=disallowed,
        model=entry.model,
        permission_mode=mode,
        hooks=hooks,
        mcp_servers=servers,
        memory=_text(extra.get("memory")),
        isolation=_text(extra.get("isolation")),
        background=background,
        flags=tuple(flags),
    )


def _mcp_flags(servers: Sequence[str], tools: Sequence[str]) -> list[Flag]:
    """The ``mcp`` flag, when the agent names MCP servers or MCP tools."""
    if servers or any(t.startswith("mcp__") for t in tools):
        return [
            Flag(
                "mcp",
                "It uses MCP servers: outside programs or services with powers of their own.",
            )
        ]
    return []


def reading(entry: Entry, tool_keys: Sequence[str] = DEFAULT_FIELDS["tools"]) -> Reading:
    """Claude Code's reading of ``entry``'s file, with where it differs from ours: the one
    the catalogue made while reading (it knows the file's BOM and line ends), else one
    made from the entry's text."""
    found = getattr(entry, "runtime", None)
    if isinstance(found, Reading):
        return found
    return runtimes.reading_of(entry.raw, tuple(tool_keys))


def capabilities(entry: Entry, tool_keys: Sequence[str] = DEFAULT_FIELDS["tools"]) -> Capabilities:
    """What the agent of ``entry`` may do, as Claude Code reads its file, and the flags of
    its powerful settings. A Copilot ``*.agent.md`` file, and a file Claude Code does not
    load, keep the reading as written (with a note when Claude Code does not load it).

    Computed once per entry and tool keys: the result is kept on the entry (immutable,
    made from its fields alone), so an edited file, read again as a new entry under
    ``mkdocs serve``, gets its own."""
    keys = tuple(tool_keys)
    kept = entry.__dict__.get(_KEPT)
    if kept is None:
        kept = {}
        object.__setattr__(entry, _KEPT, kept)
    found = kept.get(keys)
    if found is None:
        found = kept[keys] = _capabilities(entry, keys)
    return found


_KEPT = "_capabilities"
"""The attribute of an entry that keeps its capabilities by tool keys."""


def _capabilities(entry: Entry, tool_keys: tuple[str, ...]) -> Capabilities:
    if entry.path.endswith(COPILOT_SUFFIX):
        return _as_written(entry, tool_keys)
    found = reading(entry, tool_keys)
    if not found.loaded:
        written = _as_written(entry, tool_keys)
        return _replace(written, differences=found.differences)
    return from_reading(found)


def _replace(caps: Capabilities, **changes) -> Capabilities:
    from dataclasses import replace

    return replace(caps, **changes)


def from_reading(found: Reading) -> Capabilities:
    """Capabilities from Claude Code's reading of an agent file."""
    fields = found.fields
    all_tools = found.tools is ALL
    listed = () if all_tools else found.tool_order
    denied = tuple(d for d in found.denied if runtimes.known(d))
    mode = found.permission_mode if found.permission_mode != "default" else None
    if "permissionMode" in fields and found.permission_mode == "default":
        mode = "default" if fields.get("permissionMode") == "default" else None
    hooks = _hooks(fields.get("hooks"))
    servers = _servers(list(found.mcp_servers))
    flags = []
    if found.permission_mode in PERMISSION_FLAGS:
        flags.append(Flag(*PERMISSION_FLAGS[found.permission_mode]))
    if hooks:
        flags.append(
            Flag(
                "hooks",
                "It has hooks: commands that run by themselves at points of its work, "
                "without asking you.",
            )
        )
    if all_tools:
        but = f" except {', '.join(denied)}" if denied else ""
        no_list = "tools" not in fields and not any(d.security for d in found.differences)
        flags.append(
            Flag(
                "all-tools",
                (
                    f"It has no list of tools, so it may use every tool{but}, shell commands "
                    "and web access included."
                    if no_list
                    else f"Claude Code gives it every tool{but}, shell commands and web access "
                    "included."
                ),
                ", ".join(denied),
                "" if no_list else "use.flag.all-tools-runtime" + ("-except" if denied else ""),
            )
        )
    flags += _shell_and_web_flags(listed)
    if "Task" in listed:
        flags.append(
            Flag(
                "agents",
                "It may start other agents (Task): each works with tools of its own, which "
                "can be more than the ones listed here.",
                "Task",
            )
        )
    flags += _mcp_flags(servers, listed)
    if any(d.security for d in found.differences):
        flags.append(
            Flag(
                "reads-differently",
                "Claude Code reads this file differently from how it looks, and gives it more "
                "than the file appears to ask for (see the note below).",
            )
        )
    return Capabilities(
        tools=listed,
        all_tools=all_tools,
        disallowed_tools=denied,
        model=found.model,
        permission_mode=mode,
        hooks=hooks,
        mcp_servers=servers,
        memory=_text(fields.get("memory")),
        isolation=_text(fields.get("isolation")),
        background=fields.get("background") is True or fields.get("background") == "true",
        flags=tuple(flags),
        runtime=f"Claude Code {runtimes.CLAUDE_CODE_VERSION}",
        ignored_tools=found.ignored,
        differences=found.differences,
    )
