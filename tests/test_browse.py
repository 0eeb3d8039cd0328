"""Browsing: expertise, the A–Z keyword index, related skills and personas, the catalogue."""

import json
import re

from conftest import REPO, build_project, make_project, persona, skill
from helpers import broken_links, links, parse

PERSONAS = sorted(p.stem for p in (REPO / "personas").glob("*.md"))


def section(page: str, start: str, end: str = "</section>") -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


def test_every_link_of_the_sample_site_resolves(sample_site):
    assert broken_links(sample_site.site) == []


def test_every_link_of_the_corpus_site_resolves(corpus_site):
    assert broken_links(corpus_site.site) == []


def test_each_sample_persona_shows_a_related_skill_and_a_related_persona(sample_site):
    for name in PERSONAS:
        page = sample_site.html(f"personas/{name}/")
        skills = links(
            section(page, 'id="related_skills"', 'id="related_personas"'), f"personas/{name}/"
        )
        related = links(section(page, 'id="related_personas"'), f"personas/{name}/")
        assert any(url.startswith("skills/") for url in skills), name
        assert any(url.startswith("personas/") for url in related), name


def test_named_skills_come_first_then_suggestions_with_reasons(sample_site):
    page = sample_site.html("personas/event-driven-architect/")
    skills = section(page, 'id="related_skills"', 'id="related_personas"')
    named = [
        "event-sourcing-patterns",
        "api-design-principles",
        "data-pipeline-design",
        "observability-setup",
    ]
    positions = [skills.index(f"skills/{n}/") for n in named]
    assert positions == sorted(positions)
    assert skills.count("named in front matter") == 4
    reference = sample_site.html("personas/backend-architect/")
    suggested = section(reference, 'id="related_skills"', 'id="related_personas"')
    assert "shares: " in suggested and "named in front matter" not in suggested


def test_expertise_tags_link_to_a_page_when_shared_and_to_the_index_otherwise(tmp_path):
    project = make_project(
        tmp_path,
        {
            "personas/a.md": persona(
                "a", expertise=["Event sourcing", "Kafka operations", "Sagas"]
            ),
            "personas/b.md": persona("b", expertise=["event sourcing", "sagas"]),
            "personas/c.md": persona("c", expertise=["Event sourcing"]),
        },
    )
    built = build_project(project, strict=True)
    page = built.html("personas/a/")
    assert 'href="../../expertise/event-sourcing/">Event sourcing</a>' in page
    assert 'href="../../expertise/#kafka-operations">Kafka operations</a>' in page
    assert 'href="../../expertise/#sagas">Sagas</a>' in page
    shared = built.html("expertise/event-sourcing/")
    assert all(f'href="../../personas/{n}/"' in shared for n in "abc")
    index = built.html("expertise/")
    assert '<dt id="kafka-operations">' in index and '<dt id="event-sourcing">' in index
    assert not (built.site / "expertise/kafka-operations").exists()
    sagas = section(index, '<dt id="sagas">', "</dd>")
    assert 'href="../personas/a/"' in sagas and 'href="../personas/b/"' in sagas
    assert not (built.site / "expertise/sagas").exists()


def test_keyword_case_variants_are_one_entry_and_accents_group_predictably(tmp_path):
    project = make_project(
        tmp_path,
        {
            "personas/a.md": persona("a", keywords=["API", "Élan", "12-factor", "日本語", "C++"]),
            "personas/b.md": persona("b", keywords=["api", "elan", "c#"]),
        },
    )
    built = build_project(project, strict=True)
    index = built.html("keywords/")
    assert index.count('<dt id="api">') == 1
    api = section(index, '<dt id="api">', "</dd>")
    assert 'href="../personas/a/"' in api and 'href="../personas/b/"' in api
    e = section(index, 'id="letter_e"')
    assert "Élan" in e and "elan" in e
    assert '<dt id="12-factor">' in section(index, 'id="letter_0-9"')
    assert '<dt id="日本語">' in section(index, 'id="letter_other"')
    assert '<dt id="c-plus-plus">' in index and '<dt id="c-sharp">' in index
    assert 'href="../../keywords/#%E6%97%A5%E6%9C%AC%E8%AA%9E"' in built.html(
        "personas/a/"
    ) or 'href="../../keywords/#日本語"' in built.html("personas/a/")
    assert broken_links(built.site) == []


def test_big_indexes_split_by_letter_and_links_follow(tmp_path):
    files = {
        f"personas/p{i}.md": persona(
            f"p{i}",
            keywords=[f"{c}word{i}" for c in "abc"],
            expertise=[f"{c} skill {i}" for c in "xy"],
        )
        for i in range(30)
    }
    project = make_project(tmp_path, files, plugin={"max_index_size": 2000})
    built = build_project(project, strict=True)
    assert (built.site / "keywords/letters/a/index.html").exists()
    page = built.html("personas/p3/")
    assert re.search(r'href="\.\./\.\./keywords/letters/b(-\d+)?/#bword3"', page)
    assert re.search(r'href="\.\./\.\./expertise/letters/x(-\d+)?/#x-skill-3"', page)
    parts = json.loads((built.site / "keywords/letters/parts.json").read_text())
    assert parts["bword3"].startswith("keywords/letters/b")
    assert (built.site / "keywords/letters/b-2/index.html").exists()
    assert all(p.stat().st_size < 400_000 for p in built.pages())
    assert (built.site / "catalogue/page/2/index.html").exists()
    assert 'href="page/1/"' in built.html("catalogue/")
    assert broken_links(built.site) == []
    assert all(p.stat().st_size < 400_000 for p in built.pages())


