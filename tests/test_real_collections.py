"""Real, loosely written collections: every file a real tool loads gets a readable page.

The two public collections in ``../shared/corpora`` are read in place (never copied), and
a synthetic collection holds every other pattern real collections have: Claude Code
agents in ``.claude/agents``, escaped ``<example>`` descriptions, names with dots and
capitals, Copilot ``*.agent.md`` and Cursor agents, skills with bundled references,
scripts and an SVG, and a plugin manifest.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import LINK_CHECKS, REPO, build_project, globs_build, make_project, write
from helpers import parse

SHARED = REPO.parent / "shared" / "corpora"
VOLTAGENT = SHARED / "voltagent-subagents"
WSHOBSON = SHARED / "wshobson-agents"

# Link checking as the repository's own mkdocs.yml does it: warnings, so --strict fails.
VALIDATION = LINK_CHECKS

RAW_MARKUP = re.compile(r"&lt;/?(?:example|commentary)&gt;|<(?:example|commentary)>", re.I)


def every_internal_link_resolves(site: Path) -> list[str]:
    """Every relative link of every page (bodies included) whose target is missing."""
    broken = []
    for html in sorted(site.rglob("*.html")):
        if html.name == "404.html":
            continue
        page = parse(html)
        for link in [*page.links, *page.body_links]:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#", "mailto:")):
                continue
            target = (html.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{html.relative_to(site)}: {link}")
    return broken


def visible_text_problems(site: Path) -> list[str]:
    """Pages (and the search index) that show a literal \\n or raw example tags."""
    found = []
    for path in [*site.rglob("*.html"), *site.glob("search/search_index.json")]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            text = re.sub(r"<(script|pre|code)\b.*?</\1>", "", text, flags=re.S)
        if "\\n" in text.replace("\\\\n", "") and path.suffix == ".html":
            found.append(f"{path.relative_to(site)}: literal \\n")
        if RAW_MARKUP.search(text):
            found.append(f"{path.relative_to(site)}: raw example tags")
    return found


def agent_files(root: Path, pattern: str) -> list[Path]:
    skip = {"readme.md", "contributing.md", "changelog.md", "license.md"}
    return [p for p in sorted(root.glob(pattern)) if p.name.lower() not in skip]


@pytest.fixture(scope="module")
def voltagent(tmp_path_factory):
    """The collection read in place with link checks, built once per test run: the build
    of test_browser_match.py's voltagent task sets (conftest's globs_build, same globs)."""
    if not VOLTAGENT.is_dir():
        pytest.skip(f"{VOLTAGENT} is not there")
    options = {"personas": [str(VOLTAGENT.resolve() / "categories/*/*.md")]}
    return globs_build(tmp_path_factory, options)


def test_voltagent_builds_strict_with_a_page_for_every_agent(voltagent):
    # The build is not --strict (it is shared): no warning is what --strict passes on.
    assert voltagent.warnings == [] and voltagent.aborted is None, voltagent.warnings
    files = agent_files(VOLTAGENT, "categories/*/*.md")
    assert len(files) > 100
    pages = list((voltagent.site / "personas").glob("*/index.html"))
    assert len(pages) >= len(files)
    log = voltagent.log
    assert "Triggers on" not in "\n".join(voltagent.warnings)
    assert "0 files left out" in log


def test_voltagent_pages_are_readable_and_their_links_resolve(voltagent):
    assert visible_text_problems(voltagent.site) == []
    assert every_internal_link_resolves(voltagent.site) == []


def test_voltagent_collections_take_their_manifests(voltagent):
    html = voltagent.html("catalogue/")
    assert "voltagent-biz" in html
    assert "Product, legal, and business specialists" in html


def test_personas_validate_on_voltagent_excludes_readmes_and_recovers_descriptions():
    if not VOLTAGENT.is_dir():
        pytest.skip(f"{VOLTAGENT} is not there")
    command = [sys.executable, "-m", "mkdocs_personas.cli", "validate", "categories"]
    result = subprocess.run(command, cwd=VOLTAGENT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "README.md" not in result.stdout
    assert re.search(r"\d+ excluded \(README\.md", result.stderr)
    recovered = [line for line in result.stdout.splitlines() if "read as plain text" in line]
    assert recovered and all(": warning: description:" in line for line in recovered)
    strict = subprocess.run(
        [*command, "--strict"], cwd=VOLTAGENT, capture_output=True, text=True, timeout=120
    )
    assert strict.returncode == 1


def test_wshobson_builds_with_its_one_security_finding_and_every_link_resolves(tmp_path):
    if not WSHOBSON.is_dir():
        pytest.skip(f"{WSHOBSON} is not there")
    project = make_project(
        tmp_path,
        {},
        plugin={
            "personas": [str(WSHOBSON / "plugins/*/agents/*.md")],
            "skills": [str(WSHOBSON / "plugins/*/skills/*/SKILL.md")],
        },
        validation=VALIDATION,
        repo_url="https://example.org/acme/agents",
    )
    built = build_project(project, strict=True)
    # The one warning, so the one reason --strict fails: team-lead lists Agent, the subagent
    # tool, and through Claude Code's general-purpose agent it reaches every tool (issue 18)
    assert len(built.warnings) == 1, built.warnings
    assert "agent-teams/agents/team-lead.md:4:" in built.warnings[0]
    assert ": security: tools: Claude Code reads 'Agent'" in built.warnings[0]
    assert built.aborted is not None
    agents = agent_files(WSHOBSON, "plugins/*/agents/*.md")
    skills = sorted(WSHOBSON.glob("plugins/*/skills/*/SKILL.md"))
    assert len(list((built.site / "personas").glob("*/index.html"))) >= len(agents)
    assert len(list((built.site / "skills").glob("*/index.html"))) >= len(skills)
    assert visible_text_problems(built.site) == []
    assert every_internal_link_resolves(built.site) == []


ESCAPED = (
    "Use this agent when the user needs a release checklist. Examples:\\n\\n<example>\\n"
    'Context: A team ships on Friday.\\nuser: "Prepare the v2.0 release"\\nassistant: "I will '
    'use the release-captain agent"\\n<commentary>Releases need a checklist.</commentary>\\n'
    "</example>"
)

MESSY = {
    ".claude/agents/release-captain.md": f"---\nname: release-captain\ndescription: {ESCAPED}\n"
    "tools: Read, Grep, Bash\nmodel: sonnet\n---\n\nYou run releases.\n",
    ".claude/agents/beast.md": "---\nname: beast-mode\ndescription: Beast Mode 2.0: A powerful "
    "agent. Triggers on: 'GDPR', 'CCPA'\ntools: *\n---\n\nYou do everything.\n",
    ".claude/agents/dotnet.md": "---\nname: dotnet-framework-4.8-expert\ndescription: Legacy .NET"
    "\n---\n\nYou know .NET Framework 4.8.\n",
    ".claude/agents/winforms.md": "---\nname: WinFormsExpert\ndescription: Windows Forms\n---\n"
    "\nYou build WinForms apps.\n",
    ".claude/agents/README.md": "# Our agents\n\nRead me.\n",
    ".github/agents/reviewer.agent.md": "---\nname: Code Reviewer\ndescription: Reviews pull "
    "requests\n---\n\nYou review code.\n",
    ".cursor/agents/planner.md": "---\nname: planner\ndescription: Plans work\nmodel: fast\n---\n"
    "\nYou plan.\n",
    ".claude/skills/pdf-tools/SKILL.md": "---\nname: pdf-tools\ndescription: Work with PDF files."
    "\nlicense: Apache-2.0\n---\n\n# PDF tools\n\nSee [the guide](references/guide.md) and run "
    "[the script](scripts/extract.py).\n",
    ".claude/skills/pdf-tools/references/guide.md": "# Guide\n\nStep one.\n\n<script>alert(1)"
    "</script>\n",
    ".claude/skills/pdf-tools/scripts/extract.py": "print('extract')\n",
    ".claude/skills/pdf-tools/assets/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg">'
    "<script>alert(1)</script></svg>\n",
    ".claude/skills/Claude Code Guide/SKILL.md": "---\nname: Claude Code Guide\ndescription: How "
    "to use Claude Code\n---\n\n# Guide\n",
}


def test_a_messy_collection_gets_a_readable_page_for_every_file_real_tools_load(tmp_path):
    project = make_project(
        tmp_path,
        {},
        plugin={
            "personas": [
                ".claude/agents/*.md",
                ".github/agents/*.agent.md",
                ".cursor/agents/*.md",
            ],
            "skills": [".claude/skills/*/SKILL.md"],
        },
        validation=VALIDATION,
    )
    write(project, MESSY)
    built = build_project(project, strict=True)
    assert built.aborted is None, built.warnings
    for url in (
        "personas/release-captain/",
        "personas/beast-mode/",
        "personas/dotnet-framework-4-8-expert/",
        "personas/winformsexpert/",
        "personas/reviewer/",
        "personas/planner/",
        "skills/pdf-tools/",
        "skills/claude-code-guide/",
    ):
        assert (built.site / url / "index.html").exists(), url
    assert not (built.site / "personas/readme").exists()
    captain = built.html("personas/release-captain/")
    assert "Prepare the v2.0 release" in captain and "pc-dialogue" in captain
    assert visible_text_problems(built.site) == []
    assert "WinFormsExpert" in built.html("personas/winformsexpert/")
    assert "Code Reviewer" in built.html("personas/reviewer/")
    skill = built.html("skills/pdf-tools/")
    assert "Apache-2.0" in skill
    guide = built.html("skills/pdf-tools/references/guide/")
    assert "Step one" in guide and "alert(1)" not in guide
    assert (built.site / "skills/pdf-tools/scripts/extract.py").read_text() == "print('extract')\n"
    assert not (built.site / "skills/pdf-tools/assets/logo.svg").exists()
    import zipfile

    with zipfile.ZipFile(built.site / "skills/pdf-tools/pdf-tools.zip") as archive:
        names = archive.namelist()
    assert any(n.endswith("assets/logo.svg") for n in names)
    assert any(n.endswith("references/guide.md") for n in names)
    assert every_internal_link_resolves(built.site) == []
