"""Read models built from the log. One projection per module, each with its own tables and
tracking position, written in one transaction per batch: exactly-once and rebuildable."""
