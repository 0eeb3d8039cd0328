"""The catalogue in a real browser: search, filter, facets, URL state, instant navigation,
the task matcher, the copy button, accessibility (axe) and a clean console."""

import re
from pathlib import Path

import pytest

from browser import free_port, serve_site, wait_drawn
from conftest import REPO, Network, build_project, console_errors, copy_sample

pytestmark = pytest.mark.browser

AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
KAFKA = {"data-engineer", "event-driven-architect"}


@pytest.fixture
def site(sample_base):
    return sample_base


def names(page, selector: str) -> list[str]:
    """The last path segment of each matching link: a persona's or skill's name (of the
    filter's results once all are placed)."""
    if selector.startswith("[data-pc-results]"):
        wait_drawn(page)
    paths = page.eval_on_selector_all(selector, "links => links.map(a => a.pathname)")
    return [path.rstrip("/").rsplit("/", 1)[-1] for path in paths]


def test_site_search_ranks_personas_that_declare_the_keyword_first(site, page):
    page.goto(site)
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("kafka")
    page.wait_for_selector(".md-search-result__item", timeout=60_000)
    results = names(page, ".md-search-result__item > a.md-search-result__link")
    declaring = [n for n in results if n in KAFKA]
    assert set(results[: len(KAFKA)]) == KAFKA, results
    assert set(declaring) == KAFKA
    assert any(n not in KAFKA for n in results), "other pages mention Kafka too"
    assert page.errors == []


def test_a_filter_url_opened_fresh_shows_the_filtered_cards(site, page):
    page.goto(site + "catalogue/?filter=kafka")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    assert page.locator("#pc-filter").input_value() == "kafka"
    cards = names(page, "[data-pc-results] .pc-card[data-kind=persona] .pc-card__title a")
    assert set(cards[:2]) == KAFKA and len(cards) >= 2
    skills = names(page, "[data-pc-results] .pc-card[data-kind=skill] .pc-card__title a")
    assert "event-sourcing-patterns" in skills  # skills are filtered like personas
    assert page.locator("[data-pc-static]").is_hidden()
    assert "of 24 personas and skills match" in page.locator("[data-pc-status]").inner_text()


def test_a_card_opened_right_after_typing_comes_back_filtered(site, page):
    """Typing writes the URL when it pauses; opening a card before then still leaves the
    query in the catalogue's history entry, so Back shows the same results."""
    page.goto(site + "catalogue/")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    page.evaluate(
        """() => {
          const field = document.querySelector('#pc-filter');
          field.value = 'kafka';
          field.dispatchEvent(new Event('input', {bubbles: true}));
          document.querySelector('[data-pc-results] .pc-card__title a').click();
        }"""
    )  # typed and clicked in one task: no pause for the URL to be written in between
    page.wait_for_url(re.compile(r"/personas/"))
    assert page.evaluate("document.referrer").endswith("/catalogue/?filter=kafka")
    page.go_back()
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    assert page.evaluate("location.search") == "?filter=kafka"
    assert page.locator("#pc-filter").input_value() == "kafka"
    cards = names(page, "[data-pc-results] .pc-card[data-kind=persona] .pc-card__title a")
    assert set(cards[:2]) == KAFKA
    assert page.errors == []


def test_a_link_written_with_q_opens_the_catalogue_filtered_not_site_search(site, page):
    page.goto(site + "catalogue/?q=kafka&complexity=high")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    page.wait_for_function("location.search.includes('filter=')")
    assert page.locator("#pc-filter").input_value() == "kafka"
    assert page.evaluate("document.getElementById('__search').checked") is False
    assert page.locator("input.md-search__input").input_value() == ""
    assert page.evaluate("document.activeElement.matches('input.md-search__input')") is False
    assert page.evaluate("location.search") == "?complexity=high&filter=kafka"
    cards = names(page, "[data-pc-results] .pc-card__title a")
    assert cards and set(cards) <= KAFKA
    page.goto(site + "catalogue/?q=kafka&filter=graphql")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    page.wait_for_function("!location.search.includes('q=kafka')")
    assert page.locator("#pc-filter").input_value() == "graphql"
    assert page.evaluate("document.getElementById('__search').checked") is False
    assert page.evaluate("location.search") == "?filter=graphql"
    assert page.errors == []


def test_facets_combine_and_live_in_the_url(site, page):
    page.goto(site + "catalogue/")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    assert page.locator("[data-pc-static]").is_visible()
    page.select_option("select[name=complexity]", "low")
    cards = set(names(page, "[data-pc-results] .pc-card__title a"))
    assert cards == {"product-manager", "technical-writer"}
    assert page.evaluate("location.search") == "?complexity=low"
    page.fill("input[name=expertise]", "Release planning & roadmaps")
    page.wait_for_function("() => location.search.includes('expertise=')")  # when idle
    assert "complexity=low" in page.evaluate("location.search")
    assert "expertise=Release+planning" in page.evaluate("location.search")
    page.select_option("select[name=complexity]", "")
    page.fill("input[name=expertise]", "")
    page.fill("#pc-filter", "")
    assert page.locator("[data-pc-static]").is_visible()
    page.wait_for_function("() => location.search === ''")


