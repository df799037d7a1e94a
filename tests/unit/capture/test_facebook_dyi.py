"""The records officer imports a Page's "Download your information" export (JSON) and gets its
posts with the comments on them, the export's mojibake repaired; bad files are refused by name."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime

import pytest
from format_story import MemoryBundle, bundle_of, read_all

from kanalarkiv.capture.formats.facebook_dyi import reader, repaired
from kanalarkiv.capture.items import Completeness, FormatError, Item, derived_id


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


BATH = "Nu öppnar badplatsen vid sjön. Välkomna!"
RINK = "Isbanan är spolad"


def test_a_pages_export_yields_its_posts_with_the_comments_on_them_with_a_repaired():
    items, completeness = read_all(reader(bundle_of("facebook_dyi", "page_export")))
    rink = derived_id("post", at(3, 9), RINK)
    assert items == [
        Item(
            kind="post",
            platform_id=derived_id("post", at(2, 9), BATH),
            parent_platform_id=None,
            author_name="",
            platform_author_id=None,
            text=BATH,
            published_at=at(2, 9),
            edited_at=at(2, 10),
            attachments=("https://example.org/nyheter/badplatsen-oppnar",),
            where="page_export/posts/your_posts_1.json item 0",
        ),
        Item(
            kind="post",
            platform_id=rink,
            parent_platform_id=None,
            author_name="",
            platform_author_id=None,
            text=RINK,
            published_at=at(3, 9),
            attachments=("posts/media/Tidslinjebilder_1/isbanan.jpg",),
            where="page_export/posts/your_posts_1.json item 1",
        ),
        Item(
            kind="comment",
            platform_id=derived_id("comment", at(3, 10), "Toppen! 😀"),
            parent_platform_id=rink,
            author_name="Karin Kommenterare",
            platform_author_id=None,
            text="Toppen! 😀",
            published_at=at(3, 10),
            where="page_export/posts/your_posts_1.json item 1 attachment 0 data 0 media comment 0",
        ),
        Item(
            kind="post",
            platform_id=derived_id("post", at(4, 9), ""),
            parent_platform_id=None,
            author_name="",
            platform_author_id=None,
            text="",
            published_at=at(4, 9),
            where="page_export/posts/your_posts_1.json item 2",
        ),
        Item(
            kind="comment",
            platform_id=derived_id("comment", at(2, 11), "När stänger badplatsen?"),
            parent_platform_id=None,
            author_name="Karin Kommenterare",
            platform_author_id=None,
            text="När stänger badplatsen?",
            published_at=at(2, 11),
            where="page_export/comments_and_reactions/comments.json item 0",
        ),
        Item(
            kind="comment",
            platform_id=derived_id("comment", at(2, 12), "Klockan 20 varje dag i sommar."),
            parent_platform_id=None,
            author_name="Exempelkommunen",
            platform_author_id=None,
            text="Klockan 20 varje dag i sommar.",
            published_at=at(2, 12),
            where="page_export/comments_and_reactions/comments.json item 1",
        ),
        Item(
            kind="comment",
            platform_id=derived_id("comment", at(2, 13), ""),
            parent_platform_id=None,
            author_name="Olle Återkoppling",
            platform_author_id=None,
            text="",
            published_at=at(2, 13),
            attachments=("https://media.example.com/gif/tumme-upp.gif",),
            where="page_export/comments_and_reactions/comments.json item 2",
        ),
    ]
    assert completeness == Completeness(posts=True, period=(at(2, 9), at(4, 9)))


def test_mojibake_is_repaired_and_correct_text_is_kept():
    assert repaired("V\u00c3\u00a4lkomna till sj\u00c3\u00b6n") == "Välkomna till sjön"
    assert repaired("\u00f0\u009f\u0098\u0080") == "😀"
    assert repaired("Välkomna till sjön") == "Välkomna till sjön"
    assert repaired("på") == "på"
    assert repaired("Tack 😀 för Ã¥") == "Tack 😀 för Ã¥"  # not all one-byte characters: not mojibake
    assert repaired("plain") == "plain"


def test_an_edit_of_a_post_comes_back_under_a_new_id():
    before = b'[{"timestamp": 1772442000, "data": [{"post": "Badplatsen \\u00c3\\u00b6ppnar"}]}]'
    after = b'[{"timestamp": 1772442000, "data": [{"post": "Badplatsen \\u00c3\\u00b6ppnar i dag"}]}]'
    (first,), _ = read_all(reader(MemoryBundle({"your_posts_1.json": before})))
    (second,), _ = read_all(reader(MemoryBundle({"your_posts_1.json": after})))
    assert first.platform_id != second.platform_id
    assert first.published_at == second.published_at == at(2, 9)


def test_an_export_with_only_comments_does_not_hold_the_posts_whole():
    comments = b'{"comments_v2": [{"timestamp": 1772449200, "data": [{"comment": {"comment": "Hej", "author": "K"}}]}]}'
    (comment,), completeness = read_all(reader(MemoryBundle({"comments/comments.json": comments})))
    assert comment.published_at == at(2, 11)  # the entry's time when the comment has none
    assert completeness == Completeness(posts=False, period=(at(2, 11), at(2, 11)))


def test_byte_order_marks_are_accepted():
    text = '[{"timestamp": 1772442000, "data": [{"post": "Välkomna"}]}]'
    for data in (codecs.BOM_UTF8 + text.encode(), text.encode("utf-16")):
        (post,), _ = read_all(reader(MemoryBundle({"your_posts_1.json": data})))
        assert post.text == "Välkomna"


@pytest.mark.parametrize(
    ("files", "where", "problem"),
    [
        ({"your_posts_1.json": b'{"posts": []}'}, "upload/your_posts_1.json", "is not a list of posts"),
        (
            {"your_posts_1.json": b'[{"timestamp": 1772442000, "data": ['},
            "upload/your_posts_1.json line 1 column 37",
            "is not JSON: unexpected end of data",
        ),
        (
            {"your_posts_1.json": b'[{"timestamp": 1772442000}, {"data": []}]'},
            "upload/your_posts_1.json item 1",
            "has no timestamp",
        ),
        (
            {"your_posts_1.json": b'[{"timestamp": "2026-03-02"}]'},
            "upload/your_posts_1.json item 0",
            "timestamp is a string, not an integer",
        ),
        (
            {"your_posts_1.json": b'[{"timestamp": 1772442000, "data": [{"post": "V\xe4lkomna"}]}]'},
            "upload/your_posts_1.json",
            "is not UTF-8 (undecodable byte at offset 47)",
        ),
        (
            {"comments.json": b'{"comments_v2": [{"timestamp": 1772449200, "title": "x"}]}'},
            "upload/comments.json item 0",
            "has no data comment",
        ),
        ({"comments.json": b'{"reactions": []}'}, "upload/comments.json", "has no comments"),
        ({"README.txt": b"hej", "notes.txt": b"hej"}, "upload", "has no posts or comments files of a Facebook export"),
    ],
)
def test_a_file_that_is_not_the_export_is_refused_naming_the_file_and_item(files, where, problem):
    with pytest.raises(FormatError) as refused:
        read_all(reader(MemoryBundle(files)))
    assert (refused.value.where, refused.value.problem) == (where, problem)


def test_nothing_is_yielded_from_a_file_that_fails_later_on():
    posts = b'[{"timestamp": 1772442000, "data": [{"post": "Hej"}]}, {"timestamp": null}]'
    with pytest.raises(FormatError, match="item 1: has no timestamp"):
        next(iter(reader(MemoryBundle({"your_posts_1.json": posts})).items()))


def test_a_photo_post_without_text_takes_its_photos_description_even_after_a_link():
    post = (
        b'[{"timestamp": 1772442000, "attachments": [{"data": [{"external_context": {"url": "https://example.org/"}},'
        b' {"media": {"uri": "posts/media/1.jpg", "description": "Sj\\u00c3\\u00b6n"}}]}]}]'
    )
    (item,), _ = read_all(reader(MemoryBundle({"your_posts_1.json": post})))
    assert (item.text, item.attachments) == ("Sjön", ("https://example.org/", "posts/media/1.jpg"))
