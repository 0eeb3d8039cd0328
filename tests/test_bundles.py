"""Skill bundles: everything in a skill's folder is published with the skill, safely."""

from __future__ import annotations

import io
import os
import posixpath
import re
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from mkdocs_personas.catalogue.bundles import Bounds, Scanner
from mkdocs_personas.catalogue.bundles import affects as bundles_affects
from mkdocs_personas.sources.model import Entry, Kind

from conftest import build_project, make_project, persona, skill
from helpers import broken_links, parse, unsafe_markup
from serving import Session, assert_equals_clean_build

SKILL = """\
---
name: pdf-tools
description: Fills PDF forms. Use when a form must be filled.
license: Apache-2.0
compatibility: Needs Python 3.11 and poppler
allowed-tools: Read, Bash
---

# PDF Tools

Read [the guide](references/guide.md) first, then its [section](references/guide.md#the-section).
Run [the script](scripts/run.py) on the [template](templates/t.html) with the [logo](assets/logo.svg).
See also [the other skill](../other-skill/SKILL.md) and [the project notes](../../NOTES.md).
"""

GUIDE = """\
# Filling guide

<script>alert("guide")</script>

Back to [the skill](../SKILL.md); the [script](../scripts/run.py).

## The section

<a href="javascript:alert(1)" onclick="alert(2)">Click</a> here.
"""

FILES: dict[str, str | bytes] = {
    "skills/pdf-tools/SKILL.md": SKILL,
    "skills/pdf-tools/references/guide.md": GUIDE,
    "skills/pdf-tools/scripts/run.py": "print('filled')\n",
    "skills/pdf-tools/templates/t.html": "<script>alert('template')</script>\n",
    "skills/pdf-tools/assets/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "skills/pdf-tools/data/fields.json": '{"fields": ["name"]}\n',
    "skills/other-skill/SKILL.md": skill("other-skill"),
    "personas/filler.md": persona("filler", skills=["pdf-tools"]),
}
SERVED = ("references/guide.md", "scripts/run.py", "data/fields.json")
ZIP_ONLY = ("templates/t.html", "assets/logo.svg")


def bundle_project(root: Path, **config: object) -> Path:
    project = make_project(root, FILES, **config)
    os.symlink("/etc/hostname", project / "skills/pdf-tools/linked.md")
    return project


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    project = bundle_project(tmp_path_factory.mktemp("bundle"))
    return build_project(project, strict=True)


def body_links(site: Path, page: Path) -> list[str]:
    """Links in a page's body (the rendered Markdown) whose target is missing from the site."""
    missing = []
    for link in parse(page).body_links:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            missing.append(f"{page.relative_to(site)}: {link}")
    return missing


def test_a_bundle_builds_strict_with_every_link_resolving(bundled):
    assert bundled.aborted is None, bundled.log
    assert bundled.warnings == []
    assert broken_links(bundled.site) == []
    pages = sorted((bundled.site / "skills").rglob("*.html"))
    assert [p for page in pages for p in body_links(bundled.site, page)] == []
    skill_page = bundled.html("skills/pdf-tools/")
    assert 'href="references/guide/"' in skill_page
    assert 'href="references/guide/#the-section"' in skill_page
    assert 'href="scripts/run.py"' in skill_page
    assert 'href="../other-skill/"' in skill_page


def test_links_to_files_in_the_zip_only_or_outside_go_to_the_zip_or_become_text(bundled):
    body = bundled.html("skills/pdf-tools/").split('class="pc-body"')[1].split("</div>")[0]
    assert body.count('href="pdf-tools.zip"') == 2
    assert "NOTES.md" not in body and "the project notes" in body
    assert (
        "skills/pdf-tools/SKILL.md:13:77: warning: bundle: the link '../../NOTES.md' leads to "
        "NOTES.md, which this site does not publish" in bundled.log
    )


def test_a_url_linked_more_than_once_is_reported_at_each_link(tmp_path):
    """One warning per link, at the link's own target: not the first occurrence of its
    URL again (a duplicate line at the wrong place), not the link's text that spells it."""
    body = (
        "# Notes\n\nSee [the notes](../../NOTES.md) first.\n\n"
        "Also [../../NOTES.md](../../NOTES.md), and\n\n- once more: [notes](../../NOTES.md)\n"
    )
    project = make_project(
        tmp_path,
        {
            "skills/notes/SKILL.md": skill("notes", body=body),
            "personas/reader.md": persona("reader", body=body),
        },
    )
    result = build_project(project)
    assert result.aborted is None, result.log
    for path in ("skills/notes/SKILL.md", "personas/reader.md"):
        found = re.findall(
            rf"{re.escape(path)}:(\d+):(\d+): warning: \w+: the link '\.\./\.\./NOTES\.md'",
            result.log,
        )
        lines = (project / path).read_text().split("\n")
        expected = []
        for number, line in enumerate(lines, 1):
            for match in re.finditer(r"\]\(\.\./\.\./NOTES\.md\)", line):
                expected.append((str(number), str(match.start() + 3)))
        assert len(expected) == 3 and len(set(expected)) == 3
        assert found == expected, result.log


