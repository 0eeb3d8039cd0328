"""A persona in one step: converted agent files for Claude Code, Copilot, Cursor and Codex,
the "Use this" panel and ``personas export --to``."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml
from hypothesis import given
from hypothesis import strategies as st

from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.outputs.convert import (
    COPILOT_ALIASES,
    TARGETS,
    body_of,
    convert,
    convert_all,
    download_base,
    download_command,
    site_path,
    toml_document,
    unzip_command,
)

from conftest import REPO, build_project, make_project, persona

SHARED = REPO.parent / "shared" / "corpora"
CORPORA = {
    "sample": (REPO, ("personas/*.md",)),
    "wshobson": (SHARED / "wshobson-agents", ("plugins/*/agents/*.md",)),
    "voltagent": (SHARED / "voltagent-subagents", ("categories/*/[!R]*.md",)),
}

# The documented fields of each format (see the docstring of convert.py for the sources).
FIELDS = {
    "claude": {
        "name",
        "description",
        "tools",
        "disallowedTools",
        "initialPrompt",
        "model",
        "permissionMode",
        "maxTurns",
        "skills",
        "mcpServers",
        "hooks",
        "memory",
        "background",
        "effort",
        "isolation",
        "color",
    },
    "copilot": {
        "name",
        "description",
        "target",
        "tools",
        "model",
        "disable-model-invocation",
        "user-invocable",
        "mcp-servers",
        "metadata",
    },
    "cursor": {"name", "description", "model", "readonly", "is_background"},
    "codex": {
        "name",
        "description",
        "developer_instructions",
        "nickname_candidates",
        "model",
        "model_reasoning_effort",
        "sandbox_mode",
        "mcp_servers",
        "skills",
    },
}
REQUIRED = {
    "claude": {"name", "description"},
    "copilot": {"description"},
    "cursor": {"name", "description"},
    "codex": {"name", "description", "developer_instructions"},
}
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")


def load(root: Path, globs: tuple[str, ...]):
    catalogue, _problems = Reader().load(Settings(root, globs, ()))
    return catalogue


def parse(target: str, text: str) -> tuple[dict, str]:
    """A converted file read back as its tool reads it: (fields, instructions)."""
    if target == "codex":
        data = tomllib.loads(text)
        return data, data["developer_instructions"]
    assert text.startswith("---\n")
    front, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(front), body.removeprefix("\n")


def check(entry, target: str) -> dict:
    """Convert, read back and check against the format's documented fields and place."""
    conversion = convert(entry, target)
    data, instructions = parse(target, conversion.text)
    assert REQUIRED[target] <= set(data) <= FIELDS[target], (entry.path, target, set(data))
    for key in REQUIRED[target]:
        assert isinstance(data[key], str) and data[key].strip(), (entry.path, target, key)
    name = entry.name + TARGETS[target].suffix
    assert conversion.file_name == name
    assert conversion.path == f"{TARGETS[target].folder}/{name}"
    if target in ("claude", "codex"):
        assert data["name"] == (entry.written_name or entry.name)
    elif target == "cursor":
        assert SLUG.match(data["name"])
    if target == "codex":
        assert instructions == (body_of(entry) or data["description"])
    else:
        assert instructions == body_of(entry)
    if target == "copilot" and "tools" in data:
        for tool in data["tools"]:
            assert tool in COPILOT_ALIASES or "/" in tool, (entry.path, tool)
    if target == "cursor":
        assert all(isinstance(data.get(k, False), bool) for k in ("readonly", "is_background"))
    return data


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_every_agent_converts_to_every_format_and_reads_back_valid(corpus):
    root, globs = CORPORA[corpus]
    if not root.is_dir():
        pytest.skip(f"{root} is not here (shared corpora)")
    catalogue = load(root, globs)
    assert len(catalogue.personas) >= {"sample": 10, "wshobson": 150, "voltagent": 100}[corpus]
    for entry in catalogue.personas:
        for target in TARGETS:
            check(entry, target)


def agent(tmp_path: Path, text: str, file: str = "x.md"):
    """The persona of one agent file."""
    (tmp_path / "agents").mkdir(parents=True, exist_ok=True)
    (tmp_path / "agents" / file).write_text(text, encoding="utf-8")
    catalogue = load(tmp_path, ("agents/*.md",))
    assert len(catalogue.personas) == 1, "the agent file did not load"
    return catalogue.personas[0]


