"""A live source connected to a channel (insamlingskälla): which platform account or feed is
polled for the channel's record, how often, and under which sealed credentials — their id, never
the secret, which the credentials store keeps outside the log. Managers and records officers of
the channel's organisation connect, change and disconnect it."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.channel import CHANNEL_STEWARDS, Platform, valid_url
from domain.errors import InvalidTransition, InvalidValue
from domain.values import required_text


class SourceKind(StrEnum):
    FACEBOOK_PAGE = "facebook_page"
    INSTAGRAM_ACCOUNT = "instagram_account"
    YOUTUBE_CHANNEL = "youtube_channel"
    FEED = "feed"
    LINKEDIN_ORGANIZATION = "linkedin_organization"


PLATFORMS: dict[SourceKind, frozenset[Platform]] = {
    SourceKind.FACEBOOK_PAGE: frozenset({Platform.FACEBOOK}),
    SourceKind.INSTAGRAM_ACCOUNT: frozenset({Platform.INSTAGRAM}),
    SourceKind.YOUTUBE_CHANNEL: frozenset({Platform.YOUTUBE}),
    SourceKind.FEED: frozenset({Platform.BLOG, Platform.NEWSROOM, Platform.DEBATE_FORUM, Platform.OTHER}),
    SourceKind.LINKEDIN_ORGANIZATION: frozenset({Platform.LINKEDIN}),
}
"""The channels' platforms each kind of source can be connected to."""
SHORTEST_INTERVAL = timedelta(minutes=5)  # the platforms' rate limits leave no room for less
LONGEST_INTERVAL = timedelta(days=1)  # "register without delay" (OSL 5:1) allows no longer
POLLERS = CHANNEL_STEWARDS | {Role.CAPTURE_CLIENT}
"""Who may stop a source's polling: the stewards, and the poller (a capture client of the system)."""


def valid_kind(kind: str) -> SourceKind:
    try:
        return SourceKind(kind)
    except ValueError:
        raise InvalidValue("kind", f"must be one of {', '.join(k.value for k in SourceKind)}") from None


def valid_interval(interval: timedelta) -> int:
    if not SHORTEST_INTERVAL <= interval <= LONGEST_INTERVAL:
        raise InvalidValue("polling_interval", "must lie between 5 minutes and 1 day")
    return int(interval.total_seconds())


