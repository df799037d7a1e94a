"""What a rendering shows: a channel's posts of a period with their comments and replies, as they
stood at one log position, cut to what one audience may see (``domain.audience``, the API's own
rule), with every disposed record's content read as its disposal marker.

Whether a record is disposed of is asked of the key store, not of a view: the key store is where
disposal happens, so a rendering made while a view has not yet applied a disposal still cannot
hold the disposed content. Commenters' names and ids are never shown (as in the archival
package), so erasing a commenter's personal data has nothing to reach here."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.audience import Audience
from domain.period import Period
from kanalarkiv.archival.content import read_posts
from kanalarkiv.readside.views import Views
from retention.crypto.keystore import Destroyed, KeyStore
from retention.disposal import disposed_marker
from retention.rendering_document import RenderedComment, RenderedPost, RenderedReply, RenderingDocument, Shown


def read_rendering(
    views: Views,
    keystore: KeyStore,
    organisation: str,
    channel: dict[str, Any],
    period: Period,
    position: int,
    audience: Audience,
) -> RenderingDocument:
    views.wait_for("channel_content", position)
    posts = read_posts(views, channel["id"], period, position)
    destroyed = _destroyed(keystore, posts)
    return RenderingDocument(
        organisation, channel, period, position, audience, [_post(post, audience, destroyed) for post in posts]
    )


def _destroyed(keystore: KeyStore, posts: list[dict[str, Any]]) -> dict[UUID, Destroyed]:
    ids = [p["post_id"] for p in posts] + [c["comment_id"] for p in posts for c in p["comments"]]
    ids += [r["reply_id"] for p in posts for c in p["comments"] for r in c["replies"]]
    keys = keystore.keys_for_reading({f"record:{record_id}" for record_id in ids}) if ids else {}
    return {record_id: key for record_id in ids if isinstance(key := keys[f"record:{record_id}"], Destroyed)}


def _shown(record_id: UUID, text: str | None, destroyed: dict[UUID, Destroyed]) -> Shown:
    if text is None:
        return Shown(record_id, None, held=False)
    gone = destroyed.get(record_id)
    if gone is not None:
        return Shown(record_id, disposed_marker(gone.reference, gone.at), held=False)
    return Shown(record_id, text, held=True)


def _post(post: dict[str, Any], audience: Audience, destroyed: dict[UUID, Destroyed]) -> RenderedPost:
    deleted = post["deleted_at"] is not None
    deletion = None
    if deleted and audience.sees_deleted_text:
        deletion = {
            "deleted_at": post["deleted_at"],
            "ground": post["delete_ground"],
            "reason": post["delete_reason"],
            "by": post["deleted_by_name"],
        }
    text = post["text"] if audience.sees_deleted_text or not deleted else None
    return RenderedPost(
        post["published_at"],
        post["author_name"],
        post["edits"],
        deletion,
        _shown(post["post_id"], text, destroyed),
        [_comment(c, destroyed) for c in post["comments"] if audience.sees_comment(c["visibility"])],
    )


def _comment(comment: dict[str, Any], destroyed: dict[UUID, Destroyed]) -> RenderedComment:
    return RenderedComment(
        comment["received_at"],
        comment["visibility"],
        comment["moderation_ground"],
        comment["moderation_provision"],
        comment["moderation_justification"],
        comment["case_diary_number"],
        comment["moved_to_case"],
        _shown(comment["comment_id"], comment["text"], destroyed),
        [
            RenderedReply(r["replied_at"], r["author_name"], _shown(r["reply_id"], r["text"], destroyed))
            for r in comment["replies"]
        ],
    )
