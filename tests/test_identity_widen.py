"""Conversions never widen (issue 20): "read-only" for Cursor (``readonly: true``) and
Codex (``sandbox_mode = "read-only"``) follows what Claude Code resolves, the Claude Code
copy carries what Claude Code reads in the source, Copilot aliases never add a power and
Claude Code model ids are not passed to Copilot."""

from __future__ import annotations

import json

import pytest
import tomllib
import yaml

from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.outputs.convert import convert_all
from mkdocs_personas.sources import runtimes

from conftest import REPO, write

CASES = REPO / "tests" / "conformance" / "claude_code"
POWER = {"Bash", "Write", "Edit", "MultiEdit", "NotebookEdit", "Task"}


def one(tmp_path, text: str, name: str = "x.md"):
    write(tmp_path, {f"agents/{name}": text})
    catalogue, problems = Reader().load(Settings(tmp_path, ("agents/*.md",), ()))
    assert len(catalogue.personas) == 1, [str(p) for p in problems]
    return catalogue.personas[0]


def fields(conversion) -> dict:
    if conversion.target == "codex":
        return tomllib.loads(conversion.text)
    span = runtimes.claude_code_front_matter(conversion.text)
    return yaml.safe_load(conversion.text[span[0] : span[1]])


def read_only_in(conversions) -> tuple[bool, bool]:
    cursor, codex = fields(conversions["cursor"]), fields(conversions["codex"])
    return cursor.get("readonly") is True, codex.get("sandbox_mode") == "read-only"


@pytest.mark.parametrize(
    "front, claude_tools",
    [
        # Claude Code takes all of Bash away for any Bash deny entry: Read and Grep remain.
        ("tools: Read, Grep, Bash\ndisallowedTools: Bash(rm *)", "Read, Grep"),
        # github/* is no Claude Code tool: only Read remains.
        ("tools: Read, github/*", "Read"),
        # Web tools are allowed in a read-only agent.
        ("tools: Read, Grep, WebFetch, WebSearch", "Read, Grep, WebFetch, WebSearch"),
        # Tools Claude Code no longer has give nothing.
        ("tools: Read, MultiEdit, TodoWrite", "Read"),
    ],
)
def test_agents_claude_code_makes_read_only_are_read_only_everywhere(tmp_path, front, claude_tools):
    entry = one(tmp_path, f"---\nname: reader\ndescription: Reads.\n{front}\n---\nRead.\n")
    conversions = convert_all(entry)
    assert read_only_in(conversions) == (True, True)
    claude = fields(conversions["claude"])
    assert claude["tools"] == claude_tools
    again = runtimes.claude_code_reading(conversions["claude"].text)
    assert again.loaded and again.name == "reader"
    assert not (set(again.resolved) & POWER)


@pytest.mark.parametrize(
    "front",
    [
        "tools: Read, Bash",
        "tools: Read, Edit",
        "tools: Read, Agent",
        "tools: Read, mcp__github__create_issue",
        "tools: Read, Grep *",  # a star item: every tool
        "allowed-tools: Read, Grep",  # not an agent field: every tool
        "disallowedTools: Write, Edit",  # every other tool, Bash included
    ],
)
def test_agents_with_a_power_are_never_made_read_only_nor_anything_more(tmp_path, front):
    entry = one(tmp_path, f"---\nname: doer\ndescription: Does.\n{front}\n---\nDo.\n")
    assert read_only_in(convert_all(entry)) == (False, False)


def test_a_dash_run_that_ends_claude_codes_front_matter_is_followed_not_repaired(tmp_path):
    text = (
        "---\nname: careful\ndescription: Reads code --- never changes anything.\n"
        "tools: Read, Grep\npermissionMode: plan\n---\nRead.\n"
    )
    entry = one(tmp_path, text)
    conversions = convert_all(entry)
    # Claude Code sees no tools and no mode in the source: every tool, default mode.
    assert read_only_in(conversions) == (False, False)
    claude = conversions["claude"]
    head = claude.text[: runtimes.claude_code_front_matter(claude.text)[1]]
    assert "---" not in head[4:]
    again = runtimes.claude_code_reading(claude.text)
    source = runtimes.claude_code_reading(text)
    assert again.loaded and again.name == source.name == "careful"
    assert again.all_tools and source.all_tools
    assert again.permission_mode == source.permission_mode == "default"


def test_claude_code_model_ids_and_aliases_are_not_passed_to_copilot(tmp_path):
    for model in ("claude-sonnet-4-20250514", "sonnet", "inherit"):
        entry = one(tmp_path / model, f"---\nname: m\ndescription: M.\nmodel: {model}\n---\nM.\n")
        conversion = convert_all(entry)["copilot"]
        assert "model" not in fields(conversion)
        if model != "inherit":  # the default everywhere: nothing is lost
            (dropped,) = [d for d in conversion.dropped if d.what == f"model {model}"]
            assert "model picker" in dropped.reason
    entry = one(
        tmp_path / "named", "---\nname: m\ndescription: M.\nmodel: Claude Sonnet 4.5\n---\nM.\n"
    )
    assert fields(convert_all(entry)["copilot"])["model"] == "Claude Sonnet 4.5"


def test_copilot_aliases_that_would_add_a_power_are_left_out_and_listed(tmp_path):
    entry = one(tmp_path, "---\nname: s\ndescription: S.\ntools: Read, WebSearch, Edit\n---\nS.\n")
    conversion = convert_all(entry)["copilot"]
    assert fields(conversion)["tools"] == ["read"]
    reasons = {d.what: d.reason for d in conversion.dropped}
    assert "WebFetch" in reasons["tool WebSearch"] and "Write" in reasons["tool Edit"]
    writer = one(
        tmp_path / "w", "---\nname: w\ndescription: W.\ntools: Read, Write, WebFetch\n---\nW.\n"
    )
    assert fields(convert_all(writer)["copilot"])["tools"] == ["read", "edit", "web"]


def recorded_read_only(agent: dict) -> bool:
    tools = set(agent["tools"])
    return not (tools & POWER) and not any(t.startswith("mcp__") for t in tools)


def test_every_recorded_read_only_case_converts_to_read_only_cursor_and_codex():
    recording = CASES / "cases.json"
    if not recording.is_file():
        pytest.skip("tests/conformance/claude_code/cases.json is not recorded yet")
    agents = json.loads(recording.read_text(encoding="utf-8"))["agents"]
    catalogue, _ = Reader().load(Settings(REPO, ("tests/conformance/claude_code/cases/*.md",), ()))
    by_path = {p.path: p for p in catalogue.personas}
    checked = 0
    for path, agent in sorted(agents.items()):
        entry = by_path.get(path)
        if not agent.get("loaded") or entry is None:
            continue
        listed = runtimes.claude_code_reading(entry.raw).tool_order
        if any(t.startswith("mcp__") for t in listed):
            # MCP tools resolve only where their server is connected (none was when
            # recording): by the rule, an agent listing one is not read-only.
            assert read_only_in(convert_all(entry)) == (False, False), path
            continue
        if recorded_read_only(agent):
            checked += 1
            assert read_only_in(convert_all(entry)) == (True, True), path
    assert checked >= 10
