"""Moved to :mod:`mkdocs_personas.cli.preview_check`; kept so that workflows already in teams'
repositories (``python -m mkdocs_personas.preview_check``) keep working."""

from .cli.preview_check import *  # noqa: F403
from .cli.preview_check import (  # noqa: F401
    ABSOLUTE_BASE,
    ALLOWED_SUFFIXES,
    CONFIG_KEYS,
    DATA_TYPES,
    FORBIDDEN_TAGS,
    INERT,
    INERT_PLACES,
    KNOWN_ONLY,
    MAX_BYTES,
    MAX_FILES,
    NAVIGATION_ATTRIBUTES,
    PAGEFIND_DATA,
    PLACEHOLDER,
    POLICY_OPTIONS,
    SAFE_NAME,
    SCRIPT_SCHEMES,
    SERVICE_WORKER,
    SITEMAP,
    TOP_FILES,
    TOP_LEVEL,
    TRANSLATION_KEY,
    URL_ATTRIBUTES,
    WORKERS,
    Known,
    audit_html,
    check_config,
    check_file,
    check_policy,
    check_shared,
    main,
    problems,
)

if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv))
