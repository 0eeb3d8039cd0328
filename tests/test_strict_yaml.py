"""Front matter is read as data: exact strings, positions, and no YAML feature that runs code."""

from mkdocs_personas.sources import strict_yaml
from mkdocs_personas.sources.strict_yaml import parse


def data(text: str):
    root, issues = parse(text)
    assert not issues, issues
    return root.to_data()


def messages(text: str, first_line: int = 1) -> list[str]:
    _, issues = parse(text, first_line)
    return [f"{i.line}:{i.col}: {i.field}: {i.message}" for i in issues]


def test_every_scalar_stays_the_string_that_was_written():
    assert data("a: NO\nb: 1.10\nc: 2001-02-03\nd: ~\ne: 0x1F\nf: yes\ng: 1e3\n") == {
        "a": "NO",
        "b": "1.10",
        "c": "2001-02-03",
        "d": "~",
        "e": "0x1F",
        "f": "yes",
        "g": "1e3",
    }


def test_nested_lists_and_mappings_keep_their_shape():
    assert data("k:\n  - x\n  - [y, {z: '1'}]\nm: {a: b}\n") == {
        "k": ["x", ["y", {"z": "1"}]],
        "m": {"a": "b"},
    }


def test_positions_are_lines_of_the_file_and_one_based_columns():
    root, _ = parse("name: x\nexpertise:\n  - APIs\n", first_line=2)
    expertise = root.get("expertise")
    assert (expertise.line, expertise.col) == (4, 3)
    assert (expertise.items[0].line, expertise.items[0].col) == (4, 5)


def test_columns_count_characters_not_bytes():
    root, _ = parse("é: ü\nb: [x, y]\n")
    assert root.get("é").col == 4


def test_quoted_and_empty_values_are_told_apart():
    root, _ = parse('a:\nb: ""\n')
    assert root.get("a").is_empty and not root.get("b").is_empty


def test_aliases_and_anchors_are_errors_reported_once_per_name():
    text = "a: &x [1, 2]\nb: *x\nc: [*x, *x]\n"
    assert messages(text) == [
        "1:4: a: anchors are not allowed (found &x)",
        "2:4: b: aliases are not allowed (found *x, 3 uses)",
    ]


def test_tags_are_errors_and_construct_nothing(tmp_path):
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\nb: !custom x\nc: !!str y\n"
    assert messages(text) == [
        "1:4: a: tags are not allowed (found !!python/object/apply:os.system)",
        "2:4: b: tags are not allowed (found !custom)",
        "3:4: c: tags are not allowed (found !!str)",
    ]
    assert not marker.exists()


def test_duplicate_and_non_string_keys_are_errors():
    assert messages("a: 1\nb: 2\na: 3\n? [k]\n: v\n") == [
        "3:1: a: duplicate key 'a' (first at line 1)",
        "4:3: front matter: expected a string key, found a list",
    ]


def test_syntax_errors_name_the_position_and_the_field():
    assert messages("name: x\nexpertise: [a, b\n", first_line=2) == [
        "3:12: expertise: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence); the bracket opened here is not closed (the YAML "
        "reader stopped at line 4)"
    ]


def test_depth_is_bounded_before_parsing():
    deep = "[" * 5000 + "]" * 5000
    root, issues = parse(f"a: {deep}\n", max_depth=16)
    assert root is None
    assert issues[0].fatal and "nesting deeper than 16 levels" in issues[0].message


def test_prescan_counts_indentation_and_compact_sequences():
    assert strict_yaml.prescan_depth("a:\n  b:\n    c: d\n", 3) is None
    assert strict_yaml.prescan_depth("a:\n  b:\n    c:\n      d: e\n", 3) == (4, 7)
    assert strict_yaml.prescan_depth("- - - - x\n", 3) is not None


def test_control_characters_are_reported_with_their_position():
    assert messages("a: b\nc: d\x07\n") == [
        "2:5: front matter: invalid YAML: control character U+0007 is not allowed"
    ]


def test_several_documents_are_an_error():
    assert messages("a: 1\n---\nb: 2\n") == [
        "2:1: front matter: expected a single YAML document, found several"
    ]


def test_merge_keys_are_errors_in_any_mapping_and_a_quoted_one_is_a_key():
    text = "base: {model: opus}\n<<: {permissionMode: bypassPermissions}\nm:\n  <<: {a: b}\n"
    merge = "merge keys (<<) are not allowed: other YAML loaders would merge hidden values; "
    assert messages(text) == [
        f"2:1: <<: {merge}write the fields out",
        f"4:3: m: {merge}write the fields out",
    ]
    root, issues = parse("'<<': x\n\"<<\": y\n")
    assert [i.message for i in issues] == ["duplicate key '<<' (first at line 1)"]
    assert root.to_data() == {"<<": "x"}


def test_only_newlines_end_lines_for_positions():
    for separator in ("\x85", "\u2028", "\u2029"):
        text = f"a: x{separator}  y\nb: [1, 2]\nc: &q z\nd: [1\n"
        assert messages(text, first_line=2) == [
            "4:4: c: anchors are not allowed (found &q)",
            "5:4: d: invalid YAML: did not find expected ',' or ']' "
            "(while parsing a flow sequence); the bracket opened here is not closed (the "
            "YAML reader stopped at line 6)",
        ], separator
        root, _ = parse(f"a: x{separator}  y\nb: [1, 2]\n")
        b = root.get("b")
        assert (b.line, b.col, b.items[1].line, b.items[1].col) == (2, 4, 2, 8)


def test_an_unclosed_quote_or_bracket_is_named_where_it_opens():
    """The reader gives up at the end of the front matter; the line to fix is where the
    quote or the bracket opened (the file's line 3 here: front matter starts on line 2)."""
    text = 'name: x\ndescription: "an unclosed quote\ntools: Read\nmodel: sonnet\n'
    root, issues = parse(text, 2, 20)
    assert root is None and [(i.line, i.col, i.field) for i in issues] == [(3, 14, "description")]
    assert "the quote opened here is not closed (the YAML reader stopped at line 6)" in (
        issues[0].message
    )
    root, issues = parse("name: x\nexpertise: [api, rest\n", 2, 20)
    assert [(i.line, i.col) for i in issues] == [(3, 12)]
    assert "the bracket opened here is not closed" in issues[0].message
