"""Comments from the public on the body's posts (inkomna handlingar), and what the body does
with them: replies (story 3), moderation (story 4) and transfer to a case (stories 5, 10).

Of a comment's author only what the platform shows publicly is kept: a display name and the
platform's author id. Nothing is inferred, and nothing identifies the author beyond that."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.actors import Actor, Role
from domain.diary_numbers import valid_diary_number
from domain.errors import InvalidTransition, InvalidValue, NotPermitted
from domain.grounds import MODERATION_GROUNDS, valid_ground, valid_provision
from domain.platform_observations import CommentObserved, RecordAggregate
from domain.post import MAX_TEXT, PUBLISHERS, STEWARDS, Post
from domain.roster import Assignment, require_assignment
from domain.values import not_before, past_instant, plain_text, required_text

RECEIVERS = {Role.CAPTURE_CLIENT, Role.RECORDS_OFFICER}
NEW_CASE = "new case"
"""Where a comment was moved when the editor named no case: to a new one, for the records officer to open."""


class Visibility(StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"
    REMOVED = "removed"


class ModerationAction(StrEnum):
    HIDE = "hide"
    REMOVE = "remove"


VISIBILITY_AFTER = {ModerationAction.HIDE: Visibility.HIDDEN, ModerationAction.REMOVE: Visibility.REMOVED}
"""What a moderation action leaves of the comment on the channel."""


class Comment(CommentObserved):
    """A comment received on one of the body's posts."""

    class Received(RecordAggregate.Created):
        """A comment was received on the platform (inkommen när den skrevs); ``occurred_at`` is
        when it was posted there, ``captured_at`` when the capture client saw it."""

        post_id: UUID
        channel_id: UUID
        platform_comment_id: str | None
        author_name: str
        platform_author_id: str | None
        text: str
        captured_at: datetime | None

    class ReplyPosted(RecordAggregate.Event):
        """An editor answered the comment on the channel (svar); ``occurred_at`` is when."""

        reply_id: UUID
        channel_id: UUID
        text: str
        author_id: str
        author_name: str
        assignment_id: UUID | None
        captured_at: datetime | None

        def apply(self, comment: Comment) -> None:
            comment.replies.append(self.reply_id)

    class Moderated(RecordAggregate.Event):
        """The comment was hidden or removed (moderering) on a ground, with a justification.
        Removal from the channel is not disposal: the comment stays a record."""

        decision_id: UUID
        channel_id: UUID
        action: str
        ground: str
        provision: str | None
        justification: str

        def apply(self, comment: Comment) -> None:
            comment.visibility = VISIBILITY_AFTER[ModerationAction(self.action)]
            comment.last_decision_id = self.decision_id

    class ModerationReversed(RecordAggregate.Event):
        """A later decision made the comment visible again; the earlier decision stays as it was."""

        decision_id: UUID
        reverses: UUID
        channel_id: UUID
        justification: str

        def apply(self, comment: Comment) -> None:
            comment.visibility = Visibility.VISIBLE
            comment.last_decision_id = self.decision_id

    class TransferredToCase(RecordAggregate.Event):
        """The comment concerns an individual's case and was moved to it (överförd till ärende)
        instead of being answered on the channel. ``diary_number`` is the case's, or none when a
        new case is to be opened by the records officer."""

        channel_id: UUID
        post_id: UUID
        diary_number: str | None
        new_case: bool
        note: str

        def apply(self, comment: Comment) -> None:
            comment.case_transfer = self.diary_number or NEW_CASE

    def __init__(
        self,
        org_id: UUID,
        post_id: UUID,
        channel_id: UUID,
        author_name: str,
        platform_author_id: str | None,
        text: str,
        occurred_at: datetime,
    ):
        self.org_id = org_id
        self.received_at = occurred_at
        self.post_id = post_id
        self.channel_id = channel_id
        self.author_name = author_name
        self.platform_author_id = platform_author_id
        self.text = text
        self.visibility = Visibility.VISIBLE
        self.last_decision_id: UUID | None = None
        self.replies: list[UUID] = []
        self.case_transfer: str | None = None

    @classmethod
    def receive(
        cls,
        comment_id: UUID,
        post: Post,
        platform_comment_id: str | None,
        author_name: str,
        platform_author_id: str | None,
        text: str,
        received_at: datetime,
        captured_at: datetime | None,
        by: Actor,
        at: datetime,
    ) -> Comment:
        cls.authorise_receipt(post.org_id, by)
        if by.role is Role.CAPTURE_CLIENT and (not platform_comment_id or captured_at is None):
            raise InvalidValue("platform_comment_id", "a capture names the platform's comment id and captured_at")
        received_at = past_instant("received_at", received_at, at)
        if captured_at is not None:
            not_before(
                "captured_at", past_instant("captured_at", captured_at, at), received_at, "the comment was received"
            )
        platform_author_id = plain_text("platform_author_id", platform_author_id)
        return cls._create(
            cls.Received,
            id=comment_id,
            post_id=post.id,
            channel_id=post.channel_id,
            platform_comment_id=plain_text("platform_comment_id", platform_comment_id),
            author_name=required_text("author_name", author_name, 200),
            platform_author_id=platform_author_id.strip() if platform_author_id else None,
            text=required_text("text", text, MAX_TEXT),
            captured_at=captured_at,
            **cls.envelope(by, at, received_at, post.org_id),
        )

    @staticmethod
    def authorise_receipt(org_id: UUID, by: Actor) -> None:
        """Who may record a comment received on a post of ``org_id``: asked before anything else,
        so that a refusal tells nothing about what was recorded before."""
        by.require(RECEIVERS, org_id, "recording a comment")

    def reply(
        self,
        reply_id: UUID,
        text: str,
        assignment: Assignment | None,
        author_id: str | None,
        author_name: str | None,
        occurred_at: datetime | None,
        captured_at: datetime | None,
        by: Actor,
        at: datetime,
        *,
        channel_registered_at: datetime,
    ) -> None:
        """An editor's reply; or, from a capture client, a reply seen on the platform (a deviation
        when its author held no valid assignment). A reply follows its comment; one an editor
        records also follows the channel's registration."""
        by.require(PUBLISHERS | {Role.CAPTURE_CLIENT}, self.org_id, "replying to a comment")
        when = not_before(
            "occurred_at",
            past_instant("occurred_at", occurred_at or at, at),
            self.received_at,
            "the comment was received",
        )
        if by.role is Role.CAPTURE_CLIENT:
            if captured_at is None:
                raise InvalidValue("captured_at", "a capture says when it was captured")
            not_before("captured_at", past_instant("captured_at", captured_at, at), when, "the reply was posted")
            author_id = plain_text("author_id", author_id)
            author_name = required_text("author_name", author_name or "", 200)
        else:
            not_before("occurred_at", when, channel_registered_at, "the channel was registered")
            assignment = require_assignment(assignment, by, when, "replying to a comment")
            author_id, author_name, captured_at = by.id, by.name, None
        self._record(
            self.ReplyPosted,
            by,
            at,
            when,
            reply_id=reply_id,
            channel_id=self.channel_id,
            text=required_text("text", text, MAX_TEXT),
            author_id=author_id,
            author_name=author_name,
            assignment_id=assignment.assignment_id if assignment else None,
            captured_at=captured_at,
        )

    def moderate(
        self,
        decision_id: UUID,
        action: str,
        ground: str,
        provision: str | None,
        justification: str,
        assignment: Assignment | None,
        by: Actor,
        at: datetime,
    ) -> None:
        self._authorise_moderation(assignment, by, at, "moderating a comment")
        try:
            chosen = ModerationAction(action)
        except ValueError:
            raise InvalidValue("action", "must be hide or remove") from None
        if self.visibility is Visibility.REMOVED or self.visibility is VISIBILITY_AFTER[chosen]:
            raise InvalidTransition(f"the comment is already {self.visibility.value}")
        checked = valid_ground(ground, MODERATION_GROUNDS)
        self._record(
            self.Moderated,
            by,
            at,
            decision_id=decision_id,
            channel_id=self.channel_id,
            action=chosen.value,
            ground=checked.value,
            provision=valid_provision(checked, provision),
            justification=required_text("justification", justification, 2000),
        )

    def reverse_moderation(
        self, decision_id: UUID, justification: str, assignment: Assignment | None, by: Actor, at: datetime
    ) -> None:
        self._authorise_moderation(assignment, by, at, "reversing a moderation decision")
        if self.visibility is Visibility.VISIBLE or self.last_decision_id is None:
            raise InvalidTransition("the comment is visible: there is no decision to reverse")
        self._record(
            self.ModerationReversed,
            by,
            at,
            decision_id=decision_id,
            reverses=self.last_decision_id,
            channel_id=self.channel_id,
            justification=required_text("justification", justification, 2000),
        )

    def transfer_to_case(
        self, diary_number: str | None, note: str, assignment: Assignment | None, by: Actor, at: datetime
    ) -> None:
        self._authorise_moderation(assignment, by, at, "moving a comment to a case")
        if self.case_transfer is not None:
            raise InvalidTransition(f"the comment was already moved to case {self.case_transfer}")
        number = valid_diary_number(diary_number) if diary_number else None
        self._record(
            self.TransferredToCase,
            by,
            at,
            channel_id=self.channel_id,
            post_id=self.post_id,
            diary_number=number,
            new_case=number is None,
            note=required_text("note", note, 2000),
        )

    def _authorise_moderation(self, assignment: Assignment | None, by: Actor, at: datetime, doing: str) -> None:
        by.require(PUBLISHERS | STEWARDS, self.org_id, doing)
        not_before("occurred_at", at, self.received_at, "the comment was received")
        if by.role is Role.EDITOR:
            require_assignment(assignment, by, at, doing)
        if by.role is Role.CAPTURE_CLIENT:
            raise NotPermitted(f"{doing} is a decision, not a capture")
