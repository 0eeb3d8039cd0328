"""Skill bundles in the site: pages, downloads and a zip per skill folder, and the file
tree on the skill page.

A skill's page lives at ``skills/<name>/index.md`` (URL ``skills/<name>/``); each file of
its folder is published at the same path below it: a Markdown file as a page of its own
and a download, any other file as a download, all of them in the skill's zip. Where the
links of a skill's Markdown lead is :mod:`.page_bundle_links`' part, from the targets
planned here.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel

from ...catalogue.bundles import SKILL_FILE, Bundle, BundledFile
from ...catalogue.catalogue import Catalogue
from ...catalogue.validate import first_heading
from ...outputs.export import raw_path
from ...sources import bounds
from ...sources.model import Entry, Kind, Problem, visible
from ...sources.read import split_front_matter
from ..incremental import digest_of
from .bundle_links import BundleLinks, LinkContext, Repository, warn
from .registry import Links, Page, Registry

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
    front_matter: str = ""
    """The file's front matter as written (between its ``---`` lines): shown above the body
    as text, never rendered."""


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
        config_file = self.config.config_file_path
        base = str(Path(config_file).resolve().parent if config_file else Path.cwd())
        self.repository = Repository(self.config, base)
        self.problems: list[Problem] = []
        self.links = BundleLinks(self.repository, self.problems)
        """Where each file is published, for the links of skills' and personas' Markdown."""
        self.fingerprint_base = ""
        self._fingerprints: dict[str, str] = {}
        """Skill -> its :meth:`fingerprint`, worked out once a build (a rebuild under
        ``mkdocs serve`` asks for each one while it compares pages and again for the next
        rebuild's reuse)."""

    # Planning ------------------------------------------------------------------------

    def plan(self) -> None:
        """Plan after every other page: a bundled page never takes another page's address."""
        self._plan_bundles()
        self.fingerprint_base = digest_of(
            repr((sorted(self.links.targets.items()), self.repository.blob_base()))
        )
        self._fingerprints.clear()
        for src, document in self.documents.items():
            page = Page(document.title, "bundle.html", entry=document)
            page.description = document.description
            self.registry.add(src, page)
            page.file.edit_uri = self.edit_uri(document)

    def _plan_bundles(self) -> None:
        registry, catalogue, links = self.registry, self.catalogue, self.links
        for entry in catalogue.entries:
            source = os.path.normpath(os.path.join(self.repository.base, entry.path))
            links.targets[source] = registry.entry_src(entry)
            if entry.kind == Kind.PERSONA:
                links.entries[registry.entry_src(entry)] = entry
        taken = {page.file.dest_uri for page in registry.pages.values()}
        taken |= {raw_path(entry) for entry in catalogue.entries}
        for name, bundle in self.bundles.items():
            skill = catalogue.get(Kind.SKILL, name)
            skill_src = registry.entry_src(skill)
            links.contexts[skill_src] = LinkContext(skill_src, bundle, SKILL_FILE, skill)
            links.targets[str(bundle.root)] = skill_src
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
            self.links.targets.setdefault(inside, self.registry.entry_src(skill))
            folder = posixpath.dirname(folder)
        if not item.served:
            return
        src = f"skills/{name}/{item.path}"
        if item.page:
            document = self._document(skill, bundle, item)
            dest = File(src, None, "", self.config.use_directory_urls).dest_uri
            if document is not None and (dest in taken or src in self.registry.pages):
                warn(
                    self.problems,
                    f"{bundle.folder}/{item.path}",
                    1,
                    f"its page would take the address {dest} of another page: it is "
                    "published as a download and in the zip only; rename the file",
                )
            elif document is not None:
                taken.add(dest)
                self.documents[src] = document
                self.pages[(name, item.path)] = src
                self.links.contexts[src] = LinkContext(src, bundle, item.path, document)
                self.links.targets[absolute] = src
            download = self._static(src + RAW_SUFFIX, item.data)
            download.dest_uri = src
        else:
            download = self._static(src, item.data)
            self.links.targets[absolute] = src
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
            warn(
                self.problems,
                display,
                1,
                f"expected UTF-8 text, found the byte 0x{item.data[error.start]:02x}: "
                "published as a download and in the zip, without a page",
            )
            return None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        front, body, body_line = "", text, 1
        if text.startswith("---"):
            parts = split_front_matter(text, display)
            if not isinstance(parts, Problem):
                front, body, body_line = parts
        too_much = bounds.check(body, display, body_line)
        fatal = [p for p in too_much if p.fatal]
        if fatal:
            warn(
                self.problems,
                display,
                fatal[0].line,
                f"{fatal[0].message}: published as a download and in the zip, without a page",
            )
            return None
        for problem in too_much:  # nesting past the bound: the page shows it flattened
            warn(self.problems, display, problem.line, problem.message, problem.col, problem.field)
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
            findings=item.findings,
            front_matter=front,
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
        known = self._fingerprints.get(name)
        if known is None:
            skill = self.catalogue.get(Kind.SKILL, name)
            known = digest_of(repr((bundle.digest, skill.title, self.fingerprint_base)))
            self._fingerprints[name] = known
        return known

    def tree(self, entry: Entry, links: Links) -> dict | None:
        """The file tree of a skill's page, or None for a skill without a folder."""
        bundle = self.bundles.get(entry.name) if entry.kind == Kind.SKILL else None
        if bundle is None or isinstance(entry, BundleDocument):
            return None
        root: dict = {"children": {}}
        blob = self.repository.blob_base()
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
                "repo": self.repository.blob(bundle, item.path, blob) if not url else None,
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
            "front_matter": "\n".join(map(visible, document.front_matter.split("\n")))
            if document.front_matter.strip()
            else "",
        }


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
