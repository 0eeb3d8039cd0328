"""Releases: one version, a changelog entry for it, and the local release check (build the
sdist and wheel, twine check, install the wheel in a fresh environment, build the sample)."""

import re
import tarfile
import zipfile

import pytest
import tomllib

from mkdocs_personas import __version__

from conftest import REPO, release_check


def test_the_version_is_defined_once():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "plugins/mkdocs_personas/__init__.py"
    assert release_check().version() == __version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_the_changelog_and_the_readme_name_this_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(__version__)}\b", changelog, re.MULTILINE)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it in your own catalogue repository", 1)[1].split("\n## ")[0]
    # No tag exists before the first release: the team install names the main branch.
    assert "mkdocs-personas@main" in section and "personas init" in section
    assert "Tag policy: a release is a tag `vX.Y.Z`" in changelog


def test_a_tag_that_is_not_the_version_is_refused(capsys):
    assert release_check().main(["--tag", "v0.0.0-not-this"]) == 1
    assert f"is not v{__version__}" in capsys.readouterr().err


@pytest.mark.timeout(300)
def test_the_release_check_builds_installs_the_wheel_and_builds_the_sample(release_checked):
    """The check the release workflow runs (here reusing this environment's dependencies,
    so nothing is downloaded; the package itself comes only from the built wheel), once
    per test run (conftest's release_checked: test_team_install.py installs its wheel)."""
    code, out, dist = release_checked
    assert code == 0
    assert f"mkdocs_personas-{__version__}-py3-none-any.whl" in out
    assert sorted(p.name for p in dist.iterdir()) == [
        f"mkdocs_personas-{__version__}-py3-none-any.whl",
        f"mkdocs_personas-{__version__}.tar.gz",
    ]


def test_the_release_check_refuses_distributions_without_templates(tmp_path):
    wheel = tmp_path / f"mkdocs_personas-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("mkdocs_personas/__init__.py", "")
    sdist = tmp_path / f"mkdocs_personas-{__version__}.tar.gz"
    with tarfile.open(sdist, "w:gz"):
        pass
    absent = release_check().missing(sdist, wheel)
    assert "mkdocs_personas/templates/fragments/entry.html" in absent
    assert "mkdocs_personas/data/workflows/preview.yml" in absent
    assert "the mkdocs.plugins entry point" in absent
    assert "templates/fragments/entry.html (sdist)" in absent
