"""The interface strings: one table per language, complete, and following theme.language."""

from __future__ import annotations

import html
import json
import re

from mkdocs_personas.sources import strings

from conftest import REPO, build_project, make_project, persona

USED = re.compile(r"""\btr\(\s*["']([\w.]+)["']""")
KEYS = re.compile(r"""["']([a-z_]+(?:\.[a-z_-]+)+)["']""")
"""Any quoted dotted name: also the keys of ``tr("a.one" if n == 1 else "a.many")``."""


def test_every_language_has_every_english_key():
    english = strings.table("en")
    assert len(strings.languages()) >= 2
    for code in strings.languages():
        own = strings._folder(code)
        assert sorted(set(english) - set(own)) == [], code
        for key, text in own.items():
            # The same placeholders, so that no value is lost in translation.
            assert set(strings.PLACEHOLDER.findall(text)) == set(
                strings.PLACEHOLDER.findall(english[key])
            ), (code, key)


def test_every_key_the_templates_use_exists():
    used = set()
    for path in (REPO / "templates" / "fragments").glob("*.html"):
        source = path.read_text(encoding="utf-8")
        used |= set(USED.findall(source))
        used |= {k for k in KEYS.findall(source) if not k.endswith((".json", ".md", ".html"))}
    assert len(used) > 50
    assert sorted(used - set(strings.table("en"))) == []


def test_language_codes_fall_back():
    assert strings.tr("catalogue.filter_label", "fr_FR") == "Filtrer les personas"
    assert strings.tr("catalogue.filter_label", "de") == "Filter personas"
    assert strings.tr("js.filter.all", "fr", total=3) == "Les 3 personas"


def test_a_french_site_shows_french_strings(tmp_path):
    files = {
        "personas/api-designer.md": persona("api-designer"),
        "personas/db-tuner.md": persona("db-tuner", keywords=("postgres",)),
    }
    project = make_project(
        tmp_path,
        files,
        plugin={"personas": ["personas/*.md"]},
        theme={"name": "material", "font": False, "language": "fr"},
    )
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    catalogue = built.html("catalogue/")
    assert "Filtrer les personas" in catalogue
    assert "Filter personas" not in catalogue
    found = re.search(r'data-pc-filter data-pc-strings="([^"]*)"', catalogue)
    browser = json.loads(html.unescape(found.group(1)))
    assert browser["filter.count"] == "{count} personas sur {total} correspondent"
    page = built.html("personas/api-designer/")
    assert "Mots-clés d&#39;activation" in page and "Personas proches" in page
    assert "<title>Index des mots-clés" in built.html("keywords/")


def test_counts_take_the_singular_by_each_languages_rule():
    assert strings.tr("home.count_personas", "en", count=1) == "persona"
    assert strings.tr("home.count_personas", "en", count=0) == "personas"
    assert strings.tr("home.count_conflicts", "en", count=2) == "keyword conflicts"
    assert strings.tr("home.count_skills", "fr", count=0) == "compétence"
    assert strings.tr("home.count_skills", "fr", count=2) == "compétences"
    assert strings.tr("term.lede", "en", count=1, label="x", kind="y") == "1 persona lists x as y."
    # A key without a singular form is used as it is.
    assert strings.tr("home.counts_title", "en", count=1) == "In this catalogue"


def test_a_one_persona_catalogue_says_1_persona_and_hides_zero_counts(tmp_path):
    for language, lede in (
        ("en", "1 AI persona (agent) and 0 skills:"),
        ("fr", "1 persona (agent) d&#39;IA et 0 compétence :"),
    ):
        project = make_project(
            tmp_path / language,
            {
                "personas/solo.md": persona("solo", keywords=("api",)),
                "docs/index.md": "# Home\n\n<!-- personas:home -->\n",
            },
            plugin={"personas": ["personas/*.md"]},
            theme={"name": "material", "font": False, "language": language},
        )
        built = build_project(project, strict=True)
        assert built.aborted is None, built.log
        home = built.html("")
        assert lede in home, language
        assert "1 persona and 0 skills; 0 files left out" in built.log
        counts = home.split('class="pc-counts"')[1].split("</ul>")[0]
        assert "<strong>1</strong> persona<" in counts, counts
        assert "<strong>0</strong>" not in counts, counts
        keyword = "activation keyword<" if language == "en" else "mot-clé d&#39;activation<"
        assert f"<strong>1</strong> {keyword}" in counts, counts
        summary = built.html("personas/solo/").split('class="pc-summary"')[1].split("</p>")[0]
        zero = (
            ("0 skills", "0 related personas")
            if language == "en"
            else ("0 compétence", "0 persona proche")
        )
        assert all(f">{words}</a>" in summary for words in zero), summary


def test_the_browser_takes_the_singular_for_the_same_counts_as_the_pages():
    """core.js picks "<key>_one" for the counts listed in the language's "plural.singular";
    that list must be the rule the built pages use (strings.singular)."""
    for language in ("en", "fr"):
        listed = strings.tr("js.plural.singular", language).split()
        assert listed == [str(n) for n in range(100) if strings.singular(language, n)], language
    script = (REPO / "templates/theme/assets/personas/core.js").read_text(encoding="utf-8")
    assert '"plural.singular"' in script and "=== 1 ?" not in script
