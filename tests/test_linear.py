"""Bounded work per file: hostile shapes cost time linear in their size, never a crash.

Each pathological shape is fed at a size n and at 4n through what ``personas validate``
does (read and validate) and through a real ``mkdocs build`` of a one-file site. Each
must finish in under 5 seconds, and four times the input must take less than eight times
as long to read (CPU time, see ``timing.py``) and six times as long to build (a build's
fixed cost dwarfs noise). Times are the best of a few runs, to keep noise out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mkdocs_personas.catalogue.catalogue import Reader, Settings, load
from mkdocs_personas.catalogue.validate import (
    _split_tools,
    first_heading,
    first_paragraph,
    plain_text,
)
from mkdocs_personas.sources import bounds

from conftest import REPO, build_project, make_project, persona, write
from timing import assert_linear

LIMIT = 5.0
"""Seconds any single file may take."""
GROWTH = 6.0
"""Largest allowed ratio of the build time for 4n to the build time for n."""
FLOOR = 0.02
"""Times below this are noise: the ratio is taken against at least this much."""


def assert_build_linear(measure: Callable[[int], float], n: int, what: str) -> None:
    small, large = measure(n), measure(4 * n)
    assert large < LIMIT, f"{what}: {large:.2f} s at 4n={4 * n}"
    assert large < GROWTH * max(small, FLOOR), (
        f"{what}: {small:.3f} s at n={n}, {large:.3f} s at 4n (more than {GROWTH}x)"
    )


SHAPES: dict[str, Callable[[int], str]] = {
    "brackets": lambda n: "[" * n,
    "unclosed brackets": lambda n: "[a " * n,
    "empty links": lambda n: "[](" * n,
    "autolinks": lambda n: "<https://" * n,
    "unclosed tags": lambda n: '<a b="x" ' * n,
    "cdata": lambda n: "<![CDATA[" * n,
    "one-line list": lambda n: "- " * n + "a",
    "nested lists": lambda n: "\n".join("    " * (i % 60) + "- a" for i in range(n // 120)),
    "nested quotes": lambda n: "\n".join(">" * (i % 200) + " a" for i in range(n // 100)),
    "nested admonitions": lambda n: "\n\n".join(
        "    " * (i % 60) + "!!! note" for i in range(n // 120)
    ),
    "emphasis": lambda n: "**" * n + "a" + "**" * n,
    "spaced heading": lambda n: "# a" + " " * n + "b",
    "backslashes": lambda n: "\\" * n + "a",
    "code spans": lambda n: "".join("`" * (k % 50 + 1) + " a " for k in range(n // 30)),
    "fences": lambda n: "```\nx\n```\n\n" * (n // 10),
    "long line": lambda n: "word " * n,
}
"""Bodies that made Python-Markdown crash or take quadratic time, by size n (characters)."""


def read_and_validate(base: Path) -> list:
    return load(Settings(base=base))[1]


@pytest.mark.parametrize("shape", SHAPES)
def test_validate_time_grows_linearly(tmp_path, shape):
    def make(n: int):
        base = tmp_path / str(n)
        write(base, {"personas/p.md": persona("p", body=SHAPES[shape](n))})
        return lambda: read_and_validate(base)

    _, large = assert_linear(make, 5_000, shape, floor=FLOOR, repeat=2)
    assert large < LIMIT, f"{shape}: {large:.2f} s at 4n"


def test_the_body_helpers_are_linear():
    cases = {
        "heading": (first_heading, lambda n: "# a" + " " * n + "b"),
        "plain text": (plain_text, lambda n: "[](" * n),
        "unclosed label": (plain_text, lambda n: "[" * n + "x"),
        "paragraph": (first_paragraph, lambda n: "![](" * n),
        "tools": (lambda text: _split_tools(text, None), lambda n: "a(" * n),
    }
    for what, (function, shape) in cases.items():

        def make(n: int, function=function, shape=shape):
            text = shape(n)
            return lambda: function(text)

        _, large = assert_linear(make, 20_000, what, floor=FLOOR, repeat=2)
        assert large < LIMIT, f"{what}: {large:.2f} s at 4n"


def test_every_shape_over_a_bound_is_an_error_at_its_line(tmp_path):
    findings = {}
    for shape, text in SHAPES.items():
        body = "Intro line.\n\n" + text(40_000)
        found = bounds.check(body, "personas/p.md", first_line=7)
        findings[shape] = found
        for problem in found:
            assert problem.fatal or "levels deep" in problem.message  # nesting is kept
            assert problem.field == "body"
            assert problem.line >= 9, f"{shape}: {problem}"
    assert all(findings.values()), [s for s, f in findings.items() if not f]
    (nested,) = bounds.check("ok\n\n" + "- " * 600 + "a", "p.md", first_line=5)
    assert (nested.line, nested.col) == (7, 1)
    assert "nested 600 levels deep" in nested.message and "flatten" in nested.message


def test_real_collections_never_trip_a_bound():
    roots = [REPO / "personas", REPO / "skills", REPO / "tests" / "corpora"]
    roots += sorted((REPO.parent / "shared" / "corpora").glob("*"))
    files = [path for root in roots if root.is_dir() for path in root.rglob("*.md")]
    assert len(files) > 100
    found = [
        str(problem)
        for path in files
        for problem in bounds.check(path.read_text(encoding="utf-8", errors="replace"), str(path))
    ]
    assert found == []


def build_one(tmp_path: Path, body: str) -> float:
    project = make_project(tmp_path, {"personas/p.md": persona("p", body=body)})
    start = time.perf_counter()
    built = build_project(project)
    elapsed = time.perf_counter() - start
    assert built.aborted is None, built.log
    return elapsed


BUILD_SHAPES = {
    "brackets": SHAPES["brackets"],
    "one-line list": SHAPES["one-line list"],
    "autolinks": SHAPES["autolinks"],
    "links within the bounds": lambda n: "- [a](b) `c` <b>d</b> **e**\n    - f\n" * (n // 40),
}


@pytest.mark.parametrize("shape", BUILD_SHAPES)
def test_build_time_grows_linearly(tmp_path, shape):
    counter = iter(range(100))

    def measure(n: int) -> float:
        return min(
            build_one(tmp_path / f"{n}-{next(counter)}", BUILD_SHAPES[shape](n)) for _ in range(2)
        )

    assert_build_linear(measure, 4_000, shape)


def test_a_file_that_would_crash_markdown_is_kept_flattened_and_the_rest_builds(tmp_path):
    project = make_project(
        tmp_path,
        {
            "personas/good.md": persona("good"),
            "personas/deep.md": persona("deep", body="Intro.\n\n" + "- " * 600 + "a\n"),
        },
    )
    built = build_project(project)
    assert built.aborted is None
    assert "You are Good." in built.html("personas/good/")
    assert "Intro." in built.html("personas/deep/")
    errors = [line for line in built.log.splitlines() if "personas/deep.md:" in line]
    assert len(errors) == 1 and ": warning: body: " in errors[0], built.log
    assert "nested 600 levels deep" in errors[0] and "flatten the list" in errors[0]
    assert "Traceback" not in built.log


def test_a_body_that_still_breaks_markdown_becomes_a_notice(tmp_path, monkeypatch):
    """If rendering a page fails anyway, that page alone becomes a notice with an error.

    How deep a list Python-Markdown survives depends on its release (newer ones render
    1,500 nested items), so the failure comes from a Markdown extension of the project
    that gives up on one body, as a third-party extension may."""
    (tmp_path / "breaking_extension.py").write_text(
        "from markdown.extensions import Extension\n"
        "from markdown.preprocessors import Preprocessor\n"
        "class Breaks(Preprocessor):\n"
        "    def run(self, lines):\n"
        "        if any('BREAK-HERE' in line for line in lines):\n"
        "            raise RecursionError('maximum recursion depth exceeded')\n"
        "        return lines\n"
        "class BreakingExtension(Extension):\n"
        "    def extendMarkdown(self, md):\n"
        "        md.preprocessors.register(Breaks(md), 'breaks', 1)\n"
        "def makeExtension(**kwargs):\n"
        "    return BreakingExtension(**kwargs)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    project = make_project(
        tmp_path,
        {
            "personas/good.md": persona("good"),
            "personas/deep.md": persona("deep", body="Intro.\n\nBREAK-HERE\n"),
        },
        markdown_extensions=["breaking_extension"],
    )
    built = build_project(project)
    assert built.aborted is None, built.log
    assert "You are Good." in built.html("personas/good/")
    assert "could not be rendered" in built.html("personas/deep/")
    assert any("personas/deep.md" in w and "rendered" in w for w in built.warnings), built.log


def test_dangling_references_are_checked_through_an_index(tmp_path):
    files = {
        f"personas/p{i:03d}.md": persona(
            f"persona-number-{i:03d}", skills=[f"missing-skill-{i}-{k}" for k in range(30)]
        )
        for i in range(500)
    }
    files["skills/missing-skill-7-3x/SKILL.md"] = (
        "---\nname: missing-skill-7-3x\ndescription: A skill.\n---\n\nBody.\n"
    )
    write(tmp_path, files)
    start = time.perf_counter()
    catalogue, problems = Reader(text=False).load(Settings(base=tmp_path))
    elapsed = time.perf_counter() - start
    assert len(catalogue.personas) == 500
    dangling = [p for p in problems if p.field == "skills"]
    assert len(dangling) == 500 * 30
    assert elapsed < LIMIT, f"{elapsed:.1f} s"
    hint = next(p for p in dangling if "'missing-skill-7-3'" in p.message)
    assert "did you mean 'missing-skill-7-3x'?" in hint.message
