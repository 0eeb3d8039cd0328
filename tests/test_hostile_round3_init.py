"""`personas init` writes only inside the repository's real path (issue 21): a `.github`,
`docs`, `.gitignore` or configuration that is a symbolic link leading outside, or a hard
link, is refused with a message naming it, and nothing is written outside."""

import os
from pathlib import Path

import pytest

from mkdocs_personas.cli.commands import main

from conftest import write

AGENT = "---\nname: reviewer\ndescription: Reviews code. Use after a change.\ntools: Read\n---\n\nReview.\n"


@pytest.fixture
def layout(tmp_path) -> tuple[Path, Path]:
    """A repository with one agent, and a folder outside it."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    write(repo, {".claude/agents/reviewer.md": AGENT})
    outside.mkdir()
    return repo, outside


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def init(repo: Path, capsys) -> tuple[int, str]:
    code = main(["init", str(repo)])
    return code, capsys.readouterr().out


def test_a_github_folder_linked_outside_gets_no_workflows(layout, capsys):
    repo, outside = layout
    (repo / ".github").symlink_to(outside, target_is_directory=True)
    code, out = init(repo, capsys)
    assert code == 1
    assert snapshot(outside) == {}
    assert ".github is a symbolic link to" in out and str(outside) in out
    assert "outside the repository" in out
    assert (repo / "mkdocs.yml").is_file() and (repo / "docs/index.md").is_file()


def test_a_docs_folder_linked_outside_gets_no_home_page(layout, capsys):
    repo, outside = layout
    (repo / "docs").symlink_to(outside, target_is_directory=True)
    code, out = init(repo, capsys)
    assert code == 1
    assert snapshot(outside) == {}
    assert "docs is a symbolic link to" in out
    assert (repo / ".github/workflows").is_dir()


def test_a_gitignore_linked_outside_is_not_appended_to(layout, capsys):
    repo, outside = layout
    (outside / "ignore").write_text("secrets\n", encoding="utf-8")
    (repo / ".gitignore").symlink_to(outside / "ignore")
    code, out = init(repo, capsys)
    assert code == 1
    assert snapshot(outside) == {"ignore": b"secrets\n"}
    assert ".gitignore is a symbolic link to" in out


def test_a_dangling_link_is_not_followed_to_create_a_file_outside(layout, capsys):
    repo, outside = layout
    (repo / ".gitignore").symlink_to(outside / "created-by-init")
    code, out = init(repo, capsys)
    assert code == 1
    assert snapshot(outside) == {}
    assert ".gitignore is a symbolic link to" in out


def test_a_hard_linked_gitignore_is_not_written(layout, capsys):
    repo, outside = layout
    (outside / "shared").write_text("x\n", encoding="utf-8")
    os.link(outside / "shared", repo / ".gitignore")
    code, out = init(repo, capsys)
    assert code == 1
    assert snapshot(outside) == {"shared": b"x\n"}
    assert ".gitignore is a hard link" in out


def test_a_configuration_linked_outside_is_refused_and_nothing_written(layout, capsys):
    repo, outside = layout
    (repo / "mkdocs.yml").symlink_to(outside / "mkdocs.yml")
    code, out = init(repo, capsys)
    assert code == 1
    assert snapshot(outside) == {}
    assert "mkdocs.yml is a symbolic link to" in out


def test_a_docs_dir_outside_the_repository_is_refused(layout, capsys):
    repo, outside = layout
    (repo / "mkdocs.yml").write_text(
        f"site_name: t\ndocs_dir: ../{outside.name}\nplugins:\n  - search\n", encoding="utf-8"
    )
    code, out = init(repo, capsys)
    assert code == 1
    assert snapshot(outside) == {}
    assert "outside the repository" in out


def test_links_that_stay_inside_are_fine(layout, capsys):
    repo, _outside = layout
    (repo / "site-docs").mkdir()
    (repo / "docs").symlink_to(repo / "site-docs", target_is_directory=True)
    code, out = init(repo, capsys)
    assert code == 0, out
    assert (repo / "site-docs/index.md").is_file()
