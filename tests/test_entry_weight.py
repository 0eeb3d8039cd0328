"""Issue 24: entry pages no heavier than they need to be. The copy button of a persona's
or skill's page carries the interface strings it shows, not the whole table that the
catalogue's filter and the matcher need."""

from __future__ import annotations

import json
from html.parser import HTMLParser


class Holders(HTMLParser):
    """The ``data-pc-strings`` tables of a page, by the holder's tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs).get("data-pc-strings")
        if found is not None:
            self.tables.append((tag, json.loads(found)))


def tables(path) -> list[tuple[str, dict]]:
    parser = Holders()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def test_an_entry_page_carries_only_the_strings_of_its_copy_button(sample_site):
    pages = [
        sample_site.site / "personas" / "backend-architect" / "index.html",
        *sorted((sample_site.site / "skills").glob("*/index.html"))[:3],
    ]
    for page in pages:
        found = tables(page)
        assert [tag for tag, _ in found] == ["button"], page
        strings = found[0][1]
        assert strings == {
            "copy.done": "Copied the raw file to the clipboard.",
            "copy.failed": "Could not copy: use the download link.",
        }, page


def test_the_catalogue_still_carries_the_whole_table(sample_site):
    (tag, strings), *_ = tables(sample_site.site / "catalogue" / "index.html")
    assert tag == "form"
    assert "copy.done" in strings and "card.copy" in strings and len(strings) > 20
