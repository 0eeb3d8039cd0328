"""Where the package's own files are: the templates and theme overrides, inside the
installed package or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    """The ``templates/`` folder: inside the installed package, or at the repository top."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent.parent / "templates"):
        if (candidate / "fragments").is_dir():
            return candidate
    raise FileNotFoundError(f"mkdocs-personas templates not found next to {here}")


def theme_dir() -> Path:
    """Theme overrides and assets, added to the theme's search path."""
    return templates_dir() / "theme"
