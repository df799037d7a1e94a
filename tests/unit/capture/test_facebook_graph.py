"""The records officer imports a Page's feed saved from the Graph API: posts, comments and replies
with the platform's ids, hidden comments marked, and whole threads told apart from cut ones."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from format_story import MemoryBundle, bundle_of, read_all

from kanalarkiv.capture.formats.facebook_graph import reader
from kanalarkiv.capture.items import Completeness, FormatError, Item

PAGE = "104857600000001"
FILE = "page_feed.json"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_a_saved_feed_yields_posts_comments_and_replies_with_the_platforms_ids():
    items, _ = read_all(reader(bundle_of("facebook_graph", FILE)))
    assert items == [
        Item(
            kind="post",
            platform_id=f"{PAGE}_200000000000001",
            parent_platform_id=None,
            author_name="Exempelkommunen",
            platform_author_id=PAGE,
            text="Nu öppnar badplatsen vid sjön. Välkomna!",
            published_at=at(2, 9),
            edited_at=at(2, 10, 30),
            hidden=False,
            attachments=("https://example.org/nyheter/badplatsen", "https://cdn.example.com/preview/badplatsen.jpg"),
            where=f"{FILE} response 0 item 0",
        ),
        Item(
            kind="comment",
            platform_id="200000000000001_300000000000001",
            parent_platform_id=f"{PAGE}_200000000000001",
            author_name="Karin Kommenterare",
            platform_author_id="900000000000001",
            text="När stänger badplatsen?",
            published_at=at(2, 9, 15),
            hidden=False,
            where=f"{FILE} response 0 item 0 comments comment 0",
        ),
        Item(
            kind="reply",
            platform_id="200000000000001_300000000000002",
            parent_platform_id="200000000000001_300000000000001",
            author_name="Exempelkommunen",
            platform_author_id=PAGE,
            text="Klockan 20 varje dag i sommar.",
            published_at=at(2, 9, 40),
            hidden=False,
            where=f"{FILE} response 0 item 0 comments comment 0 comments reply 0",
        ),
        Item(
            kind="comment",
            platform_id="200000000000001_300000000000003",
            parent_platform_id=f"{PAGE}_200000000000001",
            author_name="",
            platform_author_id=None,
            text="Ni är alla idioter 😡",
            published_at=at(2, 10),
            hidden=True,
            attachments=("https://media.example.com/gif/arg.gif",),
            where=f"{FILE} response 0 item 0 comments comment 1",
        ),
        Item(
            kind="post",
            platform_id=f"{PAGE}_200000000000002",
            parent_platform_id=None,
            author_name="Exempelkommunen",
            platform_author_id=PAGE,
            text="",
            published_at=at(3, 9),
            edited_at=None,  # updated_time is its comment's time, not an edit
            attachments=(
                "https://www.facebook.com/photo/?fbid=500000000000001",
                "https://cdn.example.com/isbanan/1.jpg",
                "https://www.facebook.com/photo/?fbid=500000000000002",
                "https://cdn.example.com/isbanan/2.jpg",
            ),
            where=f"{FILE} response 0 item 1",
        ),
        Item(
            kind="comment",
            platform_id="200000000000002_300000000000004",
            parent_platform_id=f"{PAGE}_200000000000002",
            author_name="Olle Återkoppling",
            platform_author_id="900000000000002",
            text="Toppen!",
            published_at=at(3, 12),
            hidden=False,
            where=f"{FILE} response 0 item 1 comments comment 0",
        ),
        Item(
            kind="post",
            platform_id=f"{PAGE}_200000000000000",
            parent_platform_id=None,
            author_name="Exempelkommunen",
            platform_author_id=PAGE,
            text="Kommunfullmäktige sammanträder i kväll.",
            published_at=at(1, 17),
            where=f"{FILE} response 1 item 0",
        ),
    ]


def test_threads_are_whole_only_without_a_next_page_and_the_posts_when_the_listing_ends():
    _, completeness = read_all(reader(bundle_of("facebook_graph", FILE)))
    assert completeness == Completeness(
        posts=True,
        period=(at(1, 17), at(3, 9)),
        # the second post's comments go on (paging.next); the third has no comments edge
        threads={f"{PAGE}_200000000000001", "200000000000001_300000000000001"},
        partial={f"{PAGE}_200000000000002"},
    )


def test_one_saved_page_with_a_next_page_does_not_hold_the_posts_whole():
    first_page = orjson.loads(bundle_of("facebook_graph", FILE).read(FILE))[0]
    items, completeness = read_all(reader(MemoryBundle({"feed.json": orjson.dumps(first_page)})))
    assert len(items) == 6
    assert completeness.posts is False
    assert completeness.period == (at(2, 9), at(3, 9))


def test_an_empty_last_page_holds_no_period_and_so_nothing_whole():
    items, completeness = read_all(reader(MemoryBundle({"feed.json": b'{"data": [], "paging": {}}'})))
    assert items == []
    assert completeness == Completeness(posts=False)


POST = '{"id": "1_2", "created_time": "2026-03-02T09:00:00+0000"}'


def test_a_reply_edge_that_goes_on_names_its_comment_partial_though_the_post_s_comments_end():
    replies = '{"data": [], "paging": {"next": "https://graph.facebook.com/v21.0/2_3/comments?after=QVFI"}}'
    comment = f'{{"id": "2_3", "created_time": "2026-03-02T10:00:00+0000", "comments": {replies}}}'
    content = f'{{"data": [{POST[:-1]}, "comments": {{"data": [{comment}], "paging": {{}}}}}}]}}'
    _, completeness = read_all(reader(MemoryBundle({"f.json": content.encode()})))
    assert (completeness.threads, completeness.partial) == ({"1_2"}, {"2_3"})  # the capture core cuts the post


@pytest.mark.parametrize(
    ("content", "where", "problem"),
    [
        ('{"items": [], "kind": "youtube#commentThreadListResponse"}', "upload/f.json", "has no data"),
        ('[{"id": "1_2"}]', "upload/f.json response 0", "has no data"),
        ("[]", "upload/f.json", "is an empty list, not Graph API responses"),
        (
            '{"error": {"message": "Invalid OAuth access token.", "code": 190}}',
            "upload/f.json",
            "is a Graph API error: Invalid OAuth access token.",
        ),
        (f'{{"data": [{POST}, {{"created_time": "2026-03-02T09:00:00+0000"}}]}}', "upload/f.json item 1", "has no id"),
        (
            '{"data": [{"id": "1_2", "created_time": "2 mars kl. 9"}]}',
            "upload/f.json item 0",
            "created_time is not a time: '2 mars kl. 9'",
        ),
        (
            '{"data": [{"id": "1_2", "created_time": "2026-03-02T09:00:00"}]}',
            "upload/f.json item 0",
            "created_time has no offset from UTC: '2026-03-02T09:00:00'",
        ),
        (
            '{"data": [{"id": 12, "created_time": "2026-03-02T09:00:00+0000"}]}',
            "upload/f.json item 0",
            "id is an integer, not a string",
        ),
        (
            f'{{"data": [{POST[:-1]}, "comments": {{"data": [{{"id": "2_3"}}]}}}}]}}',
            "upload/f.json item 0 comments comment 0",
            "has no created_time",
        ),
        ('{"data": [' + POST, "upload/f.json line 1 column 68", "is not JSON: unexpected end of data"),
    ],
)
def test_a_file_that_is_not_a_graph_feed_is_refused_naming_the_file_and_item(content, where, problem):
    with pytest.raises(FormatError) as refused:
        read_all(reader(MemoryBundle({"f.json": content.encode()})))
    assert (refused.value.where, refused.value.problem) == (where, problem)


def test_nothing_is_yielded_from_a_file_whose_last_reply_is_broken():
    broken = f'{{"data": [{POST}, {POST[:-1]}, "comments": {{"data": [{{"id": "x", "created_time": "?"}}]}}}}]}}'
    with pytest.raises(FormatError, match="item 1 comments comment 0: created_time is not a time"):
        next(iter(reader(MemoryBundle({"f.json": broken.encode()})).items()))


def test_a_broken_reply_is_named_as_the_reply_of_its_comment():
    reply = '{"data": [{"id": "2_3", "created_time": "2026-03-02T10:00:00+0000"}, {"id": "2_4"}]}'
    comment = f'{{"id": "2_3", "created_time": "2026-03-02T10:00:00+0000", "comments": {reply}}}'
    content = f'{{"data": [{POST[:-1]}, "comments": {{"data": [{comment}]}}}}]}}'
    with pytest.raises(FormatError) as refused:
        read_all(reader(MemoryBundle({"f.json": content.encode()})))
    assert refused.value.where == "upload/f.json item 0 comments comment 0 comments reply 1"
    assert refused.value.problem == "has no created_time"
