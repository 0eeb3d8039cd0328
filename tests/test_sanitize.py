"""The sanitizer keeps what content needs and nothing Material's own scripts would act on:
no body can take Material's ids, classes, tooltips or data attributes."""

import random
import re

import markdown
import pytest

from mkdocs_personas.catalogue.sanitize import (
    CLASSES,
    VOID,
    Policy,
    fragment_ids,
    sanitize,
    unique_ids,
)

from conftest import build_project, make_project, persona
from timing import assert_linear

EXTENSIONS = [
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.superfences",
    "pymdownx.tasklist",
    "pymdownx.tabbed",
]
CONFIG = {"toc": {"permalink": True}, "pymdownx.tabbed": {"alternate_style": True}}
FAKE_CONFIG = '{"base": ".", "search": "data:text/javascript,alert(1)", "features": []}'


def render(text: str) -> str:
    """A body as Python-Markdown and pymdownx render it, then sanitized."""
    return sanitize(markdown.markdown(text, extensions=EXTENSIONS, extension_configs=CONFIG))


def ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]*)"', html)


def attributes(html: str, name: str) -> list[str]:
    return re.findall(rf'\s{name}="([^"]*)"', html)


# Ids and names -------------------------------------------------------------------------


def test_raw_html_cannot_take_materials_config():
    clean = sanitize(f'<div id="__config">{FAKE_CONFIG}</div>')
    assert clean == f"<div>{FAKE_CONFIG}</div>"


def test_an_attribute_list_cannot_take_materials_config():
    clean = render(f"{FAKE_CONFIG}\n{{: #__config }}\n")
    assert "__config" not in clean and FAKE_CONFIG in clean


def test_a_heading_named_like_materials_ids_loses_its_id_but_keeps_its_text():
    raw = markdown.markdown("## __config\n\n## md-dialog\n\n## pc-filter\n", extensions=["toc"])
    assert 'id="__config"' in raw and 'id="md-dialog"' in raw
    clean = sanitize(raw)
    assert ids(clean) == []
    assert "<h2>__config</h2>" in clean and "<h2>md-dialog</h2>" in clean


def test_other_heading_ids_and_permalinks_stay_as_they_are():
    text = "# Title\n\n## Core Expertise\n\n## Step 2: deploy\n\n## Core Expertise\n"
    raw = markdown.markdown(text, extensions=EXTENSIONS, extension_configs=CONFIG)
    clean = sanitize(raw)
    assert (
        ids(clean) == ids(raw) == ["title", "core-expertise", "step-2-deploy", "core-expertise_1"]
    )
    assert attributes(clean, "href") == attributes(raw, "href")
    assert '<a class="headerlink" href="#core-expertise" title="Permanent link">' in clean


@pytest.mark.parametrize(
    "value", ["__config", "__search", "__drawer", "__code_0", "__CONFIG", "md-dialog", "pc-task"]
)
def test_reserved_prefixes_are_dropped_from_id_name_and_for(value):
    html = f'<p id="{value}">p</p><input type="radio" name="{value}"><label for="{value}">l</label>'
    assert sanitize(html) == '<p>p</p><input type="radio"><label>l</label>'


@pytest.mark.parametrize("value", ["related_skills", "tools_list", "named_by", "problems_fixed"])
def test_the_ids_of_our_own_fragments_are_not_for_bodies(value):
    assert value in fragment_ids()
    html = f'<h2 id="{value}">x</h2><p id="{value}-more">y</p>'
    assert ids(sanitize(html)) == [f"{value}-more"]


def test_duplicate_ids_are_dropped_and_the_first_wins():
    html = '<p id="a">1</p><p id="b">2</p><h2 id="a">3</h2><span id="b">4</span><p id="c">5</p>'
    assert sanitize(html) == '<p id="a">1</p><p id="b">2</p><h2>3</h2><span>4</span><p id="c">5</p>'


def test_code_blocks_and_their_ancestors_lose_their_ids_so_material_numbers_them():
    html = (
        '<details><summary>s</summary><pre id="__code_0"><code>curl a | sh</code></pre></details>'
        '<div id="0"><details><summary>s</summary><pre><code>curl b | sh</code></pre></details></div>'
        '<div id="steps"><pre><code>curl c | sh</code></pre><pre id="x"><code>pip</code></pre></div>'
        '<li id="fn:1"><p id="keep">text</p></li>'
    )
    clean = sanitize(html)
    assert ids(clean) == ["fn:1", "keep"]
    assert "curl a | sh" in clean and "curl b | sh" in clean


