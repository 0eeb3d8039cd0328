"""How other tools read the files this catalogue publishes, stated once, as data and code.

Two readers matter: Claude Code, which loads an agent file (``.claude/agents/*.md``), and
the Agent Skills specification, which says what a ``SKILL.md`` holds. Pages, flags, the
risk facet, ``personas.json`` and the conversions take an agent's powers from
:func:`claude_code_reading`, not from our own reading of the same text, because what an
agent may do is what the runtime gives it.

Claude Code's reading, as recorded from ``@anthropic-ai/claude-code`` 2.1.197
(:data:`CLAUDE_CODE_VERSION`; the recordings are in ``tests/conformance/claude_code``):

- The front matter is the text between a first line ``---`` (at the very first byte: a
  byte-order mark or a blank line first means none) and the first ``---`` *anywhere*
  after it (pattern ``^---\\s*\\n([\\s\\S]*?)---\\s*\\n?``): a ``---`` inside a value ends
  it, and the lines after it are not read.
- It is parsed as YAML 1.2 (core schema: ``true``, ``12``, ``null`` are typed). When
  that fails, every top-level line ``key: value`` whose value holds one of
  ``{}[]*&#!|>%@`` or a backtick or ``: ``, is not wrapped in quotes and is not a flow
  list is rewritten as ``key: "value"`` (backslashes and quotes escaped), tabs that start
  a line become two spaces each, and the text is parsed once more; a value that starts
  with a quote and goes on after it is rewritten too.
- An agent needs a string ``name`` (not starting with ``-``) and a non-empty string
  ``description``. Its fields are :data:`AGENT_FIELDS`; ``allowed-tools`` is not one of
  them (it is a skill field).
- ``tools`` and ``disallowedTools`` (a string or a list of strings) are split at commas
  *and spaces* outside parentheses; an item ``*`` means every tool (and denies nothing
  in ``disallowedTools``); ``Tool(arguments)`` names the whole ``Tool``; names match
  exactly, case included, after the aliases of :data:`TOOL_ALIASES`; ``Glob`` and
  ``Grep`` exist only in a list without ``Bash``; names the runtime does not have are
  ignored; a deny entry takes its tool away even when ``tools`` lists it.
- ``permissionMode`` is one of :data:`PERMISSION_MODES`; anything else is ``default``.

This module never loosens the safe YAML reader: it takes the text Claude Code would
take and parses it with :mod:`strict_yaml`; where Claude Code retries, the retry's text
is parsed safely again. Plain Python, no MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Protocol

from . import strict_yaml, strings
from .front_matter import split_front_matter
from .model import Problem, visible
from .strict_yaml import MAPPING, SCALAR, SEQUENCE, Node


class Document(Protocol):
    """What :func:`runtime_problems` needs of a read file (``read.Document`` has it)."""

    source: Any
    text: str
    front: Node | None
    body_line: int

    @property
    def as_read(self) -> str: ...


CLAUDE_CODE_VERSION = "2.1.197"
"""The Claude Code release these rules were recorded from (npm ``@anthropic-ai/claude-code``)."""

# --- Claude Code: data -------------------------------------------------------------------

AGENT_FIELDS = (
    "name",
    "description",
    "tools",
    "model",
    "skills",
    "disallowedTools",
    "initialPrompt",
    "permissionMode",
    "maxTurns",
    "mcpServers",
    "hooks",
    "memory",
    "background",
    "effort",
    "isolation",
    "color",
)
"""The front-matter fields a Claude Code agent has, in the documented order; others are
ignored (``allowed-tools`` is a skill field, not one of them)."""

TOOLS = (
    "Task",
    "Bash",
    "CronCreate",
    "CronDelete",
    "CronList",
    "Edit",
    "EnterWorktree",
    "ExitWorktree",
    "NotebookEdit",
    "Read",
    "ReportFindings",
    "ScheduleWakeup",
    "SendMessage",
    "Skill",
    "TaskCreate",
    "TaskGet",
    "TaskList",
    "TaskOutput",
    "TaskStop",
    "TaskUpdate",
    "ToolSearch",
    "WebFetch",
    "WebSearch",
    "Workflow",
    "Write",
)
"""Every tool an agent without a ``tools`` list gets (as the runtime prints them; the
subagent tool, ``Agent`` inside Claude Code, prints as ``Task``). MCP tools are
``mcp__<server>__<tool>`` and exist only where that server is configured."""

SEARCH_TOOLS = ("Glob", "Grep")
"""Tools that exist only in a tools list without Bash: this build has search inside Bash,
so ``Glob`` and ``Grep`` resolve only when the agent's listed tools do not include
``Bash`` (and an agent with every tool has neither)."""

TOOL_ALIASES = {
    "Agent": "Task",
    "KillShell": "TaskStop",
    "KillBash": "TaskStop",
    "AgentOutputTool": "TaskOutput",
    "BashOutputTool": "TaskOutput",
    "AgentOutput": "TaskOutput",
    "BashOutput": "TaskOutput",
}
"""Other names Claude Code accepts for a tool (legacy names and ``Agent``)."""

GONE_TOOLS = ("MultiEdit", "TodoWrite", "LS", "NotebookRead", "ExitPlanMode", "LSP")
"""Tools of earlier releases that this one no longer has: listing them gives nothing."""

POWER_TOOLS = frozenset(
    {"Bash", "Write", "Edit", "MultiEdit", "NotebookEdit", "WebFetch", "WebSearch", "Task"}
)
"""Tools that run commands, change files, reach the web or start other agents."""

PERMISSION_MODES = ("acceptEdits", "auto", "bypassPermissions", "default", "dontAsk", "plan")
"""Valid ``permissionMode`` values (exact case); anything else is read as ``default``."""

PERMISSIVENESS = {
    "plan": 0,
    "dontAsk": 0,
    "default": 1,
    "auto": 2,
    "acceptEdits": 2,
    "bypassPermissions": 3,
}
"""How much a permission mode lets an agent do without asking: higher is more."""

SPECIAL = re.compile(r"[{}\[\]*&#!|>%@`]|: ")
"""A value Claude Code's retry quotes (after a YAML failure) holds one of these."""
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_RETRY_KEY = re.compile(rf"([a-zA-Z_-]+):[{_JS_SPACE}]+([^\n\r\u2028\u2029]+)\Z")


