"""A persona as the agent file of each tool: Claude Code, GitHub Copilot, Cursor, Codex.

Each format's fields and place come from its documentation:

- Claude Code subagents, ``.claude/agents/<name>.md``: Markdown with YAML front matter;
  ``name`` and ``description`` required; ``tools``, ``disallowedTools``, ``model``,
  ``permissionMode``, ``maxTurns``, ``skills``, ``mcpServers``, ``hooks``, ``memory``,
  ``background``, ``effort``, ``isolation``, ``color`` optional; the body is the system
  prompt. https://code.claude.com/docs/en/sub-agents ("Supported frontmatter fields")
- GitHub Copilot custom agents, ``.github/agents/<name>.agent.md``: ``description``
  required; ``name`` (display name), ``target``, ``tools`` (tool aliases ``execute``,
  ``read``, ``edit``, ``search``, ``agent``, ``web``, ``todo``, MCP tools as
  ``server/tool``), ``model``, ``disable-model-invocation``, ``user-invocable``,
  ``mcp-servers``, ``metadata``; the file name is the identity; the prompt is at most
  30,000 characters. https://docs.github.com/en/copilot/reference/custom-agents-configuration
- Cursor subagents, ``.cursor/agents/<name>.md``: ``name``, ``description``, ``model``
  (``inherit``, ``fast`` or a model id), ``readonly``, ``is_background``; no tool list.
  https://cursor.com/docs/subagents
- Codex custom agents, ``.codex/agents/<name>.toml``: ``name``, ``description`` and
  ``developer_instructions`` required; ``nickname_candidates``, ``model``,
  ``model_reasoning_effort``, ``sandbox_mode``, ``mcp_servers``, ``skills`` optional.
  https://developers.openai.com/codex/subagents ("Custom agent file schema")

Whatever a format has no place for is left out and listed (:class:`Dropped`), never
guessed: a conversion never gives an agent more than its source allowed, except where the
target has no way to say less (Cursor and Codex have no tool list), which is listed too.
Plain Python, no MkDocs.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

import yaml

from ..catalogue.capabilities import Capabilities, capabilities, reading, tool_key, typed
from ..catalogue.validate import COPILOT_SUFFIX, slug
from ..sources import runtimes
from ..sources.model import Entry, Kind
from ..sources.read import split_front_matter
from ..sources.runtimes import Reading

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class Target:
    """An agent tool: where its agent files live and what they are called."""

    key: str
    label: str
    folder: str
    suffix: str
    docs: str


TARGETS = {
    "claude": Target(
        "claude",
        "Claude Code",
        ".claude/agents",
        ".md",
        "https://code.claude.com/docs/en/sub-agents",
    ),
    "copilot": Target(
        "copilot",
        "GitHub Copilot",
        ".github/agents",
        ".agent.md",
        "https://docs.github.com/en/copilot/reference/custom-agents-configuration",
    ),
    "cursor": Target(
        "cursor", "Cursor", ".cursor/agents", ".md", "https://cursor.com/docs/subagents"
    ),
    "codex": Target(
        "codex", "Codex", ".codex/agents", ".toml", "https://developers.openai.com/codex/subagents"
    ),
}

CLAUDE_FIELDS = tuple(
    f for f in runtimes.AGENT_FIELDS if f not in {"name", "description", "tools", "model", "skills"}
)
"""Claude Code subagent fields kept from extra metadata, in the documented order (the
others are written from the entry itself)."""
CLAUDE_MODELS = frozenset({"sonnet", "opus", "haiku", "inherit"})
COPILOT_MAX_PROMPT = 30_000
COPILOT_ALIASES = {
    "execute": ("execute", "shell", "bash", "powershell"),
    "read": ("read", "notebookread"),
    "edit": ("edit", "multiedit", "write", "notebookedit"),
    "search": ("search", "grep", "glob"),
    "agent": ("agent", "custom-agent", "task"),
    "web": ("web", "websearch", "webfetch"),
    "todo": ("todo", "todowrite"),
}
"""Copilot's primary tool aliases and the names each covers (case-insensitive)."""
_TO_COPILOT = {name: alias for alias, names in COPILOT_ALIASES.items() for name in names}
_TO_CLAUDE = {
    "execute": ("Bash",),
    "shell": ("Bash",),
    "powershell": ("Bash",),
    "read": ("Read",),
    "edit": ("Edit", "Write"),
    "search": ("Grep", "Glob"),
    "agent": ("Agent",),
    "custom-agent": ("Agent",),
    "web": ("WebFetch", "WebSearch"),
    "todo": ("TodoWrite",),
}
"""Copilot aliases written in a source file, as Claude Code tool names."""
_MCP_TOOL = re.compile(r"mcp__([A-Za-z0-9_-]+?)(?:__([A-Za-z0-9_.-]+))?\Z")
_SERVER_TOOL = re.compile(r"([A-Za-z0-9_.-]+)/([A-Za-z0-9_.*-]+)\Z")
_CATALOGUE_FIELDS = (
    ("expertise", "expertise"),
    ("keywords", "activation keywords"),
    ("complexity", "complexity"),
    ("related", "related personas"),
    ("collection", "collection"),
)


