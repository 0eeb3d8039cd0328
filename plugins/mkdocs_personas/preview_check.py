"""Moved to :mod:`mkdocs_personas.cli.preview_check`; kept so that workflows already in teams'
repositories (``python -m mkdocs_personas.preview_check``) keep working."""

from .cli.preview_check import *  # noqa: F403
from .cli.preview_check import main

if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv))
