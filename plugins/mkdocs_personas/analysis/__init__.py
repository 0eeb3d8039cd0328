"""Stage 3, analysis: keywords, ranking, similarity, relations (no MkDocs)."""
