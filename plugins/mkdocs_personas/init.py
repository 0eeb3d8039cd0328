"""Moved to :mod:`mkdocs_personas.cli.init`; kept so that workflows already in teams'
repositories (``python -m mkdocs_personas.init``) keep working."""

from .cli.init import *  # noqa: F403
from .cli.init import main

if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
