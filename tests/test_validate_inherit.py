"""The command line reads a configuration that ``INHERIT``s another as MkDocs does: the
parent's settings under the child's, mappings merged key by key, lists replaced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

from mkdocs_personas.cli.preview import evaluating
from mkdocs_personas.site.config import _read_file, read_project

from conftest import persona

PARENT = {
    "site_name": "Parent",
    "theme": {"name": "material", "font": False, "palette": {"primary": "teal"}},
    "markdown_extensions": [{"pymdownx.snippets": {"restrict_base_path": False}}],
    "plugins": ["search", {"personas": {"personas": ["agents/*.md"], "max_depth": 9}}],
    "extra": {"a": 1, "b": [1, 2]},
}


def family(root: Path, child: dict) -> Path:
    (root / "base").mkdir(parents=True, exist_ok=True)
    (root / "base" / "parent.yml").write_text(yaml.safe_dump(PARENT), encoding="utf-8")
    text = "INHERIT: base/parent.yml\n" + yaml.safe_dump(child)
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    return root / "mkdocs.yml"


def personas(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "mkdocs_personas.cli", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)


def test_the_merged_settings_are_what_mkdocs_reads(tmp_path):
    children = [
        {"site_name": "Child"},
        {"theme": {"palette": {"accent": "red"}}, "extra": {"b": [3]}},
        {"plugins": [{"personas": {"skills": []}}], "markdown_extensions": []},
    ]
    for number, child in enumerate(children):
        config = family(tmp_path / str(number), child)
        data, _ = _read_file(config)
        with open(config, "rb") as handle:
            assert data == yaml_load(handle), child


def test_validate_reads_the_personas_options_a_configuration_inherits(tmp_path):
    config = family(tmp_path, {"site_name": "Child"})
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "a.md").write_text(persona("a"), encoding="utf-8")
    assert read_project(config).settings.personas == ("agents/*.md",)
    assert read_project(config).settings.limits.max_depth == 9
    result = personas("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 file checked" in result.stderr and "1 persona and 0 skills" in result.stderr


def test_an_inherited_extension_is_seen_by_the_preview_check(tmp_path):
    config = family(tmp_path, {"plugins": [{"personas": {}}]})
    data, _ = _read_file(config)
    assert evaluating(data) == ["markdown_extensions: pymdownx.snippets"]


def test_a_missing_or_circular_parent_is_one_clear_line(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("INHERIT: nowhere.yml\nsite_name: x\n")
    result = personas("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "personas: mkdocs.yml: INHERIT: nowhere.yml does not exist (at nowhere.yml)\n"
    )
    (tmp_path / "mkdocs.yml").write_text("INHERIT: other.yml\n")
    (tmp_path / "other.yml").write_text("INHERIT: mkdocs.yml\n")
    result = personas("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr == "personas: other.yml: INHERIT: mkdocs.yml inherits back from this file\n"
    )
    (tmp_path / "mkdocs.yml").write_text("INHERIT: [a]\n")
    result = personas("validate", cwd=tmp_path)
    assert result.returncode == 2 and "INHERIT must name a configuration file" in result.stderr