@dataclass(frozen=True)
class Dropped:
    """Something of the source that the converted file leaves out, and why."""

    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


@dataclass(frozen=True)
class Conversion:
    """One converted agent file."""

    target: str
    file_name: str
    """``<name>.md``, ``<name>.agent.md`` or ``<name>.toml``."""
    path: str
    """Where it goes in a project: ``.claude/agents/<name>.md``..."""
    text: str
    dropped: tuple[Dropped, ...] = ()
    changed: tuple[Dropped, ...] = ()
    """What the target forces to differ from the source (a name it would not take)."""


def written_name(entry: Entry) -> str:
    """The agent's name as its file writes it (``powershell-5.1-expert``,
    ``WinFormsExpert``): the identity every conversion keeps where the target takes it.
    ``entry.name`` is the URL slug, which may also carry ``-<collection>`` when files
    share a name; slugs name downloads and pages, never the agent."""
    return entry.written_name or entry.name


def _display_name(entry: Entry) -> str:
    """What a Copilot ``*.agent.md`` source writes as ``name`` (its display name), or
    the name as written."""
    if entry.path.endswith(COPILOT_SUFFIX):
        return entry.title
    return written_name(entry)


def file_name(entry: Entry, target: str) -> str:
    return entry.name + TARGETS[target].suffix


def site_path(entry: Entry, target: str) -> str:
    """Where the build publishes a persona's converted file (site-relative)."""
    return f"personas/{entry.name}/convert/{target}/{file_name(entry, target)}"


def body_of(entry: Entry) -> str:
    """The whole Markdown body after the front matter (with its title heading)."""
    parts = split_front_matter(entry.raw, entry.path)
    body = parts[1] if isinstance(parts, tuple) else entry.body
    return body.strip("\n") + "\n" if body.strip() else ""


def description_of(entry: Entry) -> str:
    """The description with its ``<example>`` blocks written back, as a router reads it;
    the title when the file has no description."""
    text = entry.description.strip() or entry.title
    blocks = []
    for example in entry.examples:
        lines = ["<example>"]
        if example.context:
            lines.append(f"Context: {example.context}")
        lines += [f"{turn.role}: {turn.text}" for turn in example.turns]
        if example.commentary:
            lines.append(f"<commentary>{example.commentary}</commentary>")
        blocks.append("\n".join([*lines, "</example>"]))
    return "\n\n".join([text, *blocks])


