"""The records officer imports a newsroom's RSS feed and a blog's Atom feed: each entry a post
with its time, author, text without HTML, and enclosures; a feed is never held whole."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from format_story import MemoryBundle, bundle_of, read_all

from kanalarkiv.capture.formats.feed import reader
from kanalarkiv.capture.items import Completeness, FormatError, Item


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def test_a_newsrooms_rss_feed_yields_its_items_as_posts_with_their_html_as_text():
    items, completeness = read_all(reader(bundle_of("feed", "newsroom.rss")))
    assert items == [
        Item(
            kind="post",
            platform_id="nyhet-1001",
            parent_platform_id=None,
            author_name="Kim Kommunikatör",  # the name, not the e-mail address RSS puts beside it
            platform_author_id=None,
            text="Badplatsen öppnar\n\nNu öppnar badplatsen.\nVälkomna!",
            published_at=at(2, 9),
            attachments=("https://example.org/media/badplatsen.jpg",),
            where="newsroom.rss entry 0 (nyhet-1001)",
        ),
        Item(
            kind="post",
            platform_id="https://example.org/nyheter/isbanan",  # no guid: the link
            parent_platform_id=None,
            author_name="Redaktionen",  # the channel's managingEditor
            platform_author_id=None,
            text="Isbanan är spolad\n\nIsbanan\nSpolad och klar.\nÖppet 10–16.",  # content:encoded over description
            published_at=at(3, 9),
            where="newsroom.rss entry 1 (https://example.org/nyheter/isbanan)",
        ),
    ]
    assert completeness == Completeness(posts=False, period=None, threads=set())


def test_a_blogs_atom_feed_yields_entries_with_edits_links_and_the_feeds_author():
    items, completeness = read_all(reader(bundle_of("feed", "blog.atom")))
    assert items == [
        Item(
            kind="post",
            platform_id="tag:example.org,2026:blogg-1",
            parent_platform_id=None,
            author_name="Kim Kommunikatör",
            platform_author_id=None,
            text="Budgeten för 2027\n\nBudgeten är klar.\nSkola\nOmsorg",
            published_at=at(2, 8),
            edited_at=at(3, 11),
            attachments=("https://example.org/media/budget.mp3", "https://example.org/dokument/budget-2027.pdf"),
            where="blog.atom entry 0 (tag:example.org,2026:blogg-1)",
        ),
        Item(
            kind="post",
            platform_id="tag:example.org,2026:blogg-2",
            parent_platform_id=None,
            author_name="Kommunchefen",
            platform_author_id=None,
            text="Veckans möten\n\nMåndag: fullmäktige. Tisdag: nämnd.",
            published_at=at(4, 7),  # only updated: that is its time, and no edit
            where="blog.atom entry 1 (tag:example.org,2026:blogg-2)",
        ),
    ]
    assert completeness == Completeness()


def test_a_directory_of_feeds_reads_each_and_a_utf16_file_with_a_bom_is_accepted():
    bundle = bundle_of("feed", ".")
    assert [item.platform_id for item in reader(bundle).items()][:1] == ["tag:example.org,2026:blogg-1"]
    rss = bundle_of("feed", "newsroom.rss").read("newsroom.rss").decode()
    (first, _) = reader(MemoryBundle({"f.rss": rss.encode("utf-16")})).items()
    assert first.text.startswith("Badplatsen öppnar")


def rss(item: str) -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>N</title>{item}</channel></rss>'.encode()


@pytest.mark.parametrize(
    ("content", "where", "problem"),
    [
        (b'{"data": []}', "upload/f.rss", "is not an RSS or Atom feed"),
        (b"<html><body><p>Hej</p></body></html>", "upload/f.rss", "is not an RSS or Atom feed"),
        (
            rss("<item><guid>1</guid><pubDate>Mon, 02 Mar 2026 10:00:00 +0100</pubDate></item>")[:-30],
            "upload/f.rss line 1 column 142",
            "is not well-formed XML: unclosed token",
        ),
        (
            rss("<item><title>Hall\xe5</title></item>").replace("å".encode(), b"\xe5"),
            "upload/f.rss",
            "is not in the encoding it declares (document declared as utf-8, but parsed as windows-1252)",
        ),
        (
            rss("<item><title>Utan id</title><pubDate>Mon, 02 Mar 2026 10:00:00 +0100</pubDate></item>"),
            "upload/f.rss entry 0",
            "has no id, guid or link",
        ),
        (rss("<item><guid>1</guid></item>"), "upload/f.rss entry 0", "has no published or updated time"),
        (
            rss("<item><guid>1</guid><pubDate>igår</pubDate></item>"),
            "upload/f.rss entry 0",
            "published is not a time: 'igår'",
        ),
    ],
)
def test_a_file_that_is_not_a_feed_is_refused_naming_the_file_and_entry(content, where, problem):
    with pytest.raises(FormatError) as refused:
        read_all(reader(MemoryBundle({"f.rss": content})))
    assert (refused.value.where, refused.value.problem) == (where, problem)
