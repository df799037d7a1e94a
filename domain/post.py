"""The body's own posts on a channel (upprättade handlingar), user stories 2 and 8.

A post enters the record in one of two ways: an editor records it (and must hold a valid
assignment), or a capture client records what appeared on the platform (recorded anyway, and
a deviation when nobody with a valid assignment published it). Edits keep every version;
a deletion keeps who, when, why and on what ground, and the content stays a record."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.channel import Channel, ChannelStatus
from domain.errors import InvalidTransition, InvalidValue, NotPermitted
from domain.grounds import POST_DELETION_GROUNDS, Ground, valid_ground
from domain.organisation import NAMESPACE
from domain.platform_observations import PlatformObserved
from domain.roster import Assignment, require_assignment
from domain.values import not_before, past_instant, plain_text, required_text

PUBLISHERS = {Role.EDITOR, Role.MANAGER}
STEWARDS = {Role.MANAGER, Role.RECORDS_OFFICER}
MAX_TEXT = 100_000


def platform_record_id(kind: str, channel_id: UUID, platform_id: str) -> UUID:
    """One record per platform id and channel: a second capture of it cannot be saved."""
    return uuid5(NAMESPACE, f"{kind}/{channel_id}/{platform_id}")


class Post(PlatformObserved):
    """A post published on one of the body's channels."""

    class Published(RecordAggregate.Created):
        """The post was published on the channel (upprättad när den publicerades); ``occurred_at``
        is when it was published on the platform. ``assignment_id`` is the assignment it was
        published under; none means a deviation (publicerad utan giltigt uppdrag)."""

        channel_id: UUID
        text: str
        platform_post_id: str | None
        author_id: str | None
        author_name: str
        source: str
        captured_at: datetime | None
        assignment_id: UUID | None

    class Edited(RecordAggregate.Event):
        """The post's text was changed; both versions are kept (redigerad)."""

        channel_id: UUID
        text_before: str
        text_after: str
        captured_at: datetime | None

        def apply(self, post: Post) -> None:
            post.versions.append(self.text_after)
            post.text = self.text_after
            post.changed_at = self.occurred_at

    class Deleted(RecordAggregate.Event):
        """The post was removed from the channel (borttagen). The record remains until disposed of."""

        channel_id: UUID
        ground: str
        reason: str
        captured_at: datetime | None

        def apply(self, post: Post) -> None:
            post.deleted = True
            post.changed_at = self.occurred_at

    def __init__(
        self,
        org_id: UUID,
        channel_id: UUID,
        text: str,
        platform_post_id: str | None,
        author_id: str | None,
        assignment_id: UUID | None,
        occurred_at: datetime,
    ):
        self.org_id = org_id
        self.published_at = occurred_at
        self.changed_at = occurred_at
        self.channel_id = channel_id
        self.text = text
        self.versions = [text]
        self.platform_post_id = platform_post_id
        self.author_id = author_id
        self.assignment_id = assignment_id
        self.deleted = False

    @classmethod
    def publish(
        cls,
        post_id: UUID,
        channel: Channel,
        assignment: Assignment | None,
        text: str,
        published_at: datetime,
        platform_post_id: str | None,
        by: Actor,
        at: datetime,
    ) -> Post:
        """An editor records a post they published in service."""
        by.require(PUBLISHERS, channel.org_id, "publishing a post")
        if channel.status is not ChannelStatus.ACTIVE:
            raise InvalidTransition(f"nothing is published on a {channel.status.value} channel")
        published_at = not_before(
            "published_at",
            past_instant("published_at", published_at, at),
            channel.created_on,
            "the channel was registered",
        )
        assignment = require_assignment(assignment, by, published_at, "publishing a post")
        return cls._created(
            post_id,
            channel,
            text,
            platform_post_id,
            by.id,
            by.name,
            "editor",
            None,
            assignment.assignment_id,
            by,
            at,
            published_at,
        )

    @classmethod
    def capture(
        cls,
        post_id: UUID,
        channel: Channel,
        assignment: Assignment | None,
        platform_post_id: str,
        text: str,
        published_at: datetime,
        captured_at: datetime,
        author_id: str | None,
        author_name: str,
        by: Actor,
        at: datetime,
    ) -> Post:
        """A capture client records a post as it appeared on the platform, whoever published it.
        Its history may be older than the channel's registration here: only the range bounds it."""
        cls.authorise_capture(channel.org_id, by)
        published_at = past_instant("published_at", published_at, at)
        captured_at = not_before(
            "captured_at", past_instant("captured_at", captured_at, at), published_at, "the post was published"
        )
        return cls._created(
            post_id,
            channel,
            text,
            required_text("platform_post_id", platform_post_id, 200),
            plain_text("author_id", author_id),
            required_text("author_name", author_name, 200),
            "capture",
            captured_at,
            assignment.assignment_id if assignment else None,
            by,
            at,
            published_at,
        )

    @staticmethod
    def authorise_capture(org_id: UUID, by: Actor) -> None:
        """Who may record what appeared on a channel of ``org_id``: asked before anything else, so
        that a refusal tells nothing about what was captured before."""
        by.require({Role.CAPTURE_CLIENT}, org_id, "capturing a post")

    @classmethod
    def _created(
        cls,
        post_id: UUID,
        channel: Channel,
        text: str,
        platform_post_id: str | None,
        author_id: str | None,
        author_name: str,
        source: str,
        captured_at: datetime | None,
        assignment_id: UUID | None,
        by: Actor,
        at: datetime,
        published_at: datetime,
    ) -> Post:
        return cls._create(
            cls.Published,
            id=post_id,
            channel_id=channel.id,
            text=required_text("text", text, MAX_TEXT),
            platform_post_id=plain_text("platform_post_id", platform_post_id),
            author_id=author_id,
            author_name=author_name,
            source=source,
            captured_at=captured_at,
            assignment_id=assignment_id,
            **cls.envelope(by, at, published_at, channel.org_id),
        )

    def edit(
        self,
        text: str,
        assignment: Assignment | None,
        occurred_at: datetime | None,
        captured_at: datetime | None,
        by: Actor,
        at: datetime,
        *,
        channel_registered_at: datetime,
    ) -> None:
        when = self._authorise_change(
            assignment, occurred_at, captured_at, channel_registered_at, by, at, "editing a post"
        )
        text = required_text("text", text, MAX_TEXT)
        if text == self.text:
            raise InvalidValue("text", "is the same as the post's current text")
        self._record(
            self.Edited,
            by,
            at,
            when,
            channel_id=self.channel_id,
            text_before=self.text,
            text_after=text,
            captured_at=captured_at,
        )

    def delete(
        self,
        ground: str,
        reason: str,
        assignment: Assignment | None,
        occurred_at: datetime | None,
        captured_at: datetime | None,
        by: Actor,
        at: datetime,
        *,
        channel_registered_at: datetime,
    ) -> None:
        when = self._authorise_change(
            assignment, occurred_at, captured_at, channel_registered_at, by, at, "deleting a post"
        )
        allowed = POST_DELETION_GROUNDS | ({Ground.NOT_STATED} if by.role is Role.CAPTURE_CLIENT else set())
        self._record(
            self.Deleted,
            by,
            at,
            when,
            channel_id=self.channel_id,
            ground=valid_ground(ground, frozenset(allowed)).value,
            reason=required_text("reason", reason, 2000),
            captured_at=captured_at,
        )

    def _authorise_change(
        self,
        assignment: Assignment | None,
        occurred_at: datetime | None,
        captured_at: datetime | None,
        channel_registered_at: datetime,
        by: Actor,
        at: datetime,
        doing: str,
    ) -> datetime:
        """Who may change a post: an assigned editor, a steward, or a capture client reporting
        what happened on the platform. Returns when it happened: after the post's last change,
        and, when a person records it, after the channel was registered."""
        by.require(PUBLISHERS | STEWARDS | {Role.CAPTURE_CLIENT}, self.org_id, doing)
        if self.deleted:
            raise InvalidTransition("the post is already deleted")
        when = past_instant("occurred_at", occurred_at or at, at)
        not_before(
            "occurred_at",
            when,
            self.changed_at,
            "the post was published" if self.changed_at == self.published_at else "its last change",
        )
        if by.role is Role.CAPTURE_CLIENT:
            if captured_at is None:
                raise InvalidValue("captured_at", "a capture says when it was captured")
            not_before("captured_at", past_instant("captured_at", captured_at, at), when, "the change it captured")
            return when
        if captured_at is not None:
            raise NotPermitted("only a capture client reports captures")
        not_before("occurred_at", when, channel_registered_at, "the channel was registered")
        if by.role is Role.EDITOR:
            require_assignment(assignment, by, when, doing)
        return when
