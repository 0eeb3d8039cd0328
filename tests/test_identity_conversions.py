"""Conversions keep the agent's identity (issue 20): the name inside every converted file
is the name as written, a change a target forces is listed as "changed", downloads and
URLs keep slugs, ``personas export --to`` mirrors the source's folders, and no ``---``
is written inside a value."""

from __future__ import annotations

import re
import subprocess
import sys

import tomllib
import yaml

from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.outputs.convert import convert, convert_all, front_matter_document, site_path

from conftest import build_project, make_project, write

AGENT = "---\nname: {name}\ndescription: {description}\ntools: Read, Grep\n---\n\nYou help.\n"
CLAUDE_FRONT = re.compile(r"^---\s*\n([\s\S]*?)---\s*\n?")
"""How Claude Code finds the front matter: it ends at the first ``---`` anywhere."""


def front(text: str) -> dict:
    """The front matter as Claude Code delimits it, read as YAML."""
    match = CLAUDE_FRONT.match(text)
    assert match, text
    return yaml.safe_load(match.group(1))


def catalogue(tmp_path, files, personas=("agents/**/*.md",)):
    write(tmp_path, files)
    return Reader().load(Settings(tmp_path, personas, ()))


def test_every_target_keeps_the_name_as_written_and_lists_what_it_changes(tmp_path):
    files = {
        "agents/ps.md": AGENT.format(name="powershell-5.1-expert", description="PowerShell."),
        "agents/wf.md": AGENT.format(name="WinFormsExpert", description="WinForms."),
    }
    found, _ = catalogue(tmp_path, files)
    entries = {e.written_name: e for e in found.personas}
    assert set(entries) == {"powershell-5.1-expert", "WinFormsExpert"}
    for written, entry in entries.items():
        conversions = convert_all(entry)
        assert front(conversions["claude"].text)["name"] == written
        assert not conversions["claude"].changed
        assert tomllib.loads(conversions["codex"].text)["name"] == written
        assert not conversions["codex"].changed
        assert front(conversions["copilot"].text)["name"] == written
        # Copilot names an agent by its file, which is named after the slug: said so.
        (copilot,) = conversions["copilot"].changed
        assert copilot.what == f"file name {entry.name}.agent.md"
        assert f"{written}.agent.md" in copilot.reason
        # Cursor documents lowercase letters and hyphens: the slug, said so.
        assert front(conversions["cursor"].text)["name"] == entry.name
        (cursor,) = conversions["cursor"].changed
        assert cursor.what == f"name {written} -> {entry.name}"
        # Downloads and URLs keep slugs (the URL contract).
        for target, conversion in conversions.items():
            assert conversion.file_name.startswith(entry.name + ".")
            assert site_path(entry, target).startswith(f"personas/{entry.name}/convert/")


def test_a_name_that_is_its_own_slug_changes_nowhere(tmp_path):
    found, _ = catalogue(tmp_path, {"agents/a.md": AGENT.format(name="reviewer", description="R.")})
    (entry,) = found.personas
    for conversion in convert_all(entry).values():
        assert not conversion.changed


def test_agents_sharing_a_name_keep_it_and_export_mirrors_their_folders(tmp_path):
    files = {
        "agents/one/helper.md": AGENT.format(name="helper", description="The first helper."),
        "agents/two/helper.md": AGENT.format(name="helper", description="The second helper."),
    }
    found, _ = catalogue(tmp_path, files)
    assert sorted(e.name for e in found.personas) == ["helper-one", "helper-two"]
    for entry in found.personas:
        assert front(convert(entry, "claude").text)["name"] == "helper"
        assert tomllib.loads(convert(entry, "codex").text)["name"] == "helper"
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - personas:\n      personas: ['agents/**/*.md']\n"
        "      skills: []\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_personas.cli", "export", "--to", "claude", "-o", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.md"))
    assert written == ["one/helper.md", "two/helper.md"]
    descriptions = {front((out / w).read_text())["description"] for w in written}
    assert descriptions == {"The first helper.", "The second helper."}
    assert {front((out / w).read_text())["name"] for w in written} == {"helper"}


