"""Files are found by globs and read as bounded, untrusted data."""

import os
from pathlib import Path

from mkdocs_personas.sources.model import Kind
from mkdocs_personas.sources.read import Limits, discover, read_document, split_glob
from mkdocs_personas.sources.read import affects as affects_of

from conftest import persona, write


def found(base: Path, *globs: tuple[str, Kind]) -> tuple[list[str], list[str]]:
    sources, problems = discover(base, globs)
    return [s.display for s in sources], [str(p) for p in problems]


def test_globs_find_files_in_sorted_order_and_skills_win(tmp_path):
    write(
        tmp_path,
        {
            "personas/b.md": "x",
            "personas/a.md": "x",
            "personas/team/c.md": "x",
            "personas/notes.txt": "x",
            "skills/s/SKILL.md": "x",
            "skills/s/extra.md": "x",
        },
    )
    paths, problems = found(
        tmp_path,
        ("personas/**/*.md", Kind.PERSONA),
        ("**/*.md", Kind.PERSONA),
        ("skills/**/SKILL.md", Kind.SKILL),
    )
    assert paths == [
        "personas/a.md",
        "personas/b.md",
        "personas/team/c.md",
        "skills/s/SKILL.md",
        "skills/s/extra.md",
    ]
    sources, _ = discover(tmp_path, [("**/*.md", Kind.PERSONA), ("skills/*/SKILL.md", Kind.SKILL)])
    assert {s.display: s.kind for s in sources}["skills/s/SKILL.md"] == Kind.SKILL
    assert problems == []


def test_single_star_does_not_cross_folders(tmp_path):
    write(tmp_path, {"p/a.md": "x", "p/sub/b.md": "x"})
    assert found(tmp_path, ("p/*.md", Kind.PERSONA))[0] == ["p/a.md"]


def test_split_glob_separates_the_literal_root():
    assert split_glob("plugins/*/agents/*.md") == ("plugins", "*/agents/*.md")
    assert split_glob("personas/**/*.md") == ("personas", "**/*.md")
    assert split_glob("one.md") == (".", "one.md")


def test_collection_is_the_first_folder_below_the_root(tmp_path):
    write(
        tmp_path,
        {
            "plugins/backend/agents/a.md": "x",
            "plugins/backend/skills/s/SKILL.md": "x",
            "skills/t/SKILL.md": "x",
            "personas/p.md": "x",
        },
    )
    sources, _ = discover(
        tmp_path,
        [
            ("plugins/*/agents/*.md", Kind.PERSONA),
            ("plugins/*/skills/*/SKILL.md", Kind.SKILL),
            ("skills/*/SKILL.md", Kind.SKILL),
            ("personas/*.md", Kind.PERSONA),
        ],
    )
    assert {s.display: s.collection for s in sources} == {
        "plugins/backend/agents/a.md": "backend",
        "plugins/backend/skills/s/SKILL.md": "backend",
        "skills/t/SKILL.md": None,
        "personas/p.md": None,
    }


def test_symlinks_are_refused_files_and_folders_alike(tmp_path):
    outside = tmp_path / "outside"
    write(outside, {"secret.md": persona("secret"), "dir/inner.md": persona("inner")})
    write(tmp_path, {"personas/real.md": persona("real")})
    os.symlink(outside / "secret.md", tmp_path / "personas/link.md")
    os.symlink(outside / "dir", tmp_path / "personas/linked-dir")
    paths, problems = found(tmp_path, ("personas/**/*.md", Kind.PERSONA))
    assert paths == ["personas/real.md"]
    assert problems == [
        "personas/link.md:1:1: error: file: refusing a symlink: only regular files under the roots are read",
        "personas/linked-dir:1:1: error: file: refusing a symlinked folder: only real folders are read",
    ]


def test_a_symlinked_root_is_refused(tmp_path):
    write(tmp_path / "elsewhere", {"a.md": persona("a")})
    os.symlink(tmp_path / "elsewhere", tmp_path / "personas")
    paths, problems = found(tmp_path, ("personas/*.md", Kind.PERSONA))
    assert paths == []
    assert problems == [
        "personas:1:1: error: file: refusing a symlinked folder as a root: personas"
    ]


