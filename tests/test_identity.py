"""Identity, collisions, readable text and lists as strings (issue 12): every file a real
tool loads keeps its content, under a URL slug derived from its name alone."""

import json
from pathlib import Path

import pytest

from mkdocs_personas.analysis.relations import Options, relate
from mkdocs_personas.catalogue.catalogue import Reader, Settings, load
from mkdocs_personas.outputs.export import catalogue_data, dumps
from mkdocs_personas.sources.examples import Example, Turn, split, summary
from mkdocs_personas.sources.model import Kind

from conftest import REPO, persona, skill, write

VOLTAGENT = REPO.parent / "shared" / "corpora" / "voltagent-subagents"

SUBAGENT = "---\nname: {name}\ndescription: {description}\ntools: Read\n---\n\nYou help.\n"


def load_files(tmp_path: Path, files: dict, **settings):
    write(tmp_path, files)
    return load(Settings(tmp_path, **settings))


def about(problems, path: str) -> list[str]:
    return [str(p) for p in problems if p.path == path]


@pytest.mark.parametrize(
    "written, name",
    [
        ("dotnet-framework-4.8-expert", "dotnet-framework-4-8-expert"),
        ("powershell-5.1-expert", "powershell-5-1-expert"),
        ("WinFormsExpert", "winformsexpert"),
        ("microsoft_learn_contributor", "microsoft-learn-contributor"),
        ("Claude Code Guide", "claude-code-guide"),
    ],
)
def test_names_real_tools_accept_are_kept_under_their_slug_with_a_warning(tmp_path, written, name):
    catalogue, problems = load_files(
        tmp_path,
        {"agents/a.md": SUBAGENT.format(name=written, description="Helps.")},
        personas=("agents/*.md",),
        skills=(),
    )
    (entry,) = catalogue.personas
    assert (entry.name, entry.written_name, entry.url) == (name, written, f"personas/{name}/")
    assert not any(p.fatal for p in problems)
    (warning,) = about(problems, "agents/a.md")
    assert warning.startswith(f"agents/a.md:2:7: warning: name: '{written}' is not a URL slug")
    assert f"personas/{name}/" in warning and f"write 'name: {name}'" in warning


def test_a_valid_name_is_its_own_slug_and_shows_no_warning(tmp_path):
    catalogue, problems = load_files(
        tmp_path,
        {"agents/a.md": SUBAGENT.format(name="api-designer", description="Designs.")},
        personas=("agents/*.md",),
        skills=(),
    )
    assert [(e.name, e.written_name) for e in catalogue.personas] == [("api-designer", "")]
    assert problems == []


def test_a_name_without_a_title_gives_a_title_as_written(tmp_path):
    catalogue, _ = load_files(
        tmp_path,
        {
            "agents/a.md": "---\nname: WinFormsExpert\n---\n\nBody.\n",
            "agents/b.md": "---\nname: microsoft_learn_contributor\n---\n\nBody.\n",
        },
        personas=("agents/*.md",),
        skills=(),
    )
    assert [e.title for e in catalogue.personas] == [
        "Microsoft Learn Contributor",
        "WinFormsExpert",
    ]


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\U000e0041", "\u2066"])
def test_names_with_hidden_characters_are_security_errors(tmp_path, hidden):
    catalogue, problems = load_files(
        tmp_path, {"personas/a.md": f"---\nname: admin{hidden}-helper\n---\n\nBody.\n"}
    )
    assert catalogue.personas == ()
    (problem,) = [p for p in problems if p.fatal]
    assert problem.fatal and problem.security
    assert f"<U+{ord(hidden):04X}>" in str(problem) and hidden not in str(problem)
    assert str(problem).startswith("personas/a.md:2:7: error: name: the name holds invisible")


def test_a_copilot_agent_takes_its_identity_from_its_file_name(tmp_path):
    catalogue, problems = load_files(
        tmp_path,
        {
            ".github/agents/azure-helper.agent.md": "---\nname: Azure Helper (preview)\n"
            "description: Helps with Azure.\n---\n\nBody.\n",
            ".github/agents/Bicep_Pro.agent.md": "---\ndescription: Writes Bicep.\n---\n\nBody.\n",
        },
        personas=(".github/agents/*.agent.md",),
        skills=(),
    )
    assert [(e.name, e.title, e.written_name) for e in catalogue.personas] == [
        ("azure-helper", "Azure Helper (preview)", ""),
        ("bicep-pro", "Bicep Pro", "Bicep_Pro"),
    ]
    assert not any(p.fatal for p in problems)
    (warning,) = [str(p) for p in problems]
    assert "rename the file to 'bicep-pro.agent.md'" in warning


