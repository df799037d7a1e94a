"""A comment's text edited by its author on the platform, as a capture saw it
(``Comment.EditCaptured``): the channel's content shows the new text; every earlier text stays in
the comment's history rows (``content_comments_history``) and in the log."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from domain.comment import Comment
from projections.core.base import handles


class CapturedCommentEdits:
    """Mixed into ``ChannelContentProjection``."""

    rows: Any

    @handles(Comment.EditCaptured, reads="content_comments")
    def comment_edit_captured(self, event: Comment.EditCaptured, curs: Cursor[Any], position: int) -> None:
        self.rows("content_comments").update(
            event.originator_id, position, text=event.text_after, version=event.originator_version
        )
