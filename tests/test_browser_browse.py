"""Browsing in a real browser: split indexes keep old keyword links working."""

import pytest

from browser import serve_site
from conftest import build_project, make_project, persona

pytestmark = pytest.mark.browser


def test_an_old_keyword_link_follows_the_index_when_it_splits(tmp_path, page):
    files = {
        f"personas/p{i}.md": persona(f"p{i}", keywords=[f"{c}word{i}" for c in "abc"])
        for i in range(30)
    }
    project = make_project(tmp_path, files, plugin={"max_index_size": 2000})
    built = build_project(project, strict=True)
    with serve_site(built.site) as base:
        page.goto(base + "keywords/#bword3")
        page.wait_for_url("**/keywords/letters/b*/#bword3")
        assert page.locator("dt#bword3").is_visible()
        page.goto(base + "keywords/#bword29")
        page.wait_for_url("**/keywords/letters/b*/#bword29")
        assert page.locator("dt#bword29").is_visible()
        page.goto(base + "expertise/")
        assert page.errors == []
