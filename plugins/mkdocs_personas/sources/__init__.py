"""Stage 1, sources: finding files and reading them safely (no MkDocs)."""
