"""Conformance with the real Claude Code: what the catalogue says an agent may do is what
Claude Code gives it.

``tests/conformance/claude_code/*.json`` holds what ``@anthropic-ai/claude-code`` (the
version in each file) resolved for every synthetic case of ``cases/`` and every agent file of
the two public collections in ``../shared/corpora``: loaded or not, name, tools, permission
mode, model, MCP servers (``tests/conformance/README.md`` says how it was recorded and how
to record again). These tests run from the recorded values, without the client.

For every recorded file, our reading (:func:`runtimes.claude_code_reading`) equals Claude
Code's, or the difference is listed in :data:`KNOWN` with its reason. The acceptance of
issue 18 is checked on built sites: no agent where Claude Code's tools include a power tool
(or every tool) that the page's panel and ``personas.json`` do not show, none where Claude
Code's permission mode is more permissive than the one shown, and every file Claude Code
loads has a page or an error that says Claude Code would load it.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from mkdocs_personas.catalogue.capabilities import capabilities
from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.sources import runtimes

from conftest import REPO, build_project, make_project

RECORDED = REPO / "tests" / "conformance" / "claude_code"
CASES = RECORDED / "cases"
SHARED = REPO.parent / "shared" / "corpora"

POWER = runtimes.POWER_TOOLS
MODELS = {
    # How the recording machine resolved model aliases (no settings): see the README.
    None: "claude-opus-4-8[1m]",
    "inherit": "claude-opus-4-8[1m]",
    "sonnet": "claude-sonnet-5",
    "opus": "claude-opus-4-8",
    "haiku": "claude-haiku-4-5-20251001",
    "fable": "claude-fable-5",
}

KNOWN: dict[str, str] = {}
"""Files whose recorded reading differs from ours, with the reason."""

ENVIRONMENT = (
    "The recording machine has no MCP server configured: tools named mcp__server__tool "
    "resolve only where that server is connected, and a server named by reference is "
    "listed only when configured. Tools and servers are compared without them."
)


def recordings() -> list[Path]:
    return sorted(RECORDED.glob("*.json"))


def recorded(name: str) -> dict:
    path = RECORDED / name
    if not path.exists():
        pytest.skip(f"{path.relative_to(REPO)} is not recorded yet")
    return json.loads(path.read_text(encoding="utf-8"))


ROOTS = {
    "cases.json": REPO,
    "wshobson-agents.json": SHARED / "wshobson-agents",
    "voltagent-subagents.json": SHARED / "voltagent-subagents",
}
"""What the paths of each recording are relative to."""


def source_of(key: str, recording: str = "cases.json") -> Path:
    """A recorded file's path: relative to the repository, or to its collection's root."""
    return ROOTS[recording] / key


def ours(text: str) -> dict:
    """Our reading of a file, in the recording's terms."""
    reading = runtimes.claude_code_reading(text)
    if not reading.loaded:
        return {"loaded": False}
    return {
        "loaded": True,
        "name": reading.name,
        "tools": sorted(t for t in reading.resolved if not t.startswith("mcp__")),
        "permissionMode": reading.permission_mode,
        "model": MODELS.get(reading.model, reading.model),
        "mcpServers": sorted(next(iter(s)) for s in reading.mcp_servers if isinstance(s, dict)),
        "yamlRetried": reading.retried,
    }


def theirs(record: dict) -> dict:
    if not record["loaded"]:
        return {"loaded": False}
    return {
        "loaded": True,
        "name": record["name"],
        "tools": sorted(t for t in record["tools"] if not t.startswith("mcp__")),
        "permissionMode": record["permissionMode"],
        "model": record["model"],
        "mcpServers": sorted(s["name"] if isinstance(s, dict) else s for s in record["mcpServers"]),
        "yamlRetried": record.get("yamlRetried", False),
    }


@pytest.mark.parametrize("name", [p.name for p in recordings()] or ["cases.json"])
def test_our_reading_is_claude_codes_for_every_recorded_file(name):
    data = recorded(name)
    assert data["version"] == runtimes.CLAUDE_CODE_VERSION
    assert data["agents"], "nothing recorded"
    differ = []
    for key, record in sorted(data["agents"].items()):
        path = source_of(key, name)
        if not path.exists():
            pytest.skip(f"{key} is not here (the shared collections are missing)")
        text = path.read_bytes().decode("utf-8")
        if key in KNOWN:
            continue
        mine, recorded_reading = ours(text), theirs(record)
        if mine != recorded_reading:
            differ.append(f"{key}: ours {mine} != Claude Code's {recorded_reading}")
    assert differ == [], "\n".join(differ)


# --- acceptance on built sites -------------------------------------------------------------


def panel_of(html: str) -> str:
    found = re.search(r'<section class="pc-caps[^"]*".*?</section>', html, re.S)
    assert found, "no capabilities panel"
    return found.group()


def panel_tools(html: str) -> tuple[bool, set[str]]:
    """``(every tool, tools listed)`` as the page's panel shows them."""
    panel = panel_of(html)
    row = re.search(r"<dt>Tools</dt>\s*<dd>(.*?)</dd>", panel, re.S)
    assert row, "no tools row in the panel"
    every = "Every tool" in row.group(1)
    return every, {unescape(t) for t in re.findall(r"<code>(.*?)</code>", row.group(1))}