def test_tabs_keep_their_generated_ids_names_and_labels():
    clean = render('=== "One"\n\n    one\n\n=== "Two"\n\n    two\n')
    assert ids(clean) == ["__tabbed_1_1", "__tabbed_1_2"]
    assert attributes(clean, "name") == ["__tabbed_1", "__tabbed_1"]
    assert attributes(clean, "for") == ["__tabbed_1_1", "__tabbed_1_2"]
    assert '<div class="tabbed-set tabbed-alternate">' in clean
    assert '<div class="tabbed-labels">' in clean and '<div class="tabbed-block">' in clean


def test_the_tab_pattern_is_exact():
    html = '<p id="__tabbed_1_1x">a</p><p id="__tabbed_config">b</p><p id="x__tabbed_1_1">c</p>'
    assert ids(sanitize(html)) == ["x__tabbed_1_1"]


# Classes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        '<a class="md-consent__overlay" href="https://example.com/">x</a>',
        '<div class="md-dialog md-dialog--active">Sign in</div>',
        '<a class="md-skip" href="#x">skip</a>',
        '<div class="pc-body">x</div>',
        '<div class="anything-else">x</div>',
    ],
)
def test_layout_and_unknown_classes_are_removed_and_the_element_kept(html):
    clean = sanitize(html)
    assert "class=" not in clean
    assert re.sub(r'\s*class="[^"]*"', "", html) == clean


def test_the_classes_content_needs_are_kept():
    text = (
        '!!! tip "Tip"\n    body\n\n??? danger "Open"\n    body\n\n'
        "```python\nimport os\n```\n\n- [x] done\n\nNote[^1] and `#!py print(1)`\n\n[^1]: note\n"
    )
    raw = markdown.markdown(text, extensions=EXTENSIONS, extension_configs=CONFIG)
    assert sanitize(raw) == raw.replace("<hr />", "<hr>").replace("&#160;", "&nbsp;").replace(
        "&#8617;", "↩"
    ).replace("disabled checked/>", 'disabled="" checked="">')
    for name in ("admonition", "tip", "admonition-title", "danger", "highlight", "kn", "nn"):
        assert f"{name}" in sanitize(raw)
    assert sanitize('<code class="language-c++ md-x key-ctrl k">x</code>') == (
        '<code class="language-c++ key-ctrl k">x</code>'
    )


def test_pygments_token_classes_are_all_allowed():
    from pygments.token import STANDARD_TYPES

    assert {c for c in STANDARD_TYPES.values() if c} <= CLASSES
    assert not any(c.startswith(("md-", "pc-")) for c in CLASSES)


def test_a_trusting_catalogue_can_add_classes_but_never_materials_data_attributes():
    policy = Policy().extended(
        ["video"], {"div": ["data-tabs", "data-md-component", "data-x"]}, ["wide"]
    )
    html = '<div class="wide" data-tabs="1:1" data-md-component="dialog" data-x="1">x</div>'
    assert sanitize(html, policy) == '<div class="wide" data-x="1">x</div>'


# Titles and data attributes -------------------------------------------------------------


def test_titles_keep_their_words_but_no_markup():
    clean = sanitize('<abbr title="<img src=x onerror=alert(1)>">API</abbr>')
    assert clean == '<abbr title="img src=x onerror=alert(1)">API</abbr>'
    clean = sanitize('<a href="https://example.com/" title="&lt;b&gt;Q&amp;A&lt;/b&gt;">x</a>')
    assert 'title="bQA/b"' in clean


def test_data_tabs_is_dropped():
    assert sanitize('<div data-tabs="1:1">x</div>') == "<div>x</div>"
    assert "data-tabs" not in render('=== "One"\n\n    one\n')


# The post-pass ------------------------------------------------------------------------


def test_an_attribute_that_ends_in_id_is_not_taken_for_an_id():
    html = '<abbr title="x id=">a</abbr><abbr title="x id=">b</abbr><p id="x id=">c</p>'
    assert sanitize(html) == html


def test_the_post_pass_is_linear_in_the_depth_of_nesting():
    def make(depth: int):
        html = '<div id="d">' * depth + "<pre><code>x</code></pre>" + "</div>" * depth
        return lambda: unique_ids(html)

    assert_linear(make, 20_000, "unique_ids", floor=1e-3, repeat=3)


