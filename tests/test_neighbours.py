"""The catalogue next to other plugins: each pairing builds under --strict and behaves."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import build_project, make_project, persona, skill

FILES = {
    "personas/api-designer.md": persona("api-designer", keywords=("rest", "openapi")),
    "personas/kafka-expert.md": persona(
        "kafka-expert", keywords=("kafka", "streams"), expertise=("Streaming",)
    ),
    "personas/db-tuner.md": persona("db-tuner", keywords=("postgres",), expertise=("Databases",)),
    "skills/openapi-lint/SKILL.md": skill("openapi-lint"),
}
PLUGIN = {"personas": ["personas/*.md"], "skills": ["skills/*/SKILL.md"]}


def git(project: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)


def test_git_revision_dates_come_from_the_persona_file(tmp_path):
    """A persona page carries the date of its source file's last commit, not the build's,
    and two builds are identical."""
    project = make_project(
        tmp_path / "p",
        FILES,
        plugin=PLUGIN,
        plugins=[
            "search",
            {"git-revision-date-localized": {"type": "iso_date"}},
            {"personas": PLUGIN},
        ],
    )
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "first", date="2021-01-02T12:00:00+00:00")
    (project / "personas" / "kafka-expert.md").write_text(
        persona("kafka-expert", keywords=("kafka",), expertise=("Streaming",)), encoding="utf-8"
    )
    git(project, "commit", "-q", "-am", "second", date="2022-03-04T12:00:00+00:00")
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    assert "2021-01-02" in built.html("personas/api-designer/")
    assert "2022-03-04" in built.html("personas/kafka-expert/")
    assert "2021-01-02" not in built.html("personas/kafka-expert/")
    again = build_project(project, strict=True, site=tmp_path / "again")
    for page in ("personas/api-designer/", "personas/kafka-expert/", "skills/openapi-lint/"):
        assert built.html(page) == again.html(page)


def test_tags_plugin_shows_one_row_of_chips(tmp_path):
    """With Material's tags plugin, a persona page shows our expertise and keyword chips
    only, not a second row of the same keywords from the page's tags."""
    project = make_project(tmp_path, FILES, plugins=["search", "tags", {"personas": PLUGIN}])
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    page = built.html("personas/kafka-expert/")
    assert 'class="pc-chips pc-chips--keywords"' in page
    assert re.findall(r'<nav class="md-tags"[^>]*>', page) == ['<nav class="md-tags" hidden>']
    plain = build_project(
        make_project(tmp_path / "plain", FILES, plugins=["search", {"personas": PLUGIN}]),
        strict=True,
    )
    assert 'class="md-tags' not in plain.html("personas/kafka-expert/")


def test_meta_plugin_defaults_reach_persona_pages(tmp_path):
    """A ``.meta.yml`` in ``docs/personas/`` applies to the generated persona pages, as to
    any page of that folder; our own meta (title, description) still wins."""
    files = {**FILES, "docs/personas/.meta.yml": "hide:\n  - navigation\n"}
    project = make_project(tmp_path, files, plugins=["search", "meta", {"personas": PLUGIN}])
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    page = built.html("personas/kafka-expert/")
    assert 'data-md-type="navigation" hidden' in page
    assert "<title>Kafka Expert Persona" in page
    assert 'data-md-type="navigation" hidden' not in built.html("catalogue/")


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("offline")
    project = make_project(
        root,
        FILES,
        plugins=["search", "offline", {"personas": PLUGIN}],
        use_directory_urls=False,
    )
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    return built.site


def test_offline_build_ships_the_data_as_a_script(offline_site):
    """With ``offline``, every page loads a small script (where the site is) before ours;
    the data of catalogue.json and match.json is in one script each, loaded only by the
    pages that use it (issue 22), never inline in the pages."""
    import json

    script = (offline_site / "assets/personas/data.js").read_text(encoding="utf-8")
    assert len(script) < 1000
    catalogue = json.loads((offline_site / "catalogue.json").read_text(encoding="utf-8"))
    name = json.dumps(catalogue["personas"][0]["name"])
    for data in ("catalogue.json", "match.json"):
        assert name in (offline_site / f"assets/personas/data/{data}.js").read_text("utf-8")
    page = (offline_site / "catalogue" / "index.html").read_text(encoding="utf-8")
    assert page.index("assets/personas/data.js") < page.index("assets/personas/core.js")
    assert name not in page.split("<body", 1)[0]
    assert "data/match.json.js" not in page


@pytest.mark.browser
def test_offline_filter_works_from_file_url(offline_site, page):
    """Opened from disk, the catalogue filter loads and narrows the cards."""
    page.goto((offline_site / "catalogue" / "index.html").as_uri())
    page.wait_for_selector("form[data-pc-filter][data-pc-loaded]", timeout=10000)
    page.fill("#pc-filter", "kafka")
    page.wait_for_function(
        "document.querySelectorAll('[data-pc-results] .pc-card').length === 1", timeout=10000
    )
    assert page.locator("[data-pc-results] .pc-card h3").inner_text() == "Kafka Expert Persona"


# mkdocs-static-i18n -----------------------------------------------------------------------

I18N = {
    "i18n": {
        "docs_structure": "suffix",
        "languages": [
            {"locale": "en", "default": True, "name": "English"},
            {"locale": "fr", "name": "Français"},
        ],
    }
}


def test_i18n_builds_the_catalogue_in_each_language(tmp_path):
    """With mkdocs-static-i18n (suffix structure, English default and French), the site
    builds under --strict; every generated page exists at the root in English and under
    ``fr/`` in French, and each links within its own language."""
    from markupsafe import escape

    from mkdocs_personas.sources.strings import tr

    from helpers import broken_links, links

    files = {
        **FILES,
        "docs/index.md": "# Home\n\n[Catalogue](catalogue/index.md)\n",
        "docs/index.fr.md": "# Accueil\n\n[Catalogue](catalogue/index.md)\n",
    }
    project = make_project(tmp_path, files, plugins=["search", I18N, {"personas": PLUGIN}])
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    assert built.warnings == [], built.log
    pages = ("catalogue/", "match/", "personas/kafka-expert/", "skills/openapi-lint/")
    for language in ("en", "fr"):
        folder = "" if language == "en" else "fr/"
        other = "fr" if language == "en" else "en"
        keywords, filter_label = (
            tr("entry.keywords", language),
            tr("catalogue.filter_label", language),
        )
        assert keywords != tr("entry.keywords", other)
        for url in pages:
            assert f'<html lang="{language}"' in built.html(folder + url), folder + url
        persona_page = built.html(f"{folder}personas/kafka-expert/")
        assert escape(keywords) in persona_page
        assert escape(tr("entry.keywords", other)) not in persona_page
        catalogue = built.html(f"{folder}catalogue/")
        assert f'aria-label="{escape(filter_label)}"' in catalogue
        cards = [u for u in links(catalogue, f"{folder}catalogue/") if "/kafka-expert/" in u]
        assert cards and all(u == f"{folder}personas/kafka-expert/" for u in cards), cards
    # The language switcher's own links are site-absolute ("/", "/fr/"): not ours to check.
    switcher = (": /", ": /fr/")
    assert [b for b in broken_links(built.site) if not b.endswith(switcher)] == []
