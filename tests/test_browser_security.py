"""In Chromium, no script from a persona runs on any page of the payload corpus site."""

import pytest

from browser import serve_site, wait_drawn

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def payload_site(payload_corpus_site):
    with serve_site(payload_corpus_site.site) as base:
        yield payload_corpus_site, base


def watch(page):
    """Record every dialog (alert, confirm, prompt) and request a payload could make."""
    fired: list[str] = []
    page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda r: fired.append(r.url) if "pwned" in r.url else None)
    return fired


TARGETS = "article a, article button, article summary, article div"
POINT = """([selector, index]) => {
    const target = document.querySelectorAll(selector)[index];
    if (!target.checkVisibility()) return null;
    target.scrollIntoView({block: "center", inline: "center"});
    const box = target.getBoundingClientRect();
    return [box.left + box.width / 2, box.top + box.height / 2];
}"""


def test_no_persona_script_runs_on_any_page(payload_site, page):
    built, base = payload_site
    fired = watch(page)
    urls = sorted(
        {
            p.relative_to(built.site).parent.as_posix() + "/"
            for p in built.pages()
            if p.name == "index.html"
        }
    )
    assert len(urls) > 10
    for url in urls:
        page.goto(base + ("" if url == "./" else url))
        # The real pointer passes over each of the first 60 targets that is shown, as a
        # reader's would (so :hover and every mouse event fire); one call a target finds
        # and scrolls to it, where ``locator.hover`` waits for it to settle first.
        count = page.locator(TARGETS).count()
        for index in range(min(count, 60)):
            point = page.evaluate(POINT, [TARGETS, index])
            if point is not None:
                page.mouse.move(*point)
        page.mouse.wheel(0, 2000)
        assert fired == [], url
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_clicking_every_content_link_runs_nothing(payload_site, page):
    _built, base = payload_site
    fired = watch(page)
    for url in ("personas/xss-body/", "personas/xss-fields/", "skills/xss-skill/"):
        page.goto(base + url)
        hrefs = page.eval_on_selector_all(
            "article a:not([download])", "links => links.map(a => a.href)"
        )
        local = [i for i, href in enumerate(hrefs) if href.startswith(base)]
        assert local
        for index in local:
            page.goto(base + url)
            link = page.locator("article a:not([download])").nth(index)
            if link.is_visible():
                link.click(timeout=3000)
                page.wait_for_load_state()
        assert fired == [], url


def test_searching_for_payloads_shows_them_as_text(payload_site, page):
    _built, base = payload_site
    fired = watch(page)
    page.goto(base)
    for query in ("script", "alert", "xss", "onerror", "img"):
        page.locator("input.md-search__input").click() if page.locator(
            "input.md-search__input"
        ).is_visible() else page.locator("label.md-header__button[for=__search]").click()
        page.locator("input.md-search__input").fill("")
        page.locator("input.md-search__input").press_sequentially(query)
        page.wait_for_selector(".md-search-result__meta", timeout=10000)
        page.wait_for_timeout(300)
        results = page.locator(".md-search-result__item")
        for index in range(min(results.count(), 10)):
            results.nth(index).hover()
        page.keyboard.press("Escape")
    assert fired == []
    assert page.errors == []


def test_the_filter_and_the_task_matcher_show_payloads_as_text(payload_site, page):
    _built, base = payload_site
    fired = watch(page)
    page.goto(base + "catalogue/?filter=script")
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    wait_drawn(page)
    titles = page.eval_on_selector_all(
        "[data-pc-results] .pc-card__title a", "links => links.map(a => a.textContent)"
    )
    assert any("<script>" in title for title in titles)
    for cards in page.locator("[data-pc-results] .pc-card").all():
        cards.hover()
    page.goto(base + "match/")
    page.wait_for_selector("[data-pc-matcher][data-pc-loaded]")
    page.fill(
        "#pc-task",
        'Check <img src=x onerror=alert("keyword")> and sanitizer and '
        'javascript:alert("keyword-url") now',
    )
    marks = page.eval_on_selector_all("[data-pc-highlight] mark", "m => m.map(x => x.textContent)")
    assert "sanitizer" in marks
    ranked = page.eval_on_selector_all(
        "[data-pc-ranked] .pc-card__title a", "links => links.map(a => a.textContent)"
    )
    assert ranked
    for card in page.locator("[data-pc-ranked] .pc-card").all():
        card.hover()
    assert page.locator("[data-pc-ranked] img, [data-pc-highlight] img").count() == 0
    assert fired == []
    assert page.errors == []