def test_export_to_copilot_says_what_the_target_changes(tmp_path):
    files = {"agents/wf.md": AGENT.format(name="WinFormsExpert", description="WinForms.")}
    write(tmp_path, files)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - personas:\n      personas: ['agents/*.md']\n      skills: []\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_personas.cli", "export", "--to", "copilot", "-o", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "wf.md -> " in result.stderr and ": changed:" in result.stderr
    assert "file name winformsexpert.agent.md" in result.stderr
    assert front((out / "winformsexpert.agent.md").read_text())["name"] == "WinFormsExpert"


def test_a_dash_run_inside_a_value_is_never_written_as_a_front_matter_end(tmp_path):
    description = "Reads code --- never changes anything.\\nSee ----- below."
    source = (
        f"---\nname: careful\ndescription: '{description}'\nexpertise: ['a --- b']\n---\n\nBody.\n"
    )
    found, _ = catalogue(tmp_path, {"agents/c.md": source})
    (entry,) = found.personas
    for target, conversion in convert_all(entry).items():
        if target == "codex":
            assert tomllib.loads(conversion.text)["description"] == entry.description
            continue
        match = CLAUDE_FRONT.match(conversion.text)
        data = yaml.safe_load(match.group(1))
        assert "---" not in match.group(1)
        assert data["description"] == entry.description and "---" in data["description"]
        assert conversion.text[match.end() :].strip() == "Body."


def test_the_writer_escapes_dashes_in_nested_values_and_keeps_the_rest_block_style():
    data = {
        "name": "x",
        "description": "plain",
        "hooks": {"PreToolUse": [{"matcher": "---", "hooks": []}]},
        "skills": ["a", "b"],
    }
    text = front_matter_document(data, "")
    head = CLAUDE_FRONT.match(text).group(1)
    assert "---" not in head and yaml.safe_load(head) == data
    assert "skills:\n- a\n- b\n" in head


def test_the_page_panel_lists_what_a_target_changes(tmp_path):
    project = make_project(
        tmp_path,
        {"personas/wf.md": AGENT.format(name="WinFormsExpert", description="WinForms.")},
        site_url="https://example.org/",
    )
    built = build_project(project)
    html = built.html("personas/winformsexpert/")
    assert "Changed in this format (1)" in html
    assert "<code>file name winformsexpert.agent.md</code>" in html
    assert "<code>name WinFormsExpert -&gt; winformsexpert</code>" in html
    claude = (built.site / "personas/winformsexpert/convert/claude/winformsexpert.md").read_text()
    assert front(claude)["name"] == "WinFormsExpert"


def test_export_to_copilot_keeps_a_shared_name_as_the_file_name_in_each_folder(tmp_path):
    files = {
        "agents/one/helper.md": AGENT.format(name="helper", description="The first helper."),
        "agents/two/helper.md": AGENT.format(name="helper", description="The second helper."),
    }
    write(tmp_path, files)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - personas:\n      personas: ['agents/**/*.md']\n"
        "      skills: []\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_personas.cli", "export", "--to", "copilot", "-o", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.agent.md"))
    assert written == ["one/helper.agent.md", "two/helper.agent.md"]
    assert ": changed:" not in result.stderr  # Copilot's identity, the file name, is kept
    # On the site, the downloads are named after the pages: there, it is said.
    found, _ = Reader().load(Settings(tmp_path, ("agents/**/*.md",), ()))
    for entry in found.personas:
        (change,) = convert(entry, "copilot").changed
        assert change.what == f"file name {entry.name}.agent.md"


def test_a_copy_of_a_file_claude_code_does_not_load_says_that_it_loads(tmp_path):
    found, _ = catalogue(
        tmp_path, {"agents/bare.md": "---\nname: bare\ntools: Read\n---\n\nReads files.\n"}
    )
    (entry,) = found.personas
    (change,) = convert(entry, "claude").changed
    assert change.what == "loads in Claude Code"
    assert "does not load the source file" in change.reason
    assert front(convert(entry, "claude").text)["description"] == entry.description
