"""Skill bundles in the site: pages, downloads and a zip per skill folder, the file tree
on the skill page, and where the links of a skill's Markdown lead.

A skill's page lives at ``skills/<name>/index.md`` (URL ``skills/<name>/``), so the
relative links of its ``SKILL.md`` resolve against the same folder as on disk:
``references/guide.md`` is the bundled page ``skills/<name>/references/guide.md``,
``scripts/run.py`` the download ``skills/<name>/scripts/run.py``. A Markdown
tree processor, run just before MkDocs resolves links, sends a link to where the
target is published: another skill's page or bundled file, the skill's zip for a file
that is in the zip only, else the repository (``repo_url``). A link with nowhere to go
is shown as text and reported.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from . import bounds
from .bundles import SKILL_FILE, Bundle, BundledFile
from .catalogue import Catalogue
from .export import raw_path
from .incremental import digest_of
from .model import Entry, Kind, Problem
from .page_registry import Links, Page, Registry
from .read import split_front_matter
from .validate import first_heading

log = get_plugin_logger("personas")

RAW_SUFFIX = "~raw"
"""Added to the source path of a bundled Markdown file's raw download, whose own source
path is its page; the download is still written at the file's path."""


@dataclass(frozen=True)
class BundleDocument(Entry):
    """A Markdown file bundled with a skill, shown as a page of its own."""

    skill: str = ""
    """The skill's name."""
    relative: str = ""
    """Path below the skill's folder, with ``/``."""


@dataclass(frozen=True)
class _Context:
    """A page whose Markdown links are resolved against a skill's folder."""

    src_uri: str
    bundle: Bundle
    relative: str
    """The page's own file, below the skill's folder (``SKILL.md`` for the skill)."""
    entry: Entry


