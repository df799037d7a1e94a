"""A Facebook Page polled through the (fake) Graph API: the bundle the connector returns reads
as a file import of the same responses would, threads whole across pages; edits, hides and
deletions show; throttling is waited out within bounds; a dead token, garbage or a hang fail
with their reason."""

from __future__ import annotations

import logging

import pytest
from fake_platform import wire
from live_story import SHORT, at, fake, no_waiting, read

from domain.secret import Secret
from kanalarkiv.capture.live.facebook_page import FacebookPage
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing

__all__ = ["fake"]
PAGE = "104000000000001"


def page_with_threads(fake) -> None:
    fb = fake.facebook
    fb.page_size = 2  # the feed and every edge take several pages
    fb.post(f"{PAGE}_1", "Välkommen till vår sida", at(0))
    fb.post(f"{PAGE}_2", "Simhallen stänger i sommar", at(10))
    fb.post(f"{PAGE}_3", "Valet: så röstar du", at(20))
    for n in range(5):
        fb.comment(f"2_10{n}", f"{PAGE}_2", f"Synpunkt {n}", at(11 + n))
    for n in range(3):
        fb.comment(f"2_20{n}", "2_100", f"Svar {n}", at(17 + n))


def connect(fake, **options) -> FacebookPage:
    policy, _slept = no_waiting()
    options.setdefault("policy", policy)
    return FacebookPage.connect(PAGE, Secret(fake.facebook.token), base_url=fake.base_url, **options)


def test_a_first_backfill_holds_every_post_comment_and_reply_and_the_threads_are_whole(fake):
    page_with_threads(fake)
    bundle = connect(fake).fetch()
    items, completeness = read(bundle)
    assert {i.platform_id for i in items.values() if i.kind == "post"} == {f"{PAGE}_{n}" for n in (1, 2, 3)}
    assert {i for i in items if i.startswith("2_10")} == {f"2_10{n}" for n in range(5)}
    assert items["2_202"].kind == "reply" and items["2_202"].parent_platform_id == "2_100"
    assert completeness.posts and {f"{PAGE}_2", "2_100"} <= completeness.threads
    assert bundle.names() == ["0001-feed.json", "0002-feed.json"]


def test_the_token_goes_in_a_header_and_never_into_the_bundle(fake):
    page_with_threads(fake)
    bundle = connect(fake).fetch()
    assert all(request.bearer() == fake.facebook.token for request in fake.requests)
    assert all("access_token" not in request.query for request in fake.requests)
    assert not any(fake.facebook.token.encode() in bundle.read(name) for name in bundle.names())


def test_a_second_fetch_shows_an_edit_a_hide_and_a_deletion(fake):
    page_with_threads(fake)
    page = connect(fake)
    page.fetch()
    fake.facebook.edit(f"{PAGE}_3", "Valet: så röstar du (rättad)", at(60))
    fake.facebook.hide("2_101")
    fake.facebook.delete("2_103")
    items, completeness = read(page.fetch())
    assert items[f"{PAGE}_3"].text.endswith("(rättad)") and items[f"{PAGE}_3"].edited_at == at(60)
    assert items["2_101"].hidden is True
    assert "2_103" not in items and f"{PAGE}_2" in completeness.threads  # so its absence may be observed
    assert page.confirm_deleted("2_103") is True
    assert page.confirm_deleted("2_101") is False


def test_a_thread_whose_last_comment_was_deleted_is_still_whole(fake):
    fake.facebook.post(f"{PAGE}_4", "Stängt i dag", at(30))
    fake.facebook.comment("4_101", f"{PAGE}_4", "Varför?", at(31))
    page = connect(fake)
    page.fetch()
    fake.facebook.delete("4_101")
    items, completeness = read(page.fetch())
    assert "4_101" not in items and f"{PAGE}_4" in completeness.threads


def test_an_incremental_window_holds_the_posts_since_its_start(fake):
    page_with_threads(fake)
    items, completeness = read(connect(fake).fetch(since=at(10)))
    assert {i for i, item in items.items() if item.kind == "post"} == {f"{PAGE}_2", f"{PAGE}_3"}
    assert completeness.period == (at(10), at(20))


def test_a_429_is_waited_out_as_its_retry_after_says(fake):
    page_with_threads(fake)
    fake.fail("/feed", wire.too_many("7"), wire.too_many())
    policy, slept = no_waiting()
    items, _ = read(connect(fake, policy=policy).fetch())
    assert slept == [7.0, 4.0] and f"{PAGE}_1" in items  # the second had no Retry-After: the back-off


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_graph_throttling_is_waited_out_and_then_given_up_within_bounds(fake, code):
    fake.fail("/feed", *[wire.graph_error(code, http_status=403)] * 3)
    policy, slept = no_waiting(attempts=3)
    with pytest.raises(SourceFailing) as failing:
        connect(fake, policy=policy).fetch()
    assert failing.value.reason is FailureReason.RATE_LIMITED and slept == [2.0, 4.0]
    assert failing.value.retry_after == 8.0


def test_the_business_use_case_header_says_how_long_to_wait(fake):
    usage = '{"104000000000001": [{"type": "pages", "estimated_time_to_regain_access": 3}]}'
    fake.fail("/feed", wire.graph_error(80001, http_status=400, headers={"X-Business-Use-Case-Usage": usage}))
    policy, slept = no_waiting()
    connect(fake, policy=policy).fetch()
    assert slept == [180.0]


def test_a_wait_longer_than_the_policy_allows_ends_the_poll_with_when_to_come_back(fake):
    fake.fail("/feed", wire.too_many("3600"))
    policy, slept = no_waiting()
    with pytest.raises(SourceFailing) as failing:
        connect(fake, policy=policy).fetch()
    assert failing.value.reason is FailureReason.RATE_LIMITED and failing.value.retry_after == 3600 and slept == []


@pytest.mark.parametrize(
    ("subcode", "reason"), [(463, FailureReason.CREDENTIALS_EXPIRED), (460, FailureReason.CREDENTIALS_INVALID)]
)
def test_a_token_no_longer_valid_fails_naming_why(fake, subcode, reason):
    fake.facebook.token_error = subcode
    with pytest.raises(SourceFailing) as failing:
        connect(fake).fetch()
    assert failing.value.reason is reason and fake.facebook.token not in str(failing.value)


def test_garbage_is_unreadable_not_a_crash(fake):
    fake.fail("/feed", wire.garbage())
    with pytest.raises(SourceFailing) as failing:
        connect(fake).fetch()
    assert failing.value.reason is FailureReason.UNREADABLE


def test_a_hang_is_bounded_by_the_timeout(fake):
    fake.fail("/feed", wire.hang())
    with pytest.raises(SourceFailing) as failing:
        connect(fake, timeout=SHORT).fetch()
    assert failing.value.reason is FailureReason.TIMEOUT


def test_the_platform_s_own_errors_are_retried_then_named(fake):
    fake.fail("/feed", *[wire.status(503)] * 5)
    with pytest.raises(SourceFailing) as failing:
        connect(fake).fetch()
    assert failing.value.reason is FailureReason.UPSTREAM_ERROR


def test_no_log_line_holds_the_token(fake, caplog):
    page_with_threads(fake)
    with caplog.at_level(logging.DEBUG):
        connect(fake).fetch()
    assert caplog.records and fake.facebook.token not in caplog.text
