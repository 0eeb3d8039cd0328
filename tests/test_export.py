"""The catalogue as data: personas.json, catalogue.json, persona.schema.json, personas export."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from mkdocs_personas.sources.model import Kind
from mkdocs_personas.sources.read import Limits, Source, read_document

from broken import BROKEN, make_broken
from conftest import CORPUS, REPO

SCHEMA = json.loads((REPO / "tests/schemas/personas-json.schema.json").read_text())


def test_personas_json_is_valid_and_complete(sample_site):
    data = json.loads((sample_site.site / "personas.json").read_text())
    jsonschema.validate(data, SCHEMA)
    assert len(data["personas"]) == len(list((REPO / "personas").glob("*.md")))
    assert len(data["skills"]) == len(list((REPO / "skills").glob("*/SKILL.md")))
    reference = next(p for p in data["personas"] if p["name"] == "backend-architect")
    assert reference["url"] == "personas/backend-architect/"
    assert reference["complexity"] == "high" and "gRPC" in reference["keywords"]
    assert reference["skills"] and all(not s["named"] for s in reference["skills"])
    assert reference["related"][0]["reasons"]
    for persona in data["personas"]:
        assert (sample_site.site / persona["url"] / "index.html").exists()
        assert (sample_site.site / persona["raw_url"]).exists()
    api = next(k for k in data["keywords"] if k["slug"] == "api")
    assert len(api["personas"]) >= 5


def test_the_corpus_export_is_valid(corpus_site):
    data = json.loads((corpus_site.site / "personas.json").read_text())
    jsonschema.validate(data, SCHEMA)
    assert (len(data["personas"]), len(data["skills"])) == (202, 181)


def test_personas_export_writes_the_same_json_without_building(sample_site):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_personas.cli", "export"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == (sample_site.site / "personas.json").read_text()
    schema = subprocess.run(
        [sys.executable, "-m", "mkdocs_personas.cli", "export", "--schema"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert schema.stdout == (sample_site.site / "persona.schema.json").read_text()


def test_catalogue_json_is_the_compact_data_the_browser_loads(sample_site):
    data = json.loads((sample_site.site / "catalogue.json").read_text())
    first = data["personas"][0]
    assert set(first) == {
        "name",
        "title",
        "url",
        "description",
        "complexity",
        "collection",
        "model",
        "expertise",
        "keywords",
        "keywords_derived",
        "risk",
    }
    assert all(len(p["description"]) <= 200 for p in data["personas"])


def front_matter(path: Path, kind: Kind = Kind.PERSONA):
    document, _problems = read_document(Source(path, path.name, kind, path.parent), Limits())
    return None if document is None else document.front.to_data()


@pytest.fixture(scope="module")
def front_matter_schema(sample_site):
    schema = json.loads((sample_site.site / "persona.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_schema_accepts_every_sample_and_corpus_file(front_matter_schema):
    files = [
        *(REPO / "personas").glob("*.md"),
        *(REPO / "skills").glob("*/SKILL.md"),
        *CORPUS.glob("plugins/*/agents/*.md"),
        *CORPUS.glob("plugins/*/skills/*/SKILL.md"),
    ]
    assert len(files) > 400
    for path in files:
        errors = list(front_matter_schema.iter_errors(front_matter(path)))
        assert errors == [], (path, [e.message for e in errors])


SCHEMA_DETECTABLE = [
    "wrong-types.md",
    "wrong-types-keywords.md",
    "wrong-complexity.md",
    "bad-name.md",
    "reserved-name.md",
    "missing-name.md",
    "folded-name.md",
]


def test_the_schema_rejects_the_broken_files_it_can_see(tmp_path, front_matter_schema):
    folder = make_broken(tmp_path)
    for name in SCHEMA_DETECTABLE:
        data = front_matter(folder / name)
        assert data is not None, name
        assert list(front_matter_schema.iter_errors(data)), name
    assert set(SCHEMA_DETECTABLE) <= set(BROKEN)
