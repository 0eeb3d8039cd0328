"""Collection manifests (``.claude-plugin/plugin.json``) name and describe collections."""

from __future__ import annotations

import json

from mkdocs_personas.sources.manifests import MAX_BYTES, find_manifests

from conftest import build_project, make_project, persona


def _manifest(**fields: object) -> str:
    return json.dumps({"name": "acme-tools", **fields})


def test_a_manifest_gives_its_collection_a_title_description_and_facts(tmp_path):
    files = {
        "personas/tools/a.md": persona("a"),
        "personas/tools/.claude-plugin/plugin.json": _manifest(
            description="Tools for <script>alert(1)</script> builders",
            version="1.2.0",
            author={"name": "Acme\u202e Team"},
            license="MIT",
        ),
        "personas/other/b.md": persona("b"),
    }
    built = build_project(make_project(tmp_path, files))
    assert built.aborted is None, built.log
    html = built.html("catalogue/")
    assert "acme-tools" in html
    assert "Tools for &lt;script&gt;alert(1)&lt;/script&gt; builders" in html
    assert "<script>alert(1)" not in html
    assert "version: 1.2.0" in html and "license: MIT" in html
    assert "author: Acme Team" in html and "\u202e" not in html


def test_unreadable_manifests_are_reported_and_the_collection_still_builds(tmp_path):
    files = {
        "personas/big/a.md": persona("a"),
        "personas/big/.claude-plugin/plugin.json": _manifest(description="x" * (MAX_BYTES + 10)),
        "personas/bad/b.md": persona("b"),
        "personas/bad/.claude-plugin/plugin.json": "{ not json",
    }
    project = make_project(tmp_path, files)
    manifests, problems = find_manifests(project, ["personas"], ["big", "bad"])
    assert manifests == {}
    messages = {p.path: p for p in problems}
    assert "larger than" in messages["personas/big/.claude-plugin/plugin.json"].message
    assert "invalid JSON" in messages["personas/bad/.claude-plugin/plugin.json"].message
    assert not any(p.fatal for p in problems)
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    assert "personas/a/" in built.html("catalogue/") or "../personas/a/" in built.html("catalogue/")
