"""A blog's RSS feed polled with conditional GETs: the first poll reads every entry and keeps the
validators, an unchanged feed answers 304 (an empty bundle marked not modified), an edit is read
on the next poll; a deleted entry's page answers 404 and so confirms it."""

from __future__ import annotations

import pytest
from fake_platform import wire
from live_story import SHORT, at, fake, no_waiting, read

from kanalarkiv.capture.live.bundles import Validators
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing
from kanalarkiv.capture.live.feed import FeedSource

__all__ = ["fake"]


def blog(fake) -> FeedSource:
    fake.feed.publish("1", "Ny förskola", "Förskolan Solrosen öppnar i augusti.", at(0))
    fake.feed.publish("2", "Vägarbete", "Storgatan stängs vecka 12.", at(60))
    policy, _slept = no_waiting()
    return FeedSource.connect(f"{fake.base_url}/feed.xml", policy=policy)


def test_the_first_poll_reads_every_entry_and_keeps_the_validators(fake):
    bundle = blog(fake).fetch()
    items, completeness = read(bundle)
    assert {item.text.split("\n")[0] for item in items.values()} == {"Ny förskola", "Vägarbete"}
    assert bundle.validators.etag and bundle.validators.last_modified
    assert completeness.threads == set() and not completeness.posts  # a window, never whole


def test_an_unchanged_feed_answers_304_and_an_edit_is_read_on_the_next_poll(fake):
    feed = blog(fake)
    first = feed.fetch()
    unchanged = feed.fetch(first.validators)
    assert unchanged.not_modified and len(unchanged) == 0
    assert fake.requests[-1].headers["if-none-match"] == first.validators.etag
    fake.feed.edit("2", "Storgatan stängs vecka 12 och 13.", at(120))
    items, _ = read(feed.fetch(first.validators))
    assert any("vecka 12 och 13" in item.text for item in items.values())


def test_if_modified_since_alone_is_honoured(fake):
    feed = blog(fake)
    first = feed.fetch()
    assert feed.fetch(Validators(last_modified=first.validators.last_modified)).not_modified


def test_a_deleted_entry_is_confirmed_by_its_page_answering_404(fake):
    feed = blog(fake)
    feed.fetch()
    fake.feed.delete("1", at(90))
    assert feed.confirm_deleted(f"{fake.base_url}/posts/1") is True
    assert feed.confirm_deleted(f"{fake.base_url}/posts/2") is False
    assert feed.confirm_deleted("tag:elsewhere,2026:1") is False  # not an address on the feed's host


def test_a_429_garbage_and_a_hang(fake):
    feed = blog(fake)
    fake.fail("/feed.xml", wire.too_many("5"))
    policy, slept = no_waiting()
    FeedSource.connect(feed.url, policy=policy).fetch()
    assert slept == [5.0]
    fake.fail("/feed.xml", wire.garbage())
    with pytest.raises(SourceFailing) as garbage:
        feed.fetch()
    fake.fail("/feed.xml", wire.hang())
    with pytest.raises(SourceFailing) as hang:
        FeedSource.connect(feed.url, timeout=SHORT).fetch()
    assert (garbage.value.reason, hang.value.reason) == (FailureReason.UNREADABLE, FailureReason.TIMEOUT)
