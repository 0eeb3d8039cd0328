"""The front door and the catalogue made for scanning, in a real browser at desktop and
phone sizes, light and dark (issue 15): the home's task box ranks in place, three cards a
row, expertise by part of a label, a skills-only catalogue filters its skills, the risk
facet, the Tab key reaches the filter at once, and no page asks anything of another host."""

from __future__ import annotations

import pytest

from browser import serve_site, wait_drawn
from conftest import build_project, make_project, persona, risky_agent, skill

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWS = [(DESKTOP, "light"), (DESKTOP, "dark"), (PHONE, "light"), (PHONE, "dark")]
IDS = ["desktop-light", "desktop-dark", "phone-light", "phone-dark"]
TASK = "Design a Kafka-based event sourcing pipeline with a schema registry"
RISKY = risky_agent("release-bot")


@pytest.fixture
def sample(sample_base):
    return sample_base


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """One small build serving two catalogues' cases: a flagged agent beside a calm one
    (the risk facet), and, under ``skills/``, skills filtered like personas."""
    files = {
        "personas/release-bot.md": RISKY,
        "personas/reader.md": persona("reader", keywords=("docs",), tools="Read, Grep"),
        "skills/pdf-forms/SKILL.md": skill("pdf-forms", "Fills PDF forms. Use with PDF files."),
        "skills/pdf-merge/SKILL.md": skill("pdf-merge", "Merges PDF files. Use to combine."),
        "skills/csv-clean/SKILL.md": skill("csv-clean", "Cleans CSV tables. Use on exports."),
    }
    project = make_project(tmp_path_factory.mktemp("small"), files)
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    only_skills = make_project(
        tmp_path_factory.mktemp("skills-only"),
        {k: v for k, v in files.items() if k.startswith("skills/")},
    )
    skills_built = build_project(only_skills, strict=True)
    assert skills_built.aborted is None, skills_built.log
    with serve_site(built.site) as base, serve_site(skills_built.site) as skills_base:
        yield base, skills_base


def open_page(chromium, viewport, scheme):
    context = chromium.new_context(viewport=viewport, color_scheme=scheme)
    return context, context.new_page()


def card_names(page) -> list[str]:
    wait_drawn(page)
    return page.eval_on_selector_all(
        "[data-pc-results] .pc-card", "cards => cards.map(c => c.dataset.name)"
    )


@pytest.mark.parametrize(("viewport", "scheme"), VIEWS, ids=IDS)
def test_the_homes_task_box_ranks_personas_in_place(sample, chromium, viewport, scheme):
    context, page = open_page(chromium, viewport, scheme)
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(sample)
    page.wait_for_load_state("networkidle")
    ours = ("catalogue.json", "match.json", "cards.json")
    assert not [u for u in fetched if u.endswith(ours)], "the home loads no data until used"
    for name in ("Browse the catalogue", "Match a task"):  # one tap away, phone included
        link = page.get_by_role("link", name=name)
        assert link.is_visible() and link.bounding_box()["y"] < viewport["height"]
    page.fill("#pc-task", TASK)
    page.wait_for_selector("[data-pc-ranked] .pc-result")
    ranked = page.eval_on_selector_all(
        "[data-pc-ranked] .pc-result", "cards => cards.map(c => c.dataset.name)"
    )
    assert ranked[0] == "event-driven-architect" and len(ranked) <= 5
    assert page.evaluate("location.pathname") == "/"  # in place, not on /match/
    assert "ranked by" in page.locator("[data-pc-status]").first.inner_text()
    page.fill("#pc-home-filter", "kafka")
    page.press("#pc-home-filter", "Enter")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    assert page.evaluate("location.pathname + location.search") == "/catalogue/?filter=kafka"
    context.close()


def test_the_catalogue_shows_three_cards_a_row_and_expertise_by_part_of_a_label(sample, chromium):
    context, page = open_page(chromium, DESKTOP, "light")
    page.goto(sample + "catalogue/")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    tops = page.eval_on_selector_all(
        "[data-pc-static] .pc-cards:first-of-type > .pc-card",
        "cards => cards.map(c => Math.round(c.getBoundingClientRect().top))",
    )
    assert tops.count(tops[0]) >= 3, tops
    label = page.eval_on_selector("#pc-expertise-options option", "o => o.value")
    part = label.split()[0][1:5].lower()  # a piece from inside the first word
    page.fill("input[name=expertise]", part)
    shown = card_names(page)
    total = page.eval_on_selector_all("[data-pc-static] .pc-card", "c => c.length")
    assert 0 < len(shown) < total
    page.wait_for_function(f"() => location.search === '?expertise={part}'", timeout=5_000)
    page.fill("input[name=expertise]", "zzzz")
    assert card_names(page) == []
    page.get_by_role("button", name="Clear filters").click()
    assert page.locator("[data-pc-static]").is_visible()
    assert page.evaluate("location.search") == ""
    context.close()


