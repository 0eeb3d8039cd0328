"""Moved to :mod:`mkdocs_personas.cli.init`; kept so that workflows already in teams'
repositories (``python -m mkdocs_personas.init``) keep working."""

from .cli.init import *  # noqa: F403
from .cli.init import (  # noqa: F401
    BASIC_WORKFLOWS,
    IGNORED,
    REPOSITORY,
    SOURCE,
    TOKEN,
    WORKFLOWS,
    Install,
    Report,
    Site,
    add_nav,
    add_plugin,
    add_settings,
    catalogue_pages,
    home_page,
    ignore_lines,
    installed,
    leaves,
    main,
    nav_section,
    new_config,
    plugin_entry,
    properdocs_pin,
    remote,
    render_workflow,
    run,
    scaffold,
    site_settings,
    template,
    write_own_workflows,
)

if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
