"""The application's commands on the editorial record: assignments, posts, comments, replies,
moderation, transfers to cases, and the recorded look-ups of commenters' personal data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.actors import Actor
from domain.comment import Comment
from domain.personal_data import AuthorIdentityDisclosure, DataSubjectSearch
from domain.post import Post, platform_record_id
from domain.roster import ChannelRoster, valid_assignment
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.outcomes import Recorded, RecordNotFound


@dataclass(frozen=True)
class Captured:
    """A capture's outcome: ``created`` is false when the platform id was already recorded."""

    recorded: Recorded
    created: bool


@dataclass(frozen=True)
class AuthorIdentity:
    comment_id: UUID
    author_name: str
    platform_author_id: str | None
    disclosure: Recorded


class EditorialCommands:
    """Mixed into ``RecordsApplication``; relies on its ``_get``, ``_recorded`` and ``clock``, and on
    the diary's ``_case_number`` and ``_case`` (``DiaryCommands``)."""

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
        post = self._post(post_id, expected_version)
        by, at = current_actor(), self.clock()
        assignment = valid_assignment(self._roster(post.channel_id), by.id, occurred_at or at)
        post.edit(
            text,
            assignment,
            occurred_at,
            captured_at,
            by=by,
            at=at,
            channel_registered_at=self._registered_at(post.channel_id),
        )
        return self._recorded(post)

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
        post = self._post(post_id, expected_version)
        by, at = current_actor(), self.clock()
        assignment = valid_assignment(self._roster(post.channel_id), by.id, occurred_at or at)
        post.delete(
            ground,
            reason,
            assignment,
            occurred_at,
            captured_at,
            by=by,
            at=at,
            channel_registered_at=self._registered_at(post.channel_id),
        )
        return self._recorded(post)

    def get_post(self, post_id: UUID) -> Post:
        return self._get(post_id, Post, "post")

    # Comments

    def record_comment(
        self,
        post_id: UUID,
        platform_comment_id: str | None,
        author_name: str,
        platform_author_id: str | None,
        text: str,
        received_at: datetime,
        captured_at: datetime | None,
    ) -> Captured:
        post = self.get_post(post_id)
        platform_id = platform_comment_id.strip() if platform_comment_id else None
        comment_id = platform_record_id("comment", post.channel_id, platform_id) if platform_id else uuid4()
        authorise = partial(Comment.authorise_receipt, post.org_id)
        return self._capture_once(
            comment_id,
            authorise,
            lambda by, at: Comment.receive(
                comment_id,
                post,
                platform_id,
                author_name,
                platform_author_id,
                text,
                received_at,
                captured_at,
                by=by,
                at=at,
            ),
        )

    @command
    def reply_to_comment(
        self,
        comment_id: UUID,
        text: str,
        occurred_at: datetime | None = None,
        captured_at: datetime | None = None,
        author_id: str | None = None,
        author_name: str | None = None,
    ) -> Recorded:
        comment = self.get_comment(comment_id)
        by, at = current_actor(), self.clock()
        editor_id = author_id if captured_at is not None else by.id
        assignment = valid_assignment(self._roster(comment.channel_id), editor_id, occurred_at or at)
        reply_id = uuid4()
        comment.reply(
            reply_id,
            text,
            assignment,
            author_id,
            author_name,
            occurred_at,
            captured_at,
            by=by,
            at=at,
            channel_registered_at=self._registered_at(comment.channel_id),
        )
        return self._recorded(comment).for_record(reply_id)

    @command
    def moderate_comment(
        self,
        comment_id: UUID,
        action: str,
        ground: str,
        provision: str | None,
        justification: str,
        expected_version: int | None = None,
    ) -> Recorded:
        comment, by, at, assignment = self._comment_decision(comment_id, expected_version)
        decision_id = uuid4()
        comment.moderate(decision_id, action, ground, provision, justification, assignment, by=by, at=at)
        return self._recorded(comment).for_record(decision_id)

    @command
    def reverse_moderation(self, comment_id: UUID, justification: str, expected_version: int | None = None) -> Recorded:
        comment, by, at, assignment = self._comment_decision(comment_id, expected_version)
        decision_id = uuid4()
        comment.reverse_moderation(decision_id, justification, assignment, by=by, at=at)
        return self._recorded(comment).for_record(decision_id)

    @command
    def transfer_comment_to_case(
        self, comment_id: UUID, diary_number: str | None, note: str, expected_version: int | None = None
    ) -> Recorded:
        """Move the comment to the case under ``diary_number`` in the organisation's diary, or, with
        none, to a new case the records officer will open."""
        number = self._case_number(diary_number, "diary_number")
        comment, by, at, assignment = self._comment_decision(comment_id, expected_version)
        comment.transfer_to_case(str(number) if number else None, note, assignment, by=by, at=at)
        if number is not None:  # asked once the rules let this actor move the comment: no one else learns it
            self._case(comment.org_id, number, "diary_number")
        return self._recorded(comment)

    def get_comment(self, comment_id: UUID) -> Comment:
        return self._get(comment_id, Comment, "comment")

    # Commenters' personal data

    def reveal_comment_author(self, comment_id: UUID, reason: str) -> AuthorIdentity:
        comment = self.get_comment(comment_id)
        disclosure = AuthorIdentityDisclosure.record(uuid4(), comment, reason, by=current_actor(), at=self.clock())
        recorded = self._recorded(disclosure)
        return AuthorIdentity(comment.id, comment.author_name, comment.platform_author_id, recorded)

    def record_data_subject_search(
        self,
        org_id: UUID,
        article: str,
        case_reference: str,
        platform_author_id: str | None,
        author_name: str | None,
        reason: str,
    ) -> Any:
        search = DataSubjectSearch.perform(
            uuid4(),
            org_id,
            article,
            case_reference,
            platform_author_id,
            author_name,
            reason,
            by=current_actor(),
            at=self.clock(),
        )
        return search, self._recorded(search)

    # Plumbing

    def _roster(self, channel_id: UUID) -> ChannelRoster | None:
        roster_id = ChannelRoster.id_for(channel_id)
        return self._get(roster_id, ChannelRoster, "roster") if roster_id in self.repository else None

    def _registered_at(self, channel_id: UUID) -> datetime:
        """When the channel was registered here: nothing a person records on it happened before."""
        return self.get_channel(channel_id).created_on

    def _post(self, post_id: UUID, expected_version: int | None) -> Post:
        post = self.get_post(post_id)
        post.check_version(expected_version)
        return post

    def _comment_decision(self, comment_id: UUID, expected_version: int | None) -> tuple:
        comment = self.get_comment(comment_id)
        comment.check_version(expected_version)
        by, at = current_actor(), self.clock()
        return comment, by, at, valid_assignment(self._roster(comment.channel_id), by.id, at)

    def _capture_once(
        self, record_id: UUID, authorise: Callable[[Actor], None], create: Callable[[Actor, datetime], Aggregate]
    ) -> Captured:
        """Record a capture unless its platform id was recorded before; a simultaneous second
        capture loses the insert race on the log's primary key and answers like a repeat. Who may
        capture is asked first: only they may learn that the platform id is recorded."""
        by = current_actor()
        authorise(by)
        if record_id in self.repository:
            return Captured(self._existing(record_id), created=False)
        aggregate = create(by, self.clock())
        try:
            return Captured(self._recorded(aggregate), created=True)
        except IntegrityError:
            if record_id in self.repository:
                return Captured(self._existing(record_id), created=False)
            raise

    def _existing(self, record_id: UUID) -> Recorded:
        aggregate = self.repository.get(record_id)
        return Recorded(record_id, aggregate.version, self.recorder.max_notification_id() or 0)
