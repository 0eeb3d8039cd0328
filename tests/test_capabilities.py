"""What an agent may do: its powers on its page (flagged in words), in personas.json and
as a compact risk list in catalogue.json."""

from __future__ import annotations

import json
import re
from html import unescape

import jsonschema
import pytest

from mkdocs_personas.catalogue.capabilities import capabilities
from mkdocs_personas.catalogue.catalogue import Reader, Settings

from conftest import REPO, build_project, make_project, persona

SCHEMA = json.loads((REPO / "tests/schemas/personas-json.schema.json").read_text())

RISKY = """---
name: risky
description: Ships releases on its own.
tools: Read, Bash, WebFetch
disallowedTools: Write
permissionMode: bypassPermissions
background: true
isolation: worktree
memory: project
hooks:
  PreToolUse:
    - matcher: Bash
      hooks:
        - type: command
          command: ./guard.sh <script>alert(1)</script> && rm -rf "$TMP"
mcpServers:
  - github
  - local:
      command: npx
      args: [-y, some-server]
---

You ship.
"""
CALM = "---\nname: calm\ndescription: Reads code.\ntools: Read, Grep\n---\n\nYou read.\n"
NONE = "---\nname: idle\ndescription: Talks only.\ntools: []\n---\n\nYou talk.\n"
EVERY = "---\nname: every\ndescription: Anything.\n---\n\nYou do anything.\n"
STAR = (
    "---\nname: star\ndescription: Anything.\ntools: '*'\npermissionMode: acceptEdits\n---\n\nX.\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = make_project(
        tmp_path_factory.mktemp("caps"),
        {
            "agents/risky.md": RISKY,
            "agents/calm.md": CALM,
            "agents/idle.md": NONE,
            "agents/every.md": EVERY,
            "agents/star.md": STAR,
        },
        plugin={"personas": ["agents/*.md"]},
    )
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    return built


def panel(html: str) -> str:
    """The capabilities panel of a page, as text (tags dropped, entities decoded)."""
    found = re.search(r'<section class="pc-caps[^"]*".*?</section>', html, re.S)
    assert found, "no capabilities panel"
    return found.group()


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_bypassing_permissions_and_hooks_are_flagged_on_the_page_in_words(site):
    html = panel(site.html("personas/risky/"))
    words = text(html)
    assert 'class="pc-caps pc-caps--flagged"' in html
    flags = re.findall(r'class="pc-flag pc-flag--([a-z-]+)"', html)
    assert flags == ["bypass-permissions", "hooks", "shell", "network", "mcp"]
    assert words.count("Warning:") == 5
    assert "without ever asking you" in words and "run by themselves" in words
    command = re.search(r'<pre class="pc-hooks__command"><code>(.*?)</code></pre>', html, re.S)
    assert unescape(command.group(1)) == './guard.sh <script>alert(1)</script> && rm -rf "$TMP"'
    assert "<script>" not in html, "the hook command is escaped"
    for shown in ("bypassPermissions", "PreToolUse", "worktree", "project", "npx -y some-server"):
        assert shown in words
    assert "Runs in the background yes" in words and "Not allowed Write" in words


def test_flags_and_powers_are_in_personas_json_and_risk_in_catalogue_json(site):
    data = json.loads((site.site / "personas.json").read_text())
    jsonschema.validate(data, SCHEMA)
    caps = {p["name"]: p["capabilities"] for p in data["personas"]}
    risky = caps["risky"]
    assert [f["id"] for f in risky["flags"]] == [
        "bypass-permissions",
        "hooks",
        "shell",
        "network",
        "mcp",
    ]
    assert all(f["reason"] for f in risky["flags"])
    assert risky["permission_mode"] == "bypassPermissions" and risky["background"] is True
    assert risky["hooks"] == [
        {
            "event": "PreToolUse",
            "matcher": "Bash",
            "type": "command",
            "command": './guard.sh <script>alert(1)</script> && rm -rf "$TMP"',
        }
    ]
    assert risky["mcp_servers"] == [
        {"name": "github", "command": ""},
        {"name": "local", "command": "npx -y some-server"},
    ]
    assert risky["disallowed_tools"] == ["Write"] and risky["all_tools"] is False
    assert caps["calm"]["flags"] == [] and caps["calm"]["tools"] == ["Read", "Grep"]
    assert caps["idle"] == {**caps["idle"], "tools": [], "all_tools": False, "flags": []}
    assert caps["every"]["all_tools"] is True
    assert [f["id"] for f in caps["every"]["flags"]] == ["all-tools"]
    assert [f["id"] for f in caps["star"]["flags"]] == ["accept-edits", "all-tools"]
    risk = {
        p["name"]: p["risk"]
        for p in json.loads((site.site / "catalogue.json").read_text())["personas"]
    }
    assert risk == {name: [f["id"] for f in c["flags"]] for name, c in caps.items()}
    assert risk["calm"] == [] and "bypass-permissions" in risk["risky"]