def test_bundled_markdown_is_a_sanitized_page(bundled):
    page = bundled.html("skills/pdf-tools/references/guide/")
    assert "<h1>Filling guide</h1>" in page
    assert 'id="the-section"' in page
    # the notice names what the page drops, written out as text; the rest shows none of it
    notice = re.search(r'<aside class="pc-notice[^"]*"[^>]*>.*?</aside>', page, re.DOTALL)
    assert notice and "onclick=&#34;alert(2)&#34;" in notice.group(0)
    rest = page.replace(notice.group(0), "")
    assert 'alert("guide")' not in rest and "alert(1)" not in rest and "onclick" not in rest
    assert unsafe_markup(page) == []
    assert 'href="../../">PDF Tools</a>' in page
    assert 'href="../guide.md" download="guide.md"' in page


def test_inert_files_are_downloads_of_their_bytes(bundled):
    for path in SERVED:
        served = bundled.site / "skills/pdf-tools" / path
        assert served.read_bytes() == (bundled.project / "skills/pdf-tools" / path).read_bytes()
    tree = bundled.html("skills/pdf-tools/").split('id="skill_files"')[1]
    assert 'href="scripts/run.py" download="run.py"' in tree
    assert 'href="references/guide/">guide.md</a>' in tree


def test_html_svg_and_symlinks_are_never_served(bundled):
    published = {
        p.relative_to(bundled.site / "skills/pdf-tools").as_posix()
        for p in (bundled.site / "skills/pdf-tools").rglob("*")
        if p.is_file()
    }
    assert published == {
        "index.html",
        "SKILL.md",
        "pdf-tools.zip",
        "references/guide/index.html",
        *SERVED,
    }
    assert not [p for p in bundled.site.rglob("*.svg")]
    tree = bundled.html("skills/pdf-tools/").split('id="skill_files"')[1]
    assert "logo.svg</code>" in tree and "in the zip only" in tree
    assert "linked.md" not in tree
    assert (
        "skills/pdf-tools/linked.md:1:1: warning: bundle: refusing a symlink in a skill's folder"
        in bundled.log
    )


def test_the_zip_holds_every_file_and_is_the_same_in_every_build(bundled, tmp_path):
    data = (bundled.site / "skills/pdf-tools/pdf-tools.zip").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    expected = ["SKILL.md", *sorted((*SERVED, *ZIP_ONLY))]
    assert archive.namelist() == [f"pdf-tools/{name}" for name in expected]
    for name in expected:
        source = (bundled.project / "skills/pdf-tools" / name).read_bytes()
        assert archive.read(f"pdf-tools/{name}") == source
    for info in archive.infolist():
        assert info.date_time == time.gmtime(1700000000)[:6]
        assert info.external_attr >> 16 == 0o100644
    again = build_project(bundled.project, site=tmp_path / "again")
    assert (again.site / "skills/pdf-tools/pdf-tools.zip").read_bytes() == data


def test_the_skill_page_shows_license_compatibility_and_tools(bundled):
    header = bundled.html("skills/pdf-tools/").split('class="pc-entry"')[1].split("</header>")[0]
    assert "license: Apache-2.0" in header
    assert "compatibility: Needs Python 3.11 and poppler" in header
    assert "<code>Read</code>" in header and "<code>Bash</code>" in header


def test_file_urls_without_directory_urls(tmp_path):
    project = bundle_project(tmp_path, use_directory_urls=False)
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    assert (built.site / "skills/pdf-tools.html").is_file()
    assert (built.site / "skills/pdf-tools/references/guide.html").is_file()
    assert broken_links(built.site) == []
    pages = sorted((built.site / "skills").rglob("*.html"))
    assert [p for page in pages for p in body_links(built.site, page)] == []
    assert 'href="pdf-tools/references/guide.html#the-section"' in built.html(
        "skills/pdf-tools.html"
    )


def test_links_leaving_the_skill_go_to_the_repository(tmp_path):
    project = bundle_project(
        tmp_path, repo_url="https://example.org/team/catalogue", edit_uri="edit/main/docs/"
    )
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    body = built.html("skills/pdf-tools/").split('class="pc-body"')[1]
    assert 'href="https://example.org/team/catalogue/blob/main/NOTES.md"' in body
    assert (
        'href="https://example.org/team/catalogue/blob/main/skills/pdf-tools/templates/t.html"'
        in body
    )


