"""Counts on cards read the same whether the page was built or the filter drew the card in
the browser, by each language's rule for the singular (French: "0 outil", "1 outil",
"2 outils"; English: "0 tools", "1 tool")."""

from __future__ import annotations

import pytest

from browser import serve_site, wait_drawn
from conftest import build_project, make_project, persona

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["fr", "en"])
def test_cards_drawn_by_the_filter_count_like_the_built_cards(tmp_path, chromium, language):
    files = {
        "personas/none-tools.md": persona("none-tools", keywords=("docs",), tools=[]),
        "personas/one-tool.md": persona("one-tool", keywords=("docs",), tools="Read"),
        "personas/two-tools.md": persona("two-tools", keywords=("docs",), tools="Read, Grep"),
    }
    project = make_project(
        tmp_path, files, theme={"name": "material", "font": False, "language": language}
    )
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    read = "el => [...el.querySelectorAll('.pc-count-fact')].map(f => f.textContent.trim())"
    with serve_site(built.site) as base:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(base + "catalogue/")
        page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
        built_cards = {
            name: page.eval_on_selector(f".pc-card[data-name='{name}']", read)
            for name in ("none-tools", "one-tool", "two-tools")
        }
        page.goto(base + "catalogue/?filter=docs")
        page.wait_for_selector("[data-pc-results] .pc-card")
        wait_drawn(page)
        drawn = {
            name: page.eval_on_selector(f"[data-pc-results] .pc-card[data-name='{name}']", read)
            for name in built_cards
        }
        context.close()
    assert drawn == built_cards
    words = {"fr": ("0 outil", "1 outil", "2 outils"), "en": ("0 tools", "1 tool", "2 tools")}
    assert [built_cards[n][-1] for n in built_cards] == list(words[language])
