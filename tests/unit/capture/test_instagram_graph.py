"""The records officer imports an Instagram account's media saved from the Graph API, page by
page: media as posts, comments and their replies, hidden spam marked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from format_story import MemoryBundle, bundle_of, read_all

from kanalarkiv.capture.formats.instagram_graph import reader
from kanalarkiv.capture.items import Completeness, FormatError, Item

ACCOUNT = "17840000000000001"
FIRST = "account_media/media_1.json"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_saved_pages_of_media_yield_posts_comments_and_replies():
    items, _ = read_all(reader(bundle_of("instagram_graph", "account_media")))
    assert items == [
        Item(
            kind="post",
            platform_id="17900000000000001",
            parent_platform_id=None,
            author_name="exempelkommunen",
            platform_author_id=ACCOUNT,
            text="Isbanan är spolad! ⛸️ #exempelkommunen",
            published_at=at(3, 9),
            attachments=("https://cdn.example.com/ig/isbanan-1.jpg", "https://cdn.example.com/ig/isbanan-2.jpg"),
            where=f"{FIRST} item 0",
        ),
        Item(
            kind="comment",
            platform_id="17850000000000001",
            parent_platform_id="17900000000000001",
            author_name="karin_kommenterare",
            platform_author_id="17841000000000001",
            text="Är den öppen i helgen?",
            published_at=at(3, 9, 30),
            hidden=False,
            where=f"{FIRST} item 0 comments comment 0",
        ),
        Item(
            kind="reply",
            platform_id="17850000000000002",
            parent_platform_id="17850000000000001",
            author_name="exempelkommunen",
            platform_author_id=ACCOUNT,
            text="@karin_kommenterare Ja, 10–16 båda dagarna.",
            published_at=at(3, 10),
            hidden=False,
            where=f"{FIRST} item 0 comments comment 0 replies reply 0",
        ),
        Item(
            kind="comment",
            platform_id="17850000000000003",
            parent_platform_id="17900000000000001",
            author_name="spam_konto",
            platform_author_id=None,
            text="Köp billiga följare på example.com",
            published_at=at(3, 11),
            hidden=True,
            where=f"{FIRST} item 0 comments comment 1",
        ),
        Item(
            kind="post",
            platform_id="17900000000000002",
            parent_platform_id=None,
            author_name="exempelkommunen",
            platform_author_id=None,
            text="",
            published_at=at(2, 9),
            attachments=("https://cdn.example.com/ig/badplatsen-thumb.jpg",),
            where=f"{FIRST} item 1",
        ),
        Item(
            kind="comment",
            platform_id="17850000000000004",
            parent_platform_id="17900000000000002",
            author_name="olle_aterkoppling",
            platform_author_id=None,
            text="Snyggt!",
            published_at=at(2, 12),
            hidden=False,
            where=f"{FIRST} item 1 comments comment 0",
        ),
        Item(
            kind="post",
            platform_id="17900000000000000",
            parent_platform_id=None,
            author_name="exempelkommunen",
            platform_author_id=ACCOUNT,
            text="Välkommen till Exempelkommunens konto.",
            published_at=at(1, 8),
            attachments=("https://cdn.example.com/ig/valkommen.jpg",),
            where="account_media/media_2.json item 0",
        ),
    ]


def test_the_last_page_makes_the_media_whole_and_threads_are_whole_without_a_next_page():
    _, completeness = read_all(reader(bundle_of("instagram_graph", "account_media")))
    assert completeness == Completeness(
        posts=True,
        period=(at(1, 8), at(3, 9)),
        # the video's comments go on; the reply edge of the first comment has no next
        threads={"17900000000000001", "17850000000000001"},
        partial={"17900000000000002"},
    )


def test_the_first_page_alone_does_not_hold_the_media_whole():
    _, completeness = read_all(reader(bundle_of("instagram_graph", FIRST)))
    assert completeness.posts is False


@pytest.mark.parametrize(
    ("content", "where", "problem"),
    [
        ('[{"timestamp": 1772442000, "data": [{"post": "Hej"}]}]', "upload/m.json response 0 item 0", "has no id"),
        (
            '{"data": [{"id": "1", "created_time": "2026-03-02T09:00:00+0000"}]}',
            "upload/m.json item 0",
            "has no timestamp",
        ),
        ('{"data": [{"id": "1", "timestamp": "igår"}]}', "upload/m.json item 0", "timestamp is not a time: 'igår'"),
        (
            '{"data": [{"id": "1", "timestamp": "2026-03-02T09:00:00+0000", "comments": {"data": [{"id": "2", '
            '"timestamp": "2026-03-02T10:00:00+0000", "hidden": "yes"}]}}]}',
            "upload/m.json item 0 comments comment 0",
            "hidden is a string, not true or false",
        ),
        (
            '{"data": [{"id": "1", "timestamp": "2026-03-02T09:00:00+0000", "comments": {"data": [{"id": "2", '
            '"timestamp": "2026-03-02T10:00:00+0000", "replies": {"data": [{"text": "x"}]}}]}}]}',
            "upload/m.json item 0 comments comment 0 replies reply 0",
            "has no id",
        ),
    ],
)
def test_a_file_that_is_not_instagram_media_is_refused_naming_the_file_and_item(content, where, problem):
    with pytest.raises(FormatError) as refused:
        read_all(reader(MemoryBundle({"m.json": content.encode()})))
    assert (refused.value.where, refused.value.problem) == (where, problem)


def test_utf16_with_a_byte_order_mark_is_read_and_without_one_refused():
    content = '{"data": [{"id": "1", "caption": "Hallå", "timestamp": "2026-03-02T09:00:00+0000"}]}'
    (post,), _ = read_all(reader(MemoryBundle({"m.json": content.encode("utf-16")})))
    assert post.text == "Hallå"
    with pytest.raises(FormatError, match=r"upload/m.json: is not UTF-8 \(undecodable byte at offset 76\)"):
        read_all(reader(MemoryBundle({"m.json": content.encode("utf-16-le")})))