def test_dot_dot_after_a_wildcard_is_refused(tmp_path):
    _, problems = found(tmp_path, ("personas/*/../../*.md", Kind.PERSONA))
    assert "'..' is not allowed after a wildcard" in problems[0]


def read(tmp_path: Path, content: bytes, limits: Limits | None = None):
    path = tmp_path / "personas" / "x.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    (source,), _ = discover(tmp_path, [("personas/*.md", Kind.PERSONA)])
    return read_document(source, limits or Limits())


def test_bom_and_crlf_are_fine(tmp_path):
    document, problems = read(tmp_path, b"\xef\xbb\xbf---\r\nname: x\r\n---\r\n\r\n# T\r\nBody\r\n")
    assert problems == []
    assert document.front.get("name").value == "x"
    assert document.body == "\n# T\nBody\n" and document.body_line == 4
    assert "\r" not in document.text


def test_the_body_starts_after_the_closing_line(tmp_path):
    document, _ = read(tmp_path, b"---\nname: x\n---\nline four\n---\nstill body\n")
    assert document.body == "line four\n---\nstill body\n"
    assert document.body_line == 4


def test_empty_front_matter_is_an_empty_mapping(tmp_path):
    document, problems = read(tmp_path, b"---\n---\nbody\n")
    assert problems == [] and document.front.items == ()


def test_front_matter_must_be_a_mapping(tmp_path):
    document, problems = read(tmp_path, b"---\n- a\n- b\n---\n")
    assert document is None
    assert str(problems[0]) == (
        "personas/x.md:2:1: error: front matter: expected a mapping of fields, found a list"
    )


def test_size_limits_apply_before_parsing(tmp_path):
    limits = Limits(max_file_bytes=1000, max_front_matter_bytes=100)
    _, problems = read(tmp_path, b"---\nname: x\n---\n" + b"b" * 2000, limits)
    assert str(problems[0]) == (
        "personas/x.md:1:1: error: file: file is 2016 bytes, larger than the limit of 1000 bytes"
    )
    _, problems = read(tmp_path, b"---\ndescription: " + b"d" * 200 + b"\n---\n", limits)
    assert "front matter is larger than the limit of 100 bytes" in str(problems[0])


def test_invalid_utf8_and_binary_name_the_byte(tmp_path):
    _, problems = read(tmp_path, b"---\nname: x\ndescription: \xff\n---\n")
    assert str(problems[0]) == (
        "personas/x.md:3:14: error: file: expected UTF-8 text, found the byte 0xff"
    )
    _, problems = read(tmp_path, b"---\nname: x\x00\n---\n")
    assert "2:8: error: file: expected UTF-8 text, found binary data" in str(problems[0])


def test_special_files_are_refused(tmp_path):
    (tmp_path / "personas").mkdir()
    os.mkfifo(tmp_path / "personas" / "pipe.md")
    paths, problems = found(tmp_path, ("personas/*.md", Kind.PERSONA))
    assert paths == []
    assert problems == [
        "personas/pipe.md:1:1: error: file: refusing a special file: only regular files are read"
    ]


def test_only_changes_to_files_the_globs_read_count_for_serve(tmp_path):
    affects = affects_of(tmp_path, ["personas/**/*.md", "skills/**/SKILL.md"])
    assert affects(str(tmp_path / "personas/team/alpha.md"), False)
    assert affects(str(tmp_path / "skills/tdd/SKILL.md"), False)
    assert not affects(str(tmp_path / "personas/.alpha.md.swp"), False)
    assert not affects(str(tmp_path / "skills/tdd/notes.md"), False)
    assert not affects(str(tmp_path / "docs/index.md"), False)
    assert affects(str(tmp_path / "personas/team"), True)
    assert not affects(str(tmp_path / "archive"), True)


