"""Where the links of a skill's Markdown, and of a persona's body, lead.

A skill's page lives at ``skills/<name>/index.md`` (URL ``skills/<name>/``), so the
relative links of its ``SKILL.md`` resolve against the same folder as on disk:
``references/guide.md`` is the bundled page ``skills/<name>/references/guide.md``,
``scripts/run.py`` the download ``skills/<name>/scripts/run.py``. A Markdown
tree processor, run just before MkDocs resolves links, sends a link to where the
target is published: another skill's page or bundled file, the skill's zip for a file
that is in the zip only, else the repository (``repo_url``). A link with nowhere to go
is shown as text and reported. ``page_bundles`` fills in where each file is published.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

from ...catalogue.bundles import Bundle
from ...sources.model import Entry, Problem

log = get_plugin_logger("personas")


@dataclass(frozen=True)
class LinkContext:
    """A page whose Markdown links are resolved against a skill's folder."""

    src_uri: str
    bundle: Bundle
    relative: str
    """The page's own file, below the skill's folder (``SKILL.md`` for the skill)."""
    entry: Entry


def warn(
    problems: list[Problem],
    path: str,
    line: int,
    message: str,
    col: int = 1,
    field: str = "bundle",
) -> None:
    """Keep a problem of a skill's files or links, and log it (INFO: the file is published)."""
    problem = Problem(path, line, col, field, message, fatal=False)
    problems.append(problem)
    log.info(str(problem))


class Repository:
    """Repository URLs of files inside the project, in the ``edit_uri`` style."""

    def __init__(self, config: MkDocsConfig, base: str) -> None:
        self.config = config
        self.base = base
        """The project's folder (that of ``mkdocs.yml``)."""

    def blob_path(self, absolute: str) -> str | None:
        """The repository URL of a file inside the project, if ``repo_url`` is set."""
        base = self.blob_base()
        if base is None or os.path.relpath(absolute, self.base).startswith(os.pardir):
            return None
        docs = os.path.realpath(self.config.docs_dir)
        relative = os.path.relpath(absolute, docs).replace(os.sep, "/")
        return urljoin(base, quote(relative))

    def blob_base(self) -> str | None:
        """The repository URL of the docs folder, in the ``edit_uri`` style but for
        viewing (``blob`` for ``edit``), or None without ``repo_url`` and ``edit_uri``."""
        repo, edit = self.config.repo_url, self.config.edit_uri
        if not repo or not edit:
            return None
        segments = ["blob" if s == "edit" else s for s in edit.split("/")]
        return urljoin(repo.rstrip("/") + "/", "/".join(segments))

    def blob(self, bundle: Bundle, target: str, base: str | None = None) -> str | None:
        """The repository URL of a path below a skill's folder, if inside the project."""
        base = base or self.blob_base()
        if base is None:
            return None
        absolute = os.path.normpath(os.path.join(bundle.root, target))
        if os.path.relpath(absolute, self.base).startswith(os.pardir):
            return None
        docs = os.path.realpath(self.config.docs_dir)
        relative = os.path.relpath(absolute, docs).replace(os.sep, "/")
        return urljoin(base, quote(relative))


