"""Moved to :mod:`mkdocs_personas.cli.preview_comment`; kept so that workflows already in teams'
repositories (``python -m mkdocs_personas.preview_comment``) keep working."""

from .cli.preview_comment import *  # noqa: F403
from .cli.preview_comment import (  # noqa: F401
    GH_TOKEN,
    KINDS,
    MARKER,
    MAX_ITEMS,
    MAX_SUMMARY,
    MAX_TEXT,
    SHA,
    STATUSES,
    body,
    code,
    fenced,
    find,
    gh,
    main,
    post,
    preview_link,
    summary_markdown,
)

if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv))