def test_hidden_folders_are_reported_once_unless_a_glob_names_them(tmp_path):
    write(
        tmp_path,
        {
            "personas/a.md": "x",
            "personas/.hidden/deep/d.md": "x",
            "personas/.empty/notes.txt": "x",
            "personas/.git/e.md": "x",
            ".claude/agents/c.md": "x",
            "plugins/p/.claude/agents/f.md": "x",
        },
    )
    paths, problems = found(
        tmp_path,
        ("personas/**/*.md", Kind.PERSONA),
        ("**/d.md", Kind.PERSONA),
        (".claude/agents/*.md", Kind.PERSONA),
        ("plugins/*/.claude/agents/*.md", Kind.PERSONA),
    )
    assert paths == [".claude/agents/c.md", "personas/a.md", "plugins/p/.claude/agents/f.md"]
    assert problems == [
        "personas/.hidden:1:1: warning: file: skipped the hidden folder: it holds files that "
        "'personas/**/*.md' matches, but folders whose name starts with '.' are read only when "
        "a glob names them; to read it, add a glob such as 'personas/.hidden/**/*.md'"
    ]
    paths, problems = found(
        tmp_path,
        ("personas/**/*.md", Kind.PERSONA),
        ("personas/.hidden/**/*.md", Kind.PERSONA),
    )
    assert paths == ["personas/.hidden/deep/d.md", "personas/a.md"] and problems == []


def test_excluded_files_are_left_out_quietly_and_listed(tmp_path):
    files = ["README.md", "readme.md", "CONTRIBUTING.md", "CHANGELOG.md", "AGENTS.md"]
    files += ["CLAUDE.md", "LICENSE", "LICENSE-MIT.md", "License.md", "team/Readme.md"]
    write(tmp_path / "agents", {name: "x" for name in [*files, "a.md", "readme-writer.md"]})
    result = discover(tmp_path, [("agents/**/*", Kind.PERSONA)])
    assert [s.display for s in result.sources] == ["agents/a.md", "agents/readme-writer.md"]
    assert result.problems == []
    assert result.excluded == sorted(f"agents/{name}" for name in files)
    named = discover(tmp_path, [("agents/README.md", Kind.PERSONA)])
    assert [s.display for s in named.sources] == ["agents/README.md"] and not named.excluded
    custom = discover(tmp_path, [("agents/**/*.md", Kind.PERSONA)], ["agents/**/a.md", "team"])
    assert "agents/a.md" in custom.excluded and "agents/README.md" not in custom.excluded
    everything = discover(tmp_path, [("agents/**/*.md", Kind.PERSONA)], ())
    assert len(everything.sources) == 11 and everything.excluded == []


def test_hard_links_are_refused(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(persona("secret"), encoding="utf-8")
    (tmp_path / "personas").mkdir()
    os.link(outside, tmp_path / "personas" / "x.md")
    (source,), _ = discover(tmp_path, [("personas/*.md", Kind.PERSONA)])
    document, problems = read_document(source, Limits())
    assert document is None
    assert [str(p) for p in problems] == [
        "personas/x.md:1:1: error: file: refusing a hard link: the file has 2 names, and another "
        "may lie outside the roots; copy the file instead of linking it"
    ]


def test_a_folder_swapped_for_a_symlink_while_reading_cannot_leave_the_root(tmp_path):
    write(tmp_path, {"personas/team/x.md": persona("x"), "outside/team/x.md": persona("secret")})
    (source,), _ = discover(tmp_path, [("personas/**/*.md", Kind.PERSONA)])
    (tmp_path / "personas/team").rename(tmp_path / "moved")
    os.symlink(tmp_path / "outside/team", tmp_path / "personas/team")
    document, problems = read_document(source, Limits())
    assert document is None
    assert [str(p) for p in problems] == [
        "personas/team/x.md:1:1: error: file: refusing a file outside the roots: a folder on its "
        "path was replaced by a symlink while the files were read"
    ]
    os.unlink(tmp_path / "personas/team")
    (tmp_path / "moved").rename(tmp_path / "personas/team")
    document, problems = read_document(source, Limits())
    assert document is not None and problems == []


def test_recovered_front_matter_gives_a_warning_and_a_document(tmp_path):
    document, problems = read(tmp_path, b"---\nname: x\ndescription: Mode: on\n---\nBody\n")
    assert document.front.get("description").value == "Mode: on"
    assert [(p.line, p.col, p.field, p.fatal) for p in problems] == [(3, 14, "description", False)]
    _, problems = read(tmp_path, b"---\nname: x\n<<: {tools: Bash}\n---\nBody\n")
    assert [(p.line, p.col, p.field, p.fatal) for p in problems] == [(3, 1, "<<", True)]