def test_skill_names_outside_the_spec_are_warnings_that_quote_it(tmp_path):
    catalogue, problems = load_files(
        tmp_path,
        {
            "skills/claude-code-guide/SKILL.md": skill("Claude Code Guide"),
            "skills/pdf-processing/SKILL.md": skill("pdf"),
            "skills/search/SKILL.md": skill("search"),
        },
    )
    assert [s.name for s in catalogue.skills] == ["claude-code-guide", "pdf", "search"]
    assert not any(p.fatal for p in problems)
    (name_rule,) = about(problems, "skills/claude-code-guide/SKILL.md")
    assert "the Agent Skills spec says a name 'must be 1-64 characters'" in name_rule
    assert "skills/claude-code-guide/" in name_rule
    (folder_rule,) = about(problems, "skills/pdf-processing/SKILL.md")
    assert "'must match the parent directory name' ('pdf-processing')" in folder_rule
    assert about(problems, "skills/search/SKILL.md") == []


def test_only_names_whose_url_clashes_are_moved(tmp_path):
    catalogue, problems = load_files(
        tmp_path, {"skills/index/SKILL.md": skill("index"), "personas/con.md": persona("con")}
    )
    assert [e.url for e in catalogue.entries] == ["personas/con-name/", "skills/index-name/"]
    assert all("would clash with a page or file name" in str(p) for p in problems)
    assert len(problems) == 2 and not any(p.fatal for p in problems)


COLLIDING = {
    "agents/infra/devops-engineer.md": SUBAGENT.format(name="devops-engineer", description="A."),
    "agents/platform/devops-engineer.md": SUBAGENT.format(name="devops-engineer", description="B."),
}


def test_two_files_named_alike_in_two_folders_are_both_kept_with_stable_names(tmp_path):
    catalogue, problems = load_files(tmp_path, COLLIDING, personas=("agents/**/*.md",), skills=())
    assert [(e.name, e.description, e.written_name) for e in catalogue.personas] == [
        ("devops-engineer-infra", "A.", "devops-engineer"),
        ("devops-engineer-platform", "B.", "devops-engineer"),
    ]
    assert catalogue.ambiguous == {
        (Kind.PERSONA, "devops-engineer"): ("devops-engineer-infra", "devops-engineer-platform")
    }
    warning = about(problems, "agents/platform/devops-engineer.md")
    assert warning == [
        "agents/platform/devops-engineer.md:2:7: warning: name: persona name 'devops-engineer' "
        "is also used by agents/infra/devops-engineer.md (page personas/devops-engineer-infra/); "
        "all are kept: this file's page is personas/devops-engineer-platform/, and "
        "personas/devops-engineer/ lists them all"
    ]
    assert len(about(problems, "agents/infra/devops-engineer.md")) == 1
    assert not any(p.fatal or p.security for p in problems)

    # Another file of that name elsewhere leaves both names as they were.
    write(
        tmp_path,
        {"agents/zz/devops-engineer.md": SUBAGENT.format(name="devops-engineer", description="C.")},
    )
    again, _ = load(Settings(tmp_path, personas=("agents/**/*.md",), skills=()))
    assert [e.name for e in again.personas] == [
        "devops-engineer-infra",
        "devops-engineer-platform",
        "devops-engineer-zz",
    ]


def test_names_alike_in_one_folder_are_told_apart_by_their_file_names(tmp_path):
    catalogue, _ = load_files(
        tmp_path,
        {
            "personas/team/a.md": persona("twin", keywords=["a"]),
            "personas/team/b.md": persona("Twin", keywords=["b"]),
            "personas/other/twin.md": persona("twin", keywords=["c"]),
        },
    )
    assert [(e.name, e.keywords) for e in catalogue.personas] == [
        ("twin-other", ("c",)),
        ("twin-team-a", ("a",)),
        ("twin-team-b", ("b",)),
    ]


