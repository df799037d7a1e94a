"""A LinkedIn organization polled through the (fake) Community Management API: posts, comments
and replies paged by start/count to their totals and read by the linkedin reader; an edit and a
deletion on the next poll, the deletion confirmed by a 404; 429, an expired token and a hang."""

from __future__ import annotations

import pytest
from fake_platform import wire
from fake_platform.linkedin import ORGANIZATION
from live_story import SHORT, at, fake, no_waiting, read

from domain.secret import Secret
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing
from kanalarkiv.capture.live.linkedin_organization import LinkedInOrganization

__all__ = ["fake"]


def organization_with_threads(fake) -> dict[str, str]:
    li = fake.linkedin
    li.page_size = 2
    post = li.post(7100000000000000001, "Vi söker en ny planarkitekt", at(0))
    quiet = li.post(7100000000000000002, "Sommarstängt i stadshuset", at(5))
    comments = [li.comment(7200000000000000010 + n, post, f"Intressant {n}", at(1 + n)) for n in range(3)]
    reply = li.comment(7200000000000000020, comments[0], "Tack för svaret", at(10))
    return {"post": post, "quiet": quiet, "first": comments[0], "second": comments[1], "reply": reply}


def connect(fake, **options) -> LinkedInOrganization:
    policy, _slept = no_waiting()
    options.setdefault("policy", policy)
    return LinkedInOrganization.connect(ORGANIZATION, Secret(fake.linkedin.token), base_url=fake.base_url, **options)


def test_a_first_backfill_reads_posts_comments_and_replies_with_whole_threads(fake):
    urns = organization_with_threads(fake)
    items, completeness = read(connect(fake).fetch())
    assert items[urns["post"]].kind == "post" and items[urns["first"]].parent_platform_id == urns["post"]
    assert items[urns["reply"]].kind == "reply" and items[urns["reply"]].parent_platform_id == urns["first"]
    assert {urns["post"], urns["first"], urns["quiet"]} <= completeness.threads  # an empty listing: a thread of none
    assert all(request.headers["linkedin-version"] for request in fake.requests_to("/rest/"))


def test_a_second_fetch_shows_an_edit_and_a_deletion_confirmed(fake):
    urns = organization_with_threads(fake)
    organization = connect(fake)
    organization.fetch()
    fake.linkedin.edit(urns["second"], "Intressant, men när?", at(30))
    fake.linkedin.delete(urns["reply"])
    items, completeness = read(organization.fetch())
    assert items[urns["second"]].edited_at == at(30)
    assert urns["reply"] not in items and urns["first"] in completeness.threads
    assert organization.confirm_deleted(urns["reply"]) and not organization.confirm_deleted(urns["second"])


def test_a_429_an_expired_token_and_a_hang(fake):
    organization_with_threads(fake)
    fake.fail("/rest/posts", wire.too_many())
    policy, slept = no_waiting()
    connect(fake, policy=policy).fetch()
    assert slept == [2.0]
    fake.fail("/socialActions", wire.hang())
    with pytest.raises(SourceFailing) as hang:
        connect(fake, timeout=SHORT).fetch()
    fake.linkedin.token_error = 65602
    with pytest.raises(SourceFailing) as expired:
        connect(fake).fetch()
    assert (hang.value.reason, expired.value.reason) == (FailureReason.TIMEOUT, FailureReason.CREDENTIALS_EXPIRED)