POWERFUL = """---
name: deployer
description: Deploys things.
tools: Read, Grep, Glob, Bash(git *), WebFetch, LS, mcp__github__search_code
model: sonnet
permissionMode: bypassPermissions
maxTurns: 20
background: true
memory: project
hooks:
  PreToolUse:
    - matcher: Bash
      hooks:
        - type: command
          command: ./scripts/check.sh "$1"
mcpServers:
  - github
expertise: [Deploys]
---

# Deployer

You deploy.
"""


def test_claude_keeps_every_power_with_its_type_and_others_list_what_they_leave_out(tmp_path):
    entry = agent(tmp_path, POWERFUL)
    claude = check(entry, "claude")
    assert claude["permissionMode"] == "bypassPermissions"
    assert claude["maxTurns"] == 20 and claude["background"] is True
    assert claude["hooks"]["PreToolUse"][0]["hooks"][0]["command"] == './scripts/check.sh "$1"'
    assert claude["mcpServers"] == ["github"] and claude["model"] == "sonnet"
    conversions = convert_all(entry)
    # Claude Code 2.1.197 has no LS: listing it gave nothing, and the copy says so.
    assert [d.what for d in conversions["claude"].dropped] == ["tool LS", "expertise"]
    for target in ("copilot", "cursor", "codex"):
        left_out = {d.what for d in conversions[target].dropped}
        assert {"permissionMode", "hooks", "mcpServers", "memory", "maxTurns"} <= left_out
        assert "model sonnet" in left_out, target
    # As Claude Code resolves it: Bash(git *) is the whole Bash, Grep and Glob vanish
    # beside Bash, LS no longer exists.
    copilot = check(entry, "copilot")
    assert copilot["tools"] == ["read", "execute", "web", "github/search_code"]
    reasons = {d.what: d.reason for d in conversions["copilot"].dropped}
    assert "no such tool" in reasons["tool LS"]
    cursor = check(entry, "cursor")
    assert cursor.get("is_background") is True and "readonly" not in cursor
    widened = [d for d in conversions["cursor"].dropped if d.what.startswith("tools (")]
    assert widened and "every tool" in widened[0].reason


def test_a_read_only_agent_stays_read_only_where_a_format_has_no_tool_list(tmp_path):
    entry = agent(
        tmp_path, "---\nname: reader\ndescription: Reads.\ntools: Read, Grep\n---\nRead.\n"
    )
    assert check(entry, "cursor")["readonly"] is True
    assert check(entry, "codex")["sandbox_mode"] == "read-only"
    assert check(entry, "claude")["tools"] == "Read, Grep"
    assert check(entry, "copilot")["tools"] == ["read", "search"]


def test_copilot_tool_aliases_become_claude_code_tools(tmp_path):
    text = (
        "---\nname: helper\ndescription: Helps.\ntools: ['read', 'edit', 'execute', "
        "'github/*']\n---\nHelp.\n"
    )
    entry = agent(tmp_path, text, "helper.agent.md")  # a Copilot agent: its aliases
    assert check(entry, "claude")["tools"] == "Read, Edit, Write, Bash, mcp__github"
    # The same list in a Claude Code file names no tool Claude Code has: none is granted.
    claude_file = agent(tmp_path / "cc", text)
    assert check(claude_file, "claude")["tools"] == ""


def test_examples_go_back_into_the_description_and_a_missing_one_is_the_title(tmp_path):
    entry = agent(
        tmp_path,
        '---\nname: rev\ndescription: "Reviews code.\\n\\n<example>\\nContext: a PR\\n'
        'user: \\"review\\"\\nassistant: \\"on it\\"\\n</example>"\n---\nReview.\n',
    )
    assert entry.examples, "the example was lifted out of the description"
    description = check(entry, "claude")["description"]
    assert description.startswith("Reviews code.") and "<example>" in description
    assert "user: review" in description
    bare = agent(tmp_path, "---\nname: bare\n---\n\nNo description here.\n")
    assert check(bare, "codex")["description"]