class CaptureSource(RecordAggregate):
    """A channel's live source: connected, changed, disconnected; by whom and when."""

    class Connected(RecordAggregate.Created):
        """A live source was connected to the channel (insamlingskälla ansluten). ``platform_id``
        is the account's id on the platform (a feed has its ``url`` instead); ``credentials_id``
        names the sealed credentials (none for a public feed)."""

        channel_id: UUID
        kind: str
        platform_id: str | None
        url: str | None
        polling_interval_seconds: int
        credentials_id: UUID | None

    class Changed(RecordAggregate.Event):
        """The source's polling interval, address or credentials changed (insamlingskälla
        ändrad); the event carries all three as they now are."""

        url: str | None
        polling_interval_seconds: int
        credentials_id: UUID | None

        def apply(self, source: CaptureSource) -> None:
            source.url = self.url
            source.polling_interval_seconds = self.polling_interval_seconds
            source.credentials_id = self.credentials_id

    class Disconnected(RecordAggregate.Event):
        """The source was disconnected (insamlingskälla frånkopplad): it is polled no more; what
        was captured from it remains the channel's record."""

        reason: str

        def apply(self, source: CaptureSource) -> None:
            source.connected = False

    class Suspended(RecordAggregate.Event):
        """Polling stopped because the platform refused the source's credentials (insamlingskälla
        avstängd): ``reason`` is the failure's (``credentials_expired``, ``credentials_invalid``),
        ``detail`` the platform's words without any secret. It stays so until a person gives the
        source new credentials."""

        reason: str
        detail: str

        def apply(self, source: CaptureSource) -> None:
            source.suspended_reason = self.reason

    class Resumed(RecordAggregate.Event):
        """Polling resumed (insamlingskälla återupptagen): the source was given new credentials
        after it was suspended."""

        def apply(self, source: CaptureSource) -> None:
            source.suspended_reason = None

    class WebhookChangeDismissed(RecordAggregate.Event):
        """A change the platform pushed to the source's webhook, which could not be captured, was
        dismissed by a person (webhookändring avförd): it is not captured from the inbox; a poll
        still captures what the platform shows. ``failure`` is why it could not be captured,
        ``reason`` the person's; the change's content is not here (it never became the record)."""

        delivery_id: str
        platform: str
        received_at: datetime
        failure: str
        reason: str

        def apply(self, source: CaptureSource) -> None:
            pass  # the source is as it was: the dismissal is a fact about one of its deliveries

    def __init__(
        self,
        org_id: UUID,
        channel_id: UUID,
        kind: str,
        platform_id: str | None,
        url: str | None,
        polling_interval_seconds: int,
        credentials_id: UUID | None,
    ):
        self.org_id = org_id
        self.channel_id = channel_id
        self.kind = SourceKind(kind)
        self.platform_id = platform_id
        self.url = url
        self.polling_interval_seconds = polling_interval_seconds
        self.credentials_id = credentials_id
        self.connected = True
        self.suspended_reason: str | None = None

    @property
    def polling_interval(self) -> timedelta:
        return timedelta(seconds=self.polling_interval_seconds)

    @classmethod
    def connect(
        cls,
        source_id: UUID,
        org_id: UUID,
        channel_id: UUID,
        channel_platform: str,
        kind: str,
        *,
        platform_id: str | None,
        url: str | None,
        polling_interval: timedelta,
        credentials_id: UUID | None,
        by: Actor,
        at: datetime,
    ) -> CaptureSource:
        by.require(CHANNEL_STEWARDS, org_id, "connecting a capture source")
        source_kind = valid_kind(kind)
        if Platform(channel_platform) not in PLATFORMS[source_kind]:
            raise InvalidValue("kind", f"a {source_kind.value} source cannot capture a {channel_platform} channel")
        return cls._create(
            cls.Connected,
            id=source_id,
            channel_id=channel_id,
            kind=source_kind.value,
            platform_id=_platform_id(source_kind, platform_id),
            url=_url(source_kind, url),
            polling_interval_seconds=valid_interval(polling_interval),
            credentials_id=_credentials(source_kind, credentials_id),
            **cls.envelope(by, at, None, org_id),
        )

    def change(
        self,
        *,
        polling_interval: timedelta,
        url: str | None,
        credentials_id: UUID | None,
        by: Actor,
        at: datetime,
    ) -> None:
        self._steward(by, "changing a capture source")
        seconds = valid_interval(polling_interval)
        address, credentials = _url(self.kind, url), _credentials(self.kind, credentials_id)
        if (address, seconds, credentials) == (self.url, self.polling_interval_seconds, self.credentials_id):
            return  # nothing changed: nothing to record
        renewed = credentials != self.credentials_id
        self._record(self.Changed, by, at, url=address, polling_interval_seconds=seconds, credentials_id=credentials)
        if renewed and self.suspended_reason is not None:
            self._record(self.Resumed, by, at)

    def suspend(self, reason: str, detail: str, by: Actor, at: datetime) -> None:
        """Stop polling: the platform refused the credentials. Once is enough: a suspended source
        is not polled, so it is not refused again."""
        by.require(POLLERS, self.org_id, "suspending a capture source")
        if not self.connected or self.suspended_reason is not None:
            return
        self._record(self.Suspended, by, at, reason=required_text("reason", reason, 100),
                     detail=required_text("detail", detail[:1000], 1000))  # fmt: skip

    def disconnect(self, reason: str, by: Actor, at: datetime) -> None:
        self._steward(by, "disconnecting a capture source")
        self._record(self.Disconnected, by, at, reason=required_text("reason", reason))

    def dismiss_webhook_change(
        self, delivery_id: str, platform: str, received_at: datetime, failure: str, reason: str, by: Actor, at: datetime
    ) -> None:
        """Also of a disconnected source: its failed changes are still a person's to decide on."""
        by.require(CHANNEL_STEWARDS, self.org_id, "dismissing a webhook change")
        self._record(self.WebhookChangeDismissed, by, at, delivery_id=delivery_id, platform=platform,
                     received_at=received_at, failure=failure[:1000], reason=required_text("reason", reason, 1000))  # fmt: skip

    def _steward(self, by: Actor, doing: str) -> None:
        by.require(CHANNEL_STEWARDS, self.org_id, doing)
        if not self.connected:
            raise InvalidTransition("the capture source is disconnected; connect a new one")


def _platform_id(kind: SourceKind, platform_id: str | None) -> str | None:
    if kind is SourceKind.FEED:
        return None
    return required_text("platform_id", platform_id, 200)


def _url(kind: SourceKind, url: str | None) -> str | None:
    if kind is SourceKind.FEED and not url:
        raise InvalidValue("url", "a feed source needs the feed's address")
    return valid_url(url) if url else None


def _credentials(kind: SourceKind, credentials_id: UUID | None) -> UUID | None:
    if credentials_id is None and kind is not SourceKind.FEED:
        raise InvalidValue("credentials", f"a {kind.value} source needs credentials (an access token)")
    return credentials_id
