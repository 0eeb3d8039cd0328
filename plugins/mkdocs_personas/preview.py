"""Moved to :mod:`mkdocs_personas.cli.preview`; kept so that workflows already in teams'
repositories (``python -m mkdocs_personas.preview``) keep working."""

from .cli.preview import *  # noqa: F403
from .cli.preview import (  # noqa: F401
    CONFIG_NAMES,
    DOCS_SUFFIXES,
    EVALUATING_EXTENSIONS,
    EVALUATING_PLUGINS,
    build_command,
    content_files,
    engine,
    evaluating,
    main,
    protected,
    take,
)

if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
