"""Page kinds: each plans its pages and builds their context."""