def test_a_derived_name_never_takes_an_existing_name(tmp_path):
    catalogue, _ = load_files(
        tmp_path,
        {
            "personas/infra/x.md": persona("ops"),
            "personas/web/x.md": persona("ops", keywords=["other"]),
            "personas/misc/ops-infra.md": persona("ops-infra"),
        },
    )
    names = [e.name for e in catalogue.personas]
    assert len(set(names)) == 3 and "ops-infra" in names and "ops" not in names
    assert set(catalogue.ambiguous[(Kind.PERSONA, "ops")]) == set(names) - {"ops-infra"}


def test_byte_identical_copies_are_published_once(tmp_path):
    text = persona("copy-me")
    catalogue, problems = load_files(tmp_path, {"personas/a/x.md": text, "personas/b/x.md": text})
    assert [(e.name, e.path) for e in catalogue.personas] == [("copy-me", "personas/a/x.md")]
    assert catalogue.ambiguous == {}
    assert [str(p) for p in problems] == [
        "personas/b/x.md:2:7: warning: name: an exact copy of personas/a/x.md; published "
        "once, at personas/copy-me/"
    ]
    reader = Reader(text=False)
    checked, _ = reader.load(Settings(tmp_path))
    assert [e.name for e in checked.personas] == ["copy-me"]


def test_references_find_names_by_slug_and_prefer_the_same_collection(tmp_path):
    catalogue, _ = load_files(
        tmp_path,
        {
            "skills/a/lint/SKILL.md": skill("lint", "Lints one way."),
            "skills/b/lint/SKILL.md": skill("lint", "Lints another way."),
            "skills/b/claude-code-guide/SKILL.md": skill("claude-code-guide"),
            "personas/b/user.md": persona("user", skills=["lint", "Claude Code Guide"]),
            "personas/c/other.md": persona("other", skills=["lint"]),
        },
    )
    assert catalogue.ambiguous[(Kind.SKILL, "lint")] == ("lint-a", "lint-b")
    assert catalogue.resolve(Kind.SKILL, "lint", "b").name == "lint-b"
    assert catalogue.resolve(Kind.SKILL, "lint", "c").name == "lint-a"
    assert catalogue.resolve(Kind.SKILL, "Claude Code Guide").name == "claude-code-guide"
    assert catalogue.resolve(Kind.SKILL, "nothing") is None
    relations = relate(catalogue, Options(suggest_skills=0, related_personas=0))
    assert [s.name for s in relations.skills_of["user"]] == ["lint-b", "claude-code-guide"]
    assert [s.name for s in relations.skills_of["other"]] == ["lint-a"]
    assert [p.name for p in relations.personas_of["lint-b"]] == ["user"]


ESCAPED = (
    r"Use this agent when the build breaks. Examples:\n\n<example>\nContext: CI fails"
    r" after a merge.\nuser: 'The pipeline is red again'\nassistant: 'I will use the"
    r" build-doctor agent to find the cause.'\n<commentary>\nA failing build is this agent's"
    r" job.\n</commentary>\n</example>\n\n<example>\nuser: 'Why is it slow?'\nassistant:"
    r" 'Let me profile it.'"
)


def test_an_escaped_description_reads_as_text_and_its_examples_as_dialogues(tmp_path):
    source = (
        "---\nname: build-doctor\ndescription: '" + ESCAPED.replace("'", "''") + "'\n---\n\nBody.\n"
    )
    catalogue, problems = load_files(tmp_path, {"personas/a.md": source})
    assert problems == []
    (entry,) = catalogue.personas
    assert entry.raw == source
    assert entry.description == "Use this agent when the build breaks."
    assert entry.examples == (
        Example(
            "CI fails after a merge.",
            (
                Turn("user", "The pipeline is red again"),
                Turn("assistant", "I will use the build-doctor agent to find the cause."),
            ),
            "A failing build is this agent's job.",
        ),
        Example("", (Turn("user", "Why is it slow?"), Turn("assistant", "Let me profile it."))),
    )


