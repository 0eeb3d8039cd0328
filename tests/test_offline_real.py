"""Opened from disk with a real configuration: this repository's own mkdocs.yml
(navigation.instant and its other features) plus Material's offline plugin (issue 23)."""

from pathlib import Path

import pytest

from conftest import build_project, copy_sample


@pytest.fixture(scope="module")
def offline_sample(tmp_path_factory) -> Path:
    def add_offline(config: str) -> str:
        assert "  - search\n  - personas\n" in config and "navigation.instant" in config
        return config.replace("  - search\n", "  - search\n  - offline\n", 1)

    project = copy_sample(tmp_path_factory.mktemp("offline-sample"), add_offline)
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    return built.site


def until(page, check, timeout: float = 10.0):
    """Poll ``check()`` until it is true (the page's CSP refuses string evaluation, which
    ``wait_for_function`` uses)."""
    for _ in range(int(timeout * 10)):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out")


def names(page, selector: str) -> list[str]:
    until(page, lambda: page.locator(selector).count() > 0)
    return [a.text_content().strip() for a in page.locator(selector).all()]


@pytest.mark.browser
def test_from_disk_the_filter_narrows_and_the_home_box_and_matcher_rank(offline_sample, page):
    page.goto((offline_sample / "catalogue" / "index.html").as_uri())
    page.wait_for_selector("form[data-pc-filter][data-pc-loaded]", timeout=10000)
    total = page.locator(".pc-card").count()
    page.fill("#pc-filter", "kafka")

    def settled() -> bool:
        """The status counts the cards shown (cards past the first screen are placed when
        the page is idle, and the body's matches once match.json has arrived)."""
        shown = page.locator("[data-pc-results] .pc-card").count()
        status = page.locator("[role=status]").first.inner_text()
        return shown > 0 and status.startswith(f"{shown} of {total} ")

    until(page, settled)
    shown = page.locator("[data-pc-results] .pc-card").count()
    assert 0 < shown < total
    page.goto((offline_sample / "index.html").as_uri())
    page.fill("#pc-task", "Tune the Kafka consumers of an event-driven order service")
    home = names(page, "[data-pc-ranked] .pc-card__title a")
    assert home[0] == "Event-Driven Architect Persona", home
    page.goto((offline_sample / "match" / "index.html").as_uri())
    page.wait_for_selector("[data-pc-matcher][data-pc-loaded]", timeout=10000)
    page.fill("#pc-task", "Tune the Kafka consumers of an event-driven order service")
    ranked = names(page, "[data-pc-ranked] .pc-card__title a")
    assert ranked[: len(home)] == home
