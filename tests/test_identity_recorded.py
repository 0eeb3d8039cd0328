"""Claude Code loads our Claude Code copy of every agent under the source's name, with
the same resolved tools and permission mode (issue 20).

For the conformance cases and both collections of ``../shared/corpora``:

- each copy is read with Claude Code 2.1.197's rules (``runtimes.py``) and compared with
  Claude Code's recorded reading of the source (``tests/conformance/claude_code/``);
- where the copies themselves were recorded through Claude Code
  (``tests/conformance/converted/recorded-<corpus>.json``, made by
  ``scripts/export_converted.py`` then ``scripts/record_claude_code.py``), the two
  recordings are compared;
- the digests in ``tests/conformance/converted/<corpus>.json`` say which copies were
  recorded: they must be today's conversions, or the recording is stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.outputs.export import claude_copies
from mkdocs_personas.sources import runtimes

from conftest import REPO, script_module

SCRIPT = REPO / "scripts" / "export_converted.py"
CONVERTED_CORPORA = script_module(SCRIPT).CONVERTED_CORPORA
RECORDINGS = REPO / "tests" / "conformance" / "claude_code"
MANIFESTS = REPO / "tests" / "conformance" / "converted"
HOW = "run scripts/export_converted.py, then record its folders (tests/conformance/README.md)"


def base_of(corpus: str) -> Path:
    base = (REPO / CONVERTED_CORPORA[corpus][0]).resolve()
    if not base.is_dir():
        pytest.skip(f"{base} is not there")
    return base


def source_recording(corpus: str) -> dict:
    path = RECORDINGS / ("cases.json" if corpus == "cases" else f"{corpus}.json")
    if not path.is_file():
        pytest.skip(f"Claude Code's reading of {corpus} is not recorded yet ({path.name})")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == runtimes.CLAUDE_CODE_VERSION
    return data["agents"]


def tools(names) -> set[str]:
    """Tools to compare: MCP tools resolve only where their server is connected."""
    return {name for name in names if not name.startswith("mcp__")}


def left_out(corpus: str, paths: list[str]) -> dict[str, str]:
    """Our error for each file we leave out, by path."""
    base = base_of(corpus)
    _, problems = Reader().load(Settings(base, tuple(paths), ()))
    return {p.path: p.message for p in problems if p.fatal}


@pytest.fixture(scope="module")
def copies():
    found = {}

    def get(corpus: str):
        if corpus not in found:
            found[corpus] = claude_copies(base_of(corpus), CONVERTED_CORPORA[corpus][1])
        return found[corpus]

    return get


@pytest.mark.parametrize("corpus", sorted(CONVERTED_CORPORA))
def test_claude_code_reads_our_copy_as_it_reads_the_source(corpus, copies):
    agents = source_recording(corpus)
    ours = copies(corpus)
    compared, missing, different = 0, [], {}
    for path, agent in sorted(agents.items()):
        if not agent.get("loaded"):
            continue
        copy = ours.get(path)
        if copy is None:
            missing.append(path)
            continue
        compared += 1
        found = runtimes.claude_code_reading(copy.text)
        got = (found.loaded, found.name, tools(found.resolved), found.permission_mode)
        want = (True, agent["name"], tools(agent["tools"]), agent["permissionMode"])
        if got != want:
            different[path] = (got, want)
    assert different == {}
    loaded = sum(1 for agent in agents.values() if agent.get("loaded"))
    assert compared == loaded - len(missing) and compared >= min(60, loaded)
    # A file Claude Code loads that we leave out says so in its error (issue 18).
    for path, message in left_out(corpus, missing).items():
        assert "Claude Code 2.1.197 would load this file" in message, (path, message)
    assert len(left_out(corpus, missing)) == len(missing)


@pytest.mark.parametrize("corpus", sorted(CONVERTED_CORPORA))
def test_the_recorded_copies_are_todays_conversions(corpus, copies):
    manifest = MANIFESTS / f"{corpus}.json"
    recording = MANIFESTS / f"recorded-{corpus}.json"
    if not manifest.is_file() or not recording.is_file():
        pytest.skip(f"the copies of {corpus} are not recorded through Claude Code yet: {HOW}")
    exported = json.loads(manifest.read_text(encoding="utf-8"))["copies"]
    recorded = json.loads(recording.read_text(encoding="utf-8"))["agents"]
    today = {
        path: hashlib.sha256(copy.text.encode("utf-8")).hexdigest()
        for path, copy in copies(corpus).items()
    }
    assert set(recorded) <= set(exported), "a recorded copy that was not exported"
    stale = sorted(p for p in recorded if exported[p] != today.get(p))
    assert stale == [], f"conversions changed since they were recorded: {HOW}"


@pytest.mark.parametrize("corpus", sorted(CONVERTED_CORPORA))
def test_claude_code_loaded_our_copies_as_their_sources(corpus):
    """The recording of the copies themselves, through the real Claude Code."""
    path = MANIFESTS / f"recorded-{corpus}.json"
    if not path.is_file():
        pytest.skip(
            f"our copies of {corpus} are not recorded through Claude Code yet "
            f"({path.name}): {HOW}; the test above checks them with the recorded rules"
        )
    sources = source_recording(corpus)
    converted = json.loads(path.read_text(encoding="utf-8"))["agents"]
    different = {}
    for key, agent in sorted(sources.items()):
        if not agent.get("loaded") or key not in converted:
            continue
        copy = converted[key]
        got = (copy.get("loaded"), copy.get("name"), tools(copy.get("tools") or []))
        want = (True, agent["name"], tools(agent["tools"]))
        if got != want or copy.get("permissionMode") != agent["permissionMode"]:
            different[key] = (got, copy.get("permissionMode"), want, agent["permissionMode"])
    assert different == {}
    assert any(key in converted for key, a in sources.items() if a.get("loaded"))
