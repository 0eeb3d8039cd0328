"""Property-based: arbitrary text in any field never crashes the reader and never becomes markup."""

import string
from pathlib import Path

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config.defaults import MkDocsConfig

from mkdocs_personas.analysis.relations import relate
from mkdocs_personas.catalogue.catalogue import Catalogue, Settings, load
from mkdocs_personas.catalogue.sanitize import sanitize
from mkdocs_personas.catalogue.validate import normalize
from mkdocs_personas.site.pages.site import Site
from mkdocs_personas.sources.model import Kind
from mkdocs_personas.sources.read import Limits, Source, decode, read_document, split_front_matter
from mkdocs_personas.sources.strict_yaml import parse

from helpers import unsafe_markup

SENTINEL = "<pwn-x onerror=alert(1)>"
HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from([*list(string.printable), "é", "ß", "日", "\u202e", "\xa0", "\x00"]),
    max_size=80,
)
FIELD_TEXT = st.builds(lambda a, b: a + SENTINEL + b, HOSTILE_TEXT, HOSTILE_TEXT)
FIELDS = [
    "title",
    "description",
    "model",
    "collection",
    "expertise",
    "activation_keywords",
    "tools",
    "skills",
    "related_personas",
    "color",
    "complexity_threshold",
]
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def source(tmp_path: Path) -> Source:
    path = tmp_path / "personas" / "p.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    return Source(path, "personas/p.md", Kind.PERSONA, tmp_path / "personas")


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_give_a_document_or_problems_never_a_crash(tmp_path, data):
    src = source(tmp_path)
    src.path.write_bytes(data)
    document, problems = read_document(src, Limits())
    if document is not None:
        entry, more = normalize(document)
        assert entry is not None or more or problems


@FAST
@given(HOSTILE_TEXT)
def test_any_front_matter_text_parses_or_reports(text):
    root, issues = parse(text, 2)
    assert root is not None or issues or not text.strip() or text.strip().startswith("#")


@FAST
@given(
    st.dictionaries(
        st.sampled_from(FIELDS), st.one_of(FIELD_TEXT, st.lists(FIELD_TEXT, max_size=4)), max_size=8
    )
)
def test_any_field_values_load_without_crashing(tmp_path, fields):
    text = "---\n" + yaml.safe_dump({"name": "p", **fields}, allow_unicode=True) + "---\nbody\n"
    src = source(tmp_path)
    src.path.write_text(text, encoding="utf-8")
    catalogue, problems = load(Settings(tmp_path))
    assert len(catalogue.personas) + len({p.path for p in problems if p.fatal}) == 1


def site_config(tmp_path: Path) -> MkDocsConfig:
    (tmp_path / "docs").mkdir(exist_ok=True)
    config = MkDocsConfig()
    config.load_dict(
        {"site_name": "t", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site")}
    )
    errors, _ = config.validate()
    assert not errors
    config.plugins._current_plugin = None  # set by MkDocs while an event runs
    return config


@FAST
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "title",
                "description",
                "model",
                "expertise",
                "activation_keywords",
                "tools",
                "collection",
            ]
        ),
        st.one_of(FIELD_TEXT, st.lists(FIELD_TEXT, min_size=1, max_size=3)),
        min_size=1,
    )
)
def test_rendered_pages_never_contain_markup_from_fields(tmp_path, fields):
    lists = {"expertise", "activation_keywords"}
    fields = {k: ([v] if k in lists and isinstance(v, str) else v) for k, v in fields.items()}
    fields = {
        k: (" ".join(v) if k not in lists | {"tools"} and isinstance(v, list) else v)
        for k, v in fields.items()
    }
    text = "---\n" + yaml.safe_dump({"name": "p", **fields}, allow_unicode=True) + "---\nbody\n"
    src = source(tmp_path)
    src.path.write_text(text, encoding="utf-8")
    document, _ = read_document(src, Limits())
    entry, _problems = normalize(document)
    if entry is None:
        return
    catalogue = Catalogue((entry,), ())
    site = Site(catalogue, relate(catalogue), site_config(tmp_path))
    for page in site.pages.values():
        html = site.searchable(page, "<p>body</p>", page.file.url)
        if page.entry is not None:
            assert "<pwn-x" not in html
            html = site.content(page, page.file.url, None)
        assert "<pwn-x" not in html
        assert unsafe_markup(html, content_tags=None) == []
        for value in site.meta(page).values():
            assert "<pwn-x" not in str(value)


@FAST
@given(HOSTILE_TEXT, HOSTILE_TEXT)
def test_rendered_bodies_never_keep_markup_that_can_run(before, after):
    body = f"{before}\n\n{SENTINEL}\n\n<img src=x onerror=alert(1)>{after}\n[a](javascript:x)\n"
    html = markdown.markdown(body, extensions=["attr_list", "tables", "md_in_html"])
    clean = sanitize(html)
    assert "<pwn-x" not in clean
    assert unsafe_markup(clean, content_tags=None) == []


def test_decoding_and_splitting_report_positions_for_any_input():
    text, problem = decode(b"\xff\xfe", "x.md")
    assert text is None and problem.line == 1
    assert split_front_matter("", "x.md").message.endswith("found an empty file")
