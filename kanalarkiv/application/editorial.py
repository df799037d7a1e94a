"""The application's commands on the editorial record: editors' assignments and posts, and the
recording of a capture once (``CommentCommands`` builds on them for comments)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.actors import Actor
from domain.post import Post, platform_record_id
from domain.roster import Assignment, ChannelRoster, valid_assignment
from kanalarkiv.application.base import RecordsBase
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.outcomes import Recorded, RecordNotFound


@dataclass(frozen=True)
class Captured:
    """A capture's outcome: ``created`` is false when the platform id was already recorded."""

    recorded: Recorded
    created: bool


class EditorialCommands(RecordsBase):
    """Editors' assignments (in the channel's roster) and posts."""

    # Editors' assignments

    @command
    def assign_editor(
        self,
        channel_id: UUID,
        editor_id: str,
        editor_name: str,
        valid_from: datetime,
        valid_until: datetime | None,
        scope: str,
    ) -> Recorded:
        channel = self.get_channel(channel_id)
        by, at = current_actor(), self.clock()
        roster = self._roster(channel_id) or ChannelRoster.open(channel, by=by, at=at)
        assignment_id = uuid4()
        roster.assign(channel, assignment_id, editor_id, editor_name, valid_from, valid_until, scope, by=by, at=at)
        return self._recorded(roster).for_record(assignment_id)

    @command
    def revoke_assignment(
        self, channel_id: UUID, assignment_id: UUID, reason: str, effective_from: datetime | None
    ) -> Recorded:
        roster = self._roster(channel_id)
        if roster is None:
            raise RecordNotFound(f"no assignment {assignment_id} on channel {channel_id}")
        roster.revoke(assignment_id, reason, effective_from, by=current_actor(), at=self.clock())
        return self._recorded(roster).for_record(assignment_id)

    # Posts

    def publish_post(
        self, channel_id: UUID, text: str, published_at: datetime | None, platform_post_id: str | None
    ) -> Recorded:
        channel = self.get_channel(channel_id)
        by, at = current_actor(), self.clock()
        when = published_at or at
        assignment = valid_assignment(self._roster(channel_id), by.id, when)
        post_id = platform_record_id("post", channel_id, platform_post_id) if platform_post_id else uuid4()
        post = Post.publish(post_id, channel, assignment, text, when, platform_post_id, by=by, at=at)
        return self._recorded(post)

    def capture_post(
        self,
        channel_id: UUID,
        platform_post_id: str,
        text: str,
        published_at: datetime,
        captured_at: datetime,
        author_name: str,
        author_id: str | None,
    ) -> Captured:
        channel = self.get_channel(channel_id)
        post_id = platform_record_id("post", channel_id, platform_post_id.strip())
        authorise = partial(Post.authorise_capture, channel.org_id)
        return self._capture_once(
            post_id,
            authorise,
            lambda by, at: Post.capture(
                post_id,
                channel,
                valid_assignment(self._roster(channel_id), author_id, published_at),
                platform_post_id.strip(),
                text,
                published_at,
                captured_at,
                author_id,
                author_name,
                by=by,
                at=at,
            ),
        )

    @command
    def edit_post(
        self,
        post_id: UUID,
        text: str,
        occurred_at: datetime | None = None,
        captured_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change_post(
            post_id,
            expected_version,
            occurred_at,
            lambda post, assignment, by, at, registered: post.edit(
                text, assignment, occurred_at, captured_at, by=by, at=at, channel_registered_at=registered
            ),
        )

    @command
    def delete_post(
        self,
        post_id: UUID,
        ground: str,
        reason: str,
        occurred_at: datetime | None = None,
        captured_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change_post(
            post_id,
            expected_version,
            occurred_at,
            lambda post, assignment, by, at, registered: post.delete(
                ground, reason, assignment, occurred_at, captured_at, by=by, at=at, channel_registered_at=registered
            ),
        )

    # Plumbing

    def _change_post(
        self,
        post_id: UUID,
        expected_version: int | None,
        occurred_at: datetime | None,
        change: Callable[[Post, Assignment | None, Actor, datetime, datetime], None],
    ) -> Recorded:
        """An editor's change of a post: the editor must hold a valid assignment for its channel
        when the change happened (or now), and nothing happened before the channel was registered."""
        post = self._versioned(post_id, Post, "post", expected_version)
        by, at = current_actor(), self.clock()
        assignment = valid_assignment(self._roster(post.channel_id), by.id, occurred_at or at)
        change(post, assignment, by, at, self._registered_at(post.channel_id))
        return self._recorded(post)

    def _registered_at(self, channel_id: UUID) -> datetime:
        """When the channel was registered here: nothing a person records on it happened before."""
        return self.get_channel(channel_id).created_on

    def _capture_once(
        self, record_id: UUID, authorise: Callable[[Actor], None], create: Callable[[Actor, datetime], Aggregate]
    ) -> Captured:
        """Record a capture unless its platform id was recorded before; a simultaneous second
        capture loses the insert race on the log's primary key and answers like a repeat. Who may
        capture is asked first: only they may learn that the platform id is recorded."""
        by = current_actor()
        authorise(by)
        existing = self._find(record_id, Aggregate, "record")
        if existing is not None:
            return self._repeated(existing)
        aggregate = create(by, self.clock())
        try:
            return Captured(self._recorded(aggregate), created=True)
        except IntegrityError:
            existing = self._find(record_id, Aggregate, "record")
            if existing is not None:
                return self._repeated(existing)
            raise

    def _repeated(self, existing: Aggregate) -> Captured:
        """A capture of what was recorded before: its record as it stands, at the log's end."""
        return Captured(
            Recorded(existing.id, existing.version, self.recorder.max_notification_id() or 0), created=False
        )
