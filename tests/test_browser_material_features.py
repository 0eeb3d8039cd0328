"""With Material's content features on (edit and view buttons, tooltips, code copy), nothing a
persona supplies runs, covers the page or changes what a copy button copies: in Material
search, in Pagefind search, and in previews that sanitize docs pages too.

The payloads clobber Material's own ids (a fake ``__config`` whose search worker is a
``data:`` script that returns a result title with HTML, or whose version provider fetches
titles from another host), its code block ids and its layout classes. The docs pages of the
first two builds are not sanitized, so there the same payloads fire: the test of the third
build shows they are inert only because of the sanitizer.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser import serve_site
from conftest import REPO, build_project, console_errors, copy_sample

pytestmark = pytest.mark.browser

PAYLOADS = REPO / "tests" / "payloads"
FEATURES = ("content.code.copy", "content.action.edit", "content.action.view", "content.tooltips")
ODD_FILE = 'a"b<c d#e?.md'
"""A persona file name with everything that breaks an attribute or a URL."""

REPOSITORY = "https://github.com/mkdocs-personas/mkdocs-personas"
ONERROR = "window.pwned=1,document.title=/pwned/.source"
VERSIONS = [{"version": "x", "title": f"<img src=x onerror={ONERROR}>", "aliases": []}]
PERSONAS = [f"personas/{path.stem}/" for path in sorted(PAYLOADS.glob("personas/clobber-*.md"))] + [
    "personas/clobber-version/",
    "personas/odd-file-name/",
]


class _Elsewhere(http.server.BaseHTTPRequestHandler):
    """Another origin that answers ``versions.json`` to anyone (CORS)."""

    def do_GET(self) -> None:
        body = json.dumps(VERSIONS).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def elsewhere():
    """Serve :class:`_Elsewhere` on loopback; yield its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Elsewhere)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def fake_config(base: str) -> str:
    """Material's configuration as an attacker writes it: versions from ``base``."""
    return json.dumps(
        {"base": base, "features": [], "translations": {}, "version": {"provider": "mike"}}
    )


def configure(config: str, mode: str) -> str:
    """The repository's ``mkdocs.yml`` with the content features on, for one mode."""
    features = "".join(f"    - {f}\n" for f in FEATURES if f"- {f}\n" not in config)
    config = config.replace("  features:\n", "  features:\n" + features, 1)
    if mode == "pagefind":
        config = config.replace(
            "plugins:\n  - search\n  - personas\n",
            "plugins:\n  - personas:\n      search: pagefind\n",
        )
    return config


