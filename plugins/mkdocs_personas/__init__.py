"""mkdocs-personas: publish AI persona and skill files as a searchable MkDocs catalogue."""

from .catalogue import Catalogue, Reader, Settings, load
from .model import Entry, Kind, Problem, Reference
from .relations import Options, Relations, relate

__version__ = "0.2.0"
"""The version of the package, defined here only (pyproject.toml reads it)."""

__all__ = [
    "Catalogue",
    "Entry",
    "Kind",
    "Options",
    "Problem",
    "Reader",
    "Reference",
    "Relations",
    "Settings",
    "__version__",
    "load",
    "relate",
]