class BundleLinks:
    """Where each relative link of a skill's page, a bundled page or a persona's body leads."""

    def __init__(self, repository: Repository, problems: list[Problem]) -> None:
        self.repository = repository
        self.problems = problems
        self.contexts: dict[str, LinkContext] = {}
        """Source path of a skill's page or bundled page -> what its links resolve against."""
        self.entries: dict[str, Entry] = {}
        """Source path of a persona's page -> the persona, whose relative links resolve
        against its file's folder (:meth:`resolve_entry`)."""
        self.targets: dict[str, str] = {}
        """Absolute path on disk -> source path of what publishes it."""

    def resolve(
        self, context: LinkContext, url: str, cursor: dict[str, int] | None = None
    ) -> str | None:
        """Where a link of a skill's Markdown leads: ``url`` itself when MkDocs can
        resolve it, a path MkDocs resolves, an absolute URL, or None (shown as text).

        ``cursor`` (one per rendering of the page, links in page order) places a problem
        at the link's own occurrence when the page links the same URL more than once.
        """
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("/", "\\")) or not parts.path:
            return url
        if AMP_SUBSTITUTE in url:
            return url
        bundle = context.bundle
        target = posixpath.normpath(
            posixpath.join(posixpath.dirname(context.relative), unquote(parts.path))
        )
        absolute = os.path.normpath(os.path.join(bundle.root, target))
        suffix = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else ""
        )
        src = self.targets.get(absolute)
        if src is not None:
            here = posixpath.dirname(context.src_uri)
            return posixpath.relpath(src, here) + suffix
        inside = target != ".." and not target.startswith("../")
        item = next((f for f in bundle.files if f.path == target), None) if inside else None
        blob = self.repository.blob(bundle, target)
        if item is not None:
            if blob:
                return blob + suffix
            zip_src = f"skills/{bundle.skill}/{bundle.skill}.zip"
            return posixpath.relpath(zip_src, posixpath.dirname(context.src_uri))
        where = posixpath.normpath(f"{bundle.folder}/{target}")
        if blob and inside:
            self._link_problem(
                context,
                url,
                cursor,
                f"the link {url!r} leads to {where}, which is not in the skill's folder "
                "(or was left out of its bundle): it leads to the repository instead; add "
                "the file or correct the link",
            )
            return blob + suffix
        if blob:
            return blob + suffix
        self._link_problem(
            context,
            url,
            cursor,
            f"the link {url!r} leads to {where}, which this site does not publish: it is "
            "shown as text; set repo_url (and edit_uri) in mkdocs.yml to link to the "
            "repository, or put the file in the skill's folder",
        )
        return None

    def resolve_entry(
        self, entry: Entry, src_uri: str, url: str, cursor: dict[str, int] | None = None
    ) -> str | None:
        """Where a relative link of a persona's body leads: the page of the persona,
        skill or bundled file it names on disk, else the file in the repository (with
        ``repo_url``), else nothing (shown as text); both with an INFO line."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("/", "\\")) or not parts.path:
            return url
        if AMP_SUBSTITUTE in url:
            return url
        folder = os.path.dirname(os.path.normpath(os.path.join(self.repository.base, entry.path)))
        absolute = os.path.normpath(os.path.join(folder, unquote(parts.path)))
        suffix = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else ""
        )
        src = self.targets.get(absolute)
        if src is not None:
            return posixpath.relpath(src, posixpath.dirname(src_uri)) + suffix
        blob = self.repository.blob_path(absolute)
        line, col = _locate(entry.raw, url, entry.body_offset, cursor)
        if blob is not None:
            message = (
                f"the link {url!r} leads to a file this site does not publish: it leads to "
                "the repository instead"
            )
            warn(self.problems, entry.path, line, message, col, "link")
            return blob + suffix
        message = (
            f"the link {url!r} leads to a file this site does not publish: it is shown as "
            "text; set repo_url (and edit_uri) in mkdocs.yml to link to the repository"
        )
        warn(self.problems, entry.path, line, message, col, "link")
        return None

    def _link_problem(
        self, context: LinkContext, url: str, cursor: dict[str, int] | None, message: str
    ) -> None:
        line, col = _locate(context.entry.raw, url, context.entry.body_offset, cursor)
        warn(self.problems, context.entry.path, line, message, col)


def _locate(raw: str, url: str, start: int, cursor: dict[str, int] | None) -> tuple[int, int]:
    """The ``(line, column)`` of a link's URL in its file: the next occurrence after the
    one ``cursor`` last gave for the same URL (a page that links one URL twice gets two
    positions), as a link target (``](url``) rather than as text where both are; else the
    first in the body; else ``(1, 1)``."""
    after = cursor.get(url, start) if cursor is not None else start
    index = -1
    for begin in dict.fromkeys((after, start)):
        for needle, skip in ((f"]({url}", 2), (url, 0)):
            found = raw.find(needle, begin)
            if found >= 0:
                index = found + skip
                break
        if index >= 0:
            break
    if index < 0:
        return 1, 1
    if cursor is not None:
        cursor[url] = index + len(url)
    return _position(raw, index)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _LinkProcessor(Treeprocessor):
    """Sends each link of a skill's page or bundled page where its target is published,
    before MkDocs resolves (and checks) the links that remain relative."""

    def __init__(self, md: Markdown, extension: LinkExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: Element) -> None:
        links = self.extension.links
        try:
            file = self.md.treeprocessors["relpath"].file  # the page MkDocs renders
        except (KeyError, AttributeError):
            return
        if links is None:
            return
        context = links.contexts.get(file.src_uri)
        entry = links.entries.get(file.src_uri) if context is None else None
        if context is None and entry is None:
            return
        cursor: dict[str, int] = {}
        for element in root.iter():
            key = {"a": "href", "img": "src"}.get(element.tag)
            url = element.get(key) if key else None
            if url is None:
                continue
            if context is not None:
                resolved = links.resolve(context, url, cursor)
            else:
                resolved = links.resolve_entry(entry, file.src_uri, url, cursor)
            if resolved is None:
                _unlink(element)
            elif resolved != url:
                element.set(key, resolved)


def _unlink(element: Element) -> None:
    """Turn a link into its text, an image into its description."""
    if element.tag == "img":
        element.text = element.get("alt") or ""
    element.tag = "span"
    for attribute in ("href", "src", "alt"):
        element.attrib.pop(attribute, None)


class LinkExtension(Extension):
    """The Markdown extension that carries :class:`_LinkProcessor` into MkDocs' renderer."""

    def __init__(self, links: BundleLinks | None = None) -> None:
        super().__init__()
        self.links = links

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_LinkProcessor(md, self), "personas_bundle_links", 1)


def install(config: MkDocsConfig, links: BundleLinks) -> None:
    """Have MkDocs' Markdown renderer resolve skill links with ``links`` (once per config)."""
    for extension in config.markdown_extensions:
        if isinstance(extension, LinkExtension):
            extension.links = links
            return
    config.markdown_extensions.append(LinkExtension(links))
