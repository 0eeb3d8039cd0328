"""Stage 4, outputs: conversions, exports, diffs (no MkDocs)."""
