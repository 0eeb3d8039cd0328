"""Term slugs depend on their own text: coinciding slugs never take over each other's page."""

from __future__ import annotations

from mkdocs_personas.sources import text

from conftest import build_project, make_project, persona


def test_a_reserved_slug_and_a_term_spelled_like_its_old_fallback_keep_their_own_pages(tmp_path):
    # "Page" once became "page-1" (a reserved folder name plus a counter), which is exactly
    # the slug of "Page 1": one term silently took over the other's page.
    files = {}
    for index in range(3):
        files[f"personas/p{index}.md"] = persona(f"p{index}", expertise=["Page"])
        files[f"personas/q{index}.md"] = persona(f"q{index}", expertise=["Page 1"])
    built = build_project(make_project(tmp_path, files))
    assert built.aborted is None, built.log
    pages = {
        path.parent.name: path.read_text(encoding="utf-8")
        for path in (built.site / "expertise").glob("*/index.html")
    }
    page_1 = pages.pop("page-1")
    assert all(f"personas/q{i}/" in page_1 for i in range(3))
    assert not any(f"personas/p{i}/" in page_1 for i in range(3))
    (own,) = [html for slug, html in pages.items() if slug.startswith("page-")]
    assert all(f"personas/p{i}/" in own for i in range(3))


def test_coinciding_slugs_are_both_suffixed_whatever_the_order():
    labels = {"c++": "C++", "c plus plus": "c plus plus", "go": "Go"}
    forward = text.unique_slugs(list(labels), labels)
    backward = text.unique_slugs(list(reversed(labels)), labels)
    assert forward == backward
    assert forward["go"] == "go"
    assert forward["c++"] != forward["c plus plus"]
    assert "c-plus-plus" not in forward.values()
    assert text.unique_slugs(["page"], {"page": "Page"})["page"].startswith("page-")
