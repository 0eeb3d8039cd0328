"""The front door and pages made for scanning (issue 15), through real builds: the
generated home and the ``home`` option, an author's home embedding it, recent changes from
git, the cards' data, the table of contents of persona pages and search's chips."""

from __future__ import annotations

import json
import os
import re
import subprocess

from conftest import build_project, make_project, persona, risky_agent, skill
from helpers import broken_links, unsafe_markup

RISKY = risky_agent("risky-agent")
FILES = {
    "personas/team-a/api-designer.md": persona(
        "api-designer",
        keywords=("rest", "openapi", "graphql", "grpc", "webhooks", "pagination", "versioning"),
        skills=("openapi-lint",),
    ),
    "personas/team-a/kafka-expert.md": persona(
        "kafka-expert", keywords=("kafka", "rest"), expertise=("Message streaming",)
    ),
    "personas/team-b/risky-agent.md": RISKY,
    "personas/team-b/.claude-plugin/plugin.json": json.dumps(
        {"name": "team-b", "description": "Agents that ship releases."}
    ),
    "skills/openapi-lint/SKILL.md": skill("openapi-lint", "Lints OpenAPI files. Use on specs."),
}
PLUGIN = {"personas": ["personas/**/*.md"], "skills": ["skills/*/SKILL.md"]}


def project(tmp_path, index: str | None = None, **plugin: object):
    """A small catalogue; ``index`` is the text of ``docs/index.md`` (None: no such file)."""
    files = {**FILES, "docs/index.md": index or ""}
    root = make_project(tmp_path, files, plugin={**PLUGIN, **plugin})
    if index is None:
        (root / "docs" / "index.md").unlink()
    return root