def test_a_literal_newline_in_a_title_is_no_longer_shown_raw(tmp_path):
    catalogue, _ = load_files(
        tmp_path, {"personas/a.md": "---\nname: a\ntitle: Build\\nDoctor\n---\n\nBody.\n"}
    )
    assert catalogue.personas[0].title == "Build Doctor"


def test_examples_survive_missing_closing_tags_and_inline_roles():
    text = "Reviews code. <example>user: check this assistant: on it<commentary>because"
    prose, examples = split(text)
    assert prose == "Reviews code."
    assert examples == (
        Example("", (Turn("user", "check this"), Turn("assistant", "on it")), "because"),
    )
    assert split("No examples here: none.") == ("No examples here: none.", ())
    prose, examples = split("A <example>one</example> middle <example>two</example> after")
    assert (prose, [e.context for e in examples]) == ("A after", ["one", "two"])


def test_summaries_cut_at_a_word_boundary_with_an_ellipsis():
    text = "Designs scalable backend services with careful attention to data modelling."
    assert summary(text, 200) == text
    cut = summary(text, 40)
    assert len(cut) <= 40 and cut.endswith("\u2026") and text.startswith(cut[:-1])
    assert text[len(cut) - 1] == " "


def test_lists_written_as_strings_are_read_as_lists_with_a_hint(tmp_path):
    catalogue, problems = load_files(
        tmp_path,
        {
            "personas/a.md": "---\nname: a\nskills: api-design, testing\n"
            "activation_keywords: bug, error, crash\nexpertise: Python\n---\n\nBody.\n",
            "skills/api-design/SKILL.md": skill("api-design"),
            "skills/testing/SKILL.md": skill("testing"),
        },
    )
    (entry,) = catalogue.personas
    assert [r.name for r in entry.skills] == ["api-design", "testing"]
    assert entry.keywords == ("bug", "error", "crash")
    assert entry.expertise == ("Python",)
    assert not any(p.fatal for p in problems)
    assert [str(p) for p in problems] == [
        "personas/a.md:3:9: warning: skills: written as one string, read as a list of 2 "
        "(split at commas); write a YAML list to be explicit: skills: [api-design, testing]",
        "personas/a.md:4:22: warning: activation_keywords: written as one string, read as a "
        "list of 3 (split at commas); write a YAML list to be explicit: "
        "activation_keywords: [bug, error, crash]",
        "personas/a.md:5:12: warning: expertise: written as one string, read as a list of 1 "
        "(split at commas); write a YAML list to be explicit: expertise: [Python]",
    ]


@pytest.mark.skipif(not VOLTAGENT.is_dir(), reason="the voltagent corpus is not checked out")
def test_every_voltagent_agent_file_is_published_or_refused_for_security():
    catalogue, problems = load(Settings(VOLTAGENT, personas=("categories/**/*.md",), skills=()))
    published = {e.path for e in catalogue.personas}
    for path in sorted(VOLTAGENT.glob("categories/**/*.md")):
        shown = path.relative_to(VOLTAGENT).as_posix()
        if path.name == "README.md" or shown in published:
            continue
        errors = [p for p in problems if p.path == shown and p.fatal]
        assert errors and all(p.security for p in errors), shown
    assert len(published) > 150
    versioned = catalogue.get(Kind.PERSONA, "dotnet-framework-4-8-expert")
    assert versioned is not None and versioned.written_name == "dotnet-framework-4.8-expert"


def test_personas_json_holds_examples_as_dialogues_and_both_colliding_entries(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    source = "---\nname: build-doctor\ndescription: '" + ESCAPED.replace("'", "''") + "'\n---\n"
    catalogue, _ = load_files(
        tmp_path,
        {"agents/doctor.md": source, **COLLIDING},
        personas=("agents/**/*.md",),
        skills=(),
    )
    data = json.loads(dumps(catalogue_data(catalogue, relate(catalogue))))
    schema = json.loads((REPO / "tests/schemas/personas-json.schema.json").read_text())
    jsonschema.validate(data, schema)
    by_name = {p["name"]: p for p in data["personas"]}
    assert set(by_name) == {"build-doctor", "devops-engineer-infra", "devops-engineer-platform"}
    assert by_name["build-doctor"]["examples"][0]["turns"][0] == {
        "role": "user",
        "text": "The pipeline is red again",
    }
