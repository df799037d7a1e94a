"""Givens for the live sources' stories: a channel of each kind's platform, connected to the fake
platform, with its first state and a second (an edit, a hide, a deletion the platform confirms and
one it does not), and a runtime whose connectors talk to the fake and never sleep."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from uuid import UUID

from capture_story import given_a_channel
from fake_platform import FakePlatform
from fake_platform.linkedin import ORGANIZATION
from live_story import at

from domain.actors import Actor, Role
from domain.secret import Secret
from kanalarkiv.adapters.credentials import Credentials
from kanalarkiv.application.context import acting_as
from kanalarkiv.capture.live.http import RetryPolicy
from kanalarkiv.config import LiveEndpoints

PAGE, IG = "104000000000001", "17841400000000001"


@dataclass
class Kind:
    """One kind of source: its channel, its account, and what the platform holds before and after."""

    kind: str
    channel: dict[str, str]
    platform_id: str | None = None
    observes_deletions: bool = True  # a feed is a window: nothing missing from it is taken as deleted

    def token(self, fake: FakePlatform) -> str | None:
        return {
            "facebook_page": fake.facebook.token,
            "instagram_account": fake.instagram.token,
            "youtube_channel": fake.youtube.token,
            "linkedin_organization": fake.linkedin.token,
        }.get(self.kind)

    def url(self, fake: FakePlatform) -> str | None:
        return f"{fake.base_url}/feed.xml" if self.kind == "feed" else None

    def first(self, fake: FakePlatform) -> dict[str, str]:
        """The platform's first state; the ids of the items the second changes: ``edited``,
        ``hidden``, ``deleted`` (a direct fetch confirms it), ``unconfirmed`` (missing from the
        listing, yet a direct fetch finds it), as far as the platform has them."""
        return FIRST[self.kind](fake)

    def second(self, fake: FakePlatform, ids: dict[str, str]) -> None:
        SECOND[self.kind](fake, ids)


def _facebook(fake: FakePlatform) -> dict[str, str]:
    fb = fake.facebook
    fb.post(f"{PAGE}_1", "Välkommen till vår sida", at(0))
    fb.post(f"{PAGE}_2", "Simhallen stänger i sommar", at(10))
    for n in range(4):
        fb.comment(f"2_10{n}", f"{PAGE}_2", f"Synpunkt {n}", at(11 + n))
    return {"edited": "2_100", "hidden": "2_101", "deleted": "2_102", "unconfirmed": "2_103"}


def _instagram(fake: FakePlatform) -> dict[str, str]:
    ig = fake.instagram
    ig.post("18000000000000001", "Sommar i skärgården", at(0), ("valdemarsvik", IG))
    for n in range(4):
        ig.comment(f"1790000000000001{n}", "18000000000000001", f"Äntligen {n}!", at(1 + n), ("invånare", "9001"))
    ids = ("17900000000000010", "17900000000000011", "17900000000000012", "17900000000000013")
    return dict(zip(("edited", "hidden", "deleted", "unconfirmed"), ids, strict=True))


def _youtube(fake: FakePlatform) -> dict[str, str]:
    yt = fake.youtube
    yt.video("vid00000001", "Kommunfullmäktige 2 mars", at(0))
    for n in range(3):
        yt.comment(f"Ugtop{n}", "vid00000001", f"Fråga {n}", at(1 + n))
    for n in range(4):
        yt.comment(f"Ugtop0.reply{n}", "vid00000001", f"Svar {n}", at(10 + n), parent="Ugtop0")
    return {"edited": "Ugtop1", "hidden": "Ugtop2", "deleted": "Ugtop0.reply1", "unconfirmed": "Ugtop0.reply2"}


def _linkedin(fake: FakePlatform) -> dict[str, str]:
    li = fake.linkedin
    post = li.post(7100000000000000001, "Vi söker en ny planarkitekt", at(0))
    first = li.comment(7200000000000000010, post, "Intressant", at(1))
    second = li.comment(7200000000000000011, post, "När är sista ansökningsdag?", at(2))
    return {"edited": first, "deleted": second}


def _feed(fake: FakePlatform) -> dict[str, str]:
    fake.feed.publish("1", "Ny förskola", "Förskolan Solrosen öppnar i augusti.", at(0))
    fake.feed.publish("2", "Vägarbete", "Storgatan stängs vecka 12.", at(60))
    return {"edited": f"{fake.base_url}/posts/2", "deleted": f"{fake.base_url}/posts/1"}


def _graph_second(state: Any) -> Any:
    def change(fake: FakePlatform, ids: dict[str, str]) -> None:
        platform = state(fake)
        platform.edit(ids["edited"], "Synpunkt (ändrad)", at(90))
        platform.hide(ids["hidden"])
        platform.delete(ids["deleted"])
        platform.vanish(ids["unconfirmed"])

    return change


def _youtube_second(fake: FakePlatform, ids: dict[str, str]) -> None:
    fake.youtube.edit(ids["edited"], "Fråga 1 (ändrad)", at(90))
    fake.youtube.hold(ids["hidden"])
    fake.youtube.delete(ids["deleted"])
    fake.youtube.vanish(ids["unconfirmed"])


def _linkedin_second(fake: FakePlatform, ids: dict[str, str]) -> None:
    fake.linkedin.edit(ids["edited"], "Intressant, men när?", at(90))
    fake.linkedin.delete(ids["deleted"])


def _feed_second(fake: FakePlatform, ids: dict[str, str]) -> None:
    fake.feed.edit("2", "Storgatan stängs vecka 12 och 13.", at(90))
    fake.feed.delete("1", at(91))


FIRST = {"facebook_page": _facebook, "instagram_account": _instagram, "youtube_channel": _youtube,
         "linkedin_organization": _linkedin, "feed": _feed}  # fmt: skip
SECOND = {"facebook_page": _graph_second(lambda f: f.facebook), "instagram_account": _graph_second(lambda f: f.instagram),
          "youtube_channel": _youtube_second, "linkedin_organization": _linkedin_second, "feed": _feed_second}  # fmt: skip
KINDS = {
    "facebook_page": Kind("facebook_page", {}, PAGE),
    "instagram_account": Kind(
        "instagram_account",
        {"platform": "instagram", "name": "Valdemarsvik på Instagram", "url": "https://www.instagram.com/valdemarsvik"},
        IG,
    ),
    "youtube_channel": Kind(
        "youtube_channel",
        {"platform": "youtube", "name": "Valdemarsvik på YouTube", "url": "https://www.youtube.com/@valdemarsvik"},
        "UCfakechannel0000000000",
    ),
    "linkedin_organization": Kind(
        "linkedin_organization",
        {
            "platform": "linkedin",
            "name": "Valdemarsvik på LinkedIn",
            "url": "https://www.linkedin.com/company/valdemarsvik",
        },
        ORGANIZATION,
    ),
    "feed": Kind(
        "feed",
        {"platform": "newsroom", "name": "Nyheter", "url": "https://www.valdemarsvik.se/nyheter"},
        observes_deletions=False,
    ),
}


def towards(fake: FakePlatform, **options: Any) -> LiveEndpoints:
    """The endpoints of every platform at the fake one (its token endpoints too)."""
    base = fake.base_url
    return LiveEndpoints(facebook=base, instagram=base, youtube=f"{base}/youtube/v3", linkedin=base,
                         google_token=f"{base}/token", timeout_seconds=2, **options)  # fmt: skip


@dataclass
class Source:
    """A channel connected to a live source on the fake platform."""

    runtime: Any
    fake: FakePlatform
    kind: Kind
    channel_id: UUID
    org_id: UUID
    source_id: UUID
    manager: Actor
    slept: list[float] = field(default_factory=list)

    def poll(self, **options: Any) -> Any:
        with acting_as(self.manager):
            return self.runtime.app.poll_capture_source(self.source_id, **options)

    def caught_up(self) -> dict[str, Any]:
        self.runtime.views.wait_for("capture_sources", self.runtime.head())
        self.runtime.views.wait_for("capture_runs", self.runtime.head())
        [row] = self.runtime.views.capture_sources.listing(self.org_id, source_id=self.source_id)
        return row

    def observed_deletions(self) -> set[str]:
        self.runtime.views.wait_for("capture_runs", self.runtime.head())
        return {r["platform_id"] for r in self.runtime.views.capture_runs.observed_deletions(self.channel_id, None)}


def given_a_source(runtime: Any, fake: FakePlatform, kind: str, clock: Any, interval: int = 15) -> Source:
    """The channel of ``kind``'s platform, connected by its manager; the clock past the fake's items."""
    spec = KINDS[kind]
    clock.advance(hours=3)  # the fake platform's items were written from 09:00 on
    channel = given_a_channel(runtime, spec.channel or None)
    runtime.app.live_endpoints = towards(fake)
    slept: list[float] = []
    runtime.app.retry_policy = RetryPolicy(sleep=slept.append, now=clock)
    manager = Actor("actor:anna", "Anna Chef", Role.MANAGER, channel.org_id)
    token = spec.token(fake)
    with acting_as(manager):
        recorded = runtime.app.connect_capture_source(
            channel.channel_id, kind, platform_id=spec.platform_id, url=spec.url(fake),
            polling_interval=timedelta(minutes=interval),
            credentials=Credentials(access_token=Secret(token)) if token else None,
        )  # fmt: skip
    runtime.views.wait_for("capture_sources", recorded.position)
    return Source(runtime, fake, spec, channel.channel_id, channel.org_id, recorded.id, manager, slept)


__all__ = ["KINDS", "Source", "given_a_source", "replace", "towards"]