def _yaml(data: Mapping[str, object]) -> str:
    return yaml.dump(
        dict(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
    )


_NOT_PRINTABLE = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
"""What YAML cannot hold raw in a double-quoted scalar (or reads as a line break: U+0085,
U+2028, U+2029), and the byte order mark."""


def _flow(value: object) -> str:
    """``value`` as a YAML flow node in which no ``---`` is written: JSON (a subset of
    YAML's flow style) with every third dash of a run escaped as ``\\x2d``."""
    text = json.dumps(value, ensure_ascii=False)
    text = _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.replace("---", "--\\x2d")


def front_matter_document(data: Mapping[str, object], body: str) -> str:
    """Markdown with YAML front matter written by PyYAML's safe serializer.

    Claude Code ends the front matter at the first ``---`` anywhere, even inside a value:
    a value holding one is written in flow style with the dash escaped, so that the
    front matter holds no ``---`` and every reader gets the same text back."""
    front = _yaml(data)
    if "---" in front:
        front = "".join(
            f"{key}: {_flow(value)}\n" if "---" in _yaml({key: value}) else _yaml({key: value})
            for key, value in data.items()
        )
    return f"---\n{front}---\n\n{body}" if body else f"---\n{front}---\n"


# TOML ------------------------------------------------------------------------------

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\f": "\\f", "\r": "\\r"}
_TOML_SPECIAL = re.compile('["\\\\\x00-\x08\x0a-\x1f\x7f]')
_TOML_SPECIAL_MULTILINE = re.compile('["\\\\\x00-\x08\x0b-\x1f\x7f]')
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def _toml_escape(match: re.Match[str]) -> str:
    char = match.group()
    return _TOML_ESCAPES.get(char) or ("\\n" if char == "\n" else f"\\u{ord(char):04X}")


def toml_string(text: str) -> str:
    """A TOML basic string (one line) or, for text with line breaks, a multi-line basic
    string; quotes, backslashes and control characters are escaped (TOML 1.0, "String")."""
    if "\n" in text:
        # A newline right after the opening quotes is trimmed by TOML: the text is kept.
        return '"""\n' + _TOML_SPECIAL_MULTILINE.sub(_toml_escape, text) + '"""'
    return '"' + _TOML_SPECIAL.sub(_toml_escape, text) + '"'


def toml_document(data: Mapping[str, object]) -> str:
    """Top-level ``key = value`` lines for string, boolean and string-list values."""
    lines = []
    for key, value in data.items():
        if not _BARE_KEY.match(key):
            raise ValueError(f"not a bare TOML key: {key!r}")
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str):
            text = toml_string(value)
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            text = "[" + ", ".join(toml_string(v) for v in value) + "]"
        else:
            raise ValueError(f"no TOML writer for the value of {key!r}")
        lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


# The conversions -------------------------------------------------------------------


def _catalogue_fields(entry: Entry, target: str) -> list[Dropped]:
    label = TARGETS[target].label
    return [
        Dropped(what, f"a catalogue field, not a {label} field")
        for field, what in _CATALOGUE_FIELDS
        if getattr(entry, field) and (field != "collection" or "collection" in entry.extra)
    ]


_REASONS = {
    "disallowedTools": "has no list of denied tools",
    "permissionMode": "has no permission mode",
    "hooks": "has no hooks",
    "mcpServers": "has no MCP servers field for agents",
    "skills": "agents do not name skills",
}


def _extra_drops(entry: Entry, target: str, kept: tuple[str, ...]) -> list[Dropped]:
    """The extra fields ``target`` has no place for, and the skills if it names none."""
    label = TARGETS[target].label
    dropped = [
        Dropped(key, f"{label} {_REASONS.get(key, 'has no such field')}")
        for key in entry.extra
        if key not in kept
    ]
    if entry.skills and "skills" not in kept:
        dropped.append(Dropped("skills", f"{label} {_REASONS['skills']}"))
    return dropped + _catalogue_fields(entry, target)


def _to_claude_tools(tools: tuple[str, ...]) -> list[str]:
    result: list[str] = []
    for tool in tools:
        server = _SERVER_TOOL.match(tool)
        if server:
            name = server.group(2)
            mapped = (f"mcp__{server.group(1)}" + ("" if name == "*" else f"__{name}"),)
        else:
            mapped = _TO_CLAUDE.get(tool, (tool,))
        result += [t for t in mapped if t not in result]
    return result


_COVERS = {
    "execute": ("Bash",),
    "read": ("Read",),
    "edit": ("Edit", "Write", "NotebookEdit"),
    "search": ("Grep", "Glob"),
    "agent": ("Task",),
    "web": ("WebFetch", "WebSearch"),
    "todo": (),
}
"""The Claude Code tools each Copilot alias grants (as Claude Code 2.1.197 names them)."""
_IMPLIES = {
    "Write": ("Edit", "NotebookEdit"),
    "Edit": ("NotebookEdit",),
    "WebFetch": ("WebSearch",),
    "Agent": ("Task",),
}
"""A tool that can do all another can (overwriting a file edits it; fetching any page
searches): an alias granting both grants no more than the stronger one."""


def _granted(tools: tuple[str, ...]) -> set[str]:
    have = {runtimes.tool_name(tool.strip()) for tool in tools}
    for tool in list(have):
        have.update(_IMPLIES.get(tool, ()))
    return have