def test_bounds_leave_files_out_with_warnings(tmp_path):
    folder = tmp_path / "skills/s"
    (folder / "refs").mkdir(parents=True)
    (folder / "SKILL.md").write_text("---\nname: s\n---\n")
    for index in range(5):
        (folder / "refs" / f"{index}.md").write_text("x" * (10 * index))
    (folder / "big.txt").write_text("y" * 100)
    entry = Entry(Kind.SKILL, "s", "S", "", "skills/s/SKILL.md", "---\nname: s\n---\n", 0, 1)
    bundles, problems = Scanner().scan(
        tmp_path, [entry], Bounds(max_files=5, max_file_bytes=50, max_total_bytes=45)
    )
    assert [f.path for f in bundles["s"].files] == ["refs/0.md", "refs/1.md", "refs/2.md"]
    assert [(p.path, p.field, p.fatal) for p in problems] == [
        ("skills/s/big.txt", "bundle", False),
        ("skills/s/refs/3.md", "bundle", False),
        ("skills/s/refs/4.md", "bundle", False),
    ]
    assert "max_bundle_file_size" in problems[0].message
    assert "max_bundle_size" in problems[1].message
    assert "max_bundle_files" in problems[2].message


def test_editing_a_bundled_file_under_a_dirty_rebuild_updates_its_page(
    tmp_path, monkeypatch, clean_build
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = bundle_project(tmp_path / "project")
    session = Session(project, tmp_path / "site")
    guide = project / "skills/pdf-tools/references/guide.md"
    guide.write_text(GUIDE.replace("## The section", "## The section\n\nNew advice."))
    session.rebuild()
    assert (
        "New advice." in (session.site / "skills/pdf-tools/references/guide/index.html").read_text()
    )
    assert_equals_clean_build(session, tmp_path, clean_build)
    (project / "skills/pdf-tools/references/more.md").write_text("# More\n")
    (project / "skills/pdf-tools/scripts/run.py").unlink()
    session.rebuild()
    assert (session.site / "skills/pdf-tools/references/more/index.html").is_file()
    assert not (session.site / "skills/pdf-tools/scripts/run.py").exists()
    assert_equals_clean_build(session, tmp_path, clean_build)


def test_the_corpus_links_between_skills_resolve(corpus_site):
    assert corpus_site.aborted is None, corpus_site.log
    skills = corpus_site.site / "skills"
    pages = sorted(skills.glob("*/index.html"))
    assert len(pages) == 181
    assert [p for page in pages for p in body_links(corpus_site.site, page)] == []
    assert len(list(skills.glob("*/*.zip"))) == 181
    linking = [
        page
        for page in pages
        if any(
            posixpath.normpath(link).startswith("../") and not link.startswith("../../")
            for link in parse(page).body_links
        )
    ]
    assert linking, "some corpus skills link to sibling skills"
    assert "which this site does not publish" in corpus_site.log


def test_serve_watches_bundled_files_but_not_editors_files(tmp_path):
    project = bundle_project(tmp_path)
    affects = bundles_affects(project, ["skills/**/SKILL.md"])
    folder = project / "skills/pdf-tools"
    assert affects(str(folder / "references/guide.md"), False)
    assert affects(str(folder / "references/new-folder"), True)
    assert not affects(str(folder / "references/.guide.md.swp"), False)
    assert not affects(str(folder / "references/guide.md~"), False)
    assert not affects(str(project / "skills/notes.md"), False)
    assert not affects(str(project / "docs/index.md"), False)


def test_the_file_tree_lists_every_file(bundled):
    tree = bundled.html("skills/pdf-tools/").split('id="skill_files"')[1].split("</section>")[0]
    assert 'href="pdf-tools.zip" download="pdf-tools.zip">Download pdf-tools.zip</a>' in tree
    assert "6 files" in tree
    for name in ("assets/", "data/", "references/", "scripts/", "templates/", "t.html"):
        assert name in tree


def test_a_bundled_pages_front_matter_is_shown_as_text_above_its_body(tmp_path):
    notes = (
        "---\ntitle: Notes <script>alert('fm')</script>\nowner: ops\u202e\n---\n\n"
        "# Notes\n\nThe body.\n"
    )
    project = make_project(
        tmp_path,
        {"skills/kit/SKILL.md": skill("kit"), "skills/kit/references/notes.md": notes},
        plugin={"skills": ["skills/*/SKILL.md"]},
    )
    built = build_project(project)
    page = built.html("skills/kit/references/notes/")
    shown = re.search(r'<details class="pc-front-matter">.*?</details>', page, re.DOTALL)
    assert shown and "Front matter, as written" in shown.group(0)
    assert "title: Notes &lt;script&gt;alert(&#39;fm&#39;)&lt;/script&gt;" in shown.group(0)
    assert "owner: ops&lt;U+202E&gt;" in shown.group(0)
    assert page.index("pc-front-matter") < page.index("The body.")
    assert "<script>alert('fm')" not in page and unsafe_markup(page) == []
    assert "pc-front-matter" not in built.html("skills/kit/")
