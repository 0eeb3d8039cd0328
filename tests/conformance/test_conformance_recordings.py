"""The recorded readings of the real clients are complete, current and say what issue 18 says.

The recordings in this folder are the ground truth other tests compare our reading with, so
they must cover every synthetic case and every file of the shared collections (a case added
without re-recording fails here), come from one client version, and keep recording the
behaviours the issue describes (a re-recording with a client that reads files differently
fails here and says which rule changed). See tests/conformance/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import script_module

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SHARED = REPO.parent / "shared" / "corpora"
CASES = HERE / "claude_code" / "cases"
VERSION = "2.1.197"
ALL_TOOLS = {
    "Task", "Bash", "CronCreate", "CronDelete", "CronList", "Edit", "EnterWorktree",
    "ExitWorktree", "NotebookEdit", "Read", "ReportFindings", "ScheduleWakeup", "SendMessage",
    "Skill", "TaskCreate", "TaskGet", "TaskList", "TaskOutput", "TaskStop", "TaskUpdate",
    "ToolSearch", "WebFetch", "WebSearch", "Workflow", "Write",
}  # fmt: skip
CORPORA = {
    "wshobson-agents": "plugins/*/agents/*.md",
    "voltagent-subagents": "categories/*/*.md",
}


def load(name: str) -> dict:
    return json.loads((HERE / name).read_text("utf-8"))


def case(name: str) -> dict:
    return load("claude_code/cases.json")["agents"][f"tests/conformance/claude_code/cases/{name}"]


def recorder():
    return script_module(REPO / "scripts/record_claude_code.py")


def test_every_synthetic_case_is_recorded_with_one_version():
    data = load("claude_code/cases.json")
    assert data["client"] == "@anthropic-ai/claude-code" and data["version"] == VERSION
    files = {f"tests/conformance/claude_code/cases/{p.name}" for p in CASES.glob("*.md")}
    assert set(data["agents"]) == files, "re-record: scripts/record_claude_code.py (README)"
    assert all(entry["loaded"] in (True, False) for entry in data["agents"].values())


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_every_agent_of_the_shared_collections_is_recorded(corpus):
    root = SHARED / corpus
    if not root.is_dir():
        pytest.skip(f"{root} is not here")
    data = load(f"claude_code/{corpus}.json")
    assert data["version"] == VERSION
    files = {
        p.relative_to(root).as_posix() for p in root.glob(CORPORA[corpus]) if p.name != "README.md"
    }
    assert set(data["agents"]) == files
    assert all(entry["loaded"] in (True, False) for entry in data["agents"].values())


# Issue 18's table, as Claude Code 2.1.197 resolved each row.
@pytest.mark.parametrize(
    ("name", "tools"),
    [
        ("tools-space-separated-item.md", ["Read", "Bash"]),
        ("tools-list-item-with-space.md", ["Read", "Bash"]),
        ("tools-quoted-tab-and-space.md", ["Read", "Bash"]),
        ("tools-agent-alias.md", ["Read", "Task", "Grep"]),
        ("disallowed-lowercase.md", ["Read", "Bash", "WebFetch"]),
        ("disallowed-correct-case-with-tools.md", ["Read", "Grep"]),
        ("tools-with-bash-and-search.md", ["Read", "Bash"]),
        ("tools-lowercase.md", []),
        ("tools-null.md", []),
        ("disallowed-bash-rule-with-tools.md", ["Read"]),
        ("tools-copilot-style-mcp.md", ["Read"]),
        ("yaml-retry-quote-then-text.md", ["Read", "Grep"]),
        # More splitting: only commas and spaces separate; a fullwidth comma does not.
        ("tools-unicode-comma.md", ["Bash"]),
        ("tools-tab-separated.md", []),
        ("tools-newline-separated.md", []),
        ("tools-agent-with-types.md", ["Read", "Task"]),
        ("horizontal-rule-in-body.md", ["Read", "Grep"]),
    ],
)
def test_the_issue_rows_resolve_as_recorded(name, tools):
    entry = case(name)
    assert entry["loaded"] is True
    assert entry["tools"] == tools


@pytest.mark.parametrize(
    "name",
    [
        "tools-star-in-item.md",
        "allowed-tools-on-agent.md",
        "dashes-in-description-before-tools.md",
        "dashes-in-description-before-disallowed.md",
        "disallowed-star.md",
        "no-tools.md",
    ],
)
def test_these_shapes_get_every_tool(name):
    entry = case(name)
    assert entry["loaded"] is True
    assert set(entry["tools"]) == ALL_TOOLS
    assert entry["permissionMode"] == "default"


def test_names_are_kept_as_written_and_unloadable_files_are_recorded_as_such():
    assert case("name-dots-digits.md")["name"] == "powershell-5.1-expert"
    assert case("name-capitals.md")["name"] == "WinFormsExpert"
    assert case("name-with-spaces.md")["name"] == "Code Reviewer"
    for name in (
        "utf8-bom.md",
        "leading-blank-line.md",
        "missing-description.md",
        "name-numeric.md",
        "name-leading-dash.md",
        "yaml-invalid-beyond-retry.md",
        "dashes-in-quoted-description.md",  # the `---` cuts the quoted value: YAML fails
    ):
        assert case(name)["loaded"] is False, name


def test_permission_modes_kept_by_the_loader():
    for mode in ("acceptEdits", "plan", "dontAsk", "auto"):
        assert case(f"permission-{mode.lower()}.md")["permissionMode"] == mode
    assert case("permission-bypass.md")["permissionMode"] == "bypassPermissions"
    for name in ("permission-invalid.md", "permission-wrong-case.md"):
        entry = case(name)
        assert entry["permissionMode"] == "default"
        assert entry["permissionModeInvalidLogged"] is True
        assert any("invalid permissionMode" in w for w in entry["warnings"])
    # The `---` inside the description ends the front matter before `permissionMode: plan`.
    assert case("dashes-in-description-before-tools.md")["permissionModeWritten"] is None


def test_the_recorders_loader_port_agrees_with_the_runtime_on_every_recorded_file():
    """permissionMode comes from the recorder's port of the loader: check it on every file."""
    module = recorder()
    sources = [(load("claude_code/cases.json"), REPO)]
    for corpus in CORPORA:
        if (SHARED / corpus).is_dir():
            sources.append((load(f"claude_code/{corpus}.json"), SHARED / corpus))
    checked = 0
    for data, root in sources:
        for path, entry in data["agents"].items():
            text = (root / path).read_bytes().decode("utf-8", "replace")
            front = module.loader_definition(text)["frontMatter"] or {}
            name, description = front.get("name"), front.get("description")
            loadable = (
                isinstance(name, str)
                and bool(name)
                and not name.startswith("-")
                and isinstance(description, str)
                and bool(description)
            )
            assert loadable == entry["loaded"], path
            if entry["loaded"]:
                assert name == entry["name"], path
                if entry["permissionModeInvalidLogged"]:
                    assert entry["permissionMode"] == "default", path
            checked += 1
    assert checked >= 75


def test_skill_validators_are_recorded_for_every_skill_with_their_wording():
    data = load("skills_ref/cases.json")
    assert data["client"] == "skills-ref" and data["version"] == "0.1.5"
    folders = {
        p.parent.relative_to(REPO).as_posix()
        for p in (HERE / "skills" / "cases").glob("*/SKILL.md")
    }
    assert set(data["skills"]) == folders
    assert set(data["agentskills-core"]["skills"]) == folders
    over = "tests/conformance/skills/cases/description-1100"
    assert data["skills"][over]["messages"] == [
        "Description exceeds 1024 character limit (1100 chars)"
    ]
    assert data["agentskills-core"]["skills"][over]["messages"] == [
        "Skill 'description-1100': description exceeds 1024 characters"
    ]
    assert data["skills"]["tests/conformance/skills/cases/description-1024"]["valid"] is True
    root = SHARED / "wshobson-agents"
    if root.is_dir():
        corpus = load("skills_ref/wshobson-agents.json")
        found = {p.parent.relative_to(root).as_posix() for p in root.rglob("SKILL.md")}
        assert set(corpus["skills"]) == found
