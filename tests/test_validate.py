"""Front matter of every shape normalizes into one model; every problem has its position."""

from pathlib import Path

import pytest

from mkdocs_personas.catalogue.catalogue import Settings, load
from mkdocs_personas.catalogue.validate import name_problem, slug, suggest_name
from mkdocs_personas.site.config import field_map
from mkdocs_personas.sources.examples import Example, Turn

from conftest import REPO, write


def load_files(tmp_path: Path, files: dict, **settings):
    write(tmp_path, files)
    return load(Settings(tmp_path, **settings))


def test_the_reference_persona_normalizes_fully():
    catalogue, problems = load(
        Settings(REPO, personas=("personas/backend-architect.md",), skills=())
    )
    assert problems == []
    (entry,) = catalogue.personas
    assert entry.name == "backend-architect"
    assert entry.title == "Backend Architect Persona"
    assert entry.description.startswith("You are a backend systems architect")
    assert entry.expertise[1] == "API design (REST, GraphQL, gRPC)"
    assert "system design" in entry.keywords and len(entry.keywords) == 17
    assert entry.complexity == "high"
    assert entry.body.lstrip().startswith("You are a backend")
    assert "# Backend Architect Persona" not in entry.body
    assert entry.raw == (REPO / "personas/backend-architect.md").read_text()


def test_a_claude_code_subagent_normalizes(tmp_path):
    catalogue, problems = load_files(
        tmp_path,
        {
            "agents/reviewer.md": """
        ---
        name: code-reviewer
        description: "Reviews code for defects. Use after every change.<example>user: review this
          assistant: I will use the code-reviewer agent</example>"
        tools: Read, Grep, Bash(git diff:*)
        model: sonnet
        color: red
        skills: [secure-coding]
        ---

        You review code.
        """
        },
        personas=("agents/*.md",),
        skills=(),
    )
    (entry,) = catalogue.personas
    assert entry.title == "Code Reviewer"
    assert entry.description == "Reviews code for defects. Use after every change."
    assert entry.examples == (
        Example(
            turns=(
                Turn("user", "review this"),
                Turn("assistant", "I will use the code-reviewer agent"),
            )
        ),
    )
    assert entry.tools == ("Read", "Grep", "Bash(git diff:*)")
    assert entry.model == "sonnet"
    assert entry.extra == {"color": "red"}
    assert [str(p).split(": ", 3)[:3] for p in problems] == [
        ["agents/reviewer.md:5:20", "security", "tools"],  # Claude Code gives all of Bash
        ["agents/reviewer.md:8:10", "warning", "skills"],
    ]
    assert "no skill is called 'secure-coding'" in str(problems[1])


def test_an_agent_skill_normalizes(tmp_path):
    catalogue, problems = load_files(
        tmp_path,
        {
            "skills/pdf/SKILL.md": """
        ---
        name: pdf
        description: Extract text from PDF files. Use when handling PDFs.
        license: Apache-2.0
        allowed-tools: Bash(pdftotext:*) Read
        metadata:
          version: "1.0"
        ---

        # PDF Processing

        Body.
        """
        },
    )
    assert problems == []
    (entry,) = catalogue.skills
    assert (entry.title, entry.tools) == ("PDF Processing", ("Bash(pdftotext:*)", "Read"))
    assert entry.extra == {"license": "Apache-2.0", "metadata": {"version": "1.0"}}


def test_title_and_description_fall_back_to_the_body_then_the_name(tmp_path):
    catalogue, _ = load_files(
        tmp_path,
        {
            "personas/a.md": "---\nname: data-wrangler\n---\n\n```\n# not a heading\n```\n\n"
            "Cleans **messy** [data](x.md).\nEvery day.\n\nSecond paragraph.\n",
            "personas/b.md": "---\nname: b\ntitle: Explicit\ndescription: Given\n---\n\n# Body H1\n",
        },
    )
    b, a = catalogue.personas
    assert (a.title, a.description) == ("Data Wrangler", "Cleans messy data. Every day.")
    assert (b.title, b.description) == ("Explicit", "Given")
    assert b.body.startswith("\n# Body H1")


def test_field_aliases_are_configurable(tmp_path):
    files = {"personas/a.md": "---\nname: a\ntriggers: [deploy]\nlevel: low\n---\n"}
    catalogue, _ = load_files(tmp_path, files, fields=field_map({"complexity": ["level"]}))
    assert catalogue.personas[0].keywords == ("deploy",)
    assert catalogue.personas[0].complexity == "low"
    with pytest.raises(ValueError, match="unknown model field"):
        field_map({"colour": ["color"]})


def test_two_keys_for_one_field_are_an_error(tmp_path):
    _, problems = load_files(
        tmp_path, {"personas/a.md": "---\nname: a\nkeywords: [x]\nactivation_keywords: [y]\n---\n"}
    )
    assert [str(p) for p in problems] == [
        "personas/a.md:4:1: error: activation_keywords: 'keywords' already gives the keywords; use only one"
    ]


def test_list_items_must_be_strings_and_duplicates_are_reported(tmp_path):
    catalogue, problems = load_files(
        tmp_path,
        {
            "personas/a.md": "---\nname: a\nexpertise:\n  - APIs\n  - [nested]\n  -\n"
            "activation_keywords: [API, api, rest]\n---\n"
        },
    )
    assert [str(p) for p in problems] == [
        "personas/a.md:5:5: error: expertise: expected a list of strings, got a list in it",
        "personas/a.md:6:4: error: expertise: expected a list of strings, got an empty value in it",
        "personas/a.md:7:28: warning: activation_keywords: duplicate entry 'api' (first at line 7)",
    ]
    assert catalogue.personas == ()


def test_unknown_fields_are_kept_and_likely_typos_are_hinted(tmp_path):
    catalogue, problems = load_files(
        tmp_path, {"personas/a.md": "---\nname: a\nexpertice: [x]\nowner: team-a\n---\n"}
    )
    assert [str(p) for p in problems] == [
        "personas/a.md:3:1: warning: expertice: unknown field, kept as extra metadata; "
        "did you mean 'expertise'?"
    ]
    assert catalogue.personas[0].extra == {"expertice": ["x"], "owner": "team-a"}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("backend-architect", "backend-architect"),
        ("a" * 64, "a" * 64),
        ("Backend Architect", "backend-architect"),
        ("-lead", "lead"),
        ("two--hyphens", "two-hyphens"),
        ("café", "cafe"),
        ("search", "search"),
        ("index", "index-name"),
        ("com1", "com1-name"),
    ],
)
def test_every_name_has_a_url_slug_and_valid_names_are_their_own(name, expected):
    assert slug(name) == expected
    assert name_problem(name) is None


def test_long_and_non_latin_names_get_bounded_slugs_from_their_text_alone():
    long = slug("a" * 65)
    assert len(long) <= 64 and long != slug("a" * 66) and long == slug("a" * 65)
    assert slug("日本語") == slug("日本語") != slug("中文")
    assert set(slug("日本語")) <= set("0123456789abcdef")


@pytest.mark.parametrize("name", ["", "   ", "evil\u202egpj", "zero\u200bwidth", "tag\U000e0041"])
def test_empty_names_and_names_with_hidden_characters_are_refused(name):
    assert name_problem(name) is not None


def test_suggested_names_are_valid():
    assert suggest_name("Ünïcödé Persona!") == "unicode-persona"
    assert slug(suggest_name("  API / Gateway  ")) == "api-gateway"