class BundlePlan:
    """Every skill bundle of one build: its pages, files and links."""

    def __init__(
        self,
        registry: Registry,
        catalogue: Catalogue,
        bundles: Mapping[str, Bundle],
        edit_uri: Callable[[Entry], str | None],
    ) -> None:
        self.registry = registry
        self.catalogue = catalogue
        self.edit_uri = edit_uri
        self.config: MkDocsConfig = registry.config
        self.bundles = {
            name: bundle
            for name, bundle in sorted(bundles.items())
            if catalogue.get(Kind.SKILL, name) is not None
        }
        self.documents: dict[str, BundleDocument] = {}
        """Source path -> bundled Markdown page."""
        self.files: list[File] = []
        """Downloads and zips, static files of the build."""
        self.urls: dict[tuple[str, str], str] = {}
        """(skill, path below its folder) -> URL of the download."""
        self.zips: dict[str, str] = {}
        """Skill -> URL of its zip."""
        self.pages: dict[tuple[str, str], str] = {}
        """(skill, path below its folder) -> source path of the page."""
        self.problems: list[Problem] = []
        self.contexts: dict[str, _Context] = {}
        self.entries: dict[str, Entry] = {}
        """Source path of a persona's page -> the persona, whose relative links resolve
        against its file's folder (:meth:`resolve_entry`)."""
        self.targets: dict[str, str] = {}
        """Absolute path on disk -> source path of what publishes it (for links)."""
        config_file = self.config.config_file_path
        self.base = str(Path(config_file).resolve().parent if config_file else Path.cwd())
        self.fingerprint_base = ""

    # Planning ------------------------------------------------------------------------

    def plan(self) -> None:
        """Plan after every other page: a bundled page never takes another page's address."""
        self._plan_bundles()
        self.fingerprint_base = digest_of(repr((sorted(self.targets.items()), self._blob_base())))
        for src, document in self.documents.items():
            page = Page(document.title, "bundle.html", entry=document)
            page.description = document.description
            self.registry.add(src, page)
            page.file.edit_uri = self.edit_uri(document)

    def _plan_bundles(self) -> None:
        registry, catalogue = self.registry, self.catalogue
        for entry in catalogue.entries:
            source = os.path.normpath(os.path.join(self.base, entry.path))
            self.targets[source] = registry.entry_src(entry)
            if entry.kind == Kind.PERSONA:
                self.entries[registry.entry_src(entry)] = entry
        taken = {page.file.dest_uri for page in registry.pages.values()}
        taken |= {raw_path(entry) for entry in catalogue.entries}
        for name, bundle in self.bundles.items():
            skill = catalogue.get(Kind.SKILL, name)
            skill_src = registry.entry_src(skill)
            self.contexts[skill_src] = _Context(skill_src, bundle, SKILL_FILE, skill)
            self.targets[str(bundle.root)] = skill_src
            archive = self._static(f"skills/{name}/{name}.zip", bundle.archive)
            self.files.append(archive)
            self.zips[name] = archive.url
            for item in bundle.files:
                self._plan_file(skill, bundle, item, taken)

    def _plan_file(self, skill: Entry, bundle: Bundle, item: BundledFile, taken: set[str]) -> None:
        name = skill.name
        absolute = os.path.normpath(os.path.join(bundle.root, item.path))
        folder = posixpath.dirname(item.path)
        while folder:
            inside = os.path.normpath(os.path.join(bundle.root, folder))
            self.targets.setdefault(inside, self.registry.entry_src(skill))
            folder = posixpath.dirname(folder)
        if not item.served:
            return
        src = f"skills/{name}/{item.path}"
        if item.page:
            document = self._document(skill, bundle, item)
            dest = File(src, None, "", self.config.use_directory_urls).dest_uri
            if document is not None and (dest in taken or src in self.registry.pages):
                self._warn(
                    f"{bundle.folder}/{item.path}",
                    1,
                    f"its page would take the address {dest} of another page: it is "
                    "published as a download and in the zip only; rename the file",
                )
            elif document is not None:
                taken.add(dest)
                self.documents[src] = document
                self.pages[(name, item.path)] = src
                self.contexts[src] = _Context(src, bundle, item.path, document)
                self.targets[absolute] = src
            download = self._static(src + RAW_SUFFIX, item.data)
            download.dest_uri = src
        else:
            download = self._static(src, item.data)
            self.targets[absolute] = src
        self.files.append(download)
        self.urls[(name, item.path)] = download.url

    def _static(self, src_uri: str, content: bytes) -> File:
        return File.generated(
            self.config, src_uri, content=content, inclusion=InclusionLevel.INCLUDED
        )

    def _document(self, skill: Entry, bundle: Bundle, item: BundledFile) -> BundleDocument | None:
        """A bundled Markdown file as a page: its first H1 is the title, front matter
        is left out (it stays in the download)."""
        display = f"{bundle.folder}/{item.path}"
        try:
            text = item.data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        except UnicodeDecodeError as error:
            self._warn(
                display,
                1,
                f"expected UTF-8 text, found the byte 0x{item.data[error.start]:02x}: "
                "published as a download and in the zip, without a page",
            )
            return None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        body, body_line = text, 1
        if text.startswith("---"):
            parts = split_front_matter(text, display)
            if not isinstance(parts, Problem):
                _, body, body_line = parts
        too_much = bounds.check(body, display, body_line)
        if too_much:
            first = too_much[0]
            self._warn(
                display,
                first.line,
                f"{first.message}: published as a download and in the zip, without a page",
            )
            return None
        title = posixpath.basename(item.path)
        heading = first_heading(body)
        if heading is not None:
            index, heading_text = heading
            lines = body.split("\n")
            if heading_text and all(not line.strip() for line in lines[:index]):
                title = heading_text
                body = "\n".join(lines[index + 1 :])
                body_line += index + 1
        return BundleDocument(
            kind=Kind.SKILL,
            name=skill.name,
            title=title,
            description=f"{item.path}, a file of the skill {skill.title}",
            path=display,
            raw=text,
            body_offset=len(text) - len(body),
            body_line=body_line,
            collection=skill.collection,
            description_in_body=True,
            skill=skill.name,
            relative=item.path,
        )

    # What pages show ----------------------------------------------------------------

    def fingerprint(self, entry: Entry) -> str:
        """A digest of what a skill's bundle adds to a page (``""`` for other pages)."""
        if entry.kind == Kind.PERSONA:
            return self.fingerprint_base  # where its relative links lead
        name = entry.skill if isinstance(entry, BundleDocument) else entry.name
        bundle = self.bundles.get(name) if entry.kind == Kind.SKILL else None
        if bundle is None:
            return ""
        skill = self.catalogue.get(Kind.SKILL, name)
        return digest_of(repr((bundle.digest, skill.title, self.fingerprint_base)))

    def tree(self, entry: Entry, links: Links) -> dict | None:
        """The file tree of a skill's page, or None for a skill without a folder."""
        bundle = self.bundles.get(entry.name) if entry.kind == Kind.SKILL else None
        if bundle is None or isinstance(entry, BundleDocument):
            return None
        root: dict = {"children": {}}
        blob = self._blob_base()
        for item in bundle.files:
            node = root
            parts = item.path.split("/")
            for part in parts[:-1]:
                node = node["children"].setdefault(part, {"name": part, "children": {}})
            key = (entry.name, item.path)
            page, url = self.pages.get(key), self.urls.get(key)
            node["children"][parts[-1]] = {
                "name": parts[-1],
                "children": None,
                "page": links.to(self.registry.url(page)) if page else None,
                "download": links.to(url) if url else None,
                "repo": self._blob(bundle, item.path, blob) if not url else None,
                "size": human_size(len(item.data)),
            }
        return {
            "tree": _listed(root["children"]),
            "zip": links.to(self.zips[entry.name]),
            "zip_name": f"{entry.name}.zip",
            "count": len(bundle.files) + 1,
            "size": human_size(len(bundle.source) + sum(len(f.data) for f in bundle.files)),
        }

    def document_context(self, document: BundleDocument, links: Links) -> dict:
        """What the page of a bundled Markdown file shows besides its body."""
        skill = self.catalogue.get(Kind.SKILL, document.skill)
        url = self.urls[(document.skill, document.relative)]
        return {
            "entry": document,
            "skill": skill,
            "skill_url": links.to(self.registry.entry_url(skill)),
            "raw_url": links.to(url),
            "download_name": posixpath.basename(document.relative),
            "zip_url": links.to(self.zips[skill.name]),
            "zip_name": f"{skill.name}.zip",
        }

    # Links ---------------------------------------------------------------------------

    def resolve(self, context: _Context, url: str) -> str | None:
        """Where a link of a skill's Markdown leads: ``url`` itself when MkDocs can
        resolve it, a path MkDocs resolves, an absolute URL, or None (shown as text)."""
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
        blob = self._blob(bundle, target)
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
            f"the link {url!r} leads to {where}, which this site does not publish: it is "
            "shown as text; set repo_url (and edit_uri) in mkdocs.yml to link to the "
            "repository, or put the file in the skill's folder",
        )
        return None

    def resolve_entry(self, entry: Entry, src_uri: str, url: str) -> str | None:
        """Where a relative link of a persona's body leads: the page of the persona,
        skill or bundled file it names on disk, else the file in the repository (with
        ``repo_url``), else nothing (shown as text); both with an INFO line."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("/", "\\")) or not parts.path:
            return url
        if AMP_SUBSTITUTE in url:
            return url
        folder = os.path.dirname(os.path.normpath(os.path.join(self.base, entry.path)))
        absolute = os.path.normpath(os.path.join(folder, unquote(parts.path)))
        suffix = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else ""
        )
        src = self.targets.get(absolute)
        if src is not None:
            return posixpath.relpath(src, posixpath.dirname(src_uri)) + suffix
        blob = self._blob_path(absolute)
        index = entry.raw.find(url, entry.body_offset)
        line, col = (1, 1) if index < 0 else _position(entry.raw, index)
        if blob is not None:
            message = (
                f"the link {url!r} leads to a file this site does not publish: it leads to "
                "the repository instead"
            )
            self._warn(entry.path, line, message, col, "link")
            return blob + suffix
        message = (
            f"the link {url!r} leads to a file this site does not publish: it is shown as "
            "text; set repo_url (and edit_uri) in mkdocs.yml to link to the repository"
        )
        self._warn(entry.path, line, message, col, "link")
        return None

    def _blob_path(self, absolute: str) -> str | None:
        """The repository URL of a file inside the project, if ``repo_url`` is set."""
        base = self._blob_base()
        if base is None or os.path.relpath(absolute, self.base).startswith(os.pardir):
            return None
        docs = os.path.realpath(self.config.docs_dir)
        relative = os.path.relpath(absolute, docs).replace(os.sep, "/")
        return urljoin(base, quote(relative))

    def _link_problem(self, context: _Context, url: str, message: str) -> None:
        raw = context.entry.raw
        index = raw.find(url, context.entry.body_offset)
        line, col = (1, 1) if index < 0 else _position(raw, index)
        self._warn(context.entry.path, line, message, col)

    def _warn(
        self, path: str, line: int, message: str, col: int = 1, field: str = "bundle"
    ) -> None:
        problem = Problem(path, line, col, field, message, fatal=False)
        self.problems.append(problem)
        log.info(str(problem))

    def _blob_base(self) -> str | None:
        """The repository URL of the docs folder, in the ``edit_uri`` style but for
        viewing (``blob`` for ``edit``), or None without ``repo_url`` and ``edit_uri``."""
        repo, edit = self.config.repo_url, self.config.edit_uri
        if not repo or not edit:
            return None
        segments = ["blob" if s == "edit" else s for s in edit.split("/")]
        return urljoin(repo.rstrip("/") + "/", "/".join(segments))

    def _blob(self, bundle: Bundle, target: str, base: str | None = None) -> str | None:
        """The repository URL of a path below a skill's folder, if inside the project."""
        base = base or self._blob_base()
        if base is None:
            return None
        absolute = os.path.normpath(os.path.join(bundle.root, target))
        if os.path.relpath(absolute, self.base).startswith(os.pardir):
            return None
        docs = os.path.realpath(self.config.docs_dir)
        relative = os.path.relpath(absolute, docs).replace(os.sep, "/")
        return urljoin(base, quote(relative))


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _listed(children: dict) -> list[dict]:
    """A folder's entries for the template: folders first, then files, each by name."""
    nodes = sorted(children.values(), key=lambda n: (n["children"] is None, n["name"]))
    for node in nodes:
        if node["children"] is not None:
            node["children"] = _listed(node["children"])
    return nodes


