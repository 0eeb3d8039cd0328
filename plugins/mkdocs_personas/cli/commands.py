"""The ``personas`` command: validate, export, diff and match catalogues without building a site."""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalogue.catalogue import Catalogue, Reader, Settings, check_references, merge
from ..site.config import read_project
from ..sources.model import Problem, visible

if TYPE_CHECKING:
    from ..analysis.ranking import Match

_DEFAULT_CONFIG = "mkdocs.yml"
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml")
"""Configuration files looked for in the current folder, in this order (MkDocs, ProperDocs)."""
CONFIG_HELP = "mkdocs.yml or properdocs.yml to read (default: the one in this folder)"


def default_config() -> str:
    """The first of :data:`CONFIG_NAMES` in the current folder, else ``mkdocs.yml``."""
    return next((name for name in CONFIG_NAMES if Path(name).is_file()), _DEFAULT_CONFIG)


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
    exclude = template.exclude if template else Settings(base).exclude
    return Settings(base, tuple(personas), tuple(skills), fields, limits, exclude)


def _github(problem: Problem) -> str:
    """A GitHub Actions annotation: ``error`` for errors and security findings."""

    def escape(value: str, property_: bool = False) -> str:
        value = visible(value).replace("%", "%25")
        return value.replace(":", "%3A").replace(",", "%2C") if property_ else value

    level = "error" if problem.fatal or problem.security else "warning"
    props = (
        f"file={escape(problem.path, True)},line={problem.line},col={problem.col},"
        f"title={escape(problem.field, True)}"
    )
    return f"::{level} {props}::{escape(problem.message)}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _summary(
    problems: Sequence[Problem], checked: int, excluded: Sequence[str], catalogue: Catalogue
) -> str:
    """One line: errors (files left out), security findings, warnings, files checked."""
    errors = [p for p in problems if p.fatal]
    security = sum(p.security and not p.fatal for p in problems)
    left_out = len({p.path for p in errors})
    parts = [
        f"{_count(len(errors), 'error')} ({_count(left_out, 'file')} left out)",
        _count(security, "security finding"),
        _count(len(problems) - len(errors) - security, "warning"),
    ]
    files = f"{_count(checked, 'file')} checked"
    if excluded:
        names = sorted({path.rsplit("/", 1)[-1] for path in excluded})
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        files += f", {len(excluded)} excluded ({shown}: see the 'exclude' option)"
    published = (
        f"{_count(len(catalogue.personas), 'persona')} and "
        f"{_count(len(catalogue.skills), 'skill')} published"
    )
    return f"{', '.join(parts)}; {files}; {published}"


def _nothing_found(globs: Sequence[str], base: Path, github: bool) -> str:
    """What to say when the globs match no file: the folders that hold agents and skills,
    and the globs that would read them."""
    from ..sources.discovery import KNOWN_AGENTS, KNOWN_SKILLS, find_folders

    lines = [
        f"personas: no persona or skill file matches {', '.join(globs) or 'the globs'} "
        f"(relative to {base})."
    ]
    folders = find_folders(base)
    if folders:
        lines.append("Agent and skill folders in this project:")
        lines += [f"  {folder}/ (agents)" for folder in folders.agents]
        lines += [f"  {folder}/ (skills)" for folder in folders.skills]
        lines.append("Read them with these options of the personas plugin in mkdocs.yml:")
        if folders.agents:
            lines.append(f"  personas: [{', '.join(map(repr, folders.persona_globs))}]")
        if folders.skills:
            lines.append(f"  skills: [{', '.join(map(repr, folders.skill_globs))}]")
        lines.append(
            "or check them now: personas validate " + " ".join((*folders.agents, *folders.skills))
        )
    else:
        looked = ", ".join(f"{f}/" for f in (*KNOWN_AGENTS, *KNOWN_SKILLS))
        lines.append(
            f"No agent or skill folder found here (looked for {looked} and Markdown files "
            "with agent front matter); set the 'personas' and 'skills' globs of the personas "
            "plugin in mkdocs.yml."
        )
    text = "\n".join(visible(line) for line in lines)
    if github:
        print(f"::error title=personas::{visible(lines[0]).replace('%', '%25')}")
    return text


