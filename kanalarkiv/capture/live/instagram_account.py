"""An Instagram professional account polled through the Instagram Graph API:
``GET /{version}/{ig-user-id}/media`` with the fields the ``instagram_graph`` reader reads, every
page of the media listing, of each medium's ``comments`` and of each comment's ``replies``
(merged into their edges, see ``graph``), returned as a bundle of the listing's pages.

An incremental window passes ``since`` (Unix seconds; IG User Media's time-based paging).
Instagram gives no edit times, and a comment deleted simply no longer appears: ``confirm_deleted``
asks for it directly.

Needs an access token with ``instagram_basic`` and ``instagram_manage_comments`` (Facebook
Login: graph.facebook.com, the default), or ``instagram_business_basic`` and
``instagram_business_manage_comments`` (Instagram Login: ``base_url`` https://graph.instagram.com)."""

from __future__ import annotations

from kanalarkiv.capture.live.graph_account import PAGE_SIZE, GraphAccount

REPLY_FIELDS = "id,text,timestamp,username,from,hidden"
COMMENT_FIELDS = f"{REPLY_FIELDS},replies.limit({PAGE_SIZE}){{{REPLY_FIELDS}}}"
MEDIA_FIELDS = (
    "id,caption,timestamp,username,owner,permalink,media_type,media_url,thumbnail_url,"
    f"children{{media_url,thumbnail_url}},comments.limit({PAGE_SIZE}){{{COMMENT_FIELDS}}}"
)


class InstagramAccount(GraphAccount):
    kind = "instagram_account"
    format = "instagram-graph"
    listing = "media"
    fields = MEDIA_FIELDS
    reply_edge = "replies"
