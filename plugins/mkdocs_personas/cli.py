"""The ``personas`` command: validate, export and diff catalogues without building a site."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .catalogue import Reader, Settings, check_references, merge
from .config import read_project
from .model import Problem

_DEFAULT_CONFIG = "mkdocs.yml"


def _path_settings(paths: Sequence[str], base: Path, template: Settings | None) -> Settings:
    """Settings that read exactly the given files and folders."""
    personas, skills = [], []
    for raw in paths:
        path = Path(raw)
        absolute = path if path.is_absolute() else base / path
        pattern = str(path).replace("\\", "/").rstrip("/")
        if absolute.is_dir() and not absolute.is_symlink():
            personas.append(pattern + "/**/*.md")
            skills.append(pattern + "/**/SKILL.md")
        elif path.name == "SKILL.md":
            skills.append(pattern)
        else:
            personas.append(pattern)
    fields = template.fields if template else Settings(base).fields
    limits = template.limits if template else Settings(base).limits
    return Settings(base, tuple(personas), tuple(skills), fields, limits)


def _github(problem: Problem) -> str:
    def escape(value: str, property_: bool = False) -> str:
        value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return value.replace(":", "%3A").replace(",", "%2C") if property_ else value

    level = "error" if problem.fatal else "warning"
    props = (
        f"file={escape(problem.path, True)},line={problem.line},col={problem.col},"
        f"title={escape(problem.field, True)}"
    )
    return f"::{level} {props}::{escape(problem.message)}"


def validate(args: argparse.Namespace) -> int:
    """Print every problem of the files (or the configured catalogue); 1 if there are any."""
    base = Path.cwd()
    config_file = Path(args.config or _DEFAULT_CONFIG)
    configured: Settings | None = None
    if args.config or config_file.exists() or not args.paths:
        try:
            configured = read_project(config_file).settings
        except ValueError as error:
            if args.config or not args.paths:
                print(f"personas: {error}", file=sys.stderr)
                return 2
    missing = [p for p in args.paths if not os.path.lexists(base / p)]
    if missing:
        print(f"personas: {missing[0]}: no such file or folder", file=sys.stderr)
        return 2
    reader = Reader(text=False)
    if not args.paths:
        catalogue, problems = reader.load(configured)
        checked = reader.checked
    else:
        settings = _path_settings(args.paths, base, configured)
        catalogue, problems = reader.load(settings, references=False)
        checked = reader.checked
        known = catalogue
        if configured is not None:
            context, _ = reader.load(configured, references=False)
            known = merge(context, catalogue)
        mine = {e.path for e in catalogue.entries}
        problems += [p for p in check_references(known) if p.path in mine]
    problems = sorted(set(problems))
    for problem in problems:
        print(_github(problem) if args.format == "github" else str(problem))
    files = len({p.path for p in problems})
    print(
        f"{len(problems)} problem{'s' * (len(problems) != 1)} in {files} "
        f"file{'s' * (files != 1)}; {checked} files checked, "
        f"{len(catalogue.personas)} personas and {len(catalogue.skills)} skills valid",
        file=sys.stderr,
    )
    return 1 if problems else 0


def export(args: argparse.Namespace) -> int:
    """Write personas.json (or the front-matter schema) without building the site."""
    try:
        project = read_project(args.config or _DEFAULT_CONFIG)
    except ValueError as error:
        print(f"personas: {error}", file=sys.stderr)
        return 2
    from .export import catalogue_data, dumps, front_matter_schema
    from .relations import relate

    catalogue, problems = Reader().load(project.settings)
    if args.schema:
        data = front_matter_schema(project.settings.fields)
    else:
        relations = relate(catalogue, project.relations)
        data = catalogue_data(catalogue, relations, project.directory_urls)
    text = dumps(data) + "\n"
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0


def compare(args: argparse.Namespace) -> int:
    """Summarize what changes between two git revisions or two folders of a catalogue."""
    from .diff import diff as diff_catalogues
    from .diff import markdown

    config_file = Path(args.config or _DEFAULT_CONFIG)
    try:
        settings = (
            read_project(config_file).settings if config_file.exists() else Settings(Path.cwd())
        )
        result = diff_catalogues(args.base, args.head, settings)
    except ValueError as error:
        print(f"personas: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(result.to_json() + "\n" if args.format == "json" else markdown(result))
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    main_parser = argparse.ArgumentParser(
        prog="personas", description="Check and export catalogues of AI personas and skills."
    )
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "validate",
        help="report every problem in persona and skill files",
        description="Report every problem as path:line:col: field: message. Exit 1 if any.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: the catalogue of mkdocs.yml)",
    )
    check.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="'github' prints GitHub Actions annotations",
    )
    check.add_argument("-f", "--config", help="mkdocs.yml to read (default: ./mkdocs.yml)")
    check.set_defaults(run=validate)
    data = commands.add_parser(
        "export",
        help="write the catalogue as JSON without building the site",
        description="Write personas.json (the same file the site publishes) or the schema.",
    )
    data.add_argument("-o", "--output", help="file to write (default: standard output)")
    data.add_argument(
        "--schema",
        action="store_true",
        help="write the front-matter JSON Schema (persona.schema.json) instead",
    )
    data.add_argument("-f", "--config", help="mkdocs.yml to read (default: ./mkdocs.yml)")
    data.set_defaults(run=export)
    change = commands.add_parser(
        "diff",
        help="summarize the persona and skill changes between two revisions or folders",
        description="Personas and skills added, removed, renamed and changed, and the "
        "validation problems the change introduces or fixes.",
    )
    change.add_argument("base", metavar="BASE", help="git revision or folder before the change")
    change.add_argument("head", metavar="HEAD", help="git revision or folder after the change")
    change.add_argument("--format", choices=("markdown", "json"), default="markdown")
    change.add_argument("-f", "--config", help="mkdocs.yml to read (default: ./mkdocs.yml)")
    change.set_defaults(run=compare)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``personas`` console script."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
