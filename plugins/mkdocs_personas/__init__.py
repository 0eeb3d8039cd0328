"""mkdocs-personas: publish AI persona and skill files as a searchable MkDocs catalogue."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis.relations import Options, Relations, relate
    from .catalogue.catalogue import Catalogue, Reader, Settings, load
    from .sources.model import Entry, Kind, Problem, Reference

__version__ = "0.2.0"
"""The version of the package, defined here only (pyproject.toml reads it)."""

_EXPORTS = {
    "Options": ".analysis.relations",
    "Relations": ".analysis.relations",
    "relate": ".analysis.relations",
    "Catalogue": ".catalogue.catalogue",
    "Reader": ".catalogue.catalogue",
    "Settings": ".catalogue.catalogue",
    "load": ".catalogue.catalogue",
    "Entry": ".sources.model",
    "Kind": ".sources.model",
    "Problem": ".sources.model",
    "Reference": ".sources.model",
}
"""Where each name of the package's interface is defined: imported when first used, so
that a command that needs only a part (``personas validate``) does not import the rest."""

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
