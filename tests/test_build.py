"""End to end: real sites built in temporary folders, checked through their HTML and logs."""

import subprocess
import sys

from conftest import REPO, build_project, make_project, persona

PERSONA_FILES = sorted((REPO / "personas").glob("*.md"))
SKILL_FILES = sorted((REPO / "skills").glob("*/SKILL.md"))


def test_the_sample_catalogue_builds_strict_with_a_page_per_persona_and_skill(sample_site):
    assert sample_site.aborted is None, sample_site.log
    assert sample_site.warnings == []
    assert len(PERSONA_FILES) >= 12 and len(SKILL_FILES) >= 8
    for path in PERSONA_FILES:
        assert (sample_site.site / "personas" / path.stem / "index.html").is_file()
    for path in SKILL_FILES:
        assert (sample_site.site / "skills" / path.parent.name / "index.html").is_file()
    built = {p.parent.name for p in (sample_site.site / "personas").glob("*/index.html")}
    assert built == {p.stem for p in PERSONA_FILES}
    assert "14 personas and 10 skills" in sample_site.log or "personas and" in sample_site.log


def test_the_reference_persona_page_shows_every_field(sample_site):
    page = sample_site.html("personas/backend-architect/")
    assert "<title>Backend Architect Persona - Persona Catalogue</title>" in page
    assert "<h1>Backend Architect Persona</h1>" in page
    assert "You are a backend systems architect specializing in scalable" in page
    assert 'class="pc-badge pc-badge--high"' in page
    assert (
        'href="../../expertise/#api-design-rest-graphql-grpc">API design (REST, GraphQL, gRPC)</a>'
        in page
    )
    assert 'href="../../keywords/#system-design">system design</a>' in page
    assert '<h2 id="core-expertise">Core Expertise' in page
    assert "<p><strong>System Design:</strong></p>\n<ul>\n<li>Monolithic vs microservices" in page
    assert "Integration with Skills" in page


def test_copy_download_and_edit_give_the_source_file(sample_site):
    page = sample_site.html("personas/backend-architect/")
    source = (REPO / "personas/backend-architect.md").read_text(encoding="utf-8")
    assert 'data-pc-copy="../backend-architect.md"' in page
    assert 'href="../backend-architect.md" download="backend-architect.md"' in page
    assert (sample_site.site / "personas/backend-architect.md").read_text() == source
    edit = (
        "https://github.com/mkdocs-personas/mkdocs-personas/edit/main/personas/backend-architect.md"
    )
    assert f'href="{edit}"' in page


def test_skill_pages_show_description_body_and_users(sample_site):
    page = sample_site.html("skills/event-sourcing-patterns/")
    assert "<h1>Event Sourcing Patterns</h1>" in page
    assert "Applies event sourcing and CQRS" in page
    assert "When to Use This Skill" in page
    users = page.split('id="named_by"')[1].split('id="suggested_for"')[0]
    assert 'href="../../personas/event-driven-architect/"' in users
    assert (sample_site.site / "skills/event-sourcing-patterns/SKILL.md").is_file()


def test_persona_pages_are_not_listed_in_every_page_navigation(sample_site):
    for url in ("", "catalogue/", "personas/backend-architect/", "skills/incident-response/"):
        nav = (
            sample_site.html(url).split('<nav class="md-nav md-nav--primary"')[1].split("</nav>")[0]
        )
        assert "personas/data-engineer/" not in nav
        assert "Catalogue" in nav


def test_the_catalogue_links_every_persona_and_skill(sample_site):
    page = sample_site.html("catalogue/")
    for path in PERSONA_FILES:
        assert f'href="../personas/{path.stem}/"' in page
    for path in SKILL_FILES:
        assert f'href="../skills/{path.parent.name}/"' in page


def test_the_corpus_builds_every_agent_and_skill(corpus_site):
    assert corpus_site.aborted is None, corpus_site.log
    assert "Traceback" not in corpus_site.log
    personas = list((corpus_site.site / "personas").glob("*/index.html"))
    skills = list((corpus_site.site / "skills").glob("*/index.html"))
    assert (len(personas), len(skills)) == (202, 181)
    assert "202 personas and 181 skills" in corpus_site.log
    assert not [r for r in corpus_site.records if r.levelname == "ERROR"]


def test_subagent_pages_show_tools_model_and_collection(corpus_site):
    page = corpus_site.html("personas/team-lead/")
    assert "<code>TaskCreate</code>" in page
    assert "model: fable" in page
    assert "collection: agent-teams" in page


def test_an_invalid_file_is_skipped_with_a_warning_and_strict_fails(tmp_path):
    project = make_project(
        tmp_path,
        {
            "personas/good.md": persona("good"),
            "personas/bad.md": "---\nname: bad\nexpertise: {just: text}\n---\n\nBody\n",
        },
    )
    built = build_project(project)
    assert built.aborted is None
    record = next(r for r in built.records if "bad.md" in r.getMessage())
    assert (record.name, record.levelname) == ("mkdocs.plugins.personas", "WARNING")
    assert record.getMessage() == (
        "personas: personas/bad.md:3:12: error: expertise: expected a list of strings, "
        "got a mapping (file left out)"
    )
    assert (built.site / "personas/good/index.html").exists()
    assert not (built.site / "personas/bad").exists()
    strict = build_project(project, strict=True, site=tmp_path / "strict")
    # The file left out, and (one of two files) the share of the catalogue left out.
    assert strict.aborted is not None and "2 warnings" in str(strict.aborted)
    assert any("1 of the 2 files" in w for w in strict.warnings)


def test_a_bad_plugin_option_is_a_clear_error_without_traceback(tmp_path):
    project = make_project(tmp_path, {}, plugin={"fields": {"colour": ["color"]}})
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "unknown model field(s) colour" in result.stderr
    assert "Traceback" not in result.stderr
