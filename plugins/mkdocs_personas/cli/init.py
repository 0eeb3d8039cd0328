"""``personas init``: turn a repository that keeps agents and skills into a catalogue site.

Finds the agent and skill folders (:func:`discovery.find_folders`, the same discovery
that ``personas validate`` names when its globs find nothing), then writes what a
catalogue needs: ``mkdocs.yml`` (or ``properdocs.yml``) with matching globs, or the
plugin added to an existing one; ``docs/index.md`` (a home page, never replaced);
``site/`` and ``.venv/`` in ``.gitignore``; and the checks, deploy, preview and
preview-publish workflows. The workflows are templates shipped in the package
(``data/workflows``); this repository's own workflows are the same templates, rendered
with an install of its own source (``python -m mkdocs_personas.init --this-repository``).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import yaml

from .. import __version__
from ..site.config import _ConfigLoader
from ..sources.discovery import Folders, find_folders

REPOSITORY = "https://github.com/mkdocs-personas/mkdocs-personas"
"""Where the plugin's source lives: a development install is pinned to a commit of it."""
WORKFLOWS = ("checks", "deploy", "preview", "preview-publish", "preview-sweep")
"""The workflows ``init`` writes, by template name."""
BASIC_WORKFLOWS = ("checks", "deploy")
"""The workflows ``init --no-previews`` writes."""
TOKEN = re.compile(r"__[A-Z_]+__")


@dataclass(frozen=True)
class Install:
    """How a workflow installs mkdocs-personas: a pinned requirement, or this source tree."""

    spec: str = ""
    """What follows the name in a requirement: ``==0.2.0`` or `` @ git+URL@commit``."""
    note: str = ""
    """A comment written above every install line, saying what is pinned and why."""
    source: bool = False
    """This repository: install the checked-out source (``pip install .``)."""
    extra: tuple[str, ...] = ()
    """Further packages to install (``properdocs``)."""

    def requirement(self, extras: str = "", where: str = ".") -> str:
        """The arguments of ``pip install`` for the package with ``extras``."""
        if self.source:
            return f'"{where}[{extras}]"' if extras else where
        name = f"mkdocs-personas[{extras}]" if extras else "mkdocs-personas"
        return " ".join(shlex.quote(word) for word in (f"{name}{self.spec}", *self.extra))


SOURCE = Install(
    note="# This repository installs its own source; `personas init` pins a release instead.",
    source=True,
)


