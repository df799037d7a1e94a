"""The public-records diary (diarium): every entry's current reading, every earlier reading,
the secrecy markings, the cases, and the comments editors moved to a case that wait to be
registered.

What the public may read is computed by PostgreSQL itself: ``public_counterpart`` and
``public_description`` are generated columns that hold the neutral secrecy text wherever a
field is marked, and public search uses ``public_search``, an index over public text only, so
that a search for a marked word cannot even tell which entry holds it. Public queries select
``PUBLIC_COLUMNS`` and nothing else.

One projection in three modules: its tables (``tables``), its queries (``view``) and its
handlers (``projection``)."""

from projections.diary.projection import DiaryProjection
from projections.diary.tables import PUBLIC_COLUMNS
from projections.diary.view import DiaryQuery, DiaryView

__all__ = ["PUBLIC_COLUMNS", "DiaryProjection", "DiaryQuery", "DiaryView"]