def _to_copilot_tools(tools: tuple[str, ...]) -> tuple[list[str], list[Dropped]]:
    """Copilot aliases for Claude Code tools. An alias that would grant a power the
    source does not have (``web`` for an agent with WebSearch only, ``edit`` for one with
    Edit only) is left out and listed: a conversion never grants more."""
    result: list[str] = []
    dropped = []
    have = _granted(tools)
    for tool in tools:
        key = tool_key(tool)
        mcp = _MCP_TOOL.match(tool.strip())
        if mcp:
            mapped = f"{mcp.group(1)}/{mcp.group(2) or '*'}"
        elif _SERVER_TOOL.match(tool.strip()):
            mapped = tool.strip()
        elif key in _TO_COPILOT:
            mapped = _TO_COPILOT[key]
            more = [
                t
                for t in _COVERS.get(mapped, ())
                if t not in have and t in runtimes.POWER_TOOLS and t.lower() != key
            ]
            if more and tool[:1].isupper():  # a Claude Code tool, not an alias as written
                dropped.append(
                    Dropped(
                        f"tool {tool}",
                        f"Copilot's nearest alias, {mapped}, also allows {', '.join(more)}, "
                        "which this agent does not have: left out rather than widened",
                    )
                )
                continue
            if "(" in tool:
                dropped.append(
                    Dropped(f"tool {tool}", f"Copilot cannot limit {mapped} to these arguments")
                )
        else:
            dropped.append(Dropped(f"tool {tool}", "Copilot has no such tool or alias"))
            continue
        if mapped not in result:
            result.append(mapped)
    return result, dropped


_COPILOT_MODEL = re.compile(r"(?=.*[A-Z ])[A-Za-z0-9][A-Za-z0-9 .()-]*\Z")
"""A model as Copilot documents it: the name its model picker shows (``Claude Sonnet
4.5``, ``GPT-5 (copilot)``), never an API id such as ``claude-sonnet-4-20250514``."""


def _model(model: str | None, target: str) -> str | None:
    """The model a target can run, or None: Claude Code takes its aliases and ``claude-``
    ids; Cursor ``inherit`` or ``fast``; Codex OpenAI ``gpt-`` and ``o`` models; Copilot
    a model's display name, never a Claude Code alias or an API id."""
    if not model:
        return None
    lowered = model.lower()
    keep = {
        "claude": lowered in CLAUDE_MODELS or lowered.startswith("claude-"),
        "copilot": lowered not in CLAUDE_MODELS and bool(_COPILOT_MODEL.match(model)),
        "cursor": lowered in ("inherit", "fast"),
        "codex": lowered.startswith("gpt-") or bool(re.match(r"o[0-9]", lowered)),
    }[target]
    return model if keep else None


def _runtime(entry: Entry) -> Reading | None:
    """Claude Code's reading of the source, when Claude Code loads it (a Copilot
    ``*.agent.md`` file is read as written)."""
    if entry.path.endswith(COPILOT_SUFFIX):
        return None
    found = reading(entry)
    return found if found.loaded else None


def _claude(entry: Entry, caps: Capabilities) -> tuple[dict, list[Dropped]]:
    """Claude Code's own fields, as Claude Code reads them in the source (so the copy
    loads with the same name, tools and mode: a deny list or a mode that Claude Code does
    not see in the source, after a ``---`` inside a value, is not written either)."""
    found = _runtime(entry)
    name = found.name if found is not None and isinstance(found.name, str) else None
    data: dict[str, object] = {
        "name": name or written_name(entry),
        "description": description_of(entry),
    }
    dropped: list[Dropped] = []
    if not caps.all_tools:
        data["tools"] = ", ".join(_to_claude_tools(caps.tools))
    model = found.model if found is not None else entry.model
    if _model(model, "claude"):
        data["model"] = model
    elif model:
        dropped.append(Dropped(f"model {model}", "not a Claude Code model"))
    fields = found.fields if found is not None else {k: typed(v) for k, v in entry.extra.items()}
    for key in CLAUDE_FIELDS:
        if key not in fields:
            continue
        value = fields[key]
        if key == "permissionMode" and value not in runtimes.PERMISSION_MODES:
            dropped.append(
                Dropped(
                    f"permissionMode {value}",
                    "not a mode Claude Code knows: it runs in the default mode either way",
                )
            )
            continue
        data[key] = value
    if entry.skills:
        data["skills"] = [ref.name for ref in entry.skills]
    return data, dropped + _extra_drops(entry, "claude", (*CLAUDE_FIELDS, "skills"))


