"""A Facebook Page polled through the Graph API: ``GET /{version}/{page-id}/feed`` with the
fields the ``facebook_graph`` reader reads, every page of the listing and every page of each
post's comments and each comment's replies (``filter=toplevel``, nested as the reader expects;
``graph`` merges an edge's pages into it), returned as a bundle of the feed's pages.

A backfill reads the whole feed; an incremental window passes ``since`` (Unix seconds, the Page
Feed reference's time-based paging) and so holds the posts published since then with their whole
threads — the reader takes the posts as whole for the span it holds, never beyond.

Needs a Page access token with ``pages_read_engagement`` and ``pages_read_user_content`` (the
latter for comments by people and for ``is_hidden``), from a person with a task on the Page."""

from __future__ import annotations

from kanalarkiv.capture.live.graph_account import PAGE_SIZE, GraphAccount

_COMMENT = "id,message,created_time,from,is_hidden,attachment"
COMMENT_FIELDS = f"{_COMMENT},comments.filter(toplevel).limit({PAGE_SIZE}){{{_COMMENT}}}"
POST_FIELDS = (
    "id,message,created_time,updated_time,from,is_hidden,"
    "attachments{unshimmed_url,url,media,subattachments},"
    f"comments.filter(toplevel).limit({PAGE_SIZE}){{{COMMENT_FIELDS}}}"
)


class FacebookPage(GraphAccount):
    kind = "facebook_page"
    format = "facebook-graph"
    listing = "feed"
    fields = POST_FIELDS
    reply_edge = "comments"
