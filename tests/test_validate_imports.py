"""``personas validate`` reads ``mkdocs.yml`` without importing MkDocs, Jinja or Babel
(issue 24: its serial start-up), and prints exactly what it printed when MkDocs checked
the plugin's options."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mkdocs_personas.site import config

from broken import make_broken
from conftest import copy_sample, make_project, persona, skill

HEAVY = ("mkdocs", "jinja2", "babel", "markdown", "nh3", "pygments")
"""Packages the command line must not import to validate a catalogue (MkDocs and what it
brings; Markdown and the sanitizer, which only pages need)."""

MKDOCS_CHECKS = (
    "import sys\n"
    "from mkdocs_personas.site import config\n"
    "config._quick_options = lambda found: None\n"
    "from mkdocs_personas.cli.commands import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
"""``personas`` with every option checked by MkDocs, as before issue 24's change."""


def personas(*args: str, cwd: Path, mkdocs: bool = False) -> subprocess.CompletedProcess:
    """``personas ARGS`` in a fresh process, with ``-X importtime`` (the imports are the
    lines of standard error that start with ``import time:``)."""
    command = ["-c", MKDOCS_CHECKS] if mkdocs else ["-m", "mkdocs_personas.cli"]
    return subprocess.run(
        [sys.executable, "-X", "importtime", *command, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def split(stderr: str) -> tuple[set[str], str]:
    """The top-level packages imported, and standard error without the import lines."""
    imported, rest = set(), []
    for line in stderr.splitlines(keepends=True):
        if line.startswith("import time:"):
            name = line.rsplit("|", 1)[-1].strip()
            imported.add(name.split(".")[0])
        else:
            rest.append(line)
    return imported, "".join(rest)


def broken_project(root: Path) -> Path:
    """The folder of broken files as a catalogue, with options that are not the defaults."""
    make_broken(root)
    make_project(
        root,
        {"skills/s/SKILL.md": skill("s"), "personas/ok.md": persona("ok", skills=["s", "nope"])},
        {
            "personas": ["broken/*.md", "personas/*.md"],
            "max_depth": 10,
            "fields": {"expertise": ["expertise", "areas"]},
            "exclude": ["README.md"],
            "sanitize": "all",
            "min_score": 0.5,
            "base_revision": None,
        },
    )
    return root


CASES = {
    "sample": (lambda root: copy_sample(root), [("validate",), ("validate", "--strict")]),
    "broken": (
        broken_project,
        [
            ("validate",),
            ("validate", "--format", "github"),
            ("validate", "broken/wrong-complexity.md", "personas"),
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_imports_no_mkdocs_and_prints_what_it_printed_before(tmp_path, case):
    make, commands = CASES[case]
    project = make(tmp_path)
    for args in commands:
        now = personas(*args, cwd=project)
        before = personas(*args, cwd=project, mkdocs=True)
        imported, stderr = split(now.stderr)
        imported_before, stderr_before = split(before.stderr)
        assert "mkdocs_personas" in imported and "yaml" in imported, sorted(imported)
        assert "mkdocs" in imported_before  # the comparison does check through MkDocs
        assert not imported & set(HEAVY), (args, sorted(imported & set(HEAVY)))
        assert (now.returncode, now.stdout, stderr) == (
            before.returncode,
            before.stdout,
            stderr_before,
        ), args
        assert "Traceback" not in stderr
        assert " checked" in stderr  # it did validate: the summary line
    if case == "broken":
        assert now.returncode == 1 and ": error: " in now.stdout


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("max_depth", "deep", "personas.max_depth: Expected type: <class 'int'> but received"),
        ("sanitize", "some", "personas.sanitize: Expected one of: (True, False, 'all')"),
        ("personas", "personas/*.md", "personas.personas: Expected a list of items"),
        ("fields", {"expertise": [1]}, "personas.fields: Expected type: <class 'str'>"),
    ],
)
def test_an_option_mkdocs_refuses_gets_mkdocs_message(tmp_path, option, value, message):
    make_project(tmp_path, {"personas/a.md": persona("a")}, {option: value})
    now = personas("validate", cwd=tmp_path)
    before = personas("validate", cwd=tmp_path, mkdocs=True)
    assert now.returncode == 2
    stderr, stderr_before = split(now.stderr)[1], split(before.stderr)[1]
    assert stderr == stderr_before
    assert stderr.startswith("personas: mkdocs.yml: " + message), stderr
    assert stderr.count("\n") == 1


SAMPLES: dict[str, list[object]] = {
    "bool": [True, False, 0, 1, "yes", None, [], {}],
    "int": [0, 7, -3, True, 2.5, "3", None, [1]],
    "number": [0, 0.25, 1, False, "0.3", None, {}],
    "strings": [[], ["a"], ["a", "b"], "a", [1], ["a", None], None, {}, [["a"]]],
    "lists": [
        {},
        {"a": ["b"]},
        {"a": []},
        {"a": "b"},
        {1: ["b"]},
        {"a": [1]},
        [],
        None,
        {"a": None},
    ],
    "choice": [True, False, 1, 0, "all", "auto", "material", "pagefind", "native", "x", None, []],
    "text?": ["main", "", None, 3, ["a"]],
}
"""Values of each kind of option: ones MkDocs takes and ones it refuses."""


def mkdocs_check(found: dict) -> tuple[list, dict]:
    checked = config.PersonasConfig(config_file_path="mkdocs.yml")
    checked.load_dict(found)
    errors, _ = checked.validate()
    return errors, {name: checked[name] for name in config.OPTIONS}


def test_options_read_without_mkdocs_are_what_mkdocs_makes_of_them():
    names = list(config.OPTIONS)
    assert names == [name for name, _ in config.PersonasConfig._schema]
    cases: list[dict] = [{}, {"unknown_option": 3}]
    for name, option in config.OPTIONS.items():
        cases += [{name: value} for value in SAMPLES[option.kind]]
    rng = random.Random(24)
    for _ in range(300):
        chosen = rng.sample(names, rng.randint(2, 6))
        cases.append({n: rng.choice(SAMPLES[config.OPTIONS[n].kind]) for n in chosen})
    quick_count = 0
    for found in cases:
        errors, values = mkdocs_check(yaml.safe_load(yaml.safe_dump(found)))
        quick = config._quick_options(found)
        if quick is None:
            continue
        quick_count += 1
        assert not errors, (found, errors)
        assert vars(quick) == values, found
        assert all(type(vars(quick)[n]) is type(values[n]) for n in names), found
    refused = sum(bool(mkdocs_check(found)[0]) for found in cases)
    assert quick_count > 100 and refused > 100, (quick_count, refused)


def test_the_defaults_are_mkdocs_defaults_and_documented_kinds():
    errors, values = mkdocs_check({})
    assert not errors
    assert vars(config._quick_options(None)) == values
    assert vars(config._quick_options({})) == values
    assert config._quick_options(["personas"]) is None
    for name, option in config.OPTIONS.items():
        assert option.kind in SAMPLES, name
        assert option.doc.strip(), name


def test_every_kind_is_tried_with_values_mkdocs_refuses():
    for kind, values in SAMPLES.items():
        option = next(o for o in config.OPTIONS.values() if o.kind == kind)
        taken = [v for v in values if config._ACCEPTS[kind](v, option)]
        assert taken and len(taken) < len(values), kind
    assert list(itertools.chain(*SAMPLES.values()))
