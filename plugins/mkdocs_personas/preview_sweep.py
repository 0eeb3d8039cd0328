"""Moved to :mod:`mkdocs_personas.cli.preview_sweep`; kept so that workflows already in teams'
repositories (``python -m mkdocs_personas.preview_sweep``) keep working."""

from .cli.preview_sweep import *  # noqa: F403
from .cli.preview_sweep import main

if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
