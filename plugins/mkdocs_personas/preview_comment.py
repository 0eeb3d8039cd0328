"""Moved to :mod:`mkdocs_personas.cli.preview_comment`; kept so that workflows already in teams'
repositories (``python -m mkdocs_personas.preview_comment``) keep working."""

from .cli.preview_comment import *  # noqa: F403
from .cli.preview_comment import main

if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv))
