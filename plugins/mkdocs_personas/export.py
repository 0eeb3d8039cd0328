"""What the build publishes besides pages: raw source files (and the catalogue as data)."""

from __future__ import annotations

import os

from .pages import Site


def write_raw_files(site: Site, site_dir: str) -> None:
    """Write each entry's source file, as read, next to its page for copy and download."""
    for entry in site.catalogue.entries:
        path = os.path.join(site_dir, *site.raw_path(entry).split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(entry.raw)