def test_skill_pages_list_who_names_them_and_who_they_were_suggested_for(sample_site):
    page = sample_site.html("skills/database-migrations/")
    named = section(page, 'id="named_by"', 'id="suggested_for"')
    assert 'href="../../personas/database-administrator/"' in named
    suggested = section(page, 'id="suggested_for"')
    assert 'href="../../personas/backend-architect/"' in suggested
    assert "shares: " in suggested


def test_dangling_references_warn_with_a_suggestion_in_the_build(tmp_path):
    project = make_project(
        tmp_path,
        {
            "personas/a.md": persona("a", skills=["incident-respons"]),
            "skills/ir/SKILL.md": skill("incident-response"),
        },
    )
    built = build_project(project)
    # A dangling reference is a warning: the file is published, so the build logs it at
    # INFO (--strict does not fail on it) and personas validate --strict exits 1.
    assert built.warnings == []
    assert (
        "personas: personas/a.md:9:3: warning: skills: no skill is called 'incident-respons'; "
        "did you mean 'incident-response'?"
    ) in [r.getMessage() for r in built.records]


def test_the_catalogue_groups_cards_by_collection_without_javascript(tmp_path):
    project = make_project(
        tmp_path,
        {
            "personas/backend/a.md": persona("a"),
            "personas/frontend/b.md": persona("b"),
            "skills/s/SKILL.md": skill("s"),
        },
    )
    built = build_project(project, strict=True)
    page = built.html("catalogue/")
    backend = section(page, 'id="collection_backend"')
    assert 'href="../personas/a/"' in backend and 'href="../personas/b/"' not in backend
    assert 'href="../personas/b/"' in section(page, 'id="collection_frontend"')
    assert 'href="../skills/s/"' in section(page, 'id="catalogue_skills"')
    assert "<script" not in section(page, '<article class="md-content__inner', "</article>")


def test_keyword_conflicts_list_shared_keywords_most_contested_first(sample_site):
    page = sample_site.html("keywords/conflicts/")
    rows = section(page, "<tbody>", "</tbody>").split("<tr ")[1:]
    assert rows[0].startswith('id="api"')
    assert all("personas/" in row for row in rows)
    counts = [int(row.rsplit("<td>", 1)[1].split("<")[0]) for row in rows]
    assert counts == sorted(counts, reverse=True) and counts[-1] >= 2


def test_relations_can_be_turned_off(tmp_path):
    project = make_project(
        tmp_path,
        {
            "personas/a.md": persona("a", keywords=["kafka"]),
            "personas/b.md": persona("b", keywords=["kafka"]),
            "skills/s/SKILL.md": skill("s", "Kafka consumer groups."),
        },
        plugin={"suggest_skills": 0, "related_personas": 0},
    )
    page = build_project(project).html("personas/a/")
    assert "No skills are named or suggested" in page
    assert "No similar personas found" in page


def test_element_ids_are_unique_on_every_sample_page(sample_site):
    for path in sample_site.pages():
        ids = parse(path).ids
        assert len(ids) == len(set(ids)), path


def test_a_keyword_many_personas_share_gets_its_own_page(tmp_path):
    files = {
        f"personas/p{i:03}.md": persona(f"p{i:03}", keywords=["kafka", f"own{i}"])
        for i in range(260)
    }
    built = build_project(make_project(tmp_path, files), strict=True)
    index = built.html("keywords/")
    entry = section(index, '<dt id="kafka">', "</dt>")
    assert 'href="kafka/"' in entry and ">260<" in entry
    assert "personas/p000/" not in section(index, '<dt id="kafka">', '<dt id="own0">')
    page = built.html("keywords/kafka/")
    assert all(f'href="../../personas/p{i:03}/"' in page for i in range(260))
    assert 'href="../../keywords/#kafka"' in built.html("personas/p007/")
    assert broken_links(built.site) == []


def test_term_pages_never_take_the_index_folders(tmp_path):
    files = {f"personas/p{i}.md": persona(f"p{i}", expertise=["Letters", "Page"]) for i in range(3)}
    built = build_project(make_project(tmp_path, files), strict=True)
    html = built.html("personas/p0/")
    assert re.search(r'href="\.\./\.\./expertise/letters-[0-9a-f]{6}/">Letters</a>', html)
    assert re.search(r'href="\.\./\.\./expertise/page-[0-9a-f]{6}/">Page</a>', html)
    assert len(list(built.site.glob("expertise/page-*/index.html"))) == 1


def own_plugin_share(collection_signal: bool) -> float:
    """Share of corpus agents with a skill from their own plugin folder among their
    suggested skills, over the agents whose folder has skills."""
    from mkdocs_personas.analysis.relations import Options, relate
    from mkdocs_personas.catalogue.catalogue import Settings, load

    from conftest import CORPUS

    catalogue, _ = load(
        Settings(
            CORPUS, personas=("plugins/*/agents/*.md",), skills=("plugins/*/skills/*/SKILL.md",)
        )
    )
    relations = relate(catalogue, Options(collection_signal=collection_signal))
    folder = {s.name: s.collection for s in catalogue.skills}
    having = [p for p in catalogue.personas if p.collection in set(folder.values())]
    hits = [
        p
        for p in having
        if any(folder[s.name] == p.collection for s in relations.skills_of[p.name])
    ]
    return len(hits) / len(having)


def test_content_alone_suggests_an_own_plugin_skill_for_most_corpus_agents():
    assert own_plugin_share(collection_signal=False) >= 0.75
    assert own_plugin_share(collection_signal=True) >= 0.95
