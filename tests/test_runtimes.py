"""How Claude Code reads an agent file (runtimes.py), and what the catalogue does with it:
every row of issue 18's table is read as Claude Code 2.1.197 was recorded to read it, is a
security finding of ``personas validate`` (exit 1) and of the build's log, and gets a note
in plain words on its page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from html import unescape

import pytest

from mkdocs_personas.sources import runtimes, strict_yaml
from mkdocs_personas.sources.runtimes import ALL, claude_code_reading, split_tool_list

from conftest import build_project, make_project, write


def agent(name: str, *lines: str, body: str = "You work.") -> str:
    return "\n".join(("---", f"name: {name}", *lines, "---", "", body, ""))


# issue 18's table: (file, front-matter lines, what Claude Code 2.1.197 resolves, its mode,
# the field and line:col of the security finding)
TABLE = [
    ("space", ["description: d", "tools: Read, Grep Bash"], {"Read", "Bash"}, "tools", (4, 14)),
    (
        "item",
        ["description: d", "tools:", "  - Read", "  - Grep Bash"],
        {"Read", "Bash"},
        "tools",
        (6, 5),
    ),
    ("tab", ["description: d", 'tools: "Read,\\tGrep Bash"'], {"Read", "Bash"}, "tools", None),
    ("star", ["description: d", "tools: Read, Grep *"], ALL, "tools", (4, 14)),
    ("allowed", ["description: d", "allowed-tools: Read, Grep"], ALL, "allowed-tools", (4, 16)),
    (
        "cut",
        [
            "description: Reads code --- never changes anything.",
            "tools: Read, Grep",
            "permissionMode: plan",
        ],
        ALL,
        "description",
        (3, 25),
    ),
    (
        "cutdeny",
        ["description: A helper --- with limits.", "disallowedTools: Bash, Write, Edit, WebFetch"],
        ALL,
        "description",
        (3, 23),
    ),
    (
        "case",
        ["description: d", "tools: Read, Grep, Bash, WebFetch", "disallowedTools: bash, webfetch"],
        {"Read", "Bash", "WebFetch"},
        "disallowedTools",
        (5, 18),
    ),
    # Agent is the subagent tool (Task): unrestricted, it starts Claude Code's general-purpose
    # agent, which has every tool
    (
        "orchestrator",
        ["description: d", "tools: Read, Grep, Agent"],
        {"Read", "Grep", "Task"},
        "tools",
        (4, 20),
    ),
]
AGENT = agent("orchestrator", "description: d", "tools: Read, Grep, Agent")
NAMED = agent("delegates", "description: d", "tools: Read, Agent(reviewer, tester)")
RETRY = agent(
    "ui-designer",
    'description: "Senior UI designer" who crafts interfaces: Use when a screen needs a redesign.',
    "tools: Read",
)


@pytest.mark.parametrize(("name", "lines", "tools", "field", "where"), TABLE)
def test_each_row_of_the_table_is_read_as_claude_code_reads_it(name, lines, tools, field, where):
    reading = claude_code_reading(agent(name, *lines))
    assert reading.loaded and reading.name == name
    assert reading.tools == tools if tools is ALL else reading.tools == frozenset(tools)
    assert reading.permission_mode == "default"
    if name == "cutdeny":
        assert {"Bash", "Write", "Edit", "WebFetch"} <= reading.resolved


def test_agent_is_the_subagent_tool_and_grep_survives_only_without_bash():
    assert claude_code_reading(AGENT).tools == {"Read", "Grep", "Task"}
    both = claude_code_reading(agent("x", "description: d", "tools: Read, Bash, Glob, Grep"))
    assert both.tools == {"Read", "Bash"}
    legacy = claude_code_reading(agent("x", "description: d", "tools: KillShell, MultiEdit, LS"))
    assert legacy.tools == {"TaskStop"} and legacy.ignored == ("MultiEdit", "LS")


def test_the_yaml_retry_quotes_a_value_that_starts_with_a_quote_and_goes_on():
    reading = claude_code_reading(RETRY)
    assert reading.loaded and reading.retried
    assert reading.description == (
        '"Senior UI designer" who crafts interfaces: Use when a screen needs a redesign.'
    )
    assert reading.tools == {"Read"}


def test_the_retry_keeps_flow_lists_and_turns_leading_tabs_into_spaces():
    text = "description: a: b\ntools: [Read, Grep]\nx:\n\t- y\n"
    quoted, changed = runtimes.quote_problem_values(text)
    assert [(i, key) for i, key, _ in changed] == [(0, "description")]
    assert quoted == 'description: "a: b"\ntools: [Read, Grep]\nx:\n  - y\n'
    assert runtimes.quote_problem_values('a: "x" y: z')[0] == 'a: "\\"x\\" y: z"'


def test_splitting_follows_claude_code_commas_and_spaces_outside_parentheses():
    assert split_tool_list("Read,Grep  Bash(git diff:*), Edit") == [
        "Read",
        "Grep",
        "Bash(git diff:*)",
        "Edit",
    ]
    assert split_tool_list(["Read", "Grep Bash", 3]) == ["Read", "Grep", "Bash"]
    assert split_tool_list("Read,\tGrep") == ["Read", "Grep"]
    assert split_tool_list(None) is None and split_tool_list("") == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", ALL),
        ("tools:", frozenset()),
        ("tools: ''", frozenset()),
        ("tools: '*'", ALL),
        ("tools: read, bash", frozenset()),
        ("tools: Bash(git *)", frozenset({"Bash"})),
    ],
)
def test_tools_values(line, expected):
    reading = claude_code_reading(agent("x", "description: d", *([line] if line else [])))
    assert reading.tools == expected


def test_a_star_in_disallowed_tools_denies_nothing_and_a_rule_denies_the_whole_tool():
    star = claude_code_reading(agent("x", "description: d", "disallowedTools: '*'"))
    assert star.tools is ALL and "Bash" in star.resolved
    rule = claude_code_reading(agent("x", "description: d", "disallowedTools: Bash(rm *)"))
    assert "Bash" not in rule.resolved and "Read" in rule.resolved


@pytest.mark.parametrize(
    ("written", "mode"),
    [
        ("plan", "plan"),
        ("auto", "auto"),
        ("dontAsk", "dontAsk"),
        ("BypassPermissions", "default"),
        ("readonly", "default"),
    ],
)
def test_permission_modes_are_exact_and_fall_back_to_default(written, mode):
    reading = claude_code_reading(agent("x", "description: d", f"permissionMode: {written}"))
    assert reading.permission_mode == mode


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("\ufeff" + agent("x", "description: d"), "byte-order mark"),
        ("\n" + agent("x", "description: d"), "front matter"),
        (agent("123", "description: d"), "not text"),
        (agent("-x", "description: d"), "starts with"),
        (agent("x", "description:"), "empty"),
        (agent("x"), "has no description"),
    ],
)
def test_files_claude_code_does_not_load(text, why):
    reading = claude_code_reading(text)
    assert not reading.loaded and why in reading.reason


def test_crlf_files_load_and_model_inherit_is_any_case():
    reading = claude_code_reading(
        agent("x", "description: d", "model: INHERIT").replace("\n", "\r\n")
    )
    assert reading.loaded and reading.model == "inherit"


def test_delimiting_has_no_quadratic_backtracking():
    text = "---" + " \n" * 100_000 + "x"
    started = time.monotonic()
    assert runtimes.claude_code_front_matter(text) is None
    assert runtimes.claude_code_front_matter("---\n" + "a\n" * 50_000 + "---\n") is not None
    assert time.monotonic() - started < 0.5


def test_the_strict_reader_is_not_loosened_by_the_retry():
    # Anchors stay refused even where Claude Code's retry would load the file.
    text = 'name: x\ndescription: "a" b: c\nhooks:\n  base: &anchor value\n'
    retried = runtimes.retry_as_claude_code(text, 2)
    assert retried is not None
    root, issues = retried
    errors = [i for i in issues if not i.warning]
    assert errors and "anchors are not allowed" in errors[0].message
    assert "would load this file" in errors[0].message
    root, issues = strict_yaml.parse(text, 2)
    assert root is None, "our own reader still refuses it"


# --- on a built site and in personas validate ----------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("runtime")
    files = {f"agents/{name}.md": agent(name, *lines) for name, lines, *_ in TABLE}
    files["agents/orchestrator.md"] = AGENT
    files["agents/ui-designer.md"] = RETRY
    files["agents/calm.md"] = agent("calm", "description: Reads.", "tools: Read, Grep")
    files["agents/delegates.md"] = NAMED
    make_project(root, {}, plugin={"personas": ["agents/*.md"]})
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(project):
    built = build_project(project)
    assert built.aborted is None, built.log
    return built


def validate(project) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "mkdocs_personas.cli", "validate", "agents"]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=120)


def test_validate_reports_each_shape_as_a_security_finding_and_fails(project):
    result = validate(project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for name, _lines, _tools, field, where in TABLE:
        found = [
            line
            for line in lines
            if line.startswith(f"agents/{name}.md:") and f": security: {field}: " in line
        ]
        assert found, f"no security finding for {name}:\n{result.stdout}"
        if where:
            assert found[0].startswith(f"agents/{name}.md:{where[0]}:{where[1]}:"), found
        assert "expected" in found[0] and "found" in found[0] and "write" in found[0]
    assert not [line for line in lines if line.startswith("agents/calm.md:")]
    assert not [line for line in lines if line.startswith("agents/delegates.md:")]
    retry = [line for line in lines if line.startswith("agents/ui-designer.md:")]
    assert len(retry) == 1 and ": warning: description: " in retry[0]
    assert 'write `description: \'"Senior UI designer" who crafts' in retry[0]
    commas = next(line for line in lines if line.startswith("agents/space.md:"))
    assert "write `tools: Read, Grep, Bash` with commas only" in commas


def test_the_build_logs_the_findings_as_warnings(site):
    for name, *_ in TABLE:
        assert any(f"agents/{name}.md:" in w and ": security: " in w for w in site.warnings), (
            name,
            site.warnings,
        )


def panel(html: str) -> str:
    found = re.search(r'<section class="pc-caps[^"]*".*?</section>', html, re.S)
    assert found
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group())).split())


def test_each_page_says_in_plain_words_that_claude_code_reads_it_differently(site):
    data = json.loads((site.site / "personas.json").read_text())
    by_name = {p["name"]: p for p in data["personas"]}
    for name, _lines, tools, _field, _where in TABLE:
        words = panel(site.html(f"personas/{name}/"))
        assert "Claude Code reads this file differently" in words, name
        assert "This panel shows what Claude Code 2.1.197 gives the agent" in words
        caps = by_name[name]["capabilities"]
        assert caps["runtime"] == "Claude Code 2.1.197"
        assert any(d["security"] for d in caps["differences"]), name
        assert "reads-differently" in [f["id"] for f in caps["flags"]]
        if tools is ALL:
            assert caps["all_tools"] and "It gets every tool" in words
        else:
            assert set(caps["tools"]) == tools, name
    cut = panel(site.html("personas/cut/"))
    assert "ends the front matter for Claude Code, so it does not read tools, permissionMode" in cut
    space = panel(site.html("personas/space/"))
    assert "“Grep Bash” is read as Grep, Bash" in space and "It gets Read, Bash." in space
    case = panel(site.html("personas/case/"))
    assert "“bash” takes nothing away" in case
    assert "Read Bash WebFetch" in case and "Not allowed" not in case


def test_the_subagent_tool_is_flagged_and_calm_agents_stay_calm(site):
    words = panel(site.html("personas/orchestrator/"))
    assert "It may start other agents (Task)" in words and "Read Grep Task" in words
    assert "reads this file differently" in words
    assert "general-purpose agent included, which has every tool" in words
    named = panel(site.html("personas/delegates/"))
    assert "It may start other agents (Task)" in named and "differently" not in named
    calm = panel(site.html("personas/calm/"))
    assert "No powerful settings" in calm and "differently" not in calm


def test_what_claude_code_loads_after_its_retry_has_a_page(site):
    html = site.html("personas/ui-designer/")
    assert "Senior UI designer" in unescape(html)
    assert any("ui-designer.md:3:14" in r.getMessage() for r in site.records)


def test_a_french_site_words_the_note_in_french(tmp_path):
    make_project(
        tmp_path,
        {},
        plugin={"personas": ["agents/*.md"]},
        theme={"name": "material", "font": False, "language": "fr"},
    )
    write(tmp_path, {"agents/star.md": agent("star", "description: d", "tools: Read, Grep *")})
    built = build_project(tmp_path)
    assert built.aborted is None, built.log
    words = panel(built.html("personas/star/"))
    assert "Claude Code lit ce fichier autrement" in words
    assert "« Grep * » contient un « * »" in words


def test_arguments_in_parentheses_are_one_item_and_widen_only_in_tools():
    rule = runtimes.reading_of(
        agent("x", "description: d", "tools: Read, Bash(git status, git diff), Edit(src/**)")
    )
    found = [(d.line, d.col, d.field, d.security) for d in rule.differences]
    assert found == [(4, 14, "tools", True), (4, 42, "tools", True)]
    assert "the whole Bash tool" in rule.differences[0].message
    deny = runtimes.reading_of(agent("x", "description: d", "disallowedTools: Bash(rm *)"))
    assert deny.differences == () and "Bash" not in deny.resolved
    types = runtimes.reading_of(
        agent("x", "description: d", "tools: Read, Agent(worker, reviewer)")
    )
    assert types.differences == () and types.tools == {"Read", "Task"}


def test_errors_say_when_claude_code_would_load_a_file_the_safety_rules_refuse(tmp_path):
    files = {
        "agents/big.md": agent("big", "description: Big.", body="word " * 60_000),
        "agents/merge.md": agent("merge", "description: d", "hooks:", "  <<: {a: b}"),
        "agents/hidden.md": agent("re\u200bviewer", "description: d"),
        "agents/unclosed.md": "---\nname: unclosed\ndescription: d\n--- trailing\nBody\n",
        "agents/no-description.md": agent("plain", "expertise: [a"),
    }
    write(tmp_path, files)
    command = [sys.executable, "-m", "mkdocs_personas.cli", "validate", "agents"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    for name in ("big", "merge", "hidden"):
        mine = [line for line in errors if line.startswith(f"agents/{name}.md:")]
        assert mine and all("Claude Code 2.1.197 would load this file" in m for m in mine), name
    plain = [line for line in errors if line.startswith("agents/no-description.md:")]
    assert plain and not any("would load" in line for line in plain), "not an agent to Claude Code"
    # a '---' that starts a line and goes on closes the front matter for Claude Code: no
    # safety rule refuses it, so the file is kept, with a warning saying how to write it
    unclosed = [line for line in result.stdout.splitlines() if "agents/unclosed.md:" in line]
    assert unclosed == [
        "agents/unclosed.md:4:1: warning: front matter: expected a closing '---' line, found "
        "'--- trailing': Claude Code ends the front matter at this '---' and reads the text "
        "after it as the body's first line, as this page does; put '---' on a line of its own"
    ]


def test_a_front_matter_closed_by_a_line_that_goes_on_gets_a_page(tmp_path):
    project = make_project(
        tmp_path,
        {
            "personas/unclosed.md": "---\nname: unclosed\ndescription: d\ntools: Read\n--- notes\nBody.\n"
        },
    )
    built = build_project(project, strict=True)
    assert built.aborted is None, built.warnings
    page = built.html("personas/unclosed/")
    assert "notes" in page and "Body." in page
    assert "personas/unclosed.md:5:1" in built.log and "closing '---' line" in built.log
