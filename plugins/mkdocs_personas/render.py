"""Moved to :mod:`mkdocs_personas.site.render`; kept so that workflows already in teams'
repositories (``python -m mkdocs_personas.render``) keep working."""

from .site.render import *  # noqa: F403
from .site.render import theme_dir  # noqa: F401
