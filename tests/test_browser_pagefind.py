"""The Pagefind backend: the index is built, and a query finds the declaring personas first."""

import pytest

from browser import serve_site
from conftest import build_project, copy_sample

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory):
    def use_pagefind(config: str) -> str:
        config = config.replace(
            "plugins:\n  - search\n  - personas\n",
            "plugins:\n  - personas:\n      search: pagefind\n",
        )
        return config.replace(
            "  - Task matcher: match/index.md\n",
            "  - Task matcher: match/index.md\n  - Search: find/index.md\n",
        )

    project = copy_sample(tmp_path_factory.mktemp("pagefind"), use_pagefind)
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    return built


def test_the_site_gets_a_pagefind_index_and_no_material_index(pagefind_site):
    assert (pagefind_site.site / "pagefind/pagefind-entry.json").exists()
    assert not (pagefind_site.site / "search/search_index.json").exists()
    page = pagefind_site.html("personas/data-engineer/")
    assert "data-pagefind-body" in page and 'data-pagefind-weight="10"' in page
    assert "data-pagefind-body" not in pagefind_site.html("catalogue/")


def test_a_query_lists_the_personas_that_declare_the_keyword_first(pagefind_site, page):
    with serve_site(pagefind_site.site) as base:
        page.goto(base + "find/?query=kafka")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=20_000)
        page.wait_for_timeout(500)
        paths = page.eval_on_selector_all(
            ".pagefind-ui__result-link", "links => links.map(a => a.pathname)"
        )
        names = list(dict.fromkeys(p.rstrip("/").rsplit("/", 1)[-1] for p in paths))
        assert set(names[:2]) == {"data-engineer", "event-driven-architect"}, names
        assert page.errors == []
