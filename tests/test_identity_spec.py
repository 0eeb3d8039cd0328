"""The Agent Skills spec's length limits (issue 20): a description over 1,024 characters
and a compatibility over 500 are warnings in the reference validators' words."""

from __future__ import annotations

import subprocess
import sys

import yaml

from mkdocs_personas.catalogue.catalogue import Reader, Settings

from conftest import write


def load(tmp_path, files):
    write(tmp_path, files)
    return Reader().load(Settings(tmp_path))


def skill_md(name: str, description: str, extra: str = "") -> str:
    return f"---\nname: {name}\ndescription: {description}\n{extra}---\n\n# {name}\n\nDo it.\n"


def test_a_description_over_1024_characters_is_a_warning_naming_the_limit(tmp_path):
    long = "Fills forms. " + "x" * 1087  # 1,100 characters
    assert len(long) == 1100
    catalogue, problems = load(tmp_path, {"skills/forms/SKILL.md": skill_md("forms", long)})
    assert [s.name for s in catalogue.skills] == ["forms"]  # kept
    (warning,) = [str(p) for p in problems if p.field == "description"]
    assert warning.startswith("skills/forms/SKILL.md:3:14: warning: description: ")
    assert "Description exceeds 1024 character limit (1100 chars)" in warning
    assert "at most 1,024 characters" in warning and "kept" in warning


def test_a_description_of_exactly_1024_characters_is_fine(tmp_path):
    _, problems = load(tmp_path, {"skills/forms/SKILL.md": skill_md("forms", "y" * 1024)})
    assert not [p for p in problems if p.field == "description"]


def test_the_limit_counts_the_value_yaml_gives_not_the_lines_written(tmp_path):
    folded = "\n".join("  " + "word " * 20 for _ in range(11))  # 11 lines of 100 chars
    text = f"---\nname: forms\ndescription: >\n{folded}\n---\n\nDo it.\n"
    _, problems = load(tmp_path, {"skills/forms/SKILL.md": text})
    (warning,) = [str(p) for p in problems if p.field == "description"]
    length = len(yaml.safe_load(text.split("---\n")[1])["description"])
    assert length == 1111  # lines joined by spaces, and the final line break
    assert f"character limit ({length} chars)" in warning


def test_a_long_compatibility_is_a_warning_too(tmp_path):
    files = {"skills/forms/SKILL.md": skill_md("forms", "Fills.", f"compatibility: {'z' * 501}\n")}
    _, problems = load(tmp_path, files)
    (warning,) = [str(p) for p in problems if p.field == "compatibility"]
    assert "Compatibility exceeds 500 character limit (501 chars)" in warning


def test_personas_do_not_get_the_skill_limit(tmp_path):
    text = "---\nname: helper\ndescription: " + "d" * 2000 + "\n---\n\nHelp.\n"
    _, problems = load(tmp_path, {"personas/helper.md": text})
    assert not [p for p in problems if p.field == "description"]


def test_personas_validate_reports_it_and_passes(tmp_path):
    write(tmp_path, {"skills/forms/SKILL.md": skill_md("forms", "w" * 1100)})
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - personas\n")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_personas.cli", "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "Description exceeds 1024 character limit (1100 chars)" in result.stdout + result.stderr
    assert result.returncode == 0  # a warning: exit 1 only with --strict