def panel_mode(html: str) -> str:
    row = re.search(r"<dt>Permission mode</dt><dd>(.*?)</dd>", panel_of(html), re.S)
    assert row
    code = re.search(r"<code>(.*?)</code>", row.group(1))
    return unescape(code.group(1)) if code else "default"


def gives_every(granted: set[str]) -> bool:
    """Whether a recorded tool set is "every tool": all the runtime's tools that are not
    power tools (a list written by hand names a few)."""
    return granted >= set(runtimes.TOOLS) - POWER


def shown_power(every: bool, tools: set[str]) -> set[str]:
    return set(POWER) if every else tools & POWER


@pytest.fixture(scope="module")
def cases_site(tmp_path_factory):
    data = recorded("cases.json")
    project = tmp_path_factory.mktemp("conformance")
    files = {}
    for key in data["agents"]:
        files[f"agents/{Path(key).name}"] = source_of(key).read_bytes()
    make_project(project, files, plugin={"personas": ["agents/*.md"]})
    built = build_project(project)
    assert built.aborted is None, built.log
    return data, built


def test_no_power_claude_code_grants_is_missing_from_the_panel_or_personas_json(cases_site):
    data, built = cases_site
    records = {
        p["source"]: p for p in json.loads((built.site / "personas.json").read_text())["personas"]
    }
    missing, checked = [], 0
    for key, record in sorted(data["agents"].items()):
        if not record["loaded"] or key in KNOWN:
            continue
        source = f"agents/{Path(key).name}"
        if source not in records:
            continue  # left out: the next test checks that the error says so
        granted = set(record["tools"])
        every = gives_every(granted)
        power = set(POWER) if every else granted & POWER
        caps = records[source]["capabilities"]
        data_power = shown_power(caps["all_tools"], set(caps["tools"]))
        page_every, page_tools = panel_tools(built.html(records[source]["url"]))
        page_power = shown_power(page_every, page_tools)
        checked += 1
        if every and not (caps["all_tools"] and page_every):
            missing.append(f"{key}: Claude Code gives every tool; shown {caps['tools']}")
        elif power - data_power or power - page_power:
            missing.append(
                f"{key}: Claude Code gives {sorted(power)}; personas.json shows "
                f"{sorted(data_power)}, the page {sorted(page_power)}"
            )
    assert checked > 50
    assert missing == [], "\n".join(missing)


def test_no_permission_mode_is_more_permissive_than_the_one_shown(cases_site):
    data, built = cases_site
    records = {
        p["source"]: p for p in json.loads((built.site / "personas.json").read_text())["personas"]
    }
    rank = runtimes.PERMISSIVENESS
    wrong = []
    for key, record in sorted(data["agents"].items()):
        source = f"agents/{Path(key).name}"
        if not record["loaded"] or source not in records:
            continue
        shown_data = records[source]["capabilities"]["permission_mode"] or "default"
        shown_page = panel_mode(built.html(records[source]["url"]))
        if rank[record["permissionMode"]] > min(rank[shown_data], rank.get(shown_page, 9)):
            wrong.append(f"{key}: {record['permissionMode']} shown as {shown_data}/{shown_page}")
    assert wrong == []


def test_every_file_claude_code_loads_has_a_page_or_an_error_that_says_so(cases_site):
    data, built = cases_site
    sources = {
        p["source"] for p in json.loads((built.site / "personas.json").read_text())["personas"]
    }
    log = built.log
    unexplained = []
    for key, record in sorted(data["agents"].items()):
        if not record["loaded"]:
            continue
        source = f"agents/{Path(key).name}"
        if source in sources:
            continue
        said = [line for line in log.splitlines() if source in line and "would load" in line]
        if not said:
            unexplained.append(key)
    assert unexplained == []


@pytest.mark.parametrize("name", ["wshobson-agents.json", "voltagent-subagents.json"])
def test_the_public_collections_show_every_power_claude_code_grants(name):
    """The same acceptance for every agent file of the two public collections, on the data
    that personas.json and the panel are built from (the collections' full builds are in
    test_real_collections.py)."""
    data = recorded(name)
    root = ROOTS[name]
    if not root.is_dir():
        pytest.skip(f"{root} is not here")
    globs = tuple(sorted({str(Path(key).parent) + "/*.md" for key in data["agents"]}))
    catalogue, _ = Reader().load(Settings(root, globs, ()))
    by_path = {e.path: e for e in catalogue.personas}
    missing, mode, checked = [], [], 0
    for key, record in sorted(data["agents"].items()):
        entry = by_path.get(key)
        if not record["loaded"]:
            continue
        assert entry is not None, f"{key}: Claude Code loads it, the catalogue has no page"
        caps = capabilities(entry)
        granted = set(record["tools"])
        shown = shown_power(caps.all_tools, set(caps.tools))
        checked += 1
        if (gives_every(granted) and not caps.all_tools) or (granted & POWER) - shown:
            missing.append(f"{key}: {sorted(granted & POWER)} shown as {sorted(shown)}")
        rank = runtimes.PERMISSIVENESS
        if rank[record["permissionMode"]] > rank[caps.permission_mode or "default"]:
            mode.append(key)
    assert checked > 100
    assert missing == [] and mode == []