def git(root, *args: str, date: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_without_an_index_the_home_is_generated_with_every_part(tmp_path):
    built = build_project(project(tmp_path), strict=True)
    assert built.aborted is None, built.log
    page = built.html("")
    # the task box runs the matcher in place, loading its data only when used
    assert re.search(r"<form [^>]*data-pc-matcher data-pc-lazy", page)
    assert 'data-pc-index="match.json"' in page
    # the filter box goes to the catalogue, as ?filter=
    assert re.search(r'<form [^>]*action="catalogue/" method="get"', page)
    assert '<input id="pc-home-filter" name="filter"' in page
    assert "<strong>3</strong> personas" in page and "<strong>1</strong> skill<" in page
    assert "<strong>1</strong> keyword conflict<" in page  # "rest" is claimed twice
    assert "Agents that ship releases." in page  # the collection's manifest
    assert 'href="catalogue/?collection=team-b"' in page
    for target in ("catalogue/", "skills/", "expertise/", "keywords/", "keywords/conflicts/"):
        assert f'href="{target}"' in page, target
    assert 'href="match/"' in page
    assert "Recently changed" not in page  # no git here: the section is left out
    assert broken_links(built.site) == []
    assert unsafe_markup(page) == []


def test_an_authors_index_is_never_replaced_and_can_embed_the_home(tmp_path):
    built = build_project(project(tmp_path / "plain", "# Our home\n\nWelcome.\n"), strict=True)
    page = built.html("")
    assert "Welcome." in page and "data-pc-matcher" not in page
    assert "replaced by the generated page" not in built.log
    text = "# Our home\n\nWelcome.\n\n<!-- personas:home -->\n\nGoodbye.\n"
    built = build_project(project(tmp_path / "embed", text, home=True), strict=True)
    assert built.aborted is None, built.log
    page = built.html("")
    assert page.index("Welcome.") < page.index("data-pc-matcher") < page.index("Goodbye.")
    assert "personas:home" not in page
    assert '<h1 id="pc-title">' not in page  # the author's title stays the only one
    assert broken_links(built.site) == []


def test_home_false_makes_no_home(tmp_path):
    built = build_project(project(tmp_path, None, home=False))
    assert not (built.site / "index.html").exists()
    marked = build_project(
        project(tmp_path / "marked", "# Home\n\n<!-- personas:home -->\n", home=False)
    )
    assert "data-pc-matcher" not in marked.html("")


def test_recently_changed_comes_from_git_newest_first_and_respects_source_date_epoch(
    tmp_path, monkeypatch
):
    root = project(tmp_path)
    git(root, "init", "-q", date="2020-01-01T00:00:00+00:00")
    git(root, "add", ".", date="2020-01-01T00:00:00+00:00")
    git(root, "commit", "-qm", "first", date="2021-05-06T12:00:00+00:00")
    (root / "personas/team-a/kafka-expert.md").write_text(
        persona("kafka-expert", keywords=("kafka",), expertise=("Message streaming",))
    )
    git(root, "commit", "-qam", "second", date="2023-07-08T12:00:00+00:00")
    built = build_project(root, strict=True)
    page = built.html("")
    recent = page.split("Recently changed", 1)[1]
    assert recent.index("Kafka Expert") < recent.index("Api Designer")
    assert '<time datetime="2023-07-08">' in recent and "2021-05-06" in recent
    cards = json.loads((built.site / "cards.json").read_text())
    assert (
        cards["facts"]["persona/kafka-expert"]["updated"]
        > cards["facts"]["persona/api-designer"]["updated"]
    )
    assert '<option value="recent">' in built.html("catalogue/")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1640995200")  # 2022-01-01
    again = build_project(root, strict=True, site=tmp_path / "again")
    assert "2023-07-08" not in again.html("") and "2022-01-01" in again.html("")


def test_cards_carry_keywords_counts_and_a_copy_action(tmp_path):
    built = build_project(project(tmp_path), strict=True)
    page = built.html("catalogue/")
    card = page.split('data-name="api-designer"', 1)[1].split("</article>", 1)[0]
    chips = re.findall(r'<span class="md-tag pc-chip">([^<]+)</span>', card)
    assert chips == ["rest", "openapi", "graphql", "grpc"]  # declared first, at most four
    assert "1 skill</span>" in card and "all tools</span>" in card
    assert 'data-pc-copy="../personas/api-designer.md"' in card
    risky = page.split('data-name="risky-agent"', 1)[1].split("</article>", 1)[0]
    assert "2 tools</span>" in risky
    # the risk facet is there, and says what it hides and what it does not
    assert 'name="risk" value="hide"' in page
    assert "bypass permissions, run hooks" in page and "every tool" in page
    data = json.loads((built.site / "cards.json").read_text())
    assert [s["name"] for s in data["skills"]] == ["openapi-lint"]
    assert data["facts"]["persona/api-designer"]["skills"] == 1


def test_persona_pages_list_skills_and_related_in_the_toc_and_search_shows_five_chips(tmp_path):
    built = build_project(project(tmp_path), strict=True)
    page = built.html("personas/api-designer/")
    toc = page.split('class="md-nav md-nav--secondary"', 1)[1].split("</nav>", 1)[0]
    assert 'href="#related_skills"' in toc and 'href="#related_personas"' in toc
    assert re.search(r'<p class="pc-summary"><a href="#related_skills">1 skill</a>', page)
    assert 'class="md-skip"' in page
    for url in ("catalogue/", "match/", "keywords/"):
        assert re.search(r'<a href="#pc-title" class="md-skip">', built.html(url)), url
    index = json.loads((built.site / "search/search_index.json").read_text())
    doc = next(d for d in index["docs"] if d["location"] == "personas/api-designer/")
    assert doc["tags"] == ["rest", "openapi", "graphql", "grpc", "webhooks"]


def test_indexes_are_in_columns_with_a_filter_and_the_conflicts_table_is_materials(tmp_path):
    built = build_project(project(tmp_path), strict=True)
    keywords = built.html("keywords/")
    assert "data-pc-index-filter" in keywords and 'class="pc-term"' in keywords
    conflicts = built.html("keywords/conflicts/")
    assert "<table>" in conflicts  # no class: Material styles it like any content table
    entry = built.html("personas/kafka-expert/")
    assert "pc-badge--medium" not in built.html("catalogue/")
    assert "medium complexity" in entry