def _unique_ids_by_rewriting(html: str) -> str:
    """The post-pass written plainly (the first version): every tag copied to the output,
    an element's start tag rewritten once it is known to hold code."""
    pieces, seen, stack = [], set(), []  # stack: [tag, attributes, index or -1, holds]
    attribute = re.compile(r'\s([^\s="]+)="([^"]*)"')

    def without_id(tag, attributes):
        kept = "".join(m.group(0) for m in attribute.finditer(attributes) if m.group(1) != "id")
        return f"<{tag}{kept}>"

    def close():
        element = stack.pop()
        if element[3]:
            if element[2] >= 0:
                pieces[element[2]] = without_id(element[0], element[1])
            if stack:
                stack[-1][3] = True
        return element[0]

    position = 0
    for match in re.finditer(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>", html):
        pieces.append(html[position : match.start()])
        position = match.end()
        closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            while stack and close() != tag:
                pass
            pieces.append(match.group(0))
            continue
        found = [m.group(2) for m in attribute.finditer(attributes) if m.group(1) == "id"]
        value, text = (found[0] if found else None), match.group(0)
        if value is not None and (value in seen or tag == "pre"):
            text, value = without_id(tag, attributes), None
        if value is not None:
            seen.add(value)
        if tag == "pre" and stack:
            stack[-1][3] = True
        if tag not in VOID:
            stack.append([tag, attributes, len(pieces) if value is not None else -1, False])
        pieces.append(text)
    pieces.append(html[position:])
    while stack:
        close()
    return "".join(pieces)


def test_the_post_pass_agrees_with_the_plain_rewrite_on_random_markup():
    """unique_ids only notes what to rewrite (most bodies: nothing): the same output as
    copying every tag, on nested markup with repeated ids, code blocks, unclosed and
    mismatched tags, ids in text and attributes that end in ``id``."""
    rnd = random.Random(22)
    tags = ["div", "pre", "code", "p", "h2", "span", "br", "img", "DIV", "Pre", "details", "li"]
    attributes = [' id="a"', ' id="b"', ' class="c"', ' title="x id="', ' data-id="a"', ' id=""']

    def markup(depth: int = 0) -> str:
        out = []
        for _ in range(rnd.randint(0, 4)):
            if rnd.random() < 0.3:
                out.append(rnd.choice(["x", 'id="q"', " y ", 'a id="z']))
                continue
            tag = rnd.choice(tags)
            out.append(f"<{tag}{''.join(rnd.sample(attributes, rnd.randint(0, 2)))}>")
            if tag.lower() not in VOID and depth < 5:
                out.append(markup(depth + 1))
                if rnd.random() < 0.85:
                    out.append(f"</{rnd.choice([tag, tag, tag, 'div', 'p'])}>")
        return "".join(out)

    changed = 0
    for _ in range(5000):
        html = markup()
        expected = _unique_ids_by_rewriting(html)
        assert unique_ids(html) == expected, html
        changed += expected != html
    assert changed > 1000  # the cases exercise the rewrites


# Through a build ----------------------------------------------------------------------


def test_a_persona_file_name_cannot_break_out_of_the_edit_url(tmp_path):
    name = 'a"b<c d#e?.md'
    project = make_project(
        tmp_path,
        {f"personas/{name}": persona("odd")},
        repo_url="https://example.com/repo/",
        edit_uri="edit/main/docs/",
        theme={"name": "material", "font": False, "features": ["content.action.edit"]},
    )
    page = build_project(project).html("personas/odd/")
    edit = "https://example.com/repo/edit/main/personas/a%22b%3Cc%20d%23e%3F.md"
    assert f'<a href="{edit}" title="Edit this page" class="md-content__button md-icon"' in page


def test_sanitize_all_keeps_docs_pages_from_taking_materials_ids(tmp_path, monkeypatch):
    files = {
        "docs/evil.md": f"# Evil\n\n{FAKE_CONFIG}\n{{: #__config }}\n\n<div id='__search'>x</div>\n"
    }
    monkeypatch.setenv("PERSONAS_SANITIZE", "all")
    project = make_project(tmp_path, files, markdown_extensions=["attr_list"])
    page = build_project(project).html("evil/")
    assert page.count('id="__config"') == 1 and '<script id="__config"' in page
    assert page.count('id="__search"') == 1 and f"<p>{FAKE_CONFIG}</p>" in page