@pytest.fixture(scope="module")
def instant_site(tmp_path_factory):
    """The sample catalogue built for the address it is served from: Material navigates
    instantly only to pages of its own ``site_url``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    project = copy_sample(
        tmp_path_factory.mktemp("instant"),
        lambda config: re.sub(r"(?m)^site_url: .*$", f"site_url: {base}", config),
    )
    built = build_project(project, strict=True)
    assert built.aborted is None
    with serve_site(built.site, port) as served:
        assert served == base
        yield base


def test_the_filter_survives_instant_navigation_and_works_by_keyboard(instant_site, page):
    site = instant_site
    page.goto(site)
    page.evaluate("window.loadedOnce = true")
    page.locator("nav.md-nav--primary a.md-nav__link", has_text="Catalogue").first.click()
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    assert page.evaluate("window.loadedOnce") is True, "a full page load, not instant navigation"
    assert page.evaluate("document.querySelectorAll('[data-pc-filter]').length") == 1
    page.locator("#pc-filter").focus()
    page.keyboard.type("GraphQL")
    assert set(names(page, "[data-pc-results] .pc-card__title a")) >= {"backend-architect"}
    assert "match" in page.locator("[role=status]").first.inner_text()
    page.wait_for_function("() => location.search === '?filter=GraphQL'", timeout=5_000)
    page.go_back()
    page.wait_for_url(site)
    page.go_forward()
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    page.locator("nav.md-nav--primary a.md-nav__link", has_text="Task matcher").first.click()
    page.wait_for_selector("[data-pc-matcher][data-pc-loaded]")
    page.fill("#pc-task", "Tune the Kafka consumers")
    assert set(names(page, "[data-pc-ranked] .pc-card__title a")) >= KAFKA
    assert page.evaluate("window.loadedOnce") is True
    assert page.errors == []


def test_the_task_matcher_ranks_and_highlights(site, page):
    page.goto(site + "match/")
    page.wait_for_selector("[data-pc-matcher][data-pc-loaded]")
    task = (
        "Design an event-driven order service on Kafka-based streams, with event sourcing, "
        "CQRS read models and a schema registry; the API must stay backward compatible."
    )
    page.fill("#pc-task", task)
    ranked = names(page, "[data-pc-ranked] .pc-card__title a")
    assert ranked[0] == "event-driven-architect"
    assert "data-engineer" in ranked[:3]
    marks = page.eval_on_selector_all("[data-pc-highlight] mark", "m => m.map(x => x.textContent)")
    assert {"Kafka", "event sourcing", "CQRS", "schema registry", "API"} <= set(marks)
    assert "event-driven" in marks
    assert page.locator("[data-pc-highlight]").inner_text() == task
    assert "task=" in page.evaluate("location.search")
    page.reload()
    page.wait_for_selector("[data-pc-matcher][data-pc-loaded]")
    assert page.locator("#pc-task").input_value() == task
    page.fill("#pc-task", "Kafkaesque bureaucracy")
    assert names(page, "[data-pc-ranked] .pc-card__title a") == []
    assert page.errors == []


def test_the_copy_button_copies_the_raw_file(site, chromium):
    context = chromium.new_context(
        permissions=["clipboard-read", "clipboard-write"], bypass_csp=True
    )
    page = context.new_page()
    page.goto(site + "personas/backend-architect/")
    page.get_by_role("button", name="Copy raw file").click()
    page.wait_for_function("document.querySelector('.pc-copy-status').textContent.length > 0")
    assert page.locator(".pc-copy-status").inner_text() == "Copied the raw file to the clipboard."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == (REPO / "personas/backend-architect.md").read_text(encoding="utf-8")
    context.close()


PAGES = [
    "",
    "catalogue/",
    "catalogue/?filter=zzzz",
    "skills/",
    "personas/backend-architect/",
    "skills/event-sourcing-patterns/",
    "keywords/",
    "expertise/",
    "keywords/conflicts/",
    "match/",
]
"""Every page type: the home, the catalogue (and its empty state), an entry of each kind,
the indexes and the matcher."""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_a_or_aa_violations(site, chromium, scheme):
    # axe is injected as a test tool; the pages' Content Security Policy would block it.
    context = chromium.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    errors = console_errors(page)
    network = Network(page)
    for url in PAGES:
        page.goto(site + url)
        network.quiet()
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
        )
        violations = [
            (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
        ]
        assert violations == [], (url, scheme, violations)
    assert errors == []
    context.close()
