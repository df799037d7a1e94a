"""kanalarkiv's benchmark harness (issue 7): each path measured against its raw ceiling,
in the same run on the same server. ``python -m bench --quick`` or ``python -m bench``."""
