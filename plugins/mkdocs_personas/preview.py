"""Moved to :mod:`mkdocs_personas.cli.preview`; kept so that workflows already in teams'
repositories (``python -m mkdocs_personas.preview``) keep working."""

from .cli.preview import *  # noqa: F403
from .cli.preview import main

if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
