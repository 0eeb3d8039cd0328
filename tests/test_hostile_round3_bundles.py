"""Bundle paths that shadow or escape (issue 21): paths equal once case and Unicode forms
are folded, hard links, backslashes in names and files past the depth bound are left out
of the skill's pages, downloads and zip with a problem (build log and `personas
validate`), never silently."""

import io
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest

from mkdocs_personas.catalogue.bundles import Bundle, BundledFile, unsafe_name
from mkdocs_personas.cli.commands import main

from conftest import build_project, make_project, persona, skill

NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")
DEEP = "/".join(f"d{i}" for i in range(17))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("bundle-paths")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("the neighbour's secret\n", encoding="utf-8")
    folder = "skills/pdf-tools"
    files = {
        f"{folder}/SKILL.md": skill("pdf-tools"),
        f"{folder}/skill.md": "# I replace SKILL.md when unzipped on macOS\n",
        f"{folder}/references/Guide.md": "# Guide\n\nUpper.\n",
        f"{folder}/references/guide.md": "# guide\n\nLower.\n",
        f"{folder}/references/{NFC}.md": "# composed\n",
        f"{folder}/references/{NFD}.md": "# decomposed\n",
        f"{folder}/notes": "a file named like a folder\n",
        f"{folder}/Notes/inside.md": "# inside\n",
        f"{folder}/a\\..\\..\\evil.txt": "escape\n",
        f"{folder}/{DEEP}/deep.md": "# deep\n",
        f"{folder}/ok.md": "# fine\n",
        "personas/filler.md": persona("filler", skills=["pdf-tools"]),
    }
    project = make_project(root / "project", files)
    os.link(outside / "secret.txt", project / folder / "linked.txt")
    built = build_project(project)
    assert built.aborted is None, built.log
    archive = zipfile.ZipFile(io.BytesIO((built.site / f"{folder}/pdf-tools.zip").read_bytes()))
    return built, archive.namelist(), project


def validate(project: Path, capsys) -> tuple[int, str]:
    cwd = os.getcwd()
    os.chdir(project)
    try:
        code = main(["validate"])
    finally:
        os.chdir(cwd)
    return code, capsys.readouterr().out


def test_the_zip_keeps_one_of_each_folded_path_and_skill_md_wins(hostile):
    built, names, _ = hostile
    assert "pdf-tools/SKILL.md" in names and "pdf-tools/skill.md" not in names
    folded = [unicodedata.normalize("NFKC", n).casefold() for n in names]
    assert len(folded) == len(set(folded))
    assert "pdf-tools/references/Guide.md" in names
    assert "pdf-tools/references/guide.md" not in names
    assert sum(unicodedata.normalize("NFC", n).endswith(NFC + ".md") for n in names) == 1
    assert "pdf-tools/Notes/inside.md" in names and "pdf-tools/notes" not in names
    assert "pdf-tools/ok.md" in names
    assert not (built.site / "skills/pdf-tools/skill.md").exists()
    assert not (built.site / "skills/pdf-tools/references/guide.md").exists()


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("skill.md", ["error: bundle:", "the same as 'SKILL.md'", "'SKILL.md' is kept"]),
        ("references/guide.md", ["error: bundle:", "'references/Guide.md' is kept"]),
        (f"references/{NFC}.md", ["error: bundle:", "once case and Unicode forms are folded"]),
        ("notes", ["error: bundle:", "the same as 'Notes'"]),
        ("linked.txt", ["error: bundle:", "refusing a hard link", "has 2 names"]),
        ("a\\..\\..\\evil.txt", ["error: bundle:", "backslash"]),
        (DEEP + "/", ["warning: bundle:", "more than 16 folders"]),
    ],
)
def test_each_refused_file_is_named_in_the_log_and_by_validate(hostile, capsys, path, words):
    built, _names, project = hostile
    where = f"skills/pdf-tools/{path}:1:1: "
    line = next((m for m in built.log.splitlines() if where in m), None)
    assert line is not None, built.log
    for word in words:
        assert word in line
    _code, out = validate(project, capsys)
    line = next((m for m in out.splitlines() if m.startswith(where)), None)
    assert line is not None, out
    assert all(word in line for word in words)


def test_validate_fails_on_refused_bundle_files(hostile, capsys):
    code, _out = validate(hostile[2], capsys)
    assert code == 1


def test_the_hard_link_and_the_backslash_name_never_reach_the_site(hostile):
    built, names, _ = hostile
    assert not any("linked" in n or "evil" in n for n in names)
    for path in built.site.rglob("*"):
        if path.is_file():
            assert b"the neighbour's secret" not in path.read_bytes(), path
            assert "\\" not in path.name


@pytest.mark.parametrize(
    "name", ["a\\b.txt", "../x", "a/../../x", "/etc/passwd", "C:/x", "a//b", "a\x01b", "./a"]
)
def test_unsafe_zip_names_are_refused_even_if_a_bundle_holds_them(name):
    assert unsafe_name(name) is not None
    bundle = Bundle("s", Path("/nowhere"), "skills/s", b"---\n", (BundledFile(name, b"x", "d"),))
    names = zipfile.ZipFile(io.BytesIO(bundle.zip())).namelist()
    assert names == ["s/SKILL.md"]
    assert unsafe_name("references/guide.md") is None


def test_a_file_opened_outside_the_skill_folder_is_refused(tmp_path):
    """A folder swapped for a symlink after the walk: the opened file's real place decides."""
    from mkdocs_personas.catalogue.bundles import _opened_inside

    skill_folder, outside = tmp_path / "skill", tmp_path / "outside"
    skill_folder.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("x", encoding="utf-8")
    (skill_folder / "ok.txt").write_text("y", encoding="utf-8")
    (skill_folder / "refs").symlink_to(outside, target_is_directory=True)
    for path, expected in (
        (skill_folder / "ok.txt", True),
        (skill_folder / "refs/secret.txt", False),
    ):
        fd = os.open(path, os.O_RDONLY)
        try:
            if os.path.exists(f"/proc/self/fd/{fd}"):
                assert _opened_inside(fd, skill_folder) is expected
        finally:
            os.close(fd)
