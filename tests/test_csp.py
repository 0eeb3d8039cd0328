"""The pages' Content Security Policy: what it allows, and in Chromium, that the site works
under it (search, palette, instant navigation, filter, matcher) while an injected inline
script is refused, and that no page asks a third party for anything."""

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from mkdocs_personas.site.csp import add_policy, script_hashes

from browser import free_port, serve_site, wait_drawn
from conftest import LOOPBACK, build_project, copy_sample

PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <script>var a = 1;</script>
    <script id="__config" type="application/json">{"base": "."}</script>
  </head>
  <body>
    <script src="assets/app.js"></script>
    <script type="module">import "./x.js";</script>
    <script>var a = 1;</script>
  </body>
</html>
"""


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.head: list[tuple[str, dict]] = []
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self._in_head = True
        elif self._in_head:
            self.head.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False


def directives(html: str) -> dict[str, list[str]]:
    """The policy of a page, directive by directive, and check where its element sits."""
    parser = _Meta()
    parser.feed(html)
    policies = [a for t, a in parser.head if t == "meta" and "http-equiv" in a]
    assert len(policies) == 1
    position = parser.head.index(("meta", policies[0]))
    assert [t for t, _ in parser.head[:position]] in ([], ["meta"])  # only <meta charset>
    assert policies[0]["http-equiv"] == "Content-Security-Policy"
    parts = (d.split() for d in policies[0]["content"].split(";"))
    return {name: values for name, *values in parts}


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_policy_comes_first_in_the_head_after_the_encoding():
    html = add_policy(PAGE, pagefind=False)
    assert html.index('<meta charset="utf-8">') < html.index("Content-Security-Policy")
    assert html.index("Content-Security-Policy") < html.index("<script")
    policy = directives(html)
    assert policy["default-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"] and policy["worker-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"] and policy["font-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_inline_scripts_are_allowed_by_hash_and_nothing_else_is_hashed():
    policy = directives(add_policy(PAGE, pagefind=False))
    expected = {sha256("var a = 1;"), sha256('import "./x.js";')}
    assert set(policy["script-src"]) == {"'self'", *expected}
    assert len(policy["script-src"]) == 3  # the repeated script is listed once
    assert sha256('{"base": "."}') not in policy["script-src"]


def test_hashes_are_of_the_text_as_the_browser_reads_it():
    assert script_hashes("<script>a\r\nb</script>") == [sha256("a\nb")]
    assert script_hashes("<script>é &amp;</script>") == [sha256("é &amp;")]


def test_pagefind_may_compile_its_webassembly():
    assert "'wasm-unsafe-eval'" in directives(add_policy(PAGE, pagefind=True))["script-src"]
    assert "'wasm-unsafe-eval'" not in directives(add_policy(PAGE, pagefind=False))["script-src"]


def test_a_page_without_a_head_is_left_alone():
    assert add_policy("<p>fragment</p>", pagefind=False) == "<p>fragment</p>"
    header = "<html><header>x</header><head><title>t</title></head></html>"
    assert add_policy(header, pagefind=False).index("Content-Security-Policy") > header.index(
        "<head>"
    )


INJECTED = "<script>window.__pwned = true</script>"
POLICY = 'http-equiv="Content-Security-Policy"'


@pytest.fixture(scope="module")
def csp_site(tmp_path_factory):
    """The sample site with the policy on every page (site_url on loopback, so that Material's
    instant navigation handles links) and one persona page with a script injected after."""
    port = free_port()

    def on_loopback(config: str) -> str:
        return re.sub(r"(?m)^site_url:.*$", f"site_url: http://127.0.0.1:{port}/", config)

    built = build_project(copy_sample(tmp_path_factory.mktemp("csp"), on_loopback), strict=True)
    assert built.aborted is None, built.log
    for path in built.pages():
        html = path.read_text(encoding="utf-8")
        if POLICY not in html:  # until the plugin adds it itself
            path.write_text(add_policy(html, pagefind=False), encoding="utf-8")
    victim = built.site / "personas/qa-engineer/index.html"
    html = victim.read_text(encoding="utf-8")
    victim.write_text(html.replace("</article>", INJECTED + "</article>", 1), encoding="utf-8")
    assert INJECTED in victim.read_text(encoding="utf-8")
    with serve_site(built.site, port) as base:
        yield base


@pytest.fixture
def watched(page):
    """The page, its policy violations and every request that leaves loopback."""
    page.violations = []
    page.offsite = []
    page.expose_function("reportViolation", lambda text: page.violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " reportViolation(e.violatedDirective + ' ' + e.blockedURI))"
    )
    page.on("request", lambda r: None if r.url.startswith(LOOPBACK) else page.offsite.append(r.url))
    return page


@pytest.mark.browser
def test_the_site_works_under_its_policy(csp_site, watched):
    page = watched
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(csp_site)
    # Material's search runs in its worker.
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("kafka")
    page.wait_for_selector(".md-search-result__item", timeout=60_000)
    page.keyboard.press("Escape")
    # The palette toggle.
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    before = page.evaluate(scheme)
    page.locator("label.md-header__button[for^=__palette]:visible").first.click()
    page.wait_for_function(f"() => {scheme} !== {before!r}")  # a function: no eval
    # Instant navigation keeps the document and runs the next page's scripts.
    page.evaluate("window.__same = true")
    page.locator("article a[href$='/catalogue/']").first.click()
    page.wait_for_selector("[data-pc-filter][data-pc-loaded]")
    assert page.evaluate("window.__same") is True
    page.fill("#pc-filter", "kafka")
    page.wait_for_selector("[data-pc-results] .pc-card")
    wait_drawn(page)
    paths = page.eval_on_selector_all(
        "[data-pc-results] .pc-card__title a", "links => links.map(a => a.pathname)"
    )
    assert "/personas/data-engineer/" in paths
    assert len(paths) < page.locator("[data-pc-static] .pc-card").count()
    page.locator(".md-sidebar--primary a[href$='/match/']").first.click()
    page.wait_for_selector("[data-pc-matcher][data-pc-loaded]")
    assert page.evaluate("window.__same") is True
    page.fill("#pc-task", "Tune the Kafka consumers")
    page.wait_for_selector("[data-pc-ranked] .pc-card")
    page.goto(csp_site + "personas/data-engineer/")
    page.wait_for_selector(".md-source")
    assert page.locator(".md-source").first.get_attribute("href").startswith("https://")
    page.wait_for_timeout(500)
    assert page.violations == []
    assert page.errors == []
    assert page.offsite == []


@pytest.mark.browser
def test_an_injected_inline_script_is_refused(csp_site, watched):
    page = watched
    page.goto(csp_site + "personas/qa-engineer/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert any(v.startswith("script-src") for v in page.violations), page.violations
    page.violations.clear()
    # Reached by instant navigation, where Material re-runs the new page's scripts.
    page.goto(csp_site + "personas/devops-engineer/")
    page.evaluate("window.__same = true")
    page.locator("article a[href$='/qa-engineer/']").first.click()
    page.wait_for_url(re.compile(r"/personas/qa-engineer/"))
    page.wait_for_timeout(500)
    assert page.evaluate("window.__same") is True
    assert page.evaluate("window.__pwned") is None
    assert any(v.startswith("script-src") for v in page.violations), page.violations
