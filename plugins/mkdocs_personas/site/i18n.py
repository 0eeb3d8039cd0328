"""Living next to mkdocs-static-i18n: generated pages in each language it builds.

The i18n plugin rebuilds its file list in its own ``on_files`` (priority −100) and drops
pages whose source is outside ``docs_dir``, as ours are. So, when it is on, the plugin adds
its pages after it (:data:`AFTER_I18N`). The i18n plugin builds the default language at the
site root, then runs the whole build again for each other language, with that language as
``theme.language`` and every docs page under ``<language>/``: our pages follow, in the
interface strings of that language.
"""

from __future__ import annotations

from collections.abc import Iterable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

NAME = "i18n"
AFTER_I18N = -110
"""Our ``on_files`` priority when the i18n plugin is on: after its −100."""


def active(config: MkDocsConfig) -> bool:
    """Whether mkdocs-static-i18n is configured (it has no switch to turn it off)."""
    return NAME in config.plugins


def prefix(config: MkDocsConfig) -> str:
    """The folder of the language being built: ``""`` for the default language (or without
    the i18n plugin), else ``"<language>/"``."""
    plugin = config.plugins.get(NAME)
    if plugin is None:
        return ""
    current = getattr(plugin, "current_language", None)
    default = getattr(plugin, "default_language", None)
    return "" if not current or current == default else f"{current}/"


def relocate(files: Iterable[File], folder: str) -> None:
    """Move ``files`` below ``folder`` of the site (nothing when ``folder`` is empty),
    dropping the URL and output path MkDocs worked out from the old place."""
    if not folder:
        return
    for file in files:
        file.dest_uri = folder + file.dest_uri
        for cached in ("url", "abs_dest_path"):
            file.__dict__.pop(cached, None)
