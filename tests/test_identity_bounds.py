"""Bounds limit work, not legitimacy (issue 20): a body nested deeper than the bound is
published, flattened at the bound with its extra markers as text, with a warning."""

from __future__ import annotations

import re

from mkdocs_personas.sources import bounds

from conftest import build_project, make_project, persona, skill
from timing import assert_linear


def deepest(html: str, tag: str) -> int:
    """How deeply ``tag`` elements nest in ``html``."""
    depth = most = 0
    for found in re.finditer(rf"<(/?){tag}\b", html):
        depth += -1 if found.group(1) else 1
        most = max(most, depth)
    return most


def test_a_deeply_nested_persona_and_skill_are_published_with_a_warning(tmp_path):
    deep_list = "\n".join("    " * i + f"- level {i}" for i in range(20))
    deep_quote = ">" * 30 + " the deepest quote"
    project = make_project(
        tmp_path,
        {
            "personas/deep.md": persona("deep", body=f"Intro.\n\n{deep_list}\n\n{deep_quote}\n"),
            "skills/nested/SKILL.md": skill("nested", body="# Nested\n\n" + "- " * 40 + "leaf\n"),
        },
    )
    built = build_project(project)
    assert built.aborted is None
    html = built.html("personas/deep/")
    for i in range(20):
        assert f"level {i}" in html
    assert "the deepest quote" in html
    assert deepest(html, "blockquote") == bounds.DEFAULT.depth
    assert deepest(html, "ul") <= bounds.DEFAULT.depth
    assert "leaf" in built.html("skills/nested/")
    log = built.log
    source = (tmp_path / "personas/deep.md").read_text().split("\n")
    line = source.index("    " * 12 + "- level 12") + 1
    assert f"personas/deep.md:{line}:1: warning: body: lists, quotes or indented blocks " in log
    assert "skills/nested/SKILL.md:" in log and "40 levels deep" in log
    assert "the file is kept" in log and ": error: " not in log


def test_flatten_keeps_text_code_and_what_is_within_the_bound():
    inside = "- a\n    - b\n\n> quote\n"
    assert bounds.flatten(inside) == inside
    code = "```\n" + " " * 200 + "- code stays\n```\n"
    assert bounds.flatten(code) == code
    flat = bounds.flatten("- " * 20 + "x\n" + ">" * 20 + " y\n" + "    " * 14 + "3. z")
    lines = flat.split("\n")
    assert lines[0] == "- " * 12 + "\\- " + "- " * 7 + "x"
    assert lines[1] == ">" * 12 + "\\" + ">" * 8 + " y"
    assert lines[2] == " " * 51 + "3\\. z"  # 51 spaces are 12 levels of four
    assert bounds.check(flat, "p.md") == []


def test_flatten_takes_linear_time():
    def make(n: int):
        body = "\n".join("    " * (i % 60) + "- a" for i in range(n)) + "\n" + ">" * n
        return lambda: bounds.flatten(body)

    assert_linear(make, 2_000, "flatten")


def test_bundled_markdown_nested_past_the_bound_gets_a_page(tmp_path):
    deep = "# Deep\n\n" + "\n".join("    " * i + f"- step {i}" for i in range(30)) + "\n"
    project = make_project(
        tmp_path,
        {
            "skills/forms/SKILL.md": skill("forms", body="# Forms\n\nSee references.\n"),
            "skills/forms/references/deep.md": deep,
        },
    )
    built = build_project(project)
    html = built.html("skills/forms/references/deep/")
    for i in range(30):
        assert f"step {i}" in html
    assert deepest(html, "ul") <= bounds.DEFAULT.depth
    assert "skills/forms/references/deep.md:" in built.log and "levels deep" in built.log