def _git(folder: Path, *args: str) -> str:
    """Output of a git command in ``folder``, or "" when it fails."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def _stamp() -> tuple[str, bool, bool]:
    """The commit stamped into the package when it was built (``_build.py``, written by
    ``hatch_build.py``), whether the tree had uncommitted changes, and whether it is the
    release tag of this version; ("", False, False) if nothing was stamped."""
    try:
        from .. import _build  # type: ignore[attr-defined]
    except ImportError:
        return "", False, False
    commit = getattr(_build, "COMMIT", "")
    if not (isinstance(commit, str) and re.fullmatch(r"[0-9a-f]{40}", commit)):
        return "", False, False
    release = getattr(_build, "RELEASE", "") == f"v{__version__}"
    return commit, bool(getattr(_build, "DIRTY", False)), release


def _at_commit(commit: str, why: str, extra: tuple[str, ...]) -> Install:
    return Install(
        f" @ git+{REPOSITORY}@{commit}",
        f"# mkdocs-personas {__version__} {why}: pinned to {REPOSITORY} at commit "
        f"{commit[:12]}; pin a release (mkdocs-personas==VERSION) once there is one.",
        extra=extra,
    )


def installed(extra: tuple[str, ...] = ()) -> Install:
    """The pin for the mkdocs-personas that runs this, one that CI can install: the git
    URL and commit of a git install; the release of an install from an index; for a wheel
    or a local folder, the canonical repository at the commit it was built from (a git
    checkout's ``HEAD``, else the commit stamped at build time). When nothing says which
    commit, the newest commit of the repository's ``main``, said so in the note."""
    try:
        direct = metadata.distribution("mkdocs-personas").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct = None
    try:
        data = json.loads(direct) if direct else {}
    except ValueError:
        data = {"url": "?"}
    url, vcs = data.get("url", ""), data.get("vcs_info") or {}
    stamped, dirty, release = _stamp()
    if not data and stamped and not release:
        # pip writes no direct_url.json for a wheel found with --find-links either.
        why = "was built from this commit" + (" with uncommitted changes" if dirty else "")
        return _at_commit(stamped, why + ", not from a release", extra)
    if not data:
        return Install(
            f"=={__version__}",
            f"# mkdocs-personas {__version__}, installed from a package index: the version "
            "that ran `personas init`; raise the pin to upgrade.",
            extra=extra,
        )
    commit = vcs.get("commit_id", "") if vcs.get("vcs") == "git" else ""
    local = url.startswith("file:") or "://" not in url
    if commit and not local:
        shown = re.sub(r"//[^/@]*@", "//", url)
        return Install(
            f" @ git+{shown}@{commit}",
            f"# mkdocs-personas {__version__}, installed from {shown}: pinned to commit "
            f"{commit[:12]}; pin a release (mkdocs-personas==VERSION) once there is one.",
            extra=extra,
        )
    if commit:
        return _at_commit(commit, "was installed from a local git repository", extra)
    if url.startswith("file:") and "dir_info" in data:
        folder = Path(unquote(urlsplit(url).path))
        head = _git(folder, "rev-parse", "HEAD")
        if re.fullmatch(r"[0-9a-f]{40}", head):
            changed = bool(_git(folder, "status", "--porcelain", "--untracked-files=no"))
            why = "was installed from a local checkout" + (
                " with uncommitted changes (push them)" if changed else ""
            )
            return _at_commit(head, why, extra)
    if stamped:
        why = "was built from this commit" + (" with uncommitted changes" if dirty else "")
        return _at_commit(stamped, why, extra)
    return Install(
        f" @ git+{REPOSITORY}@main",
        f"# mkdocs-personas {__version__} says neither where it was installed from nor its "
        f"commit: this installs the newest commit of {REPOSITORY} (main); pin a commit or "
        "a release (mkdocs-personas==VERSION) once there is one.",
        extra=extra,
    )


def properdocs_pin() -> str:
    """ProperDocs at the version installed here, else the range this package is tested with."""
    try:
        return f"properdocs=={metadata.version('properdocs')}"
    except metadata.PackageNotFoundError:
        return "properdocs>=1.6,<1.7"


def template(*parts: str) -> str:
    """The text of a data file of the package (``data/<parts>``)."""
    return resources.files("mkdocs_personas").joinpath("data", *parts).read_text(encoding="utf-8")


def _fill(text: str, values: dict[str, str]) -> str:
    """Replace every ``__TOKEN__``; an unknown token is a bug in a template."""
    return TOKEN.sub(lambda match: values[match.group()], text)


def _branch_filter(branch: str) -> str:
    """``branch`` as a YAML flow item that GitHub's branch filter matches literally: as it
    is when plain, else double-quoted with the filter's glob characters escaped."""
    if re.fullmatch(r"[A-Za-z0-9._/-]+", branch):
        return branch
    return json.dumps(re.sub(r"([*?+!\[\]\\])", r"\\\1", branch), ensure_ascii=False)


def _shell_word(text: str) -> str:
    """``text`` as one shell word that stays a plain YAML scalar in a ``run:`` line: every
    character but letters, digits and ``._/-`` escaped with a backslash (a quoted word
    could hold `` #`` or ``: ``, which YAML reads as a comment or a mapping)."""
    return re.sub(r"([^A-Za-z0-9._/-])", r"\\\1", text)


def render_workflow(
    name: str,
    install: Install,
    *,
    config: str = "mkdocs.yml",
    branch: str = "main",
) -> str:
    """One workflow: its template with the install, engine, configuration and branch."""
    engine = "properdocs" if Path(config).name.startswith("properdocs") else "mkdocs"
    option = f" -f {_shell_word(config)}"
    values = {
        "__INSTALL__": install.requirement(),
        "__INSTALL_BASE__": install.requirement(where="./base"),
        "__INSTALL_PAGEFIND__": install.requirement("pagefind"),
        "__ENGINE__": engine,
        "__ENGINE_CONFIG__": "" if config == f"{engine}.yml" else option,
        "__PERSONAS_CONFIG__": "" if config == "mkdocs.yml" else option,
        "__BRANCH__": _branch_filter(branch),
    }
    lines = []
    for line in template("workflows", f"{name}.yml").splitlines(keepends=True):
        if "__INSTALL" in line and install.note:
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(f"{indent}{install.note}\n")
        lines.append(_fill(line, values))
    if install.source:
        header = (
            f"# Generated from plugins/mkdocs_personas/data/workflows/{name}.yml: edit the "
            "template,\n# then run `python -m mkdocs_personas.init --this-repository`.\n"
        )
    else:
        header = f"# Written by `personas init` (mkdocs-personas {__version__}).\n"
    return header + "".join(lines)


def write_own_workflows(repository: Path) -> list[Path]:
    """This repository's workflows, rendered from the templates with its own source."""
    written = []
    for name in WORKFLOWS:
        path = repository / ".github" / "workflows" / f"{name}.yml"
        path.write_text(render_workflow(name, SOURCE), encoding="utf-8")
        written.append(path)
    return written


def _yaml_list(items: tuple[str, ...], indent: str) -> str:
    """A block list of quoted strings, or ``[]``."""
    if not items:
        return " []\n"
    return "\n" + "".join(f"{indent}- {json.dumps(item)}\n" for item in items)


def plugin_entry(folders: Folders, indent: str, *, listed: bool = True) -> str:
    """The ``personas`` plugin with the globs of ``folders``, as a list item at ``indent``
    (or a mapping key when ``listed`` is false)."""
    if not folders:
        return f"{indent}- personas\n" if listed else f"{indent}personas: {{}}\n"
    key = f"{indent}- personas:\n" if listed else f"{indent}personas:\n"
    inner = indent + "    " if listed else indent + "  "
    return (
        key
        + f"{inner}personas:{_yaml_list(folders.persona_globs, inner + '  ')}"
        + f"{inner}skills:{_yaml_list(folders.skill_globs, inner + '  ')}"
    )


def _load(text: str) -> object:
    try:
        return yaml.load(text, Loader=_ConfigLoader)
    except yaml.YAMLError:
        return None


def _plugin_names(plugins: object) -> list[str]:
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    if isinstance(plugins, list):
        return [str(next(iter(p), "")) if isinstance(p, dict) else str(p) for p in plugins]
    return []


_TOP_PLUGINS = re.compile(r"plugins:[ \t]*(?:#.*)?")


def add_plugin(text: str, folders: Folders) -> str | None:
    """``text`` (an ``mkdocs.yml``) with the ``personas`` plugin added to ``plugins`` and
    nothing else changed, or None when that cannot be done safely (then the stanza is
    printed for the user to add)."""
    data = _load(text)
    if not isinstance(data, dict):
        return None
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    starts = [i for i, line in enumerate(lines) if _TOP_PLUGINS.fullmatch(line.rstrip("\r\n"))]
    if "plugins" not in data:
        edited = "".join(lines) + "\nplugins:\n  - search\n" + plugin_entry(folders, "  ")
    elif len(starts) != 1:
        return None
    else:
        start = end = starts[0]
        block = []
        for index in range(start + 1, len(lines)):
            line = lines[index]
            if line.strip() and not line[0].isspace() and not line.startswith("-"):
                break
            if line.strip() and not line.lstrip().startswith("#"):
                block.append(line)
                end = index
        if not block:
            entry = "  - search\n" + plugin_entry(folders, "  ")
        else:
            first = block[0]
            indent = first[: len(first) - len(first.lstrip(" "))]
            listed = first.lstrip(" ").startswith("-")
            if listed != isinstance(data["plugins"], list) or "\t" in indent:
                return None
            entry = plugin_entry(folders, indent, listed=listed)
        edited = "".join(lines[: end + 1]) + entry + "".join(lines[end + 1 :])
    after = _load(edited)
    if not isinstance(after, dict) or "personas" not in _plugin_names(after.get("plugins")):
        return None
    rest = {k: v for k, v in after.items() if k != "plugins"}
    if rest != {k: v for k, v in data.items() if k != "plugins"}:
        return None
    before, now = _plugin_names(data.get("plugins")), _plugin_names(after["plugins"])
    if now[: len(before)] != before and now != ["search", *before, "personas"]:
        return None
    return edited


@dataclass(frozen=True)
class Site:
    """Where the site is published and where its sources live, as far as ``init`` can
    know them (a GitHub remote, a ``CNAME``) or was told (``--site-url`` and the others)."""

    site_url: str = ""
    repo_url: str = ""
    edit_uri: str = ""
    notes: tuple[str, ...] = ()
    """What could not be known and how to set it."""

    def items(self) -> list[tuple[str, str]]:
        """The settings that have a value, in the order they are written."""
        pairs = (("site_url", self.site_url), ("repo_url", self.repo_url))
        return [(k, v) for k, v in (*pairs, ("edit_uri", self.edit_uri)) if v]


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain when it is made of URL characters only."""
    plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~%/+-]*(?::[A-Za-z0-9._~%/+-]+)*/?", value)
    return value if plain and ": " not in value else json.dumps(value, ensure_ascii=False)


def remote(url: str) -> tuple[str, str] | None:
    """(host, path) of a git remote URL (``git@host:owner/name.git``, ``ssh://``,
    ``https://``, with any user name or password dropped), or None when it is not one."""
    url = url.strip()
    scp = re.fullmatch(r"(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!//)([^\s]+)", url)
    if scp and "://" not in url:
        host, path = scp.group(1), scp.group(2)
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http", "ssh", "git", "git+ssh") or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path
    path = re.sub(r"\.git$", "", path.strip("/")).strip("/")
    if path.count("/") < 1 or any(p in ("", ".", "..") for p in path.split("/")):
        return None
    return host.lower(), path


def _default_branch(folder: Path) -> str:
    """The remote's default branch (``origin/HEAD``), else the branch checked out, else
    ``main``."""
    head = _git(folder, "symbolic-ref", "--short", "-q", "refs/remotes/origin/HEAD")
    if head.startswith("origin/") and head != "origin/HEAD":
        return head.removeprefix("origin/")
    return _git(folder, "symbolic-ref", "--short", "-q", "HEAD") or "main"


def site_settings(
    folder: Path,
    docs_dir: str = "docs",
    *,
    site_url: str | None = None,
    repo_url: str | None = None,
    edit_uri: str | None = None,
) -> Site:
    """What ``init`` writes as ``site_url``, ``repo_url`` and ``edit_uri``: from the git
    remote (GitHub: project, user and organisation pages; other hosts: ``repo_url``
    only), a ``CNAME`` in the docs folder for ``site_url``, and the given values over all."""
    notes: list[str] = []
    origin = _git(folder, "remote", "get-url", "origin")
    if not origin:
        first = _git(folder, "remote").splitlines()
        origin = _git(folder, "remote", "get-url", first[0]) if first else ""
    found = remote(origin) if origin else None
    branch = _default_branch(folder)
    docs = Path(docs_dir).as_posix().strip("/")
    inside = not Path(docs_dir).is_absolute() and ".." not in Path(docs).parts
    known = {"site_url": "", "repo_url": "", "edit_uri": ""}
    if found:
        host, path = found
        known["repo_url"] = f"https://{host}/{path}"
        where = f"{docs}/" if docs and docs != "." else ""
        if host == "github.com" and path.count("/") == 1:
            owner, name = path.split("/")
            pages = f"{owner.lower()}.github.io"
            known["site_url"] = (
                f"https://{pages}/" if name.lower() == pages else f"https://{pages}/{name}/"
            )
            if inside:
                known["edit_uri"] = f"edit/{quote(branch, safe='/')}/{where}"
        elif host == "gitlab.com" and inside:
            known["edit_uri"] = f"-/edit/{quote(branch, safe='/')}/{where}"
    cname = Path(folder, docs_dir, "CNAME")
    if cname.is_file():
        lines = cname.read_text(encoding="utf-8", errors="replace").split()
        if lines and re.fullmatch(r"[A-Za-z0-9.-]+", lines[0]):
            known["site_url"] = f"https://{lines[0].lower()}/"
    given = {"site_url": site_url, "repo_url": repo_url, "edit_uri": edit_uri}
    values = {k: (given[k] if given[k] is not None else known[k]) for k in known}
    if not origin and repo_url is None:
        notes.append(
            "no git remote: repo_url, edit_uri and site_url are not set (add a remote and "
            "run init again, or pass --site-url and --repo-url)"
        )
    elif origin and not found and repo_url is None:
        notes.append(
            "the git remote is not a URL init can read: set repo_url (the repository's web "
            "address) in the configuration, or pass --repo-url"
        )
    if found and not values["site_url"]:
        notes.append(
            f"site_url is not set: init knows GitHub Pages addresses only, and the remote is "
            f"on {found[0]}. Set site_url to the published address (or pass --site-url): "
            "every persona page then shows a one-line download command"
        )
    if found and found[0] not in ("github.com", "gitlab.com") and not values["edit_uri"]:
        notes.append(
            f"edit_uri is not set: set it to the path of the edit page on {found[0]} "
            "(or pass --edit-uri) to show an edit link on every page"
        )
    return Site(values["site_url"], values["repo_url"], values["edit_uri"], tuple(notes))


def add_settings(text: str, site: Site) -> tuple[str, list[str]]:
    """``text`` with the settings of ``site`` it does not set yet added at its end, and
    the names added; ``text`` unchanged when that cannot be done safely."""
    data = _load(text)
    if not isinstance(data, dict):
        return text, []
    missing = [(key, value) for key, value in site.items() if key not in data]
    if not missing:
        return text, []
    ending = "" if not text or text.endswith("\n") else "\n"
    edited = text + ending + "".join(f"{key}: {_scalar(value)}\n" for key, value in missing)
    after = _load(edited)
    if after != {**data, **dict(missing)}:
        return text, []
    return edited, [key for key, _ in missing]


def catalogue_pages(folders: Folders) -> list[tuple[str, str]]:
    """The catalogue's pages for a navigation: (title, page)."""
    pages = [("Catalogue", "catalogue/index.md")]
    if folders.skills or not folders:
        pages.append(("Skills", "skills/index.md"))
    return [
        *pages,
        ("Expertise", "expertise/index.md"),
        ("Keywords", "keywords/index.md"),
        ("Keyword conflicts", "keywords/conflicts.md"),
        ("Task matcher", "match/index.md"),
    ]


def nav_section(folders: Folders, indent: str = "  ") -> str:
    """A ``Catalogue`` section of a block ``nav`` list, at ``indent``."""
    inner = indent + "    "
    return f"{indent}- Catalogue:\n" + "".join(
        f"{inner}- {title}: {page}\n" for title, page in catalogue_pages(folders)
    )


def _pages(nav: object) -> set[str]:
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, list):
        return set().union(*map(_pages, nav)) if nav else set()
    if isinstance(nav, dict):
        return set().union(*map(_pages, nav.values())) if nav else set()
    return set()


_TOP_NAV = re.compile(r"nav:[ \t]*(\[.*\])?[ \t]*")


def add_nav(text: str, folders: Folders) -> str | None:
    """``text`` with a ``Catalogue`` section added to its ``nav`` list; ``text`` itself when
    there is no ``nav`` (MkDocs then lists every page) or it links the catalogue already;
    None when it cannot be done safely (then the section is printed)."""
    data = _load(text)
    if not isinstance(data, dict):
        return None
    nav = data.get("nav")
    if "nav" not in data or "catalogue/index.md" in _pages(nav):
        return text
    if not isinstance(nav, list):
        return None
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    starts = [i for i, line in enumerate(lines) if _TOP_NAV.fullmatch(line.rstrip("\r\n"))]
    if len(starts) != 1:
        return None
    start = end = starts[0]
    flow = _TOP_NAV.fullmatch(lines[start].rstrip("\r\n")).group(1)
    if flow:
        pages = ", ".join(f"{{{title}: {page}}}" for title, page in catalogue_pages(folders))
        close = lines[start].rindex("]")
        comma = ", " if nav else ""
        line = lines[start]
        lines[start] = f"{line[:close]}{comma}{{Catalogue: [{pages}]}}{line[close:]}"
        edited = "".join(lines)
    else:
        block = []
        for index in range(start + 1, len(lines)):
            line = lines[index]
            if line.strip() and not line[0].isspace() and not line.startswith("-"):
                break
            if line.strip() and not line.lstrip().startswith("#"):
                block.append(line)
                end = index
        if not block or not block[0].lstrip(" ").startswith("-") or "\t" in block[0]:
            return None
        indent = block[0][: len(block[0]) - len(block[0].lstrip(" "))]
        section_text = nav_section(folders, indent)
        edited = "".join(lines[: end + 1]) + section_text + "".join(lines[end + 1 :])
    after = _load(edited)
    section = {"Catalogue": [{title: page} for title, page in catalogue_pages(folders)]}
    if not isinstance(after, dict) or after.get("nav") != [*nav, section]:
        return None
    if {k: v for k, v in after.items() if k != "nav"} != {
        k: v for k, v in data.items() if k != "nav"
    }:
        return None
    return edited


def new_config(folder: Path, folders: Folders, site: Site | None = None) -> str:
    """A complete ``mkdocs.yml`` for a catalogue of ``folders``, published at ``site``."""
    name = folder.resolve().name or "Catalogue"
    nav = [f"  - {title}: {page}\n" for title, page in catalogue_pages(folders)[1:]]
    settings = (site or Site()).items()
    return _fill(
        template("init", "mkdocs.yml"),
        {
            "__VERSION__": __version__,
            "__SITE_NAME__": json.dumps(f"{name}: agents and skills"),
            "__SITE_DESCRIPTION__": json.dumps(
                f"The AI agents and skills of {name}, published with mkdocs-personas."
            ),
            "__SITE__": "".join(f"{key}: {_scalar(value)}\n" for key, value in settings),
            "__PLUGIN__": plugin_entry(folders, "  "),
            "__NAV__": "".join(nav),
        },
    )


def home_page(folder: Path, folders: Folders) -> str:
    """``docs/index.md``: what the site is and where to start."""
    names = [f"`{f}/`" for f in (*folders.agents, *folders.skills)] or ["`personas/`, `skills/`"]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    links = []
    if folders.skills or not folders:
        links.append("- [Skills](skills/index.md): what the agents can follow, and who uses each.")
    links += [
        "- [Expertise](expertise/index.md): agents grouped by what they know.",
        "- [Task matcher](match/index.md): describe a task, get the agents that fit it.",
    ]
    return _fill(
        template("init", "index.md"),
        {
            "__TITLE__": f"{folder.resolve().name or 'Catalogue'}: agents and skills",
            "__FOLDERS__": listed,
            "__LINKS__": "\n".join(links) + "\n",
        },
    )


IGNORED = ("site/", ".venv/")


def ignore_lines(existing: str) -> list[str]:
    """The lines of :data:`IGNORED` that ``.gitignore`` text does not hold yet."""
    present = {line.strip().strip("/") for line in existing.splitlines()}
    return [line for line in IGNORED if line.strip("/") not in present]


@dataclass
class Report:
    """What ``init`` did, file by file, and what it refused to replace."""

    done: list[str]
    refused: list[str]
    stanza: str = ""
    notes: list[str] = field(default_factory=list)
    """What init could not know or do for the reader, and how to do it."""


def _docs_dir(config_text: str) -> str:
    data = _load(config_text)
    value = data.get("docs_dir") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else "docs"


def leaves(folder: Path, path: Path) -> str | None:
    """Why writing ``path`` would write outside the real path of ``folder`` (a symbolic
    link on the way that leads out, naming it; a path that resolves outside; a file with
    other names, a hard link), or None when it stays inside."""
    root = folder.resolve()
    current = folder
    for part in path.relative_to(folder).parts:
        current = current / part
        if current.is_symlink() and not current.resolve().is_relative_to(root):
            link = current.relative_to(folder).as_posix()
            return (
                f"{link} is a symbolic link to {current.resolve()}, outside the repository; "
                "nothing is written through it (make it a real folder or file, or remove it)"
            )
    shown = path.relative_to(folder).as_posix()
    if not path.resolve().is_relative_to(root):
        return f"{shown} is outside the repository ({path.resolve()}); nothing is written there"
    if path.is_file() and path.stat().st_nlink > 1:
        return (
            f"{shown} is a hard link (the same file has another name, maybe outside the "
            "repository); nothing is written to it (replace it with a copy)"
        )
    return None


def scaffold(
    folder: Path,
    config: str,
    force: bool,
    install: Install,
    *,
    given: dict[str, str | None] | None = None,
    nav: bool = True,
    previews: bool = True,
) -> Report:
    """Write the catalogue's files into ``folder``; see :func:`run` for the rules. A file
    that a link would lead outside the repository is refused, never written (:func:`leaves`).
    ``given`` holds the ``site_url``, ``repo_url`` and ``edit_uri`` passed on the command
    line (None: what the remote says)."""
    report = Report([], [])
    given = given or {}
    folders = find_folders(folder)
    found = ", ".join(f"{f}/" for f in (*folders.agents, *folders.skills)) or "none found"
    config_path = folder / config
    if outside := leaves(folder, config_path):
        report.refused.append(outside)
        return report
    if not config_path.exists():
        site = site_settings(folder, **given)
        report.notes.extend(site.notes)
        config_path.write_text(new_config(folder, folders, site), encoding="utf-8")
        report.done.append(f"wrote {config} (agent and skill folders: {found})")
        report.done.extend(f"set {key}: {value}" for key, value in site.items())
    else:
        text = config_path.read_text(encoding="utf-8-sig")
        data = _load(text)
        if isinstance(data, dict) and "personas" in _plugin_names(data.get("plugins")):
            report.done.append(f"kept {config}: it already enables the personas plugin")
        else:
            edited = add_plugin(text, folders)
            if edited is None:
                report.stanza = "plugins:\n  - search\n" + plugin_entry(folders, "  ")
                report.refused.append(
                    f"{config}: cannot add the plugin to it safely; add this under 'plugins'"
                )
            else:
                config_path.write_text(edited, encoding="utf-8")
                report.done.append(f"added the personas plugin to {config} (folders: {found})")
        text = config_path.read_text(encoding="utf-8-sig")
        site = site_settings(folder, _docs_dir(text), **given)
        report.notes.extend(site.notes)
        text, added = add_settings(text, site)
        if added:
            config_path.write_text(text, encoding="utf-8")
            values = dict(site.items())
            report.done.extend(f"set {key}: {values[key]} in {config}" for key in added)
        data = _load(text)
        kept = [k for k, _ in site.items() if isinstance(data, dict) and k in data]
        kept = [k for k in kept if k not in added]
        if kept:
            report.done.append(f"kept {', '.join(kept)} as {config} sets them")
        edited = add_nav(text, folders) if nav else text
        if edited is None or (not nav and add_nav(text, folders) != text):
            report.notes.append(
                f"{config} has a nav that does not list the catalogue: add this section to "
                "it so readers can reach the catalogue, the matcher and the indexes:\n"
                + nav_section(folders).rstrip("\n")
            )
        elif edited != text:
            config_path.write_text(edited, encoding="utf-8")
            report.done.append(f"added a Catalogue section to the nav of {config}")
    config_text = config_path.read_text(encoding="utf-8-sig")
    index = folder / _docs_dir(config_text) / "index.md"
    shown = index.relative_to(folder).as_posix() if index.is_relative_to(folder) else str(index)
    if outside := leaves(folder, index):
        report.refused.append(outside)
    elif index.exists():
        report.done.append(f"kept {shown}: an existing home page is never replaced")
        if "<!-- personas:home -->" not in index.read_text(encoding="utf-8", errors="replace"):
            report.notes.append(
                f"a line <!-- personas:home --> in {shown} shows the catalogue's home there "
                "(task box, filter, counts, collections, recent changes, links)"
            )
    else:
        index.parent.mkdir(parents=True, exist_ok=True)
        index.write_text(home_page(folder, folders), encoding="utf-8")
        report.done.append(f"wrote {shown} (the home page)")
    ignore = folder / ".gitignore"
    existing = ignore.read_text(encoding="utf-8") if ignore.exists() else ""
    missing = ignore_lines(existing)
    if missing and (outside := leaves(folder, ignore)):
        report.refused.append(outside)
    elif missing:
        separator = "" if not existing or existing.endswith("\n") else "\n"
        ignore.write_text(existing + separator + "\n".join(missing) + "\n", encoding="utf-8")
        report.done.append(f"{'added' if existing else 'wrote'} {', '.join(missing)} in .gitignore")
    branch = _git(folder, "symbolic-ref", "--short", "-q", "HEAD") or "main"
    for name in WORKFLOWS if previews else BASIC_WORKFLOWS:
        path = folder / ".github" / "workflows" / f"{name}.yml"
        shown = path.relative_to(folder).as_posix()
        if path.exists() and not force:
            report.refused.append(f"{shown} exists (--force replaces it)")
            continue
        if outside := leaves(folder, path):
            report.refused.append(outside)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        replaced = path.exists()
        path.write_text(
            render_workflow(name, install, config=config, branch=branch), encoding="utf-8"
        )
        report.done.append(f"{'replaced' if replaced else 'wrote'} {shown}")
    return report


def run(
    folder: Path,
    config: str | None = None,
    force: bool = False,
    *,
    site_url: str | None = None,
    repo_url: str | None = None,
    edit_uri: str | None = None,
    nav: bool = True,
    previews: bool = True,
) -> int:
    """Set up the catalogue of the repository at ``folder`` and print what was done.

    Never replaces a file without ``force``, and never an existing home page or
    configuration (the plugin is added to that configuration). Exit 1 when something
    was left as it is (or the stanza must be added by hand), else 0.
    """
    if config is None:
        properdocs = (folder / "properdocs.yml").exists() and not (folder / "mkdocs.yml").exists()
        config = "properdocs.yml" if properdocs else "mkdocs.yml"
    engine = "properdocs" if Path(config).name.startswith("properdocs") else "mkdocs"
    install = installed((properdocs_pin(),) if engine == "properdocs" else ())
    given = {"site_url": site_url, "repo_url": repo_url, "edit_uri": edit_uri}
    report = scaffold(folder, config, force, install, given=given, nav=nav, previews=previews)
    for line in report.done:
        print(f"  {line}")
    for line in report.refused:
        print(f"  left as it is: {line}")
    if report.stanza:
        print("\n" + report.stanza)
    for note in report.notes:
        print(f"\nNote: {note}")
    print(f"\nPinned in the workflows: {install.requirement()}\n  ({install.note.lstrip('# ')})")
    option = "" if config == f"{engine}.yml" else f" -f {shlex.quote(config)}"
    print(
        "\nNext, install and serve the catalogue:\n"
        f"  python3 -m venv .venv && .venv/bin/pip install {install.requirement()}\n"
        f"  .venv/bin/{engine} serve{option}\n"
        "Then commit and push; to publish, choose 'GitHub Actions' as the source under "
        "Settings > Pages."
    )
    return 1 if report.refused else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m mkdocs_personas.init --this-repository``: regenerate this repository's
    workflows from the templates (the plugin's own source tree only)."""
    parser = argparse.ArgumentParser(prog="python -m mkdocs_personas.init")
    parser.add_argument("--this-repository", action="store_true", required=True)
    parser.parse_args(argv)
    repository = Path(__file__).resolve().parents[3]
    if not (repository / "plugins" / "mkdocs_personas").is_dir():
        print("not the mkdocs-personas source tree", file=sys.stderr)
        return 2
    for path in write_own_workflows(repository):
        print(f"wrote {path.relative_to(repository)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
