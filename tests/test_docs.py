"""The README stays true: its Quick start commands, CI's command and every plugin option."""

import re

from mkdocs_personas.site.config import PersonasConfig

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, re.DOTALL)


def test_quick_start_has_exactly_two_commands_install_and_serve_then_test():
    serve, test = quick_start_commands()
    assert "\n" not in serve and "\n" not in test
    assert serve.startswith("python3 -m venv .venv") and serve.endswith("mkdocs serve")
    assert test.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_word_for_word():
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()


def test_every_plugin_option_is_documented():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", README, re.MULTILINE))
    options = {name for name, _ in PersonasConfig._schema}
    assert options <= documented, options - documented


def test_the_screenshot_exists():
    assert (REPO / "docs/assets/screenshot.png").stat().st_size > 10_000