def _copilot(entry: Entry, caps: Capabilities) -> tuple[dict, list[Dropped]]:
    data: dict[str, object] = {"name": _display_name(entry), "description": description_of(entry)}
    dropped: list[Dropped] = []
    if not caps.all_tools:
        tools, dropped = _to_copilot_tools(caps.tools)
        data["tools"] = tools
    model = _model(entry.model, "copilot")
    if model:
        data["model"] = model
    elif entry.model:
        dropped.append(
            Dropped(
                f"model {entry.model}",
                "Copilot takes a model's name as its model picker shows it (for example "
                "Claude Sonnet 4.5), not a Claude Code model name or id",
            )
        )
    return data, dropped + _extra_drops(entry, "copilot", ())


WRITE_OR_RUN = frozenset({"Bash", "Write", "Edit", "MultiEdit", "NotebookEdit", "Task", "Agent"})
"""Tools that change files, run commands or start other agents (Claude Code names)."""
_WRITE_OR_RUN_KEYS = frozenset(t.lower() for t in WRITE_OR_RUN) | {
    "execute",
    "shell",
    "powershell",
    "edit",
    "agent",
    "custom-agent",
}


def read_only(caps: Capabilities) -> bool:
    """Whether the agent, as Claude Code resolves it, can only read: none of Bash, Write,
    Edit, MultiEdit, NotebookEdit, Task and no MCP tool (web tools allowed), or the
    ``plan`` mode. Cursor's ``readonly: true`` and Codex's read-only sandbox follow it,
    so a conversion never grants more than the panel shows. Every tool (no list) holds
    the MCP tools of any server, so it is read-only only in ``plan`` mode."""
    if caps.permission_mode == "plan":
        return True
    if caps.all_tools:
        return False
    for tool in caps.tools:
        name = tool.strip()
        if tool_key(name) in _WRITE_OR_RUN_KEYS or name.startswith("mcp__") or "/" in name:
            return False
    return True


def _no_tool_list(caps: Capabilities, target: str, flag: str) -> list[Dropped]:
    label = TARGETS[target].label
    if caps.all_tools:
        return []
    listed = ", ".join(caps.tools) or "none"
    if read_only(caps):
        return [Dropped(f"tools ({listed})", f"{label} has no tool list; {flag} instead")]
    return [
        Dropped(
            f"tools ({listed})",
            f"{label} has no tool list: the agent gets every tool {label} gives it",
        )
    ]


def _cursor(entry: Entry, caps: Capabilities) -> tuple[dict, list[Dropped]]:
    data: dict[str, object] = {"name": _cursor_name(entry), "description": description_of(entry)}
    dropped = []
    model = _model(entry.model, "cursor")
    if model:
        data["model"] = model
    elif entry.model:
        dropped.append(Dropped(f"model {entry.model}", "Cursor takes inherit, fast or its own ids"))
    if read_only(caps):
        data["readonly"] = True
    if caps.background:
        data["is_background"] = True
    dropped += _no_tool_list(caps, "cursor", "readonly: true is set")
    return data, dropped + _extra_drops(entry, "cursor", ("background",))


def _codex(entry: Entry, caps: Capabilities) -> tuple[dict, list[Dropped]]:
    body = body_of(entry)
    data: dict[str, object] = {
        "name": written_name(entry),
        "description": description_of(entry),
        "developer_instructions": body or description_of(entry),
    }
    dropped = []
    model = _model(entry.model, "codex")
    if model:
        data["model"] = model
    elif entry.model:
        dropped.append(Dropped(f"model {entry.model}", "not a Codex model"))
    if read_only(caps):
        data["sandbox_mode"] = "read-only"
    dropped += _no_tool_list(caps, "codex", 'sandbox_mode = "read-only" is set')
    return data, dropped + _extra_drops(entry, "codex", ())


