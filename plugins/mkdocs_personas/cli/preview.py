"""The steps of a pull-request preview, as the workflows run them in ``base/`` (a
checkout of the base commit, whose configuration and plugin are used):

    python -m mkdocs_personas.preview take ../pull-request   # the pull request's content
    python -m mkdocs_personas.preview summary                # personas diff HEAD
    python -m mkdocs_personas.preview build --site-dir ../site

The trusted "Publish preview" workflow runs the same steps in a checkout of the default
branch, with ``--base`` the commit the pull request branched from (so the summary and the
marks name the pull request's own changes) and ``summary --format json`` (the comment is
written from that data, every string of it in code).

``take`` replaces the base's catalogue content with the pull request's: exactly the files
the base configuration's persona and skill globs match there, the files of those skills'
folders, and the Markdown and images of the docs folder. Nothing else is taken, even when
a glob's root is the repository root: never a configuration file (nor a file it
inherits from, whatever its name), a hook (or a Python file beside one), the theme's
``custom_dir``, ``.git``, a symlink or a special file.
``summary`` compares the base commit (``HEAD``, or ``--base``) with the working tree.
``build`` builds with every page sanitized and changes marked, with the engine's own
command (so the working folder, which holds pull-request files, is never on Python's
import path).
"""

from __future__ import annotations

import argparse
import os
import posixpath
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from ..catalogue.bundles import _walk as bundle_files
from ..catalogue.catalogue import Settings
from ..site.config import _read_file, inherited_files, read_project
from ..sources.model import Kind, visible
from ..sources.read import discover

DOCS_SUFFIXES = frozenset({".md", ".markdown", ".png", ".jpg", ".jpeg", ".gif", ".webp"})
"""Files of the docs folder a pull request may change: Markdown pages and raster images."""
CONFIG_NAMES = frozenset({"mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml"})
"""Configuration files, never taken from a pull request wherever they are."""


def _real_folder(root: Path, relative: str) -> Path | None:
    """``root/relative`` when it is a real folder inside ``root`` reached through no symlink."""
    folder = Path(os.path.normpath(root / relative))
    inside = os.path.relpath(folder, root)
    if inside.startswith(os.pardir) or not folder.is_dir():
        return None
    expected = os.path.normpath(os.path.join(os.path.realpath(root), inside))
    return folder if os.path.realpath(folder) == expected else None


def content_files(root: Path, settings: Settings, docs_dir: str) -> set[str]:
    """Paths (relative to ``root``, with ``/``) of the catalogue content under ``root``:
    what the globs match, the files of matched skills' folders, and the docs folder's
    Markdown and images (and nothing else there, whatever a glob matches). Only regular
    files reached through no symlink."""
    found = discover(root, settings.globs, settings.exclude).sources
    files = {source.display for source in found}
    for source in found:
        folder = posixpath.dirname(source.display)
        if source.kind is Kind.SKILL and source.path.name == "SKILL.md" and folder:
            real = _real_folder(root, folder)
            if real is not None:
                files.update(f"{folder}/{relative}" for relative, _ in bundle_files(real))
    docs = _real_folder(root, docs_dir)
    if docs is not None:
        for current, folders, names in os.walk(docs, followlinks=False):
            folders.sort()
            for name in names:
                path = Path(current, name)
                if path.suffix.lower() in DOCS_SUFFIXES:
                    files.add(path.relative_to(root).as_posix())
    prefix = posixpath.normpath(docs_dir) + "/"
    return {
        f
        for f in files
        if stat.S_ISREG(os.lstat(root / f).st_mode)
        and (not f.startswith(prefix) or posixpath.splitext(f)[1].lower() in DOCS_SUFFIXES)
    }


def protected(config_file: Path, data: dict) -> tuple[set[str], set[str]]:
    """Files and folders (relative to the configuration's folder) a pull request never
    changes: the configuration and every file it inherits from (``INHERIT``, whatever its
    name), hooks, the folders of hooks (for their ``.py`` files) and the theme's
    ``custom_dir``."""
    base = config_file.resolve().parent
    files, folders = {config_file.resolve().relative_to(base).as_posix()}, {".git"}
    for parent in inherited_files(config_file):
        path = os.path.relpath(os.path.realpath(parent), base).replace(os.sep, "/")
        if not path.startswith("../"):
            files.add(path)
    hooks = data.get("hooks") if isinstance(data.get("hooks"), list) else []
    for hook in hooks:
        if isinstance(hook, str):
            path = os.path.relpath(os.path.normpath(base / hook), base).replace(os.sep, "/")
            files.add(path)
            files.add(f"{posixpath.dirname(path) or '.'}/*.py")
    theme = data.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        folders.add(os.path.relpath(os.path.normpath(base / theme["custom_dir"]), base))
    return files, {f.replace(os.sep, "/") for f in folders}


EVALUATING_PLUGINS = frozenset(
    {"macros", "markdown-exec", "mkdocs-jupyter", "jupyter", "mkdocs-simple-hooks", "exec"}
)
"""Plugins that run what a page says (Jinja, code blocks, notebooks): a preview job that
builds a pull request's pages with them would run the contributor's code."""
EVALUATING_EXTENSIONS = frozenset({"markdown_exec", "pymdownx.snippets"})
"""Markdown extensions that run a page's code or read files it names (``pymdownx.snippets``
only with ``restrict_base_path: false``)."""


