"""Retention views: every record with its class and trigger times, the plan in force, holds,
and the disposal log (kept permanently). Due, due soon and held are computed against the plan
and holds in force when asked.

One projection in two modules: its tables and queries (``view``) and its handlers (``projection``)."""

from projections.retention.projection import RetentionProjection
from projections.retention.view import RetentionView

__all__ = ["RetentionProjection", "RetentionView"]