def _cursor_name(entry: Entry) -> str:
    """Cursor documents a subagent's name as lowercase letters and hyphens: the slug of
    the name as written (never the ``-<collection>`` a shared name adds to URLs)."""
    return slug(written_name(entry)) or entry.name


def changes(entry: Entry, target: str, file: str | None = None) -> list[Dropped]:
    """What ``target`` makes differ from the source's identity (the "changed" list), for
    the file ``file`` (default: the download's name, after the page's slug)."""
    written = written_name(entry)
    file = file or file_name(entry, target)
    label = TARGETS[target].label
    if target == "claude" and not entry.path.endswith(COPILOT_SUFFIX):
        found = reading(entry)
        if not found.loaded:
            reason = (
                f"Claude Code {runtimes.CLAUDE_CODE_VERSION} does not load the source file "
                f"({found.reason}); this copy loads, with the tools this page shows"
            )
            return [Dropped("loads in Claude Code", reason)]
    if target == "cursor" and _cursor_name(entry) != written:
        reason = f"{label} documents names as lowercase letters and hyphens"
        return [Dropped(f"name {written} -> {_cursor_name(entry)}", reason)]
    if target == "copilot" and file != written + COPILOT_SUFFIX:
        reason = (
            f"{label} names an agent by its file name, and downloads are named after the "
            f"page's address; rename the file to {written}{COPILOT_SUFFIX} to keep the name"
        )
        return [Dropped(f"file name {file}", reason)]
    return []


_CONVERTERS = {"claude": _claude, "copilot": _copilot, "cursor": _cursor, "codex": _codex}


def plan(entry: Entry, target: str, caps: Capabilities | None = None) -> tuple[dict, list]:
    """The fields of ``entry``'s file for ``target`` and what it leaves out (no text)."""
    if entry.kind != Kind.PERSONA:
        raise ValueError("only personas convert to agent files; a skill's folder is used as is")
    caps = caps or capabilities(entry)
    data, dropped = _CONVERTERS[target](entry, caps)
    if caps.runtime:
        gone = [
            Dropped(f"tool {tool}", f"{caps.runtime} has no such tool: listing it gives nothing")
            for tool in caps.ignored_tools
        ]
        dropped = gone + [d for d in dropped if d.what not in {g.what for g in gone}]
    if entry.model and entry.model.lower() == "inherit" and "model" not in data:
        dropped = [d for d in dropped if d.what != f"model {entry.model}"]  # the default
    body = entry.raw[entry.body_offset :]
    if target == "copilot" and len(body) > COPILOT_MAX_PROMPT:
        dropped.append(
            Dropped(
                f"instructions past character {COPILOT_MAX_PROMPT:,}",
                f"Copilot reads at most {COPILOT_MAX_PROMPT:,} characters (this one has "
                f"about {len(body):,})",
            )
        )
    return data, dropped


def convert(entry: Entry, target: str, caps: Capabilities | None = None) -> Conversion:
    """The agent file of ``entry`` for ``target`` (a key of :data:`TARGETS`)."""
    data, dropped = plan(entry, target, caps)
    body = body_of(entry)
    text = toml_document(data) if target == "codex" else front_matter_document(data, body)
    name = file_name(entry, target)
    path = f"{TARGETS[target].folder}/{name}"
    return Conversion(target, name, path, text, tuple(dropped), tuple(changes(entry, target)))


_CONVERTED: dict[tuple, dict[str, Conversion]] = {}
"""Conversions by file identity and text: a build asks for them twice (the page's panel,
the written files), and a rebuild under ``mkdocs serve`` for the unchanged ones again."""


def convert_all(entry: Entry) -> dict[str, Conversion]:
    """Every conversion of a persona, by target."""
    key = (entry.kind, entry.name, entry.path, entry.raw, entry.collection)
    found = _CONVERTED.get(key)
    if found is None:
        if len(_CONVERTED) > 20_000:
            _CONVERTED.clear()
        caps = capabilities(entry)
        found = _CONVERTED[key] = {target: convert(entry, target, caps) for target in TARGETS}
    return found


# "Use this": where a file goes and a one-line command that puts it there ---------------

SKILL_FOLDERS = (
    ("claude", "Claude Code", ".claude/skills"),
    ("copilot", "GitHub Copilot", ".github/skills"),
    ("agents", "Other agents (.agents)", ".agents/skills"),
)
"""Where project skills live: Claude Code (https://code.claude.com/docs/en/skills), and
GitHub Copilot, which also reads ``.claude/skills`` and ``.agents/skills``
(https://docs.github.com/en/copilot/how-tos/use-copilot-agents/cloud-agent/create-skills)."""


