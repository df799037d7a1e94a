"""A YouTube channel polled through the (fake) Data API: every thread of every moderation status
the owner may list, partial threads completed by comments.list(parentId), the videos as posts;
an edit, a comment held for review and a deletion on the next poll; quota and tokens named."""

from __future__ import annotations

import pytest
from fake_platform import wire
from live_story import SHORT, at, fake, no_waiting, read

from domain.secret import Secret
from kanalarkiv.capture.items import EVERY_THREAD
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing
from kanalarkiv.capture.live.youtube_channel import YouTubeChannel

__all__ = ["fake"]


def channel_with_threads(fake) -> None:
    yt = fake.youtube
    yt.page_size = 2
    yt.video("vid00000001", "Kommunfullmäktige 2 mars", at(0))
    for n in range(3):
        yt.comment(f"Ugtop{n}", "vid00000001", f"Fråga {n}", at(1 + n))
    for n in range(5):
        yt.comment(f"Ugtop0.reply{n}", "vid00000001", f"Svar {n}", at(10 + n), parent="Ugtop0")


def connect(fake, **options) -> YouTubeChannel:
    policy, _slept = no_waiting()
    options.setdefault("policy", policy)
    base = f"{fake.base_url}/youtube/v3"
    return YouTubeChannel.connect(fake.youtube.channel_id, Secret(fake.youtube.token), base_url=base, **options)


def test_a_first_backfill_completes_partial_threads_and_holds_the_videos(fake):
    channel_with_threads(fake)
    items, completeness = read(connect(fake).fetch())
    assert items["vid00000001"].kind == "post"
    assert {f"Ugtop0.reply{n}" for n in range(5)} <= set(items) and "Ugtop0" in completeness.threads
    assert len(fake.requests_to("/comments")) == 3  # five replies, two a page
    assert completeness.every_thread_after == EVERY_THREAD  # every listing read to its last page


def test_a_window_holds_every_thread_begun_after_the_earliest_it_read(fake):
    channel_with_threads(fake)
    items, completeness = read(connect(fake).fetch(since=at(3.5)))
    assert "Ugtop0" not in items  # on the second page, which the window did not need
    assert completeness.every_thread_after == at(2)


def test_a_second_fetch_shows_an_edit_a_held_comment_and_a_deletion(fake):
    channel_with_threads(fake)
    channel = connect(fake)
    channel.fetch()
    fake.youtube.edit("Ugtop1", "Fråga 1 (ändrad)", at(30))
    fake.youtube.hold("Ugtop2")
    fake.youtube.delete("Ugtop0.reply3")
    items, completeness = read(channel.fetch())
    assert items["Ugtop1"].edited_at == at(30) and items["Ugtop1"].text == "Fråga 1 (ändrad)"
    assert items["Ugtop2"].hidden is True  # listed under moderationStatus=heldForReview
    assert "Ugtop0.reply3" not in items and "Ugtop0" in completeness.threads
    assert channel.confirm_deleted("Ugtop0.reply3") and not channel.confirm_deleted("Ugtop1")


def test_rate_limits_are_waited_out_and_the_daily_quota_ends_the_poll(fake):
    channel_with_threads(fake)
    fake.fail("/commentThreads", wire.youtube_error(403, "rateLimitExceeded"), wire.too_many("1"))
    policy, slept = no_waiting()
    read(connect(fake, policy=policy).fetch())
    assert slept == [2.0, 1.0]
    fake.fail("/commentThreads", wire.youtube_error(403, "quotaExceeded"))
    with pytest.raises(SourceFailing) as failing:
        connect(fake).fetch()
    assert failing.value.reason is FailureReason.QUOTA_EXHAUSTED


def test_a_token_refused_is_named(fake):
    fake.youtube.token_refused = True
    with pytest.raises(SourceFailing) as failing:
        connect(fake).fetch()
    assert failing.value.reason is FailureReason.CREDENTIALS_INVALID and failing.value.status == 401


def test_garbage_and_a_hang_fail_with_their_reasons(fake):
    channel_with_threads(fake)
    fake.fail("/commentThreads", wire.garbage())
    with pytest.raises(SourceFailing) as garbage:
        connect(fake).fetch()
    fake.fail("/comments", wire.hang())
    with pytest.raises(SourceFailing) as hang:
        connect(fake, timeout=SHORT).fetch()
    assert (garbage.value.reason, hang.value.reason) == (FailureReason.UNREADABLE, FailureReason.TIMEOUT)
