"""mkdocs-personas: publish AI persona and skill files as a searchable MkDocs catalogue."""

from .analysis.relations import Options, Relations, relate
from .catalogue.catalogue import Catalogue, Reader, Settings, load
from .sources.model import Entry, Kind, Problem, Reference

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