HOSTILE = [
    "",
    'a"b',
    "back\\slash\\",
    'ends with quote"',
    '"""triple"""',
    "'''",
    "tab\there",
    "line\nbreak\r\nand cr\r",
    "ctrl \x00\x01\x1f\x7f bell\x07",
    "unicode é ✓ \u202e bidi \u2028 sep",
    "\n",
    "\nstarts with a newline",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_toml_writer_escapes_every_string(value):
    text = toml_document({"name": "x", "developer_instructions": value, "list": [value, "b"]})
    assert tomllib.loads(text) == {
        "name": "x",
        "developer_instructions": value,
        "list": [value, "b"],
    }


@given(st.text())
def test_any_text_survives_a_toml_round_trip(value):
    assert tomllib.loads(toml_document({"description": value}))["description"] == value


def test_the_toml_writer_refuses_what_it_cannot_write():
    with pytest.raises(ValueError):
        toml_document({"not bare": "x"})
    with pytest.raises(ValueError):
        toml_document({"n": 1.5})


def fake_tools(tmp_path: Path) -> dict[str, str]:
    """A PATH whose curl and unzip record their arguments (and curl writes its -o file)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("curl", "unzip"):
        script = bin_dir / tool
        script.write_text(
            "#!/bin/sh\n"
            f'for a in "$@"; do printf "%s\\n" "$a"; done > "$LOG/{tool}.args"\n'
            'if [ "$1" = "-fsSLo" ]; then : > "$2"; fi\n',
            encoding="utf-8",
        )
        script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "LOG": str(tmp_path)}


HOSTILE_NAMES = ["x'; touch pwned #.md", "$(touch pwned).md", "`touch pwned`.md", "a b|sh.md"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_download_commands_quote_hostile_names_and_run_nothing_else(tmp_path, name):
    env = fake_tools(tmp_path)
    work = tmp_path / "project"
    work.mkdir()
    url = "https://example.org/a b/$(touch pwned)/'q'/`id`;|sh"
    command = download_command(".claude/agents", name, url)
    assert "| sh" not in command and not command.rstrip().endswith("sh")
    subprocess.run(["/bin/sh", "-c", command], cwd=work, env=env, check=True)
    args = (tmp_path / "curl.args").read_text().splitlines()
    assert args == ["-fsSLo", f".claude/agents/{name}", url]
    assert (work / ".claude" / "agents" / name).exists()
    assert not list(tmp_path.rglob("pwned"))
    zipped = unzip_command(".claude/skills", name, url)
    subprocess.run(["/bin/sh", "-c", zipped], cwd=work, env=env, check=True)
    archive = f".claude/skills/{name}.zip"
    assert (tmp_path / "unzip.args").read_text().splitlines() == [
        "-o",
        archive,
        "-d",
        ".claude/skills",
    ]
    assert not (work / archive).exists(), "the zip is removed once unpacked"
    assert not list(tmp_path.rglob("pwned"))
    assert shlex.split(command)[0:3] == ["mkdir", "-p", ".claude/agents"]


def test_preview_builds_point_at_the_preview_never_at_the_published_site():
    site = "https://example.org/catalogue/"
    assert download_base(site, False, {}) == site
    assert download_base(site, True, {}) is None
    preview = {"PERSONAS_PREVIEW_URL": "https://previews.example.net/pr-7/"}
    assert download_base(site, True, preview) == preview["PERSONAS_PREVIEW_URL"]
    assert download_base(None, False, {}) is None


def commands(html: str) -> list[str]:
    found = re.findall(r'<pre class="pc-use__command"><code>(.*?)</code></pre>', html, re.S)
    return [c.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"') for c in found]


def test_persona_and_skill_pages_offer_each_tool_with_a_command_from_site_url(sample_site):
    site = sample_site.site
    html = sample_site.html("personas/backend-architect/")
    assert html.index('id="capabilities"') < html.index('id="use_this"') < html.index("pc-body")
    labels = re.findall(r'<label for="pc-use-(\w+)">([^<]+)</label>', html)
    assert labels == [
        ("claude", "Claude Code"),
        ("copilot", "GitHub Copilot"),
        ("cursor", "Cursor"),
        ("codex", "Codex"),
    ]
    catalogue = load(REPO, ("personas/*.md",))
    entry = next(p for p in catalogue.personas if p.name == "backend-architect")
    base = "https://mkdocs-personas.github.io/mkdocs-personas/"
    for target, command in zip(TARGETS, commands(html), strict=True):
        path = site_path(entry, target)
        folder = TARGETS[target].folder
        words = shlex.split(command)
        assert words == [
            "mkdir",
            "-p",
            folder,
            "&&",
            "curl",
            "-fsSLo",
            f"{folder}/{path.rsplit('/', 1)[1]}",
            base + path,
        ]
        assert (site / path).read_text(encoding="utf-8") == convert(entry, target).text
        assert f'href="convert/{target}/' in html
    skill = sample_site.html("skills/threat-modeling/")
    skill_commands = commands(skill)
    assert len(skill_commands) == 3
    words = shlex.split(skill_commands[0])
    assert words[:3] == ["mkdir", "-p", ".claude/skills"]
    assert base + "skills/threat-modeling/threat-modeling.zip" in words
    archive = ".claude/skills/threat-modeling.zip"
    unzip = words.index("unzip")
    assert words[unzip : unzip + 4] == ["unzip", "-o", archive, "-d"]
    assert (site / "skills/threat-modeling/threat-modeling.zip").exists()
    assert ".github/skills/threat-modeling/" in skill


def test_a_preview_build_shows_no_command_that_points_at_the_published_site(tmp_path, monkeypatch):
    project = make_project(
        tmp_path, {"personas/a.md": persona("alpha")}, site_url="https://example.org/cat/"
    )
    monkeypatch.setenv("PERSONAS_SANITIZE", "all")
    monkeypatch.delenv("PERSONAS_PREVIEW_URL", raising=False)
    html = build_project(project).html("personas/alpha/")
    assert commands(html) == [] and "example.org/cat" not in html.split("pc-use")[1]
    assert "This is a preview build" in html
    monkeypatch.setenv("PERSONAS_PREVIEW_URL", "https://previews.example.net/pr-7/")
    html = build_project(project, site=tmp_path / "again").html("personas/alpha/")
    assert all(
        "https://previews.example.net/pr-7/personas/alpha/convert/" in c for c in commands(html)
    )
    assert len(commands(html)) == 4


def test_personas_export_to_writes_every_persona_and_says_what_was_left_out(tmp_path):
    folder = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs_personas.cli",
            "export",
            "--to",
            "copilot",
            "-o",
            str(folder),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    catalogue = load(REPO, ("personas/*.md",))
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(f"{p.name}.agent.md" for p in catalogue.personas)
    for entry in catalogue.personas:
        text = (folder / f"{entry.name}.agent.md").read_text(encoding="utf-8")
        assert text == convert(entry, "copilot").text
    assert "left out:" in result.stderr and "expertise: a catalogue field" in result.stderr
    assert f"{len(files)} personas written" in result.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "mkdocs_personas.cli", "export", "--to", "codex"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "-o DIR" in missing.stderr


def test_personas_json_and_the_converted_files_agree(sample_site):
    data = json.loads((sample_site.site / "personas.json").read_text())
    for record in data["personas"]:
        for target in TARGETS:
            name = record["name"] + TARGETS[target].suffix
            assert (
                sample_site.site / f"personas/{record['name']}/convert/{target}/{name}"
            ).exists()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_tabs_switch_by_keyboard_and_mouse_with_or_without_javascript(
    sample_site, chromium, javascript
):
    from browser import serve_site

    context = chromium.new_context(java_script_enabled=javascript)
    page = context.new_page()
    with serve_site(sample_site.site) as base:
        page.goto(base + "personas/backend-architect/")
        blocks = page.locator(".pc-use .tabbed-block")
        assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
        page.locator(".pc-use label", has_text="Codex").click()
        assert blocks.nth(3).is_visible() and not blocks.nth(0).is_visible()
        assert ".codex/agents/backend-architect.toml" in blocks.nth(3).inner_text()
        page.focus("#pc-use-codex")
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("document.activeElement.id") == "pc-use-cursor"
        assert blocks.nth(2).is_visible() and not blocks.nth(3).is_visible()
        assert page.locator(".pc-flags li").first.inner_text().startswith("Warning:")
    context.close()