def human_size(size: int) -> str:
    """A byte count as people read it: ``512 B``, ``1.5 kB``, ``2.0 MB``."""
    if size < 1000:
        return f"{size} B"
    if size < 1000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1000_000:.1f} MB"


class _LinkProcessor(Treeprocessor):
    """Sends each link of a skill's page or bundled page where its target is published,
    before MkDocs resolves (and checks) the links that remain relative."""

    def __init__(self, md: Markdown, extension: LinkExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: Element) -> None:
        plan = self.extension.plan
        try:
            file = self.md.treeprocessors["relpath"].file  # the page MkDocs renders
        except (KeyError, AttributeError):
            return
        if plan is None:
            return
        context = plan.contexts.get(file.src_uri)
        entry = plan.entries.get(file.src_uri) if context is None else None
        if context is None and entry is None:
            return
        for element in root.iter():
            key = {"a": "href", "img": "src"}.get(element.tag)
            url = element.get(key) if key else None
            if url is None:
                continue
            if context is not None:
                resolved = plan.resolve(context, url)
            else:
                resolved = plan.resolve_entry(entry, file.src_uri, url)
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

    def __init__(self, plan: BundlePlan | None = None) -> None:
        super().__init__()
        self.plan = plan

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_LinkProcessor(md, self), "personas_bundle_links", 1)


def install(config: MkDocsConfig, plan: BundlePlan) -> None:
    """Have MkDocs' Markdown renderer resolve skill links with ``plan`` (once per config)."""
    for extension in config.markdown_extensions:
        if isinstance(extension, LinkExtension):
            extension.plan = plan
            return
    config.markdown_extensions.append(LinkExtension(plan))
