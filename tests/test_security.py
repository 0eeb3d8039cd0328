"""Hostile input: nothing in a persona file can run code in a reader's browser or on the build
machine, and the same input always gives the same site."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from broken import BROKEN, make_broken
from conftest import REPO, build_project, make_project, persona
from helpers import tree, unsafe_markup

PAYLOADS = REPO / "tests" / "payloads"


@pytest.fixture
def payload_site(payload_corpus_site):
    return payload_corpus_site


def test_the_audit_finds_what_it_looks_for():
    page = (
        '<article class="md-content__inner"><img src=x onerror="alert(1)">'
        '<a href=" JaVa script:alert(1)">x</a><iframe></iframe><script>alert(2)</script>'
        '<p style="color:red">x</p></article>'
    )
    found = unsafe_markup(page)
    assert any("event handler onerror" in f for f in found)
    assert any("forbidden element: <iframe" in f for f in found)
    assert any("script with a payload" in f for f in found)
    assert any("style attribute in content" in f for f in found)
    assert any("outside the allowlist in content: <iframe" in f for f in found)
    assert unsafe_markup('<article class="md-content__inner"><form action="x"></form></article>')


def test_the_payload_corpus_builds_every_file(payload_site):
    assert payload_site.aborted is None
    assert "Traceback" not in payload_site.log
    for url in (
        "personas/xss-fields/",
        "personas/xss-body/",
        "personas/xss-subagent/",
        "skills/xss-skill/",
    ):
        assert (payload_site.site / url / "index.html").exists()


def test_no_page_of_the_payload_site_holds_markup_that_can_run(payload_site):
    pages = payload_site.pages()
    assert len(pages) > 10
    for path in pages:
        assert unsafe_markup(path.read_text(encoding="utf-8")) == [], path


def test_the_search_index_holds_no_markup_that_can_run(payload_site):
    index = json.loads((payload_site.site / "search/search_index.json").read_text())
    for doc in index["docs"]:
        for key in ("title", "text"):
            assert unsafe_markup(doc[key], content_tags=None) == [], doc["location"]
        for tag in doc.get("tags", []):
            assert "<" not in tag, doc["location"]


def test_every_field_is_shown_as_text(payload_site):
    page = payload_site.html("personas/xss-fields/")
    title = "&lt;/title&gt;&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;&lt;b&gt;Bold title&lt;/b&gt;"
    assert f"<title>{title} - Payload corpus</title>" in page
    assert f"<h1>{title}</h1>" in page
    assert 'content="&#34;&gt;&lt;img src=x onerror=alert(&#34;description&#34;)&gt;' in page
    assert "&lt;script&gt;alert(&#34;expertise&#34;)&lt;/script&gt;</a>" in page
    assert "<code>&lt;script&gt;alert(&#34;tools&#34;)&lt;/script&gt;</code>" in page
    assert "model: &lt;b onmouseover=alert(&#34;model&#34;)&gt;model&lt;/b&gt;" in page
    assert "{{ 7*7 }} {% raw %}" in page
    keywords = payload_site.html("keywords/")
    assert "&lt;/dd&gt;&lt;/dl&gt;&lt;script&gt;alert(&#34;keyword-dl&#34;)" in keywords


def test_sanitizing_keeps_what_markdown_and_material_need(payload_site):
    page = payload_site.html("personas/xss-body/")
    assert '<h2 id="heading-with-attributes">Heading with attributes' in page
    assert 'class="headerlink" href="#heading-with-attributes"' in page
    assert '<div class="highlight"><pre><span></span><code><span class="p">&lt;</span>' in page
    assert '<th style="text-align: left">a</th>' in page
    assert (
        '<li class="task-list-item"><input type="checkbox" disabled="" checked=""> a task' in page
    )
    assert '<div class="admonition note">\n<p class="admonition-title">' in page
    assert '<details open=""><summary>details</summary>' in page
    assert '<a href="https://example.com/' in page
    assert "<a>entity</a>" in page and "<a>tab</a>" in page and "<a>vb</a>" in page


def test_sanitizing_can_be_relaxed_for_trusted_catalogues(tmp_path):
    body = "<video src='clip.mp4' controls></video>\n\n<script>alert(1)</script>\n"
    project = make_project(
        tmp_path,
        {"personas/a.md": persona("a", body=body)},
        plugin={"allow_tags": ["video"], "allow_attributes": {"video": ["src", "controls"]}},
    )
    page = build_project(project).html("personas/a/")
    assert '<video src="clip.mp4" controls=""></video>' in page
    assert "<script>alert(1)</script>" not in page
    trusted = make_project(
        tmp_path / "trusted", {"personas/a.md": persona("a", body=body)}, plugin={"sanitize": False}
    )
    page = build_project(trusted).html("personas/a/")
    assert "<script>alert(1)</script>" in page
    assert any("script with a payload" in f for f in unsafe_markup(page))


def test_sanitize_all_covers_pages_from_docs_too(tmp_path, monkeypatch):
    files = {"docs/evil.md": "# Evil\n\n<script>alert('docs')</script>\n\n<b onclick=x()>b</b>\n"}
    page = build_project(make_project(tmp_path, files, plugin={"sanitize": "all"})).html("evil/")
    assert unsafe_markup(page) == []
    assert "<b>b</b>" in page
    trusting = make_project(tmp_path / "env", files, plugin={"sanitize": False})
    assert unsafe_markup(build_project(trusting).html("evil/")) != []
    monkeypatch.setenv("PERSONAS_SANITIZE", "all")
    assert unsafe_markup(build_project(trusting).html("evil/")) == []


def test_the_hostile_folder_is_validated_fast_with_bounded_memory(tmp_path):
    folder = make_broken(tmp_path)
    write_more_hostile_files(folder)
    script = (
        "import resource, sys, time; from mkdocs_personas.cli.commands import main; t = time.monotonic();"
        "code = main(['validate', 'broken']); "
        "print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "file=sys.stderr); sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    elapsed, peak_kib = result.stderr.strip().splitlines()[-1].split()
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert float(elapsed) < 5
    assert int(peak_kib) < 500 * 1024
    reported = {line.split(":", 1)[0] for line in result.stdout.splitlines()}
    expected = {f"broken/{n}" for n in BROKEN}
    expected |= {f"broken/{n}" for n in HOSTILE}
    assert reported == expected
    assert not (tmp_path / "PWNED").exists()


HOSTILE = {
    "billion-laughs.md": "---\nname: lol\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    + "---\n",
    "flow-bomb.md": "---\nname: flow\nx: " + "[" * 100_000 + "]" * 100_000 + "\n---\n",
    "many-keys.md": "---\nname: many\n" + "".join(f"k{i}: v\n" for i in range(20_000)) + "---\n",
    "long-line.md": "---\nname: long\ndescription: " + "é" * 60_000 + "\n---\n",
    "dot-dot.md": "---\nname: ../../etc/passwd\n---\n",
    "device.md": "---\nname: con\n---\n",
    "control.md": '---\nname: control\ndescription: "bell \x07"\n---\n',
    "tag-in-list.md": "---\nname: tags\nexpertise: [!!binary aGVsbG8=, !ruby/object foo]\n---\n",
}


def write_more_hostile_files(folder: Path) -> None:
    for name, content in HOSTILE.items():
        (folder / name).write_text(content, encoding="utf-8")
    os.symlink("/etc/passwd", folder / "passwd.md")
    HOSTILE["passwd.md"] = ""


def test_symlinks_never_publish_what_they_point_to(tmp_path):
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    project = make_project(tmp_path / "p", {"personas/a.md": persona("a")})
    os.symlink(tmp_path / "secret.txt", project / "personas/leak.md")
    os.symlink(tmp_path, project / "personas/dir")
    built = build_project(project)
    assert not any(
        "TOP SECRET" in p.read_text(errors="ignore") for p in built.site.rglob("*") if p.is_file()
    )
    assert any("personas/leak.md:1:1: error: file: refusing a symlink" in w for w in built.warnings)


def build_in_subprocess(project: Path, site: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1700000000"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )


def copy_project(target: Path, reverse: bool) -> Path:
    """A copy of this repository's catalogue, its files created in sorted or reverse order."""
    files = sorted(
        p
        for name in ("mkdocs.yml", "docs", "personas", "skills")
        for p in ([REPO / name] if (REPO / name).is_file() else (REPO / name).rglob("*"))
        if p.is_file()
    )
    for path in reversed(files) if reverse else files:
        destination = target / path.relative_to(REPO)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    return target


def test_builds_are_byte_identical_whatever_the_hash_seed_order_and_mtimes(tmp_path):
    first = copy_project(tmp_path / "first", reverse=False)
    second = copy_project(tmp_path / "second", reverse=True)
    for index, path in enumerate(sorted(second.rglob("*.md"))):
        os.utime(path, (1_000_000 + index * 977, 2_000_000_000 - index * 3119))
    build_in_subprocess(first, tmp_path / "one", "1")
    build_in_subprocess(second, tmp_path / "two", "2")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert len(one) > 50 and sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