@dataclass(frozen=True)
class Tab:
    """One tool in the "Use this" panel."""

    key: str
    label: str
    path: str
    """Where the file or folder goes in a project."""
    download: str
    """Site-relative path of the file to download."""
    command: str | None
    """A one-line shell command that downloads it there (None without a site URL)."""
    dropped: tuple[Dropped, ...] = ()
    changed: tuple[Dropped, ...] = ()


def is_preview(changes: bool = False, environ: Mapping[str, str] = os.environ) -> bool:
    """A preview build: given a base revision, or sanitizing every page."""
    return (
        changes
        or bool(environ.get("PERSONAS_BASE_REVISION"))
        or (environ.get("PERSONAS_SANITIZE") == "all")
    )


def download_base(
    site_url: str | None, preview: bool, environ: Mapping[str, str] = os.environ
) -> str | None:
    """The address download commands start with: the preview's own
    (``PERSONAS_PREVIEW_URL``) in a preview build, never the published site's; else
    ``site_url``; None when unknown (the page then shows no command)."""
    if preview:
        return environ.get("PERSONAS_PREVIEW_URL") or None
    return site_url or None


def absolute(base: str | None, path: str) -> str | None:
    """``path`` (site-relative) below the site's address, or None without one."""
    if not base:
        return None
    return base.rstrip("/") + "/" + quote(path, safe="/")


def download_command(folder: str, name: str, url: str) -> str:
    """``mkdir -p FOLDER && curl -fsSLo FOLDER/NAME URL``: every part shell-quoted, the
    file written by curl itself (never piped to a shell)."""
    target = f"{folder}/{name}"
    return f"mkdir -p {shlex.quote(folder)} && curl -fsSLo {shlex.quote(target)} {shlex.quote(url)}"


def unzip_command(folder: str, name: str, url: str) -> str:
    """Download a skill's zip (which holds ``NAME/...``) into FOLDER, unpack it, remove it."""
    archive = shlex.quote(f"{folder}/{name}.zip")
    where = shlex.quote(folder)
    return (
        f"mkdir -p {where} && curl -fsSLo {archive} {shlex.quote(url)} && "
        f"unzip -o {archive} -d {where} && rm {archive}"
    )


def persona_tabs(entry: Entry, base: str | None) -> list[Tab]:
    """A tab per tool for a persona: its converted file, where it goes, a command."""
    tabs = []
    for key, conversion in convert_all(entry).items():
        target = TARGETS[key]
        download = site_path(entry, key)
        url = absolute(base, download)
        command = download_command(target.folder, conversion.file_name, url) if url else None
        tabs.append(
            Tab(
                key,
                target.label,
                conversion.path,
                download,
                command,
                conversion.dropped,
                conversion.changed,
            )
        )
    return tabs


def skill_folder_name(entry: Entry) -> str:
    """The folder a skill installs into: its own folder's name in the source, as its zip
    holds it (:attr:`.bundles.Bundle.top`), else its name."""
    from ..catalogue.bundles import SKILL_FILE, top_folder

    if posixpath.basename(entry.path) != SKILL_FILE:
        return entry.name
    return top_folder(posixpath.dirname(entry.path), entry.name)


def skill_tabs(entry: Entry, base: str | None, zip_path: str | None) -> list[Tab]:
    """A tab per skills folder: the skill's zip (or its lone ``SKILL.md``) and a command;
    the skill goes into a folder named as its source folder is."""
    tabs = []
    top = skill_folder_name(entry)
    for key, label, folder in SKILL_FOLDERS:
        if zip_path:
            url = absolute(base, zip_path)
            command = unzip_command(folder, entry.name, url) if url else None
            tabs.append(Tab(key, label, f"{folder}/{top}/", zip_path, command))
        else:
            download = f"skills/{entry.name}/SKILL.md"
            url = absolute(base, download)
            where = f"{folder}/{top}"
            command = download_command(where, "SKILL.md", url) if url else None
            tabs.append(Tab(key, label, f"{where}/SKILL.md", download, command))
    return tabs
