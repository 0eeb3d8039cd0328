"""Front matter that Claude Code's loader reads is read too: a single-line top-level value
that YAML misreads (``: `` or `` #`` in it, or a bare ``*``) is kept as the text it is, with a
warning; everything else that strict YAML refuses stays an error."""

import pytest

from mkdocs_personas.catalogue.catalogue import Settings, load
from mkdocs_personas.sources.strict_yaml import parse

from conftest import write

PORTABLE = (
    "it was read as plain text, as Claude Code does. Quote it ('...') or write it as a "
    "block (description: >-) so that every tool reads it the same"
)


def recovered(text: str) -> tuple[dict, list[str]]:
    root, issues = parse(text, first_line=2)
    assert root is not None, issues
    assert all(i.warning for i in issues), issues
    return root.to_data(), [f"{i.line}:{i.col}: {i.field}: {i.message}" for i in issues]


@pytest.mark.parametrize(
    "value",
    [
        "Use when assessing privacy requirements. Triggers on: 'GDPR', 'CCPA', 'consent'.",
        "Beast Mode 2.0: A powerful autonomous agent",
        "Use this agent when reviewing code. Examples:\\n\\n<example>\\nContext: a PR\\n"
        'user: "Review this"\\nassistant: "I will use the reviewer"\\n'
        "<commentary>Review asked</commentary>\\n</example>",
    ],
)
def test_a_description_holding_colon_space_is_read_as_written(value):
    data, warnings = recovered(f"name: x\ndescription: {value}\ntools: Read, Grep\n")
    assert data == {"name": "x", "description": value, "tools": "Read, Grep"}
    assert warnings == [
        f"3:14: description: the value holds ': ', which YAML reads as a new key; {PORTABLE}"
    ]


def test_a_bare_star_is_the_text_star():
    data, warnings = recovered("name: x\ntools: *\nmodel: sonnet\n")
    assert data == {"name": "x", "tools": "*", "model": "sonnet"}
    assert warnings == [
        "3:8: tools: the value * is what YAML reads as an alias with no name; it was read as "
        "the text '*', as Claude Code does. Quote it (tools: '*') so that every tool reads it "
        "the same"
    ]


def test_every_misread_value_of_a_file_is_recovered_and_other_positions_stay():
    text = (
        "name:   x\n"
        "description: Notes: it's 'quoted' # not a comment\n"
        "expertise: [a, b]\n"
        "summary: ends with a colon:\n"
        "note: C# and F# #tips\n"
    )
    root, issues = parse(text, first_line=2)
    assert root.to_data() == {
        "name": "x",
        "description": "Notes: it's 'quoted' # not a comment",
        "expertise": ["a", "b"],
        "summary": "ends with a colon:",
        "note": "C# and F# #tips",
    }
    assert [(i.line, i.col, i.field, i.message.split(";")[0]) for i in issues] == [
        (3, 14, "description", "the value holds ': ', which YAML reads as a new key"),
        (5, 10, "summary", "the value ends with ':', which YAML reads as a new key"),
        (6, 7, "note", "the value holds ' #', which YAML reads as the start of a comment"),
    ]
    name, expertise = root.get("name"), root.get("expertise")
    assert (name.line, name.col, expertise.line, expertise.items[1].col) == (2, 9, 4, 16)
    assert root.get("description").plain


@pytest.mark.parametrize(
    "text",
    [
        "description: &a x: y\n",
        "description: !tag x: y\n",
        "description: *alias: y\n",
        "description: [x: y\n",
        "description: {x: y\n",
        "description: 'x': y\n",
        '"description": "x": y\n',
        "description: - x: y\n",
        "description: ? x: y\n",
        "description: %x: y\n",
        "description: @x: y\n",
        "description: `x: y\n",
        "description: |x: y\n",
        "description: >x: y\n",
        "<<: x: y\n",
        "  description: x: y\n",
        "description: first line: a\n  continued: b\n",
        "description: a: b\n\n  continued after a blank line\n",
    ],
)
def test_values_that_are_not_plain_single_line_text_are_not_recovered(text):
    root, issues = parse("name: x\n" + text, first_line=2)
    assert root is None
    assert issues[-1].fatal and not any(i.warning for i in issues)


def test_when_recovery_does_not_help_the_first_error_stands():
    text = "name: x\ndescription: Beast Mode: on\nexpertise: [a, b\n"
    _, issues = parse(text, 2)
    assert [(i.line, i.col, i.fatal) for i in issues] == [(3, 24, True)]
    assert issues[0].message == "invalid YAML: mapping values are not allowed in this context"


def test_recovery_never_hides_anchors_aliases_tags_merges_or_duplicates():
    text = (
        "name: x\ndescription: Triggers on: a\nbase: &b {model: opus}\n"
        "other: *b\nt: !!str y\nm: {<<: {a: b}}\nname: y\n"
    )
    _, issues = parse(text, first_line=2)
    assert [(i.line, i.warning) for i in issues] == [
        (3, True),
        (4, False),
        (5, False),
        (6, False),
        (7, False),
        (8, False),
    ]


def test_a_line_inside_a_multi_line_string_is_not_read_as_a_field():
    text = 'name: x\ndescription: "first\nline: two: three"\nbad: [\n'
    root, issues = parse(text, first_line=2)
    assert root is None and issues[-1].fatal


def test_a_recovered_file_is_kept_with_a_warning_and_a_broken_one_left_out(tmp_path):
    write(
        tmp_path,
        {
            "agents/beast.md": "---\nname: beast\ndescription: Beast Mode 2.0: A powerful agent"
            "\ntools: *\n---\n\nBody\n",
            "agents/broken.md": "---\nname: broken\ndescription: x: y\nexpertise:\n  - a\n - b\n---\n",
            "agents/anchor.md": "---\nname: anchor\ndescription: a: b\nx: &y z\n---\n",
        },
    )
    catalogue, problems = load(Settings(tmp_path, ("agents/*.md",), ()))
    assert [(e.name, e.description, e.tools) for e in catalogue.personas] == [
        ("beast", "Beast Mode 2.0: A powerful agent", ("*",))
    ]
    assert [(p.path, p.line, p.col, p.severity, p.field) for p in problems] == [
        ("agents/anchor.md", 3, 14, "warning", "description"),
        ("agents/anchor.md", 4, 4, "error", "x"),
        ("agents/beast.md", 3, 14, "warning", "description"),
        ("agents/beast.md", 4, 8, "warning", "tools"),
        ("agents/broken.md", 3, 15, "error", "front matter"),
    ]
