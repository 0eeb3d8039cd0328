"""Stage 2, catalogue: the model checked and assembled (no MkDocs)."""