def validate(args: argparse.Namespace) -> int:
    """Print every problem of the files (or the configured catalogue) with its severity.

    Exit 1 on errors (files left out) and security findings, and on warnings too with
    ``--strict``; also when the globs match no file at all.
    """
    base = Path.cwd()
    config_file = Path(args.config or default_config())
    configured: Settings | None = None
    bounds = None
    if args.config or config_file.exists() or not args.paths:
        try:
            project = read_project(config_file)
            configured, bounds = project.settings, project.bounds
        except ValueError as error:
            if args.config or not args.paths:
                print(f"personas: {visible(str(error))}", file=sys.stderr)
                return 2
    missing = [p for p in args.paths if not os.path.lexists(base / p)]
    if missing:
        print(f"personas: {visible(missing[0])}: no such file or folder", file=sys.stderr)
        return 2
    reader = Reader(text=False)
    if not args.paths:
        settings = configured
        catalogue, problems = reader.load(configured)
        checked, excluded = reader.checked, list(reader.excluded)
    else:
        settings = _path_settings(args.paths, base, configured)
        catalogue, problems = reader.load(settings, references=False)
        checked, excluded = reader.checked, list(reader.excluded)
        known = catalogue
        if configured is not None:
            context, _ = reader.load(configured, references=False)
            known = merge(context, catalogue)
        mine = {e.path for e in catalogue.entries}
        problems += [p for p in check_references(known) if p.path in mine]
    if checked == 0 and not problems:
        globs = [g for g, _ in settings.globs]
        print(_nothing_found(globs, settings.base, args.format == "github"), file=sys.stderr)
        return 1
    from ..catalogue.bundles import Bounds, Scanner

    problems += Scanner().problems(settings.base, catalogue.skills, bounds or Bounds())
    problems = sorted(set(problems))
    for problem in problems:
        print(_github(problem) if args.format == "github" else str(problem))
    print(_summary(problems, checked, excluded, catalogue), file=sys.stderr)
    failing = [p for p in problems if args.strict or p.fatal or p.security]
    return 1 if failing else 0


def export(args: argparse.Namespace) -> int:
    """Write personas.json (or the front-matter schema) without building the site."""
    try:
        project = read_project(args.config or default_config())
    except ValueError as error:
        print(f"personas: {error}", file=sys.stderr)
        return 2
    from ..analysis.keywords import apply
    from ..analysis.relations import relate
    from ..outputs.export import catalogue_data, dumps, front_matter_schema

    catalogue, problems = Reader().load(project.settings)
    if args.to:
        return _export_agents(catalogue, problems, args, project.settings.roots)
    catalogue = apply(catalogue, project.keywords, project.synonyms)
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
        print(problem, file=sys.stderr)
    return 0