def test_matched_keywords_are_highlighted_and_text_is_cut_at_a_word(sample, chromium):
    context, page = open_page(chromium, DESKTOP, "dark")
    page.goto(sample + "catalogue/?filter=kafka")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    wait_drawn(page)
    marked = page.eval_on_selector_all(
        "[data-pc-results] .pc-chip--match", "chips => chips.map(c => c.textContent)"
    )
    assert marked and all("kafka" in m.lower() for m in marked)
    texts = page.eval_on_selector_all(
        "[data-pc-results] .pc-card__text", "ps => ps.map(p => p.textContent)"
    )
    cut = [t for t in texts if t.endswith("…")]
    assert cut and all(t[-2] not in " ," and len(t) <= 140 for t in cut)
    context.close()


def test_a_skills_only_catalogue_filters_its_skills_and_the_risk_facet_hides_agents(
    small, chromium
):
    base, skills_base = small
    context, page = open_page(chromium, PHONE, "light")
    page.goto(skills_base + "catalogue/?filter=pdf")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    assert sorted(card_names(page)) == ["pdf-forms", "pdf-merge"]
    assert "2 of 3 skills match" in page.locator("[data-pc-status]").inner_text()
    page.goto(base + "catalogue/")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    assert page.locator("#pc-risk").is_hidden()  # folded behind "Filters" on a phone
    page.get_by_role("button", name="Filters").click()
    page.check("#pc-risk")
    shown = card_names(page)
    assert "release-bot" not in shown and "reader" in shown and "pdf-forms" in shown
    assert "risk=hide" in page.evaluate("location.search")
    page.goto(base + "skills/?filter=csv")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    assert card_names(page) == ["csv-clean"]
    context.close()


@pytest.mark.parametrize("url,target", [("catalogue/", "#pc-filter"), ("match/", "#pc-task")])
def test_the_tab_key_reaches_the_filter_within_three_presses(sample, chromium, url, target):
    context, page = open_page(chromium, DESKTOP, "light")
    page.goto(sample + url)
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(target, state="visible")  # shown once its script has started
    presses = 0
    while presses < 3 and not page.evaluate(f"document.activeElement.matches('{target}')"):
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.matches('.md-skip')"):
            page.keyboard.press("Enter")  # the skip link: to the page's title, above the box
            # a same-page link: wait for its fragment (polled here: the page's CSP refuses
            # the string evaluation wait_for_function uses), not for a load event
            for _ in range(200):
                if page.evaluate("location.hash") == "#pc-title":
                    break
                page.wait_for_timeout(50)
            # Chromium moves focus to the fragment at a later rendering, after the hash:
            # a Tab pressed before it (a loaded machine) had its focus taken back to the
            # page. Two frames and a person's pause later, the fragment has been reached.
            page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            page.wait_for_timeout(250)
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    assert page.evaluate(f"document.activeElement.matches('{target}')"), (presses, focused)
    context.close()


def test_no_page_makes_a_request_outside_the_site(sample, chromium):
    """Every page type loads with every other host blocked and no request fails."""
    context = chromium.new_context()
    outside, failed = [], []
    context.route(
        lambda url: not url.startswith(sample),
        lambda route: (outside.append(route.request.url), route.abort()),
    )
    page = context.new_page()
    page.on("requestfailed", lambda r: failed.append(r.url))
    for url in (
        "",
        "catalogue/?filter=api",
        "skills/",
        "personas/backend-architect/",
        "skills/event-sourcing-patterns/",
        "keywords/",
        "expertise/",
        "keywords/conflicts/",
        "match/?task=kafka",
        "writing-personas/",
    ):
        page.goto(sample + url)
        page.wait_for_load_state("networkidle")
    page.goto(sample)
    page.fill("#pc-task", TASK)
    page.wait_for_selector("[data-pc-ranked] .pc-result")
    assert outside == [] and failed == []
    context.close()
