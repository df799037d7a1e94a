"""The LinkedIn reader: posts and socialActions comments as items, a thread whole when its
listing's total is held, an empty listing saved with its request a thread of none, bad input
named."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from format_story import MemoryBundle, read_all

from kanalarkiv.capture.formats.linkedin import reader
from kanalarkiv.capture.items import FormatError

POST = "urn:li:share:7100000000000000001"
COMMENT = "urn:li:comment:(urn:li:activity:7100000000000000001,7200000000000000010)"
MARCH = 1772442000000  # 2026-03-02T09:00:00Z in milliseconds


def comment(urn: str, text: str, time: int, parent: str | None = None, modified: int | None = None) -> dict:
    element = {
        "actor": "urn:li:person:inventedPerson1",
        "commentUrn": urn,
        "created": {"time": time},
        "lastModified": {"time": modified or time},
        "message": {"text": text},
        "object": POST,
    }
    return element | ({"parentComment": parent} if parent else {})


def listing(elements: list, total: int, request: str | None = None) -> dict:
    response = {"paging": {"start": 0, "count": 10, "total": total, "links": []}, "elements": elements}
    return {"request": request, "response": response} if request else response


def test_posts_comments_and_replies_are_read_with_their_parents_and_edits():
    posts = {
        "paging": {"start": 0, "count": 10},
        "elements": [{"id": POST, "commentary": "Vi söker", "publishedAt": MARCH}],
    }
    reply = "urn:li:comment:(urn:li:activity:7100000000000000001,7200000000000000020)"
    files = {
        "0001-posts.json": orjson.dumps(posts),
        "0002-comments.json": orjson.dumps(
            listing([comment(COMMENT, "Intressant", MARCH + 1000, modified=MARCH + 60_000)], 1)
        ),
        "0003-comments.json": orjson.dumps(listing([comment(reply, "Tack", MARCH + 2000, parent=COMMENT)], 1)),
    }
    items, completeness = read_all(reader(MemoryBundle(files)))
    post, first, answer = items
    assert (post.kind, post.text, post.published_at) == ("post", "Vi söker", datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    # LinkedIn gives no name: the actor's URN stands as one
    assert (first.kind, first.parent_platform_id, first.author_name) == ("comment", POST, first.platform_author_id)
    assert first.edited_at == datetime(2026, 3, 2, 9, 1, tzinfo=UTC)
    assert (answer.kind, answer.parent_platform_id) == ("reply", COMMENT)
    assert completeness.threads == {POST, COMMENT} and not completeness.posts


def test_a_thread_with_fewer_comments_than_its_total_is_not_whole():
    files = {"0001-comments.json": orjson.dumps(listing([comment(COMMENT, "Intressant", MARCH)], 3))}
    _items, completeness = read_all(reader(MemoryBundle(files)))
    assert completeness.threads == set() and completeness.partial == {POST}


def test_an_empty_listing_saved_with_its_request_is_a_thread_of_none():
    request = "/rest/socialActions/urn%3Ali%3Ashare%3A7100000000000000002/comments?start=0"
    files = {"0001-comments.json": orjson.dumps(listing([], 0, request))}
    _items, completeness = read_all(reader(MemoryBundle(files)))
    assert completeness.threads == {"urn:li:share:7100000000000000002"}


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"elements": [{"commentUrn": COMMENT, "object": POST}]}, "has no created.time"),
        ({"paging": {}}, "has no elements"),
        ({"elements": [{"id": POST}]}, "has no publishedAt or createdAt"),
    ],
)
def test_bad_responses_are_refused_naming_where(document, problem):
    with pytest.raises(FormatError, match=problem):
        read_all(reader(MemoryBundle({"0001-x.json": orjson.dumps(document)})))
