"""One module per source format; each reads a ``Bundle`` and yields ``Item``s and ``Deleted``s."""
