"""The records officer imports a YouTube channel's saved API responses: the video as the post,
its comment threads and replies, held and spam comments marked hidden, edits with their time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from format_story import MemoryBundle, bundle_of, read_all

from kanalarkiv.capture.formats.youtube import reader
from kanalarkiv.capture.items import Completeness, FormatError, Item

FIRST = "channel/comment_threads_1.json"


def at(day: int, hour: int, minute: int = 0, microsecond: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, 0, microsecond, tzinfo=UTC)


def test_a_channels_responses_yield_the_video_then_its_threads_and_replies():
    items, _ = read_all(reader(bundle_of("youtube", "channel")))
    assert items == [
        Item(
            kind="post",
            platform_id="EXEMPEL0001",
            parent_platform_id=None,
            author_name="Exempelkommunen",
            platform_author_id="UCexempelkommunen00001",
            text="Så fungerar återvinningscentralen\n\nEn film om sortering.\nMer på https://example.org/atervinning",
            published_at=at(2, 8),
            attachments=("https://www.youtube.com/watch?v=EXEMPEL0001",),
            where="channel/videos.json item 0",
        ),
        Item(
            kind="comment",
            platform_id="UgxEXEMPEL1",
            parent_platform_id="EXEMPEL0001",
            author_name="@KarinKommenterare",
            platform_author_id="UCkarinkommenterare0001",
            text="Var lämnar jag glödlampor?",
            published_at=at(2, 9, 15),
            edited_at=at(2, 9, 20),
            hidden=False,
            where=f"{FIRST} item 0 snippet topLevelComment",
        ),
        Item(
            kind="reply",
            platform_id="UgxEXEMPEL1.REPLY0001",
            parent_platform_id="UgxEXEMPEL1",
            author_name="@Exempelkommunen",
            platform_author_id="UCexempelkommunen00001",
            text="I miljöboden vid entrén.",
            published_at=at(2, 10),
            hidden=False,
            where=f"{FIRST} item 0 replies reply 0",
        ),
        Item(
            kind="comment",
            platform_id="UgxEXEMPEL2",
            parent_platform_id="EXEMPEL0001",
            author_name="@OlleAterkoppling",
            platform_author_id="UColleaterkoppling0001",
            text="Läs mer på example.com\nNu & alltid!",  # textDisplay's HTML as text: no textOriginal
            published_at=at(2, 11),
            hidden=True,
            where=f"{FIRST} item 1 snippet topLevelComment",
        ),
        Item(
            kind="reply",
            platform_id="UgxEXEMPEL2.REPLY0002",
            parent_platform_id="UgxEXEMPEL2",
            author_name="@KarinKommenterare",
            platform_author_id="UCkarinkommenterare0001",
            text="Håller med.",
            published_at=at(2, 11, 30),
            hidden=None,  # no moderationStatus: the response does not say
            where=f"{FIRST} item 1 replies reply 0",
        ),
        Item(
            kind="comment",
            platform_id="UgxEXEMPEL3",
            parent_platform_id="EXEMPEL0002",
            author_name="@spamkonto",
            platform_author_id=None,
            text="Gratis presentkort på example.com",
            published_at=at(1, 7, microsecond=500000),
            hidden=True,
            where="channel/comment_threads_2.json item 0 snippet topLevelComment",
        ),
    ]


def test_a_thread_is_whole_when_it_holds_as_many_replies_as_it_counts_and_no_video_is_whole():
    _, completeness = read_all(reader(bundle_of("youtube", "channel")))
    # the second thread counts 3 replies and holds 1; the last page does not make a video whole
    assert completeness == Completeness(posts=False, period=None, threads={"UgxEXEMPEL1", "UgxEXEMPEL3"})


THREAD = (
    '{"id": "T", "snippet": {"videoId": "V", "totalReplyCount": 0, "topLevelComment": '
    '{"id": "T", "snippet": {"authorDisplayName": "K", "textOriginal": "x", "publishedAt": %s}}}}'
)


def threads(*items: str) -> bytes:
    return ('{"kind": "youtube#commentThreadListResponse", "items": [' + ", ".join(items) + "]}").encode()


@pytest.mark.parametrize(
    ("content", "where", "problem"),
    [
        (
            b'{"data": [], "paging": {}}',
            "upload/y.json",
            "is not a commentThreads or videos response of the YouTube API: kind None",
        ),
        (
            b'{"kind": "youtube#searchListResponse", "items": []}',
            "upload/y.json",
            "is not a commentThreads or videos response of the YouTube API: kind youtube#searchListResponse",
        ),
        (b'{"kind": "youtube#commentThreadListResponse"}', "upload/y.json", "has no items"),
        (
            threads(THREAD % '"2026-03-02T09:00:00Z"', '{"id": "U", "snippet": {}}'),
            "upload/y.json item 1 snippet",
            "has no topLevelComment",
        ),
        (
            threads(THREAD % '"02/03/2026"'),
            "upload/y.json item 0 snippet topLevelComment snippet",
            "publishedAt is not a time: '02/03/2026'",
        ),
        (threads(THREAD % "null"), "upload/y.json item 0 snippet topLevelComment snippet", "has no publishedAt"),
        (
            threads('{"id": "T", "snippet": {"topLevelComment": {"id": "T"}}}'),
            "upload/y.json item 0 snippet topLevelComment",
            "has no snippet",
        ),
        (b'{"kind": "youtube#videoListResponse", "items": [{"id": "V"}]}', "upload/y.json item 0", "has no snippet"),
    ],
)
def test_a_file_that_is_not_youtube_comments_is_refused_naming_the_file_and_item(content, where, problem):
    with pytest.raises(FormatError) as refused:
        read_all(reader(MemoryBundle({"y.json": content})))
    assert (refused.value.where, refused.value.problem) == (where, problem)


def test_a_file_of_videos_and_threads_yields_nothing_when_a_thread_is_broken():
    videos = '{"kind": "youtube#videoListResponse", "items": [{"id": "V", "snippet": {"publishedAt": "2026-03-02T08:00:00Z"}}]}'
    broken = threads('{"id": "T", "snippet": {}}').decode()
    with pytest.raises(FormatError, match="response 1 item 0 snippet: has no topLevelComment"):
        next(iter(reader(MemoryBundle({"y.json": f"[{videos}, {broken}]".encode()})).items()))


def test_a_thread_without_its_own_video_id_is_on_its_comments_video():
    thread = '{"id": "T", "snippet": {"topLevelComment": {"id": "T", "snippet": {"videoId": "V", "publishedAt": "2026-03-02T09:00:00Z"}}}}'
    (comment,) = reader(MemoryBundle({"y.json": threads(thread)})).items()
    assert (comment.parent_platform_id, comment.text, comment.hidden) == ("V", "", None)
