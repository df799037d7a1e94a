"""The records officer imports a YouTube channel's saved API responses: the video as the post,
its comment threads and replies, held and spam comments marked hidden, edits with their time."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from format_story import MemoryBundle, bundle_of, read_all

from kanalarkiv.capture.formats.youtube import reader
from kanalarkiv.capture.formats.youtube_listings import STATUSES
from kanalarkiv.capture.items import EVERY_THREAD, Account, Completeness, FormatError, Item

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
    # the second thread counts 3 replies and holds 1; bare responses do not make a video whole
    assert completeness == Completeness(
        posts=False, period=None, threads={"UgxEXEMPEL1", "UgxEXEMPEL3"}, partial={"UgxEXEMPEL2"}
    )


THREAD = (
    '{"id": "T", "snippet": {"videoId": "V", "totalReplyCount": 0, "topLevelComment": '
    '{"id": "T", "snippet": {"authorDisplayName": "K", "textOriginal": "x", "publishedAt": %s}}}}'
)


def threads(*items: str) -> bytes:
    return ('{"kind": "youtube#commentThreadListResponse", "items": [' + ", ".join(items) + "]}").encode()


CHANNEL = "commentThreads?part=snippet,replies&allThreadsRelatedToChannelId=UCx&order=time&maxResults=2"


def saved(request: str, *begun: int, following: str | None = None) -> dict:
    """A commentThreads page saved with its request: threads begun at these hours of 2 March."""
    items = [orjson.loads(THREAD.replace('"T"', f'"T{h}"') % f'"2026-03-02T{h:02d}:00:00Z"') for h in begun]
    response = {"kind": "youtube#commentThreadListResponse", "items": items}
    return {"request": request, "response": response | ({"nextPageToken": following} if following else {})}


def every_status(*pages: tuple[str, dict]) -> MemoryBundle:
    """The held and spam listings empty and whole, beside the published pages given."""
    others = [saved(f"{CHANNEL}&moderationStatus={s}") for s in ("heldForReview", "likelySpam")]
    return MemoryBundle({"threads.json": orjson.dumps([page for _, page in pages] + others)})


def test_pages_saved_with_their_requests_to_the_last_hold_every_thread_of_the_channel():
    bundle = every_status(("1", saved(CHANNEL, 12, 11, following="p2")), ("2", saved(f"{CHANNEL}&pageToken=p2", 10)))
    source = reader(bundle)
    _, completeness = read_all(source)
    assert completeness.every_thread_after == EVERY_THREAD and completeness.threads == {"T10", "T11", "T12"}
    assert source.account() == Account("UCx", None)  # so an import of another channel's is refused


def test_pages_stopped_before_the_last_hold_every_thread_after_the_earliest_they_hold():
    bundle = every_status(("1", saved(CHANNEL, 12, 11, following="p2")))
    _, completeness = read_all(reader(bundle))
    assert completeness.every_thread_after == at(2, 11)


@pytest.mark.parametrize(
    "pages",
    [
        [saved(f"{CHANNEL}&pageToken=p2", 10)],  # the first page missing
        [saved(CHANNEL, 12, following="p2"), saved(f"{CHANNEL}&pageToken=p3", 10)],  # a page between missing
        [saved(CHANNEL, 12), saved(CHANNEL, 12)],  # a page after the last
        [saved(f"{CHANNEL}&searchTerms=bad", 12)],  # a search holds only some threads
    ],
)
def test_pages_that_do_not_chain_from_the_first_say_nothing_of_threads_they_do_not_hold(pages):
    _, completeness = read_all(reader(every_status(*[("", page) for page in pages])))
    assert completeness.every_thread_after is None


def test_without_the_held_and_spam_listings_the_channel_s_threads_are_not_all_there():
    bundle = MemoryBundle({"threads.json": orjson.dumps([saved(CHANNEL, 12)])})
    _, completeness = read_all(reader(bundle))
    assert completeness.every_thread_after is None


def test_a_video_s_listings_read_to_their_last_pages_make_the_video_whole():
    video = "commentThreads?part=snippet,replies&videoId=V"
    pages = [saved(f"{video}&moderationStatus={s}", *([9] if s == "published" else [])) for s in STATUSES]
    _, completeness = read_all(reader(MemoryBundle({"threads.json": orjson.dumps(pages)})))
    assert "V" in completeness.threads and completeness.every_thread_after is None


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