def _names(entries: object) -> list[tuple[str, object]]:
    if isinstance(entries, dict):
        return [(str(k), v) for k, v in entries.items()]
    found = []
    for item in entries if isinstance(entries, list) else []:
        if isinstance(item, dict) and len(item) == 1:
            found.append(next((str(k), v) for k, v in item.items()))
        elif isinstance(item, str):
            found.append((item, None))
    return found


def evaluating(data: dict) -> list[str]:
    """The plugins and Markdown extensions of a configuration that would run, or read
    files named by, a pull request's pages, as ``plugins: macros``."""
    found = [f"plugins: {n}" for n, _ in _names(data.get("plugins")) if n in EVALUATING_PLUGINS]
    for name, options in _names(data.get("markdown_extensions")):
        if name not in EVALUATING_EXTENSIONS:
            continue
        if name == "pymdownx.snippets" and not (
            isinstance(options, dict) and options.get("restrict_base_path") is False
        ):
            continue
        found.append(f"markdown_extensions: {name}")
    return found


def _is_protected(path: str, files: set[str], folders: set[str]) -> bool:
    folder = posixpath.dirname(path) or "."
    return (
        posixpath.basename(path) in CONFIG_NAMES
        or path in files
        or (path.endswith(".py") and f"{folder}/*.py" in files)
        or any(path == f or path.startswith(f + "/") for f in folders)
    )


def _copy(source: Path, target: Path) -> None:
    """Copy a regular file's bytes, never through a symlink at either end."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(source, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{source}: not a regular file")
        data = handle.read()
    if target.is_symlink() or target.exists():
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def take(pull_request: Path, config_file: Path) -> tuple[list[str], list[str]]:
    """Replace the content under ``config_file``'s folder with ``pull_request``'s.

    Returns the paths taken and the paths refused (protected files the globs matched).
    """
    data, _ = _read_file(config_file)
    settings = read_project(config_file).settings
    base = settings.base
    docs_dir = data.get("docs_dir") if isinstance(data.get("docs_dir"), str) else "docs"
    files, folders = protected(config_file, data)
    ours = content_files(base, settings, docs_dir)
    other = pull_request.resolve()
    theirs = content_files(other, replace(settings, base=other), docs_dir)
    refused = sorted(p for p in ours | theirs if _is_protected(p, files, folders))
    for path in sorted(ours - set(refused)):
        (base / path).unlink()
    taken = sorted(theirs - set(refused))
    for path in taken:
        _copy(pull_request / path, base / path)
    return taken, refused


def engine(config_file: Path) -> str:
    """``properdocs`` for a ``properdocs.yml``, else ``mkdocs``."""
    return "properdocs" if config_file.name.startswith("properdocs") else "mkdocs"


def build_command(config_file: Path, site_dir: Path) -> list[str]:
    """The engine's build command: its console script beside this Python, else ``python
    -P -m`` (3.11+), so that the working folder is never on the import path."""
    name = engine(config_file)
    script = Path(sys.executable).with_name(name)
    options = ["build", "-f", str(config_file), "--site-dir", str(site_dir)]
    if script.is_file():
        return [str(script), *options]
    return [sys.executable, "-P", "-m", name, *options]


def main(argv: list[str] | None = None) -> int:
    """Run one step of the preview; see the module's description."""
    parser = argparse.ArgumentParser(
        prog="python -m mkdocs_personas.preview",
        description="The steps of a pull-request preview, run in a checkout of the base.",
    )
    steps = parser.add_subparsers(dest="step", required=True, metavar="STEP")
    take_step = steps.add_parser("take", help="replace the catalogue content with the PR's")
    take_step.add_argument("pull_request", type=Path, metavar="PULL_REQUEST")
    summary_step = steps.add_parser("summary", help="what the pull request changes")
    summary_step.add_argument("--format", choices=("markdown", "json"), default="markdown")
    build_step = steps.add_parser("build", help="build, every page sanitized, changes marked")
    build_step.add_argument("--site-dir", type=Path, required=True)
    for step in steps.choices.values():
        step.add_argument("-f", "--config", default="mkdocs.yml", type=Path)
    for step in (summary_step, build_step):
        step.add_argument(
            "--base",
            default="HEAD",
            metavar="REVISION",
            help="the revision the pull request's content is compared with (default: HEAD)",
        )
    args = parser.parse_args(argv)
    try:
        if args.step == "take":
            taken, refused = take(args.pull_request, args.config)
            for path in refused:
                print(f"not taken from the pull request (never previewed): {visible(path)}")
            print(f"took {len(taken)} files from the pull request")
        elif args.step == "summary":
            from ..outputs.diff import diff, markdown

            result = diff(args.base, None, read_project(args.config).settings)
            sys.stdout.write(result.to_json() + "\n" if args.format == "json" else markdown(result))
        else:
            data, _options = _read_file(args.config)
            unsafe = evaluating(data)
            if unsafe:
                print(
                    f"personas preview: {args.config} enables {', '.join(unsafe)}, which would "
                    "run or read what a pull request's pages say; a preview is not built. "
                    "Build previews with a configuration without them (INHERIT from your "
                    "mkdocs.yml and leave them out).",
                    file=sys.stderr,
                )
                return 2
            environment = {
                **os.environ,
                "PERSONAS_SANITIZE": "all",
                "PERSONAS_BASE_REVISION": args.base,
            }
            site = args.site_dir.resolve()
            if site.exists():
                shutil.rmtree(site)
            command = build_command(args.config, site)
            return subprocess.run(command, env=environment, check=False).returncode
    except (ValueError, OSError) as error:
        print(f"personas preview: {visible(str(error))}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