class _All:
    """Every tool the runtime has."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ALL"

    def __reduce__(self):
        return (_All, ())


ALL = _All()
"""The tool set of an agent that may use every tool."""


# --- Agent Skills specification ------------------------------------------------------------

SKILL_FIELDS = ("name", "description", "license", "allowed-tools", "metadata", "compatibility")
"""The fields of a ``SKILL.md`` (https://agentskills.io/specification)."""
SKILL_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
SKILL_NAME_MAX = 64
SKILL_DESCRIPTION_MAX = 1024
SKILL_COMPATIBILITY_MAX = 500


# --- the reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One place where Claude Code reads a file otherwise than it appears to say."""

    line: int
    col: int
    field: str
    message: str
    """For ``personas validate``: expected, found and how to fix it."""
    note: str
    """For the page: the same in a sentence a reader understands (English)."""
    security: bool = False
    """Claude Code gives the agent more than the file appears to ask for."""
    key: str = ""
    """The interface string of the note (``runtime.*``), for pages in other languages."""
    args: tuple[tuple[str, str], ...] = ()
    """The values of the note's placeholders."""

    @property
    def values(self) -> dict[str, str]:
        return dict(self.args)


def _note(key: str, **args: str) -> dict:
    """A note's English text, key and values, as :class:`Difference` fields; values come
    from the file, so hidden characters in them are written out (``<U+202E>``)."""
    args = {name: visible(v) if isinstance(v, str) else v for name, v in args.items()}
    return {"note": strings.tr(key, "en", **args), "key": key, "args": tuple(args.items())}


@dataclass(frozen=True)
class Reading:
    """What Claude Code makes of an agent file."""

    loaded: bool
    """Claude Code lists the agent (a string name and description)."""
    reason: str = ""
    """Why it is not loaded (English)."""
    reason_key: str = ""
    """The same as an interface string (``runtime.why.*``), with ``reason_args``."""
    reason_args: tuple[tuple[str, str], ...] = ()
    name: str | None = None
    description: str | None = None
    tools: frozenset[str] | _All = ALL
    """The tools it gets (known names, aliases resolved, denied ones removed), or ALL."""
    tool_order: tuple[str, ...] = ()
    """The same tools in the order the file lists them (MCP tools included)."""
    denied: tuple[str, ...] = ()
    """Known tools removed by ``disallowedTools`` (with ALL: the ones it does not get)."""
    disallowed: tuple[str, ...] = ()
    """``disallowedTools`` items as Claude Code splits them."""
    ignored: tuple[str, ...] = ()
    """``tools`` items naming no tool Claude Code has (they give nothing)."""
    permission_mode: str = "default"
    model: str | None = None
    mcp_servers: tuple[object, ...] = ()
    """``mcpServers`` items: names, or ``{name: configuration}`` mappings."""
    fields: Mapping[str, object] = field(default_factory=dict)
    """The front matter as Claude Code's YAML reads it (scalars typed, core schema)."""
    retried: bool = False
    """YAML failed and Claude Code's quoting retry read it."""
    refused: str = ""
    """A safety rule of this catalogue that the text breaks (anchors, tags...), if any."""
    front_end: int = 0
    """Offset in the text where Claude Code's front matter ends."""
    differences: tuple[Difference, ...] = ()

    @property
    def all_tools(self) -> bool:
        return self.tools is ALL

    def has(self, tool: str) -> bool:
        """Whether the agent gets ``tool`` (a known tool name)."""
        if self.tools is ALL:
            return tool in every_tool(self.denied)
        return tool in self.tools

    @property
    def resolved(self) -> frozenset[str]:
        """The tools it gets, spelled out (every tool of :data:`TOOLS` for ALL)."""
        return every_tool(self.denied) if self.tools is ALL else self.tools


# --- YAML as Claude Code's parser types it ------------------------------------------------

_NULL = re.compile(r"(?:~|null|Null|NULL)?\Z")
_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")


def js_value(node: Node) -> object:
    """A node as YAML 1.2's core schema types it (what Claude Code's parser returns):
    plain ``true`` is a boolean, ``12`` a number, ``null`` or nothing is null; quoted
    scalars are strings. Without recursion limits beyond the reader's own bound."""
    if node.kind == SCALAR:
        value = node.value
        if not node.plain:
            return value
        if _NULL.match(value):
            return None
        if _BOOL.match(value):
            return value[0] in "tT"
        if _INT.match(value):
            return int(value)
        if _OCT.match(value):
            return int(value[2:], 8)
        if _HEX.match(value):
            return int(value[2:], 16)
        if _FLOAT.match(value):
            return float(value)
        if _INF.match(value):
            return float("-inf") if value.startswith("-") else float("inf")
        if _NAN.match(value):
            return float("nan")
        return value
    if node.kind == SEQUENCE:
        return [js_value(item) for item in node.items]
    return {key.value: js_value(value) for key, value in node.items}


# --- front matter -----------------------------------------------------------------------

_SPACE = re.compile(f"[{_JS_SPACE}]*")


def claude_code_front_matter(text: str) -> tuple[int, int, int] | None:
    """Where Claude Code's front matter is: ``(start, end, after)`` offsets of its text
    and of the body, or None when the pattern ``^---\\s*\\n([\\s\\S]*?)---\\s*\\n?`` does
    not match. Computed without backtracking (the regex is quadratic on long blank runs):
    after the first ``---``, the whitespace run up to its last newline, then up to the
    first ``---`` anywhere, then the whitespace after it."""
    if not text.startswith("---"):
        return None
    run = _SPACE.match(text, 3)
    newline = text.rfind("\n", 3, run.end())
    if newline < 0:
        return None
    start = newline + 1
    end = text.find("---", start)
    if end < 0:
        return None
    after = _SPACE.match(text, end + 3).end()
    return start, end, after


_TABS = re.compile(r"^\t+", re.M)


def quote_problem_values(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Claude Code's retry after a YAML failure. Each top-level ``key: value`` line (key of
    letters, ``_`` and ``-``) whose value holds a character of :data:`SPECIAL` (or
    ``: ``), is not wrapped in one kind of quotes and is not a flow list (``[a, b]``)
    becomes ``key: "value"``, with ``\\`` and ``"`` escaped; then tabs that start a line
    become two spaces each.

    Returns the text and ``(line index, key, value)`` for each quoted line. The value
    keeps its column (the spaces after the colon are kept), so positions stay true.
    """
    lines = text.split("\n")
    changed = []
    for index, line in enumerate(lines):
        match = _RETRY_KEY.match(line)
        if match is None:
            continue
        key, value = match.groups()
        if (value.startswith('"') and value.endswith('"')) or (
            value.startswith("'") and value.endswith("'")
        ):
            continue
        if value.startswith("[") and value.endswith("]"):
            root, _ = strict_yaml.parse(value, recover=False)
            if root is not None and root.kind == SEQUENCE:
                continue
        if not SPECIAL.search(value):
            continue
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        lines[index] = line[: match.start(2)] + '"' + escaped + '"'
        changed.append((index, key, value))
    quoted = _TABS.sub(lambda m: "  " * len(m.group()), "\n".join(lines))
    return quoted, changed


@dataclass(frozen=True)
class Parsed:
    """Front matter parsed the way Claude Code parses it, with our safe reader."""

    root: Node | None
    """The mapping, or None when Claude Code's YAML gives no fields."""
    retried: list[tuple[int, str, str]]
    """Lines the quoting retry rewrote (empty when the first parse worked)."""
    issues: list[strict_yaml.Issue]
    """What our reader refuses in the text it parsed (anchors, tags, depth...)."""
    failed: bool = False
    """YAML failed twice: Claude Code loads no fields."""
    again: bool = False
    """The first parse failed and the retry's text was read."""


def _invalid(issues: Sequence[strict_yaml.Issue]) -> bool:
    return any(i.fatal and i.message.startswith("invalid YAML") for i in issues)


def parse_claude_code(text: str, first_line: int = 1, max_depth: int = 16) -> Parsed:
    """Parse front-matter text as Claude Code does, safely: once as written; if YAML
    syntax fails, once more after :func:`quote_problem_values`."""
    root, issues = strict_yaml.parse(text, first_line, max_depth, recover=False)
    retried: list[tuple[int, str, str]] = []
    again = False
    if root is None and _invalid(issues):
        quoted, retried = quote_problem_values(text)
        if quoted == text:
            return Parsed(None, [], issues, failed=True)
        again = True
        root, issues = strict_yaml.parse(quoted, first_line, max_depth, recover=False)
        if root is None and _invalid(issues):
            return Parsed(None, retried, issues, failed=True, again=True)
    if root is not None and root.kind != MAPPING:
        root = None
    return Parsed(root, retried, issues, again=again)


def _portable(key: str, value: str) -> str:
    """``key: 'value'``: the value as one single-quoted YAML string, readable alike by
    every YAML parser."""
    return f"{key}: '" + value.strip().replace("'", "''") + "'"


def retry_as_claude_code(
    text: str, first_line: int = 1, max_depth: int = 16
) -> tuple[Node | None, list[strict_yaml.Issue]] | None:
    """For front matter our reader refuses as invalid YAML: Claude Code's quoting retry,
    parsed safely, so that what Claude Code loads gets a page.

    Returns None when the retry changes nothing, does not parse either, or gives no
    string ``name`` and ``description`` (the file is left out, as Claude Code leaves it
    out). Otherwise the tree (None when a safety rule
    refuses the retried text) and the issues: a warning for each value the retry reads
    as text, with how to write it for every tool; the safety errors say that Claude
    Code would load the file.
    """
    quoted, changed = quote_problem_values(text)
    if quoted == text:
        return None
    root, issues = strict_yaml.parse(quoted, first_line, max_depth, recover=False)
    if _invalid(issues) or (root is not None and root.kind != MAPPING):
        return None
    fields = read_fields(root)
    name, description = fields.get("name"), fields.get("description")
    if not (isinstance(name, str) and name and not name.startswith("-")):
        return None  # Claude Code would not load it either: the YAML error stands
    if not (isinstance(description, str) and description):
        return None
    loads = (
        f"; Claude Code {CLAUDE_CODE_VERSION} would load this file (it quotes values that YAML "
        "refuses and reads it again), but this catalogue does not take the risk"
    )
    errors = [i if i.warning else replace(i, message=i.message + loads) for i in issues]
    lines = text.split("\n")
    for index, key, value in changed:
        line = lines[index]
        col = line.index(value, len(key) + 1) + 1
        alone, _ = strict_yaml.parse(f"{key}: {value}", recover=False)
        node = alone.get(key) if alone is not None and alone.kind == MAPPING else None
        if node is not None and node.kind == SCALAR and node.value == value.strip():
            continue
        if node is None:
            why = (
                "starts with a quoted string and goes on after it"
                if value[:1] in "'\""
                else "is not valid YAML as written"
            )
            message = (
                f"the value {why}, which YAML refuses; Claude Code quotes such values and "
                "reads the file again, so the whole line is the text, and so it is read here"
            )
        else:
            message = (
                "YAML alone reads this value as something else (a list, a mapping...), but "
                "another line of this front matter needs quoting, and Claude Code then "
                "reads this one as the text as written too, as it is read here"
            )
        errors.append(
            strict_yaml.Issue(
                first_line + index,
                col,
                key,
                f"{message}; to be read the same by every tool, write `{_portable(key, value)}`",
                warning=True,
            )
        )
    if _TABS.search(text):
        line = text[: _TABS.search(text).start()].count("\n") + first_line
        errors.append(
            strict_yaml.Issue(
                line,
                1,
                _field_at(root, line),
                "a line starts with a tab, which YAML refuses; Claude Code reads each tab "
                "there as two spaces, and so it is read here; indent with spaces",
                warning=True,
            )
        )
    return root, sorted(errors, key=lambda issue: (issue.line, issue.col))


_REFUSED = {
    "anchors": "anchors are not allowed",
    "aliases": "aliases are not allowed",
    "tags": "tags are not allowed",
    "merge keys": "merge keys (<<)",
    "nesting": "nesting deeper than",
    "keys": "expected a string key",
}


def _refusal(issues: Iterable[strict_yaml.Issue]) -> str:
    """The safety rule (DESIGN.md) an issue list breaks, in words, or ""."""
    for issue in issues:
        if issue.warning or issue.message.startswith("invalid YAML"):
            continue
        for what, start in _REFUSED.items():
            if issue.message.startswith(start):
                return what
        if issue.message.startswith("duplicate key"):
            continue  # Claude Code's parser refuses them too
        return issue.message
    return ""


# --- tools ----------------------------------------------------------------------------


def split_tool_list(value: object) -> list[str] | None:
    """Claude Code's split of a ``tools`` or ``disallowedTools`` value: None when the
    field is missing or null; a string or the strings of a list, split at commas and
    spaces outside parentheses (a tab is not a separator); other values give ``[]``."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = [value]
    elif isinstance(value, list):
        parts = [v for v in value if isinstance(v, str)]
    else:
        return []
    if not value:
        return []
    result: list[str] = []
    for part in parts:
        current, inside = [], False
        for char in part:
            if char == "(":
                inside = True
            elif char == ")":
                inside = False
            elif char in ", " and not inside:
                item = "".join(current).strip()
                if item:
                    result.append(item)
                current = []
                continue
            current.append(char)
        item = "".join(current).strip()
        if item:
            result.append(item)
    return result


_RULE = re.compile(r"([^(]+)\(([^)]+)\)\Z", re.S)


def tool_name(spec: str) -> str:
    """The tool a list item names, as Claude Code matches it: ``Bash(git *)`` -> ``Bash``,
    ``Agent`` -> ``Task``; anything else exactly as written."""
    match = _RULE.match(spec)
    name = match.group(1) if match else spec
    return TOOL_ALIASES.get(name, name)


def known(name: str) -> bool:
    """Whether Claude Code has a tool of this exact name (MCP tools count as known)."""
    return name in _KNOWN or name.startswith("mcp__")


_KNOWN = frozenset((*TOOLS, *SEARCH_TOOLS))
_BY_FOLD = {name.casefold(): name for name in (*TOOLS, *SEARCH_TOOLS, *TOOL_ALIASES)}


def close_tool(name: str) -> str | None:
    """The tool a mistyped name probably means (case only): ``bash`` -> ``Bash``."""
    found = _BY_FOLD.get(name.casefold())
    return TOOL_ALIASES.get(found, found) if found else None


# --- the reading ---------------------------------------------------------------------------


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _model(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        model = value.strip()
        return "inherit" if model.lower() == "inherit" else model
    return None


def _servers(value: object) -> tuple[object, ...]:
    """``mcpServers`` as Claude Code takes it: a list of server names and one-key
    ``{name: configuration}`` mappings; anything else is ignored."""
    if not isinstance(value, list):
        return ()
    return tuple(
        item
        for item in value
        if (isinstance(item, str) and item) or (isinstance(item, dict) and len(item) == 1)
    )


def read_fields(front: Node | None) -> dict[str, object]:
    """Claude Code's view of a parsed front matter: every key, values typed."""
    if front is None or front.kind != MAPPING:
        return {}
    return {key.value: js_value(value) for key, value in front.items}


def denies(denied: Iterable[str], tool: str) -> bool:
    """Whether deny entries (tool names) take ``tool`` away: by exact name; ``mcp__srv``
    or ``mcp__srv__*`` a whole MCP server, ``mcp__*`` every MCP tool."""
    for entry in denied:
        if entry == tool:
            return True
        if entry.startswith("mcp__") and tool.startswith("mcp__"):
            prefix = entry.removesuffix("*").removesuffix("__") + "__"
            if entry == "mcp__*" or tool.startswith(prefix):
                return True
    return False


def every_tool(denied: Iterable[str] = ()) -> frozenset[str]:
    """The tools of an agent without a tools list, once ``denied`` are taken away (never
    ``Glob`` or ``Grep``, even when ``Bash`` is denied: recorded)."""
    denied = tuple(denied)
    return frozenset(t for t in TOOLS if not denies(denied, t))


def resolve_tools(
    fields: Mapping[str, object],
) -> tuple[frozenset[str] | _All, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple]:
    """``(tools, order, denied, ignored, disallowed items)`` from Claude Code's fields:
    the tools it gets (ALL for every tool), the same in the file's order, the tool
    names ``disallowedTools`` takes away, the ``tools`` items it ignores, and the
    ``disallowedTools`` items as split."""
    listed = split_tool_list(fields.get("tools"))
    if listed is None and "tools" in fields:
        listed = []  # ``tools:`` with no value: no tool at all
    deny_items = split_tool_list(fields.get("disallowedTools"))
    if deny_items is not None and "*" in deny_items:
        deny_items = None  # a star in disallowedTools is read as "not set"
    deny_items = tuple(deny_items or ())
    denied = tuple(dict.fromkeys(tool_name(t) for t in deny_items))
    if listed is None or "*" in listed:
        return ALL, (), denied, (), deny_items
    order, ignored = [], []
    for item in listed:
        name = tool_name(item)
        if not known(name):
            ignored.append(item)
        elif not denies(denied, name) and name not in order:
            order.append(name)
    if "Bash" in order:
        order = [t for t in order if t not in SEARCH_TOOLS]
    return frozenset(order), tuple(order), denied, tuple(ignored), deny_items


def claude_code_reading(
    text: str,
    max_depth: int = 16,
    apparent: Apparent | None = None,
    parsed: tuple[str, Node] | None = None,
) -> Reading:
    """How Claude Code reads the agent file ``text`` (as decoded, BOM and line ends kept).

    ``apparent`` is what the file appears to say (our own reading, :func:`apparent_of`);
    when given, the reading lists where the two differ. ``parsed`` is front-matter text
    that our reader parsed as written (without recovery) and its tree: when Claude Code
    takes the same text, the tree is used instead of parsing it again.
    """
    return _reading(text, max_depth, apparent, parsed)


def _not_loaded(key: str, base: Mapping[str, object] | None = None, **args: str) -> Reading:
    reason = strings.tr(key, "en", **args).split(": ", 1)[-1].rstrip(".")
    return Reading(
        False, reason, reason_key=key, reason_args=tuple(args.items()), **dict(base or {})
    )


def _reading(
    text: str, max_depth: int, apparent: Apparent | None, known_parse: tuple[str, Node] | None
) -> Reading:
    span = claude_code_front_matter(text)
    if span is None:
        key = "runtime.why.bom" if text.startswith("\ufeff") else "runtime.why.no_front"
        return _with_differences(_not_loaded(key), text, apparent)
    start, end, _after = span
    front_text = text[start:end]
    first_line = text.count("\n", 0, start) + 1
    if known_parse is not None and known_parse[0] == front_text:
        parsed = Parsed(known_parse[1] if known_parse[1].kind == MAPPING else None, [], [])
    else:
        parsed = parse_claude_code(front_text, first_line, max_depth)
    fields = read_fields(parsed.root)
    refused = _refusal(parsed.issues)
    name, description = _text(fields.get("name")), _text(fields.get("description"))
    base = {
        "fields": fields,
        "retried": parsed.again,
        "refused": refused,
        "front_end": end,
    }
    if parsed.failed:
        return _with_differences(_not_loaded("runtime.why.yaml", base), text, apparent)
    if not name or not description:
        missing = "name" if not name else "description"
        written = fields.get(missing)
        key = "runtime.why.missing"
        if missing in fields:
            key = "runtime.why.empty" if written in (None, "") else "runtime.why.not_text"
        reading = _not_loaded(key, base, field=missing)
        return _with_differences(reading, text, apparent)
    if name.startswith("-"):
        return _with_differences(_not_loaded("runtime.why.dash", base), text, apparent)
    tools, order, denied, ignored, deny_items = resolve_tools(fields)
    mode = fields.get("permissionMode")
    reading = Reading(
        True,
        name=name,
        description=description,
        tools=tools,
        tool_order=order,
        denied=denied,
        disallowed=deny_items,
        ignored=ignored,
        permission_mode=mode if isinstance(mode, str) and mode in PERMISSION_MODES else "default",
        model=_model(fields.get("model")),
        mcp_servers=_servers(fields.get("mcpServers")),
        **base,
    )
    return _with_differences(reading, text, apparent)


# --- what the file appears to say ------------------------------------------------------------


@dataclass(frozen=True)
class Apparent:
    """What a file appears to ask for, read as written: our own front matter (closed by
    a ``---`` line), the configured tools keys, a tools string split at commas (at
    spaces when it has none), tool names matched ignoring case. Differences are
    measured against it."""

    front: Node | None
    """Our parse of the front matter."""
    closing_line: int
    """The line of the ``---`` that closes our front matter."""
    tools_keys: tuple[str, ...] = ("tools", "allowed-tools", "allowed_tools")


def apparent_of(text: str, tools_keys: Sequence[str] = ()) -> Apparent | None:
    """Our own reading of a file's text (``\\n`` line ends, no BOM), or None when our
    reader finds no front matter."""
    parts = split_front_matter(text, "")
    if not isinstance(parts, tuple):
        return None
    front_text, _body, body_line = parts
    root, _issues = strict_yaml.parse(front_text, 2)
    return Apparent(root, body_line - 1, tuple(tools_keys) or Apparent.tools_keys)


def _pair(front: Node | None, key: str) -> tuple[Node, Node] | None:
    if front is None or front.kind != MAPPING:
        return None
    for k, v in front.items:
        if k.value == key:
            return k, v
    return None


def _split_outside(text: str, separators: str) -> list[str]:
    """``text`` split at ``separators`` outside parentheses."""
    parts, current, depth = [], [], 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char in separators and not depth:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _items(node: Node) -> list[tuple[str, Node]]:
    """The items of a tools value as written, with their nodes: a string split at
    commas outside parentheses (at spaces when it has no comma), or the strings of a
    list."""
    if node.kind == SCALAR:
        if node.is_empty:
            return []
        value = node.value
        commas = _split_outside(value, ",")
        parts = commas if len(commas) > 1 else _split_outside(value, " \t\n")
        return [(part.strip(), node) for part in parts if part.strip()]
    if node.kind == SEQUENCE:
        return [(item.value.strip(), item) for item in node.items if item.kind == SCALAR]
    return []


def _fold(name: str) -> str:
    """A tool name as the file appears to mean it: arguments dropped, case ignored,
    aliases resolved."""
    name = tool_name(name)
    return (close_tool(name) or name).casefold()


@dataclass(frozen=True)
class _Asked:
    key: str | None
    node: Node | None
    names: frozenset[str] | None
    """Folded names of the tools the file appears to allow; None for every tool."""
    denied: frozenset[str]
    mode: str | None


def _asked(view: Apparent) -> _Asked:
    key = node = None
    names: frozenset[str] | None = None
    for candidate in view.tools_keys:
        found = _pair(view.front, candidate)
        if found is not None:
            key, node = candidate, found[1]
            items = [name for name, _ in _items(node)]
            names = None if "*" in items else frozenset(_fold(i) for i in items)
            break
    deny = _pair(view.front, "disallowedTools")
    denied = frozenset(_fold(n) for n, _ in _items(deny[1])) if deny else frozenset()
    mode = _pair(view.front, "permissionMode")
    written = mode[1].value.strip() if mode and mode[1].kind == SCALAR else None
    return _Asked(key, node, names, denied, written or None)


def _rank(mode: str | None) -> int:
    """How permissive a written mode appears to be (case ignored; unknown is default)."""
    for valid, rank in PERMISSIVENESS.items():
        if mode and valid.casefold() == mode.casefold():
            return rank
    return PERMISSIVENESS["default"]


def _wider(reading: Reading, asked: _Asked) -> list[str]:
    """The power tools Claude Code gives that the file does not appear to allow
    (``"every tool"`` when it gives all and the file lists some)."""
    if not reading.loaded:
        return []
    if reading.tools is ALL:
        if asked.names is not None:
            return ["every tool"]
        return sorted(
            close_tool(d) or d
            for d in asked.denied
            if (close_tool(d) or d) in POWER_TOOLS and (close_tool(d) or d) not in reading.denied
        )
    if asked.names is None:
        return []
    return [t for t in reading.tool_order if t in POWER_TOOLS and t.casefold() not in asked.names]


def _gets(reading: Reading) -> str:
    """What the agent gets in Claude Code, in words."""
    if reading.tools is ALL:
        but = f" except {', '.join(reading.denied)}" if reading.denied else ""
        return f"gets every tool{but}"
    return "gets " + (", ".join(reading.tool_order) or "no tool")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _field_at(front: Node | None, line: int) -> str:
    found = "front matter"
    if front is not None and front.kind == MAPPING:
        for key, _ in sorted(front.items, key=lambda pair: pair[0].line):
            if key.line <= line:
                found = key.value
    return found


def _with_differences(reading: Reading, text: str, view: Apparent | None) -> Reading:
    if view is None:
        return reading
    found = tuple(differences(reading, text, view))
    return replace(reading, differences=found) if found else reading


COPILOT_HINTS = {
    "execute": "Bash",
    "shell": "Bash",
    "read": "Read",
    "edit": "Edit, Write",
    "search": "Grep, Glob",
    "web": "WebFetch, WebSearch",
    "agent": "Task",
    "todo": "TaskCreate, TaskUpdate",
}
"""GitHub Copilot's tool aliases, for hints: what the Claude Code tools are called."""


def differences(reading: Reading, text: str, view: Apparent) -> Iterator[Difference]:
    """Where Claude Code reads ``text`` otherwise than it appears to say (``view``)."""
    asked = _asked(view)
    widened = _wider(reading, asked)
    more_mode = reading.loaded and PERMISSIVENESS[reading.permission_mode] > _rank(asked.mode)
    gets = _gets(reading)
    yield from _cut(reading, text, view, bool(widened) or more_mode, gets)
    if not reading.loaded:
        cut = reading.front_end > 0 and _position(text, reading.front_end)[0] < view.closing_line
        if _pair(view.front, "description") is not None and reading.reason_key and not cut:
            yield Difference(
                1,
                1,
                "front matter",
                f"Claude Code {CLAUDE_CODE_VERSION} does not load this file as an agent: "
                f"{reading.reason}; pages and conversions show the file as written",
                **_note(reading.reason_key, **dict(reading.reason_args)),
            )
        return
    if asked.key is not None and asked.key != "tools" and asked.node is not None:
        written = ", ".join(name for name, _ in _items(asked.node))
        skill_field = asked.key.replace("_", "-") == "allowed-tools"
        yield Difference(
            asked.node.line,
            asked.node.col,
            asked.key,
            f"'{asked.key}' is not a Claude Code agent field"
            + (" (it is the Agent Skills field of a SKILL.md)" if skill_field else "")
            + f": Claude Code ignores it, so this agent {gets}; expected 'tools', "
            f"found '{asked.key}'; write `tools: {written}`",
            security=reading.tools is ALL,
            **_note(
                "runtime.skill_field" if skill_field else "runtime.other_field", field=asked.key
            ),
        )
    tools = _pair(view.front, "tools")
    if tools is not None:
        yield from _tool_items(reading, tools[1], gets)
    deny = _pair(view.front, "disallowedTools")
    if deny is not None:
        yield from _deny_items(reading, deny[1])
    mode = _pair(view.front, "permissionMode")
    if mode is not None and asked.mode and asked.mode not in PERMISSION_MODES:
        node = mode[1]
        close = next((m for m in PERMISSION_MODES if m.casefold() == asked.mode.casefold()), None)
        fix = f"write `permissionMode: {close}`" if close else "write one of them"
        yield Difference(
            node.line,
            node.col,
            "permissionMode",
            f"Claude Code knows no permission mode '{asked.mode}' and uses 'default' (asks "
            f"before acting); expected one of {', '.join(PERMISSION_MODES)}, found "
            f"'{asked.mode}'; {fix}",
            security=_rank(asked.mode) < PERMISSIVENESS["default"],
            **_note("runtime.mode", mode=asked.mode),
        )


def _cut(
    reading: Reading, text: str, view: Apparent, security: bool, gets: str
) -> Iterator[Difference]:
    """A ``---`` before our closing line ends Claude Code's front matter."""
    if reading.front_end <= 0:
        return
    line, col = _position(text, reading.front_end)
    if (line, col) == (view.closing_line, 1) or line > view.closing_line:
        return
    key = _field_at(view.front, line)
    pairs = view.front.items if view.front is not None and view.front.kind == MAPPING else ()
    lost = [k.value for k, _ in pairs if k.line > line]
    what = ", ".join(lost) if lost else f"the rest of '{key}'"
    result = f", so it {gets}" if security and reading.loaded else ""
    if not reading.loaded:
        result = f", so it does not load the agent ({reading.reason})"
    yield Difference(
        line,
        col,
        key,
        f"Claude Code ends the front matter at the first '---' anywhere, even inside a "
        f"value: it does not read {what}{result}; expected no '---' before the closing "
        f"line, found one in '{key}'; write it another way (an em dash '—' or ' - ')",
        security=security,
        **_note("runtime.cut", field=key, lost=", ".join(lost) if lost else "…"),
    )


def _placed(node: Node, written: str, start: int) -> tuple[int, int, int]:
    """The line and column of ``written`` inside a one-line string ``node`` (searching
    from ``start``), and where to search next; the node's own place otherwise."""
    if node.kind != SCALAR or "\n" in node.value:
        return node.line, node.col, start
    found = node.value.find(written, start)
    if found < 0:
        return node.line, node.col, start
    return node.line, node.col + found + (0 if node.plain else 1), found + len(written)


def _tool_items(reading: Reading, node: Node, gets: str) -> Iterator[Difference]:
    """Items of ``tools`` that Claude Code splits, widens or ignores."""
    items = _items(node)
    fixed = ", ".join(
        dict.fromkeys(p for name, _ in items for p in split_tool_list(name) or [] if p != "*")
    )
    start = 0
    for written, item in items:
        line, col, start = _placed(item, written, start)
        parts = split_tool_list(written) or []
        if len(parts) > 1 and "*" in parts:
            yield Difference(
                line,
                col,
                "tools",
                f"Claude Code splits tool lists at spaces as well as commas, and an item "
                f"'*' means every tool: '{written}' holds one, so it {gets}; expected tool "
                f"names separated by commas, found '{written}'; write `tools: {fixed}` with "
                "commas only, or leave 'tools' out to allow every tool on purpose",
                security=reading.tools is ALL,
                **_note("runtime.star", item=written),
            )
        elif len(parts) > 1:
            extra = [tool_name(p) for p in parts if tool_name(p) in POWER_TOOLS]
            yield Difference(
                line,
                col,
                "tools",
                f"Claude Code splits tool lists at spaces as well as commas: '{written}' is "
                f"read as {', '.join(parts)}, not as one tool, so it {gets}; expected tool "
                f"names separated by commas, found '{written}'; write `tools: {fixed}` with "
                "commas only (and without the tools it should not have)",
                security=any(reading.has(t) for t in extra),
                **_note("runtime.split", item=written, parts=", ".join(parts)),
            )
        elif parts:
            yield from _tool_name(parts[0], line, col, reading)


def _tool_name(written: str, line: int, col: int, reading: Reading) -> Iterator[Difference]:
    name = tool_name(written)
    if written == "*" or known(name):
        if name != written and _RULE.match(written) and name != "Task":
            yield Difference(
                line,
                col,
                "tools",
                f"Claude Code reads '{written}' in tools as the whole {name} tool: the part "
                f"in parentheses does not limit it; expected a tool name, found '{written}'; "
                f"write `{name}` and limit it with permission rules in settings, or leave it "
                "out",
                security=name in POWER_TOOLS and reading.has(name),
                **_note("runtime.rule", item=written, tool=name),
            )
        if name == "Task" and not _RULE.match(written) and reading.tools is not ALL:
            yield Difference(
                line,
                col,
                "tools",
                f"Claude Code reads '{written}' in tools as its subagent tool (Task): the agent "
                "may start any other agent, Claude Code's own general-purpose agent included, "
                "which has every tool, so through it the agent reaches every tool, not only "
                f"the ones listed; expected only the tools it uses itself, found '{written}'; "
                f"leave it out, or write the agents it may start in parentheses, e.g. "
                f"`{written}(reviewer, tester)`, and review those agents' tools",
                security=reading.has("Task"),
                **_note("runtime.agent", item=written),
            )
        return
    close = close_tool(name)
    if close:
        hint = f"write '{close}' (tool names are case-sensitive)"
    elif name in GONE_TOOLS:
        hint = f"this release no longer has '{name}'; leave it out"
    elif name.split("/", 1)[0].casefold() in COPILOT_HINTS:
        hint = f"'{name}' is a GitHub Copilot alias; in Claude Code write {COPILOT_HINTS[name]}"
    elif "/" in name:
        hint = "MCP tools are written mcp__<server>__<tool> in Claude Code"
    else:
        hint = "write one of its tools (Read, Grep, Glob, Bash, Edit, Write...)"
    yield Difference(
        line,
        col,
        "tools",
        f"Claude Code {CLAUDE_CODE_VERSION} has no tool '{written}' and ignores it (the agent "
        f"does not get it); expected a tool name, found '{written}'; {hint}",
        **_note("runtime.unknown_tool", tool=written),
    )


def _deny_items(reading: Reading, node: Node) -> Iterator[Difference]:
    """Items of ``disallowedTools`` that Claude Code does not apply."""
    start = 0
    for written, item in _items(node):
        line, col, start = _placed(item, written, start)
        for part in split_tool_list(written) or []:
            name = tool_name(part)
            if part == "*" or known(name):
                continue
            close = close_tool(name)
            if close is None:
                yield Difference(
                    line,
                    col,
                    "disallowedTools",
                    f"Claude Code {CLAUDE_CODE_VERSION} has no tool '{part}': denying it does "
                    f"nothing; expected a tool name, found '{part}'",
                    **_note("runtime.deny_unknown", tool=part),
                )
                continue
            kept = reading.has(close)
            yield Difference(
                line,
                col,
                "disallowedTools",
                f"Claude Code matches tool names case-sensitively: '{part}' denies nothing"
                + (f", so the agent keeps {close}" if kept else "")
                + f"; expected '{close}', found '{part}'; write '{close}'",
                security=kept,
                **_note("runtime.deny_case", item=part, tool=close),
            )


# --- cached entry point ---------------------------------------------------------------------


@lru_cache(maxsize=4096)
def reading_of(text: str, tools_keys: tuple[str, ...] = ()) -> Reading:
    """:func:`claude_code_reading` of a whole file, with its differences from our own
    reading of the same text (``\\n`` line ends), cached by text."""
    return claude_code_reading(text, apparent=apparent_of(text, tools_keys))


def runtime_problems(
    document: Document, tools_keys: Sequence[str], problems: Sequence[Problem]
) -> tuple[Reading | None, list[Problem]]:
    """Claude Code's reading of a persona file while the catalogue reads it, and the
    problems with its differences added (security findings where Claude Code grants
    more than the file appears to ask for). Errors that leave the file out say so when
    Claude Code would load it. A Copilot ``*.agent.md`` file is not a Claude Code agent."""
    if document.source.path.name.endswith(".agent.md"):
        return None, list(problems)
    view = Apparent(
        document.front, document.body_line - 1, tuple(tools_keys) or Apparent.tools_keys
    )
    as_written = not any(
        not p.fatal and "Claude Code" in p.message and p.line <= view.closing_line for p in problems
    )
    front_text = _front_text(document.text, view.closing_line)
    reuse = (front_text, document.front) if as_written and document.front is not None else None
    found = claude_code_reading(document.as_read, apparent=view, parsed=reuse)
    path = document.source.display
    result = list(problems)
    if found.loaded and any(p.fatal for p in result):
        clause = would_load(document.as_read)
        result = [
            replace(p, message=p.message + clause)
            if p.fatal and "would load this file" not in p.message
            else p
            for p in result
        ]
    result += [
        Problem(path, d.line, d.col, d.field, d.message, fatal=False, security=d.security)
        for d in found.differences
    ]
    return found, result


def _front_text(text: str, closing_line: int) -> str:
    """The text between our first line and our closing line (what our reader parsed)."""
    start = text.find("\n") + 1
    end = start
    for _ in range(closing_line - 2):
        end = text.find("\n", end) + 1
    return text[start:end]


def would_load(text: str) -> str:
    """For an error that leaves a file out: `` (... Claude Code would load this file as the
    agent 'x')`` when it would, else ""."""
    found = claude_code_reading(text)
    if not found.loaded:
        return ""
    return (
        f" (left out here, but Claude Code {CLAUDE_CODE_VERSION} would load this file as the "
        f"agent '{found.name}')"
    )
