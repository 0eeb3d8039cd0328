"""Stage 5, site: the MkDocs side (plugin, config, rendering, pages)."""
