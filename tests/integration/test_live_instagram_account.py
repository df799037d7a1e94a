"""An Instagram account polled through the (fake) Instagram Graph API: media, comments and
replies to their ends, a hide and a deletion seen on the next poll, a deletion confirmed, the
token's failures named."""

from __future__ import annotations

import pytest
from fake_platform import wire
from live_story import SHORT, at, fake, no_waiting, read

from domain.secret import Secret
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing
from kanalarkiv.capture.live.instagram_account import InstagramAccount

__all__ = ["fake"]
ACCOUNT = "17841400000000001"


def account_with_threads(fake) -> None:
    ig = fake.instagram
    ig.page_size = 2
    ig.post("18000000000000001", "Sommar i skärgården #valdemarsvik", at(0), ("valdemarsvik", ACCOUNT))
    ig.post("18000000000000002", "Nytt bibliotek öppnar", at(5), ("valdemarsvik", ACCOUNT))
    for n in range(4):
        ig.comment(f"1790000000000001{n}", "18000000000000002", f"Äntligen {n}!", at(6 + n), ("invånare", "9001"))
    for n in range(3):
        ig.comment(f"1790000000000002{n}", "17900000000000010", f"Håller med {n}", at(11 + n), ("granne", "9002"))


def connect(fake, **options) -> InstagramAccount:
    policy, _slept = no_waiting()
    options.setdefault("policy", policy)
    return InstagramAccount.connect(ACCOUNT, Secret(fake.instagram.token), base_url=fake.base_url, **options)


def test_a_first_backfill_holds_the_media_comments_and_replies_whole(fake):
    account_with_threads(fake)
    items, completeness = read(connect(fake).fetch())
    assert [items[f"1790000000000001{n}"].kind for n in range(4)] == ["comment"] * 4
    assert items["17900000000000022"].parent_platform_id == "17900000000000010"
    assert completeness.posts and {"18000000000000002", "17900000000000010"} <= completeness.threads


def test_a_second_fetch_shows_a_hide_and_a_deletion_and_the_deletion_is_confirmed(fake):
    account_with_threads(fake)
    account = connect(fake)
    account.fetch()
    fake.instagram.hide("17900000000000011")
    fake.instagram.delete("17900000000000021")
    items, completeness = read(account.fetch())
    assert items["17900000000000011"].hidden is True
    assert "17900000000000021" not in items and "17900000000000010" in completeness.threads
    assert account.confirm_deleted("17900000000000021") and not account.confirm_deleted("17900000000000011")


def test_a_429_is_honoured(fake):
    account_with_threads(fake)
    fake.fail("/media", wire.too_many("2"))
    policy, slept = no_waiting()
    read(connect(fake, policy=policy).fetch())
    assert slept == [2.0]


def test_an_expired_token_is_named(fake):
    fake.instagram.token_error = 463
    with pytest.raises(SourceFailing) as failing:
        connect(fake).fetch()
    assert failing.value.reason is FailureReason.CREDENTIALS_EXPIRED


def test_a_hang_is_bounded_by_the_timeout(fake):
    fake.fail("/replies", wire.hang())
    account_with_threads(fake)
    with pytest.raises(SourceFailing) as failing:
        connect(fake, timeout=SHORT).fetch()
    assert failing.value.reason is FailureReason.TIMEOUT
