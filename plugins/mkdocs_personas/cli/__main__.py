"""``python -m mkdocs_personas.cli``."""

import sys

from .commands import main

sys.exit(main())
