"""A social-media presence of the organisation (ett socialt medium i förteckningen), user story 1."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit
from uuid import UUID

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.errors import InvalidTransition, InvalidValue
from domain.values import control_character, required_text


class Platform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    YOUTUBE = "youtube"
    LINKEDIN = "linkedin"
    BLOG = "blog"
    NEWSROOM = "newsroom"
    DEBATE_FORUM = "debate_forum"
    OTHER = "other"

    @property
    def label_sv(self) -> str:
        return _PLATFORM_LABELS[self]


_PLATFORM_LABELS = {
    Platform.FACEBOOK: "Facebook",
    Platform.INSTAGRAM: "Instagram",
    Platform.X: "X (Twitter)",
    Platform.YOUTUBE: "YouTube",
    Platform.LINKEDIN: "LinkedIn",
    Platform.BLOG: "Blogg",
    Platform.NEWSROOM: "Nyhetsrum",
    Platform.DEBATE_FORUM: "Debattforum",
    Platform.OTHER: "Annat",
}


class ChannelStatus(StrEnum):
    """Life cycle: planerad, aktiv, pausad, avslutad."""

    PLANNED = "planned"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


CHANNEL_STEWARDS = {Role.MANAGER, Role.RECORDS_OFFICER}


def valid_url(url: str) -> str:
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        raise InvalidValue("url", "must be an absolute http(s) address, e.g. https://www.facebook.com/valdemarsvik")
    if len(text) > 2000 or any(ch.isspace() for ch in text) or control_character(text):
        raise InvalidValue("url", "must be at most 2000 characters and contain no spaces or control characters")
    return text


def valid_platform(platform: str) -> Platform:
    try:
        return Platform(platform)
    except ValueError:
        allowed = ", ".join(p.value for p in Platform)
        raise InvalidValue("platform", f"must be one of {allowed}") from None


class Channel(RecordAggregate):
    """A channel in the register: platform, address, owning unit, responsible manager, purpose."""

    class Registered(RecordAggregate.Created):
        """The channel was entered in the register (kanal registrerad), as planned."""

        platform: str
        name: str
        url: str
        owning_unit: str
        responsible: str
        purpose: str

    class Activated(RecordAggregate.Event):
        """The channel went live or resumed after a pause (kanal aktiverad)."""

        def apply(self, channel: Channel) -> None:
            channel.status = ChannelStatus.ACTIVE

    class Paused(RecordAggregate.Event):
        """Publishing on the channel was paused (kanal pausad)."""

        reason: str

        def apply(self, channel: Channel) -> None:
            channel.status = ChannelStatus.PAUSED

    class Closed(RecordAggregate.Event):
        """The channel was closed down (kanal avslutad); its records remain."""

        reason: str

        def apply(self, channel: Channel) -> None:
            channel.status = ChannelStatus.CLOSED

    class Reopened(RecordAggregate.Event):
        """A closed channel was taken into use again (kanal återöppnad)."""

        reason: str

        def apply(self, channel: Channel) -> None:
            channel.status = ChannelStatus.ACTIVE

    class ResponsibleChanged(RecordAggregate.Event):
        """Another manager became responsible for the channel (ny ansvarig)."""

        responsible: str

        def apply(self, channel: Channel) -> None:
            channel.responsible = self.responsible

    class PurposeChanged(RecordAggregate.Event):
        """The channel's stated purpose changed (nytt syfte)."""

        purpose: str

        def apply(self, channel: Channel) -> None:
            channel.purpose = self.purpose

    class AddressChanged(RecordAggregate.Event):
        """The channel moved to another address (ny adress)."""

        url: str

        def apply(self, channel: Channel) -> None:
            channel.url = self.url

    def __init__(
        self, org_id: UUID, platform: str, name: str, url: str, owning_unit: str, responsible: str, purpose: str
    ):
        self.org_id = org_id
        self.platform = Platform(platform)
        self.name = name
        self.url = url
        self.owning_unit = owning_unit
        self.responsible = responsible
        self.purpose = purpose
        self.status = ChannelStatus.PLANNED

    @classmethod
    def register(
        cls,
        channel_id: UUID,
        org_id: UUID,
        platform: str,
        name: str,
        url: str,
        owning_unit: str,
        responsible: str,
        purpose: str,
        by: Actor,
        at: datetime,
    ) -> Channel:
        by.require(CHANNEL_STEWARDS, org_id, "registering a channel")
        return cls._create(
            cls.Registered,
            id=channel_id,
            platform=valid_platform(platform).value,
            name=required_text("name", name, 200),
            url=valid_url(url),
            owning_unit=required_text("owning_unit", owning_unit, 200),
            responsible=required_text("responsible", responsible, 200),
            purpose=required_text("purpose", purpose, 2000),
            **cls.envelope(by, at, None, org_id),
        )

    def activate(self, by: Actor, at: datetime) -> None:
        self._steward(by, "activating a channel")
        self._require_status({ChannelStatus.PLANNED, ChannelStatus.PAUSED}, "activated")
        self._record(self.Activated, by, at)

    def pause(self, reason: str, by: Actor, at: datetime) -> None:
        self._steward(by, "pausing a channel")
        self._require_status({ChannelStatus.ACTIVE}, "paused")
        self._record(self.Paused, by, at, reason=required_text("reason", reason))

    def close(self, reason: str, by: Actor, at: datetime) -> None:
        self._steward(by, "closing a channel")
        self._require_status({ChannelStatus.PLANNED, ChannelStatus.ACTIVE, ChannelStatus.PAUSED}, "closed")
        self._record(self.Closed, by, at, reason=required_text("reason", reason))

    def reopen(self, reason: str, by: Actor, at: datetime) -> None:
        self._steward(by, "reopening a channel")
        self._require_status({ChannelStatus.CLOSED}, "reopened")
        self._record(self.Reopened, by, at, reason=required_text("reason", reason))

    def change_responsible(self, responsible: str, by: Actor, at: datetime) -> None:
        self._steward(by, "changing a channel's responsible manager")
        self._require_open("its responsible manager changed")
        self._record(self.ResponsibleChanged, by, at, responsible=required_text("responsible", responsible, 200))

    def change_purpose(self, purpose: str, by: Actor, at: datetime) -> None:
        self._steward(by, "changing a channel's purpose")
        self._require_open("its purpose changed")
        self._record(self.PurposeChanged, by, at, purpose=required_text("purpose", purpose, 2000))

    def change_address(self, url: str, by: Actor, at: datetime) -> None:
        self._steward(by, "changing a channel's address")
        self._require_open("its address changed")
        self._record(self.AddressChanged, by, at, url=valid_url(url))

    def _steward(self, by: Actor, doing: str) -> None:
        by.require(CHANNEL_STEWARDS, self.org_id, doing)

    def _require_status(self, allowed: set[ChannelStatus], verb: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(f"a {self.status.value} channel cannot be {verb}")

    def _require_open(self, what: str) -> None:
        if self.status is ChannelStatus.CLOSED:
            raise InvalidTransition(f"a closed channel cannot have {what}; reopen it first")


STATUS_AFTER: dict[type, ChannelStatus] = {
    Channel.Activated: ChannelStatus.ACTIVE,
    Channel.Paused: ChannelStatus.PAUSED,
    Channel.Closed: ChannelStatus.CLOSED,
    Channel.Reopened: ChannelStatus.ACTIVE,
}
"""The life-cycle events and the status each leaves the channel in."""
LIFE_CYCLE_EVENTS = tuple(STATUS_AFTER)
