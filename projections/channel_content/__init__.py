"""A channel's own record: its posts (every version, and deletions) and the comments on them
(with replies, moderation state and case transfers). Public reads filter what the public may
see; records officers and auditors read everything but commenters' identity fields.

One projection in three modules: its tables (``tables``), its queries (``view``) and its
handlers (``projection``)."""

from projections.channel_content.projection import ChannelContentProjection
from projections.channel_content.view import ChannelContentView

__all__ = ["ChannelContentProjection", "ChannelContentView"]