def _export_agents(
    catalogue: Catalogue, problems: Sequence[Problem], args, roots: Sequence[str] = ()
) -> int:
    """``export --to TOOL -o DIR``: every persona as TOOL's agent file, written into DIR
    in its source's folder layout, with what each file leaves out or changes
    (``convert.py``)."""
    from ..outputs.convert import TARGETS
    from ..outputs.export import agent_files

    if args.schema or args.output in (None, "-"):
        print(
            "personas: --to writes one file per persona: give a folder with -o DIR "
            f"(for example -o {TARGETS[args.to].folder}), and no --schema",
            file=sys.stderr,
        )
        return 2
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    changed = 0
    files = agent_files(catalogue.personas, args.to, roots)
    for persona, (relative, conversion) in zip(catalogue.personas, files, strict=True):
        path = folder.joinpath(*relative.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(conversion.text)
        if conversion.dropped or conversion.changed:
            changed += 1
        for label, items in (("changed", conversion.changed), ("left out", conversion.dropped)):
            if items:
                print(f"{visible(persona.path)} -> {visible(str(path))}: {label}:", file=sys.stderr)
                for item in items:
                    print(f"  {visible(str(item))}", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    target = TARGETS[args.to]
    print(
        f"personas: {_count(len(catalogue.personas), 'persona')} written to {visible(str(folder))} "
        f"as {target.label} agents ({changed} with fields or tools left out or changed), in "
        "the folders of their sources; they belong in "
        f"{target.folder}/ of a project. Skills need no conversion: copy their folders.",
        file=sys.stderr,
    )
    return 0


MAX_TASK = 4000
"""A task is read up to this many characters (code points), before and after NFKC, as
the page's matcher reads it (``match.js``)."""


def read_task(task: str) -> str:
    """What of a task is ranked: its first :data:`MAX_TASK` characters, NFKC-normalised and
    cut again, exactly as the page does."""
    return unicodedata.normalize("NFKC", task[:MAX_TASK])[:MAX_TASK]


def _origin(match: Match, declared: Sequence[str]) -> str:
    """Where a matched term was found: a declared or a derived keyword, or the text."""
    if match.keyword is None:
        return "text"
    return "declared" if match.keyword in declared else "derived"


def read_tasks(name: str) -> list[str]:
    """The tasks of a ``--tasks`` file (``-``: standard input): one a line, blank lines
    skipped. Raises OSError or UnicodeDecodeError when the file cannot be read."""
    text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    lines = (line.removesuffix("\r") for line in text.split("\n"))
    return [line for line in lines if line.strip()]


def match(args: argparse.Namespace) -> int:
    """Rank the personas of the catalogue for a task, as the site's task matcher does; with
    ``--tasks``, for every task of a file, reading the catalogue once."""
    from ..analysis import keywords
    from ..outputs.export import match_data

    if (args.task is None) == (args.tasks is None):
        print(
            "personas: match takes a TASK or --tasks FILE (one task a line), not both or "
            "neither; see personas match --help",
            file=sys.stderr,
        )
        return 2
    if args.tasks is None:
        tasks = [sys.stdin.read() if args.task == "-" else args.task]
    else:
        try:
            tasks = read_tasks(args.tasks)
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            print(
                f"personas: cannot read the tasks file {visible(args.tasks)}: {visible(reason)}; "
                "give a UTF-8 text file with one task a line, or - for standard input",
                file=sys.stderr,
            )
            return 2
    config_file = args.config or default_config()
    try:
        project = read_project(config_file)
    except ValueError as error:
        print(f"personas: {visible(str(error))}", file=sys.stderr)
        return 2
    catalogue, problems = Reader().load(project.settings)
    synonyms = project.synonyms
    catalogue = keywords.apply(catalogue, project.keywords, synonyms)
    data = match_data(catalogue, synonyms)
    personas = {p.name: p for p in catalogue.personas}
    for number, task in enumerate(tasks, 1):
        batch = number if args.tasks is not None else None
        _match_one(args, project, data, personas, task, batch)
    if any(p.fatal for p in problems):
        count = len({p.path for p in problems if p.fatal})
        print(f"personas: {count} files left out (see personas validate)", file=sys.stderr)
    return 0


def _match_one(args, project, data, personas, task: str, batch: int | None) -> None:
    """Print the ranking of one task (``batch``: its number in a ``--tasks`` file): one
    line of JSON, or the numbered results with their reasons."""
    from ..analysis.ranking import search
    from ..outputs.export import entry_url

    read = read_task(task)
    answer = search(data, read, max(0, args.top))
    results = answer.results
    if args.format == "json":
        rows = []
        for result in results:
            persona = personas[result.name]
            row_data = result.to_data()
            for row, found in zip(row_data["matches"], result.matches, strict=True):
                row["origin"] = _origin(found, persona.keywords)
            row_data.update(
                title=persona.title,
                url=entry_url(persona, project.directory_urls),
                path=persona.path,
            )
            rows.append(row_data)
        output = {"task": read, "truncated": read != unicodedata.normalize("NFKC", task)}
        output.update(total=answer.total, terms=answer.terms)
        sys.stdout.write(json.dumps({**output, "results": rows}, ensure_ascii=False) + "\n")
    else:
        if batch is not None:
            print(f"{chr(10) if batch > 1 else ''}task {batch}: {visible(read)}")
        if not results:
            which = "this task" if batch is None else f"task {batch}"
            print(f"No persona matches a word of {which}.", file=sys.stderr)
        for number, result in enumerate(results, 1):
            persona = personas[result.name]
            print(f"{number}. {visible(result.name)}  score {result.score:.3f}  ({persona.path})")
            if result.copies:  # the same agent under other names, folded into this result
                print(f"   the same agent, also as: {visible(', '.join(result.copies))}")
            for found in result.matches:
                origin = _origin(found, persona.keywords)
                where = (
                    f"in its {'text' if found.field == 'body' else found.field}"
                    if origin == "text"
                    else f"matches {origin} keyword {found.keyword!r}"
                )
                if found.related:
                    where = f"(related to {found.related}) {where}"
                print(
                    f"   {visible(repr(found.task))} {visible(where)}  +{found.points / 1000:.3f}"
                )
    if read != unicodedata.normalize("NFKC", task):
        which = "the task" if batch is None else f"task {batch}"
        print(
            f"personas: only the first {MAX_TASK:,} characters of {which} were read",
            file=sys.stderr,
        )


def compare(args: argparse.Namespace) -> int:
    """Summarize what changes between two git revisions, a revision and the working tree,
    or (with ``--folders``) two folders of a catalogue."""
    from ..outputs.diff import diff as diff_catalogues
    from ..outputs.diff import diff_folders, markdown

    if args.folders and args.revisions:
        print("personas: give either revisions or --folders OLD NEW, not both", file=sys.stderr)
        return 2
    if not args.folders and not 1 <= len(args.revisions) <= 2:
        print(
            "personas: diff takes BASE [HEAD] git revisions (HEAD defaults to the working "
            "tree), or --folders OLD NEW",
            file=sys.stderr,
        )
        return 2
    config_file = Path(args.config or default_config())
    try:
        settings = (
            read_project(config_file).settings if config_file.exists() else Settings(Path.cwd())
        )
        if args.folders:
            old, new = (Path(folder) for folder in args.folders)
            result = diff_folders(old, new, settings)
        else:
            base, head = (*args.revisions, None)[:2]
            result = diff_catalogues(base, head, settings)
    except ValueError as error:
        print(f"personas: {visible(str(error))}", file=sys.stderr)
        return 2
    sys.stdout.write(result.to_json() + "\n" if args.format == "json" else markdown(result))
    return 0


def scaffold(args: argparse.Namespace) -> int:
    """Set up a catalogue in an existing repository (``personas init``)."""
    from .init import run

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"personas: {visible(args.folder)}: no such folder", file=sys.stderr)
        return 2
    return run(
        folder,
        args.config,
        args.force,
        site_url=args.site_url,
        repo_url=args.repo_url,
        edit_uri=args.edit_uri,
        nav=args.nav,
        previews=args.previews,
    )


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    from .. import __version__

    main_parser = argparse.ArgumentParser(
        prog="personas", description="Check and export catalogues of AI personas and skills."
    )
    main_parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    setup = commands.add_parser(
        "init",
        help="set up a catalogue site in this repository",
        description="Find the agent and skill folders and write mkdocs.yml (or add the "
        "plugin to an existing one), docs/index.md, .gitignore entries and the checks, "
        "deploy and preview workflows. Existing files are never replaced without --force; "
        "an existing home page and configuration never are.",
    )
    setup.add_argument("folder", nargs="?", default=".", help="the repository (default: .)")
    setup.add_argument(
        "-f",
        "--config",
        help="configuration file to write or extend (default: mkdocs.yml, or an existing "
        "properdocs.yml)",
    )
    setup.add_argument("--force", action="store_true", help="replace workflows that exist already")
    setup.add_argument(
        "--site-url", help="the published address (default: GitHub Pages of the git remote)"
    )
    setup.add_argument("--repo-url", help="the repository's web address (default: the remote)")
    setup.add_argument(
        "--edit-uri", help="edit link path under --repo-url (default: edit/<branch>/<docs>/)"
    )
    setup.add_argument(
        "--no-nav",
        dest="nav",
        action="store_false",
        help="leave an existing nav as it is; print the catalogue section to add instead",
    )
    setup.add_argument(
        "--no-previews",
        dest="previews",
        action="store_false",
        help="write only the checks and deploy workflows (no pull request previews)",
    )
    setup.set_defaults(run=scaffold)
    check = commands.add_parser(
        "validate",
        help="report every problem in persona and skill files",
        description="Report every problem as path:line:col: severity: field: message. "
        "Exit 1 on errors (files left out) and security findings (hidden text, look-alike "
        "names), or when no file matches; warnings only fail with --strict.",
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
    check.add_argument(
        "--strict", action="store_true", help="exit 1 on warnings too, not only on errors"
    )
    check.add_argument("-f", "--config", help=CONFIG_HELP)
    check.set_defaults(run=validate)
    data = commands.add_parser(
        "export",
        help="write the catalogue as JSON without building the site",
        description="Write personas.json (the same file the site publishes) or the schema.",
    )
    data.add_argument(
        "-o", "--output", help="file to write (default: standard output); with --to, a folder"
    )
    data.add_argument(
        "--to",
        choices=("claude", "copilot", "cursor", "codex"),
        help="write every persona as an agent file of this tool into the folder -o DIR, in "
        "the folders of its source (the name inside is as written), and list what each file "
        "leaves out or changes",
    )
    data.add_argument(
        "--schema",
        action="store_true",
        help="write the front-matter JSON Schema (persona.schema.json) instead",
    )
    data.add_argument("-f", "--config", help=CONFIG_HELP)
    data.set_defaults(run=export)
    change = commands.add_parser(
        "diff",
        help="summarize the persona and skill changes between two revisions",
        description="Personas and skills added, removed, renamed and changed, the hidden "
        "content and the validation problems the change introduces or fixes. "
        "'personas diff BASE HEAD' compares two git revisions, 'personas diff BASE' a "
        "revision with the working tree; two folders only with --folders OLD NEW.",
    )
    change.add_argument(
        "revisions",
        nargs="*",
        metavar="REVISION",
        help="BASE [HEAD]: git revisions (a branch, tag or commit); HEAD defaults to the "
        "working tree",
    )
    change.add_argument(
        "--folders",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="compare two folders instead of revisions",
    )
    change.add_argument("--format", choices=("markdown", "json"), default="markdown")
    change.add_argument("-f", "--config", help=CONFIG_HELP)
    change.set_defaults(run=compare)
    matcher = commands.add_parser(
        "match",
        help="rank the personas for a task, as the site's task matcher does",
        description="Rank the personas of the catalogue of mkdocs.yml for a task, with the "
        "same ranking as the site's /match/ page: each result with its score and the words "
        "of the task it matched (a declared or derived keyword, or its name, title or "
        "description).",
    )
    matcher.add_argument(
        "task", metavar="TASK", nargs="?", help="the task, or - to read it from standard input"
    )
    matcher.add_argument(
        "--tasks",
        metavar="FILE",
        help="rank every task of FILE instead (one task a line, blank lines skipped; - for "
        "standard input), reading the catalogue once: the rankings in the order of the "
        "lines, as 'task N:' sections or, with --format json, one line of JSON a task "
        "(each what 'personas match TASK --format json' prints)",
    )
    matcher.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="'json' prints the results as data, for routers and scripts",
    )
    matcher.add_argument(
        "--top", type=int, default=10, metavar="N", help="at most N results (default 10)"
    )
    matcher.add_argument("-f", "--config", help=CONFIG_HELP)
    matcher.set_defaults(run=match)
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
