"""A skill is its whole folder (issue 20): byte-identical folders publish once; folders
whose ``SKILL.md`` is the same but whose other files differ are two skills, and every
file of each is published and zipped."""

from __future__ import annotations

import io
import json
import zipfile

from conftest import build_project, make_project, skill

SKILL = skill("forms", "Fills PDF forms. Use when a PDF has form fields.")


def zip_names(path) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return set(archive.namelist())


def test_same_skill_md_with_different_files_publishes_both_folders(tmp_path):
    project = make_project(
        tmp_path,
        {
            "skills/a/SKILL.md": SKILL,
            "skills/a/references/forms.md": "# Forms\n\nHow forms work.\n",
            "skills/b/SKILL.md": SKILL,
            "skills/b/scripts/merge.py": "print('merge')\n",
        },
    )
    built = build_project(project)
    data = json.loads((built.site / "personas.json").read_text())
    skills = {s["name"]: s["source"] for s in data["skills"]}
    assert sorted(skills.values()) == ["skills/a/SKILL.md", "skills/b/SKILL.md"]
    by_source = {source: name for name, source in skills.items()}
    a, b = by_source["skills/a/SKILL.md"], by_source["skills/b/SKILL.md"]
    assert a != b and "forms" in a and "forms" in b
    # a's reference is a page and a download; b's script a download; each zip has its own.
    assert "How forms work." in built.html(f"skills/{a}/references/forms/")
    assert (built.site / f"skills/{a}/references/forms.md").read_text() == (
        "# Forms\n\nHow forms work.\n"
    )
    assert (built.site / f"skills/{b}/scripts/merge.py").read_text() == "print('merge')\n"
    assert not (built.site / f"skills/{b}/references").exists()
    # Each zip holds its skill's folder as the source names it (a, b), never a slug.
    assert zip_names(built.site / f"skills/{a}/{a}.zip") == {"a/SKILL.md", "a/references/forms.md"}
    assert zip_names(built.site / f"skills/{b}/{b}.zip") == {"b/SKILL.md", "b/scripts/merge.py"}
    assert ".claude/skills/a/" in built.html(f"skills/{a}/")
    # The plain URL lists both; the log names both files, and says nothing is a copy.
    listing = built.html("skills/forms/")
    assert f"skills/{a}/" in listing and f"skills/{b}/" in listing
    assert "exact copy" not in built.log
    assert "skills/a/SKILL.md:2:7: warning: name: skill name 'forms' is also used by " in built.log


def test_byte_identical_skill_folders_publish_once(tmp_path):
    files = {
        "skills/a/SKILL.md": SKILL,
        "skills/a/references/forms.md": "# Forms\n",
        "skills/b/SKILL.md": SKILL,
        "skills/b/references/forms.md": "# Forms\n",
    }
    built = build_project(make_project(tmp_path, files))
    data = json.loads((built.site / "personas.json").read_text())
    assert [s["name"] for s in data["skills"]] == ["forms"]
    assert zip_names(built.site / "skills/forms/forms.zip") == {
        "a/SKILL.md",
        "a/references/forms.md",
    }
    (copy,) = [line for line in built.log.splitlines() if "exact copy" in line]
    assert "skills/b/SKILL.md" in copy and "whole skill folder" in copy


def test_a_file_differing_only_in_a_nested_folder_makes_two_skills(tmp_path):
    files = {
        "skills/a/SKILL.md": SKILL,
        "skills/a/assets/deep/template.html": "<p>one</p>\n",
        "skills/b/SKILL.md": SKILL,
        "skills/b/assets/deep/template.html": "<p>two</p>\n",
    }
    built = build_project(make_project(tmp_path, files))
    data = json.loads((built.site / "personas.json").read_text())
    names = sorted(s["name"] for s in data["skills"])
    assert len(names) == 2
    contents = set()
    for name in names:
        archive = built.site / f"skills/{name}/{name}.zip"
        with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as opened:
            top = opened.namelist()[0].split("/")[0]
            assert top in ("a", "b")
            contents.add(opened.read(f"{top}/assets/deep/template.html"))
    assert contents == {b"<p>one</p>\n", b"<p>two</p>\n"}