def test_agents_without_powerful_settings_say_so_and_every_tool_is_said_plainly(site):
    calm = text(panel(site.html("personas/calm/")))
    assert "No powerful settings" in calm and "Warning:" not in calm
    assert "Tools Read Grep" in calm
    assert "Tools None" in text(panel(site.html("personas/idle/")))
    every = text(panel(site.html("personas/every/")))
    assert "Every tool (no tools list)" in every and "Warning: It has no list of tools" in every
    star = text(panel(site.html("personas/star/")))
    assert "Every tool (no tools list)" in star and "acceptEdits" in star


def test_skills_have_no_capabilities_panel(sample_site):
    html = sample_site.html("skills/threat-modeling/")
    assert "pc-caps" not in html and 'id="use_this"' in html


def test_every_sample_persona_has_its_capabilities(sample_site):
    catalogue, _ = Reader().load(Settings(REPO, ("personas/*.md",), ()))
    data = json.loads((sample_site.site / "personas.json").read_text())
    for record in data["personas"]:
        entry = next(p for p in catalogue.personas if p.name == record["name"])
        assert record["capabilities"] == capabilities(entry).to_data()
        assert 'id="capabilities"' in sample_site.html(record["url"])


# --- powers follow Claude Code's reading (runtimes.py) ---------------------------------------

SPACED = "---\nname: spaced\ndescription: Reads.\ntools: Read, Grep Bash\n---\n\nYou read.\n"
TEAM = "---\nname: team\ndescription: Leads.\ntools: Read, Agent\n---\n\nYou lead.\n"
SKILLISH = "---\nname: skillish\ndescription: Reads.\nallowed-tools: Read, Grep\n---\n\nYou read.\n"


@pytest.fixture(scope="module")
def runtime_site(tmp_path_factory):
    project = make_project(
        tmp_path_factory.mktemp("caps-runtime"),
        {"agents/spaced.md": SPACED, "agents/team.md": TEAM, "agents/skillish.md": SKILLISH},
        plugin={"personas": ["agents/*.md"]},
        site_url="https://example.org/",
    )
    built = build_project(project)
    assert built.aborted is None, built.log
    return built


def test_the_risk_facet_and_personas_json_follow_what_claude_code_grants(runtime_site):
    data = json.loads((runtime_site.site / "personas.json").read_text())
    jsonschema.validate(data, SCHEMA)
    caps = {p["name"]: p["capabilities"] for p in data["personas"]}
    assert caps["spaced"]["tools"] == ["Read", "Bash"]
    assert caps["team"]["tools"] == ["Read", "Task"]
    assert caps["skillish"]["all_tools"] is True and caps["skillish"]["tools"] == []
    risk = {
        p["name"]: p["risk"]
        for p in json.loads((runtime_site.site / "catalogue.json").read_text())["personas"]
    }
    assert risk["spaced"] == ["shell", "reads-differently"]
    assert risk["team"] == ["agents", "reads-differently"]
    assert risk["skillish"] == ["all-tools", "reads-differently"]


def test_conversions_write_the_tools_claude_code_grants(runtime_site):
    claude = (runtime_site.site / "personas/spaced/convert/claude/spaced.md").read_text()
    assert "tools: Read, Bash\n" in claude
    copilot = (runtime_site.site / "personas/spaced/convert/copilot/spaced.agent.md").read_text()
    assert "execute" in copilot, "the Copilot file gets the shell Claude Code grants"
    skillish = (runtime_site.site / "personas/skillish/convert/claude/skillish.md").read_text()
    assert "tools:" not in skillish.split("\n---", 1)[0], "every tool, as Claude Code reads it"


def test_the_panel_lists_what_claude_code_grants_not_what_the_file_seems_to_say(runtime_site):
    spaced = text(panel(runtime_site.html("personas/spaced/")))
    assert "Tools Read Bash" in spaced and "Grep Bash" in spaced  # named in the note
    assert "It may run shell commands (Bash)" in spaced
    team = text(panel(runtime_site.html("personas/team/")))
    assert "Tools Read Task" in team and "It may start other agents (Task)" in team


def test_the_browser_risk_facet_hides_the_same_flags_as_the_built_pages():
    """The catalogue filter hides risky agents in the browser with its own list of flags; it
    must be the list the server-side cards use, or a facet would show what it claims to hide."""
    from mkdocs_personas.site.pages.cards import POWERFUL

    script = (REPO / "templates/theme/assets/personas/filter.js").read_text(encoding="utf-8")
    listed = re.search(r"var POWERFUL = \[([^\]]*)\]", script)
    assert listed, "filter.js no longer declares POWERFUL"
    assert set(json.loads(f"[{listed.group(1)}]")) == set(POWERFUL)


def test_hidden_characters_in_tool_names_are_written_out_in_the_panel(tmp_path):
    """A tool name holding a bidi override must not reorder the panel, the header or the
    conversions' lists: the page writes it out, as the CLI does (``Ba<U+202E>sh``)."""
    project = make_project(
        tmp_path,
        {"personas/tricky.md": persona("tricky", tools="Read, Ba\u202esh", model="so\u200bnnet")},
    )
    built = build_project(project)
    page = built.html("personas/tricky/")
    assert "\u202e" not in page and "\u200b" not in page
    panel = page[page.index("pc-caps") :]
    assert "Ba&lt;U+202E&gt;sh" in panel