def build(root, mode: str, evil: str):
    """One build of the sample plus the payloads; docs payloads go in as docs pages."""
    project = copy_sample(root, functools.partial(configure, mode=mode))
    for path in PAYLOADS.glob("personas/clobber-*.md"):
        shutil.copy(path, project / "personas" / path.name)
    version = (PAYLOADS / "personas/clobber-config-attr.md").read_text(encoding="utf-8")
    header, _ = version.split("\n# ", 1)
    body = f"# Versions from elsewhere\n\n{fake_config(evil + 'site/')}\n{{: #__config }}\n"
    (project / "personas/clobber-version.md").write_text(
        header.replace("clobber-config-attr", "clobber-version") + "\n" + body, encoding="utf-8"
    )
    odd = (PAYLOADS / "personas/clobber-tabs.md").read_text(encoding="utf-8")
    (project / "personas" / ODD_FILE).write_text(
        odd.replace("name: clobber-tabs", "name: odd-file-name"), encoding="utf-8"
    )
    # .markdown: not a persona file for `personas validate tests/payloads`
    shutil.copy(PAYLOADS / "clobber-docs.markdown", project / "docs/clobber.md")
    (project / "docs/clobber-version.md").write_text(body, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        if mode == "all":
            patch.setenv("PERSONAS_SANITIZE", "all")
        else:
            patch.delenv("PERSONAS_SANITIZE", raising=False)
        built = build_project(project)
    assert built.aborted is None, built.log
    return built


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The three builds, served on loopback, and the other origin."""
    with elsewhere() as evil:
        built = {
            m: build(tmp_path_factory.mktemp(m), m, evil) for m in ("material", "pagefind", "all")
        }
        with (
            serve_site(built["material"].site) as material,
            serve_site(built["pagefind"].site) as pagefind,
            serve_site(built["all"].site) as sanitized,
        ):
            yield {"material": material, "pagefind": pagefind, "all": sanitized}


@pytest.fixture(scope="module")
def tab(chromium):
    """A page that may read and write the clipboard, recording dialogs and errors."""
    context = chromium.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.errors = console_errors(page)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def visit(page, url: str, body: str = "article") -> None:
    """Open ``url`` with a clean record, let Material start, and hover every title the
    ``body`` element holds (not Material's own buttons)."""
    page.errors.clear()
    page.dialogs.clear()
    page.goto(url)
    try:
        page.wait_for_function("() => typeof window.document$ === 'object'", timeout=5000)
    except PlaywrightTimeout:
        page.errors.append("Material's script did not start")
    for element in page.locator(f"{body} [title]:not(button, .headerlink)").all():
        if element.is_visible():
            element.hover(timeout=2000)
    page.wait_for_load_state("networkidle")


RAN = "typeof window.pwned !== 'undefined' || document.title.includes('pwned')"
OWN_CONFIG = (
    "document.querySelectorAll('[id=__config]').length === 1"
    " && document.getElementById('__config').tagName === 'SCRIPT'"
)

COVERED = """body => {
  const root = document.querySelector(body);
  const area = innerWidth * innerHeight, found = [];
  for (const el of root.querySelectorAll("*")) {
    const style = getComputedStyle(el), rect = el.getBoundingClientRect();
    if (["fixed", "absolute", "sticky"].includes(style.position)
        && rect.width * rect.height > area / 16) found.push(el.outerHTML.slice(0, 80));
    if (/\\bmd-(dialog|consent|skip|overlay|search|header|sidebar)/.test(el.className))
      found.push(el.outerHTML.slice(0, 80));
  }
  for (const x of [5, innerWidth / 4, innerWidth / 2, innerWidth - 5])
    for (const y of [5, innerHeight / 3, innerHeight / 2, innerHeight - 5]) {
      const hit = document.elementFromPoint(x, y);
      if (!hit) continue;
      const link = hit.closest("a");
      if (link && link.href.includes("evil.example")) found.push(`${x},${y}: ${link.href}`);
      for (let el = hit; el && el !== root; el = el.parentElement)
        if (root.contains(el) && ["fixed", "absolute"].includes(getComputedStyle(el).position))
          found.push(`${x},${y}: ${el.outerHTML.slice(0, 80)}`);
    }
  const header = document.elementFromPoint(innerWidth / 2, 5);
  if (!header || !header.closest(".md-header")) found.push("the header is covered");
  return found;
}"""


def copies(page) -> list[tuple[str, str]]:
    """For every visible code block: (the text it shows, what its copy button copies)."""
    pairs = []
    for block in page.locator("article pre:has(> code)").all():
        if not block.is_visible():
            continue
        shown = block.locator("> code").inner_text().strip()
        button = block.locator("button.md-code__button[data-md-type=copy]")
        if not button.count():
            pairs.append((shown, "(no copy button)"))
            continue
        page.evaluate("navigator.clipboard.writeText('(nothing copied)')")
        block.hover()
        button.click()
        page.wait_for_timeout(100)
        pairs.append((shown, page.evaluate("navigator.clipboard.readText()").strip()))
    return pairs


@pytest.mark.parametrize("mode", ["material", "pagefind", "all"])
def test_persona_payloads_run_nothing_cover_nothing_and_copy_what_is_shown(sites, tab, mode):
    base = sites[mode]
    found: list[str] = []
    copied_blocks = 0
    docs = ["clobber/", "clobber-version/"] if mode == "all" else []
    for url in PERSONAS + docs:
        body = ".pc-body" if url.startswith("personas/") else "article"
        visit(tab, base + url, body)
        found += [f"{url}: dialog {message}" for message in tab.dialogs]
        found += [f"{url}: a payload ran" for _ in range(tab.evaluate(RAN))]
        found += [f"{url}: console error {error}" for error in tab.errors]
        if not tab.evaluate(OWN_CONFIG):
            found.append(f"{url}: Material's configuration was replaced")
        found += [f"{url}: covered by {what}" for what in tab.evaluate(COVERED, body)]
        for shown, copied in copies(tab):
            copied_blocks += 1
            if copied != shown:
                found.append(f"{url}: shows {shown!r}, copies {copied!r}")
    assert found == [], "\n".join(found)
    assert copied_blocks >= 3  # the three visible blocks of clobber-code


def test_the_same_payloads_take_materials_ids_on_docs_pages_that_are_not_sanitized(sites, tab):
    """The control: where the sanitizer does not apply, the payloads do replace Material's
    configuration, and their script runs unless the Content Security Policy refuses it."""
    for mode, url in (("material", "clobber/"), ("pagefind", "clobber-version/")):
        visit(tab, sites[mode] + url)
        refused = any("Content Security Policy" in error for error in tab.errors)
        assert tab.evaluate(RAN) or refused, f"{mode} {url}: the payload is no longer a test"
        assert not tab.evaluate(OWN_CONFIG), f"{mode} {url}"


@pytest.mark.parametrize("mode", ["material", "pagefind"])
def test_edit_and_view_buttons_keep_an_odd_file_name_inside_the_url(sites, tab, mode):
    visit(tab, sites[mode] + "personas/odd-file-name/")
    buttons = tab.eval_on_selector_all(
        "a.md-content__button",
        "links => links.map(a => [a.getAttribute('href'), a.getAttributeNames().sort()])",
    )
    # Material's tooltips move a title out of the attribute once the page is ready
    buttons = [[href, [n for n in names if n != "title"]] for href, names in buttons]
    path = "personas/" + quote(ODD_FILE)
    assert path == "personas/a%22b%3Cc%20d%23e%3F.md"
    assert buttons == [
        [f"{REPOSITORY}/edit/main/{path}", ["class", "href", "rel"]],
        [f"{REPOSITORY}/raw/main/{path}", ["class", "href"]],
    ]


def test_tabs_render_and_switch(sites, tab):
    for mode in ("material", "all"):
        visit(tab, sites[mode] + "personas/clobber-tabs/")
        # The persona's own tabs (the page's "Use this" panel has tabs of its own).
        first, second = tab.locator(".pc-body .tabbed-block").all()
        assert first.is_visible() and not second.is_visible()
        tab.locator(".pc-body .tabbed-labels label").nth(1).click()
        assert second.is_visible() and not first.is_visible()
        assert second.inner_text() == "Second tab text."
        assert tab.errors == []
