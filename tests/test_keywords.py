"""Derived keywords (issue 13.1): collections that declare none still get specific ones."""

from pathlib import Path

import pytest

from mkdocs_personas.analysis import ranking
from mkdocs_personas.analysis.keywords import Options, derive
from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.sources.examples import split
from mkdocs_personas.sources.model import Kind

from conftest import CORPUS, REPO
from conftest import make_entry as make

VOLTAGENT = REPO.parent / "shared" / "corpora" / "voltagent-subagents"
NOISE = ["Specifically", "Context Assessment", "Output", "Focus areas", "driven", "pro"]


def corpus(base: Path, personas: tuple[str, ...], skills: tuple[str, ...] = ()):
    if not base.is_dir():
        pytest.skip(f"{base} is not on this machine")
    catalogue, _ = Reader().load(Settings(base, personas=personas, skills=skills))
    return catalogue


CORPORA = {
    "wshobson-agents": lambda: corpus(
        CORPUS, ("plugins/*/agents/*.md",), ("plugins/*/skills/*/SKILL.md",)
    ),
    "voltagent-subagents": lambda: corpus(VOLTAGENT, ("categories/*/*.md",)),
}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_collections_without_keywords_get_specific_ones(name):
    catalogue = CORPORA[name]()
    entries = catalogue.entries
    assert entries and not any(e.keywords for e in entries)
    derived = derive(entries)
    with_keywords = [e for e in entries if derived.get((e.kind, e.name))]
    assert len(with_keywords) >= 0.9 * len(entries)
    analyzer = ranking.default_analyzer()
    template = {analyzer.term(w) for w in ranking.word_list("template")}
    banned = {w.lower() for n in ("roles", "tools", "stopwords") for w in ranking.word_list(n)}
    counts: dict[str, int] = {}
    for found in derived.values():
        assert 0 < len(found) <= 8 and len(set(found)) == len(found)
        for keyword in found:
            assert keyword not in NOISE and keyword.casefold() not in {n.casefold() for n in NOISE}
            assert analyzer.term(keyword) not in template, keyword
            assert not {w.lower() for w in keyword.replace("-", " ").split()} & banned, keyword
            counts[keyword] = counts.get(keyword, 0) + 1
    assert max(counts.values()) <= 0.2 * len(entries)


def test_trigger_phrases_examples_and_headings_give_keywords_in_canonical_spelling():
    text, examples = split(
        "Use PROACTIVELY for Kafka architecture design. Triggers on: 'GDPR', 'CCPA'.\n"
        '<example>\nContext: x\nuser: "Our postgres replicas lag"\nassistant: "On it"\n</example>'
    )
    entries = [
        make("stream-helper", text, "# Overview\n\n## Schema registry\n\nText.", examples=examples),
        make("declared", keywords=["outbox pattern"], expertise=["Event sourcing & CQRS"]),
        make("other", "Mentions the outbox pattern and event sourcing."),
    ]
    derived = derive(entries)
    found = derived[(Kind.PERSONA, "stream-helper")]
    assert {"Kafka", "GDPR", "CCPA", "PostgreSQL", "schema registry"} <= set(found)
    assert "Overview" not in found and "design" not in found
    assert derived[(Kind.PERSONA, "other")] == ("outbox pattern", "event sourcing")
    assert (Kind.PERSONA, "declared") not in derived


def test_plain_string_examples_are_read_too():
    entry = make(
        "helper", "Helps.", examples=("Context: c\nuser: Tune our Redis cache\nassistant: ok",)
    )
    assert "Redis" in derive([entry])[(Kind.PERSONA, "helper")]


def test_tool_names_role_suffixes_and_frequent_terms_are_never_keywords():
    entries = [
        make(f"python-pro-{i}", f"Python expert engineer. Uses Bash, Read and Grep. Topic {t}.")
        for i, t in enumerate(["Kafka", "Redis", "GraphQL", "Terraform", "Docker", "Rust"])
    ]
    derived = derive(entries, options=Options(max_share=0.5, min_entries=2))
    for found in derived.values():
        assert "Python" not in found  # in every entry: a template word of this catalogue
        assert not {"Bash", "Read", "Grep", "pro", "expert", "engineer"} & set(found)
    assert derived[(Kind.PERSONA, "python-pro-0")] == ("Kafka",)


def test_derivation_is_limited_deterministic_and_can_be_turned_off():
    description = "Uses " + ", ".join(
        [
            "Kafka",
            "Redis",
            "GraphQL",
            "Terraform",
            "Docker",
            "Rust",
            "Helm",
            "Istio",
            "Vault",
            "Envoy",
        ]
    )
    entries = [make("many", description), make("some", "Knows Kafka.")]
    first = derive(entries, options=Options(limit=3, min_entries=5))
    assert len(first[(Kind.PERSONA, "many")]) == 3
    assert first == derive(list(reversed(entries)), options=Options(limit=3, min_entries=5))
    assert derive(entries, options=Options(enabled=False)) == {}


def test_a_catalogue_extends_the_synonyms():
    entries = [make("a", "Runs the release train."), make("b", "Other.")]
    derived = derive(entries, declared_vocabulary=["Rollout"], synonyms=["Rollout = release train"])
    assert derived[(Kind.PERSONA, "a")] == ("Rollout",)


def test_the_sample_skills_get_keywords_its_personas_declare():
    catalogue, _ = Reader().load(Settings(REPO))
    derived = derive(catalogue.entries)
    assert {(e.kind, e.name) for e in catalogue.skills} == set(derived)
    assert "PostgreSQL" in derived[(Kind.SKILL, "database-migrations")]


def test_only_thirty_keywords_of_sixty_characters_count_and_the_rest_is_a_warning(tmp_path):
    """Issue 22: a persona cannot buy every task with a long keyword list. The first 30
    keywords of at most 60 characters count; each one left out is named in a warning
    (the file is kept), and it leaves the matcher's index."""
    from mkdocs_personas.catalogue.catalogue import Reader, Settings

    many = [f"topic{i}" for i in range(1, 41)]
    long = "x" * 61
    lines = "\n".join(f"  - {k}" for k in [long, *many])
    (tmp_path / "personas").mkdir()
    (tmp_path / "personas" / "stuffed.md").write_text(
        f"---\nname: stuffed\ndescription: Says every word.\nkeywords:\n{lines}\n---\nBody.\n",
        encoding="utf-8",
    )
    catalogue, problems = Reader().load(Settings(tmp_path, personas=("personas/*.md",), skills=()))
    (entry,) = catalogue.personas
    assert list(entry.keywords) == many[:30]
    messages = [str(p) for p in problems]
    assert len(messages) == 2, messages
    assert messages[0].startswith("personas/stuffed.md:5:5: warning: keywords: keyword 'xxx")
    assert "more than the limit of 60" in messages[0] and "file is kept" in messages[0]
    assert "personas/stuffed.md:36:5: warning: keywords: 40 keywords declared" in messages[1]
    assert "limit of 30" in messages[1] and "'topic31'" in messages[1]
    index = ranking.index(catalogue.personas)
    assert "topic30" in index["terms"] and "topic31" not in index["terms"]
