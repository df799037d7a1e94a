"""What editors decided about a comment under supervision: which decision resolved its flags
(hidden, removed, moved to a case — decisions recorded on the comment itself — or no action
needed, with a reason), and, after a removal, the notice sent to the poster or why none was.
One aggregate per comment, its id derived from the comment's."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.comment import Comment, Visibility
from domain.errors import InvalidTransition, InvalidValue
from domain.organisation import NAMESPACE
from domain.post import PUBLISHERS, STEWARDS
from domain.roster import Assignment, require_assignment
from domain.values import not_before, past_instant, required_text

DECIDERS = PUBLISHERS | STEWARDS


class Resolution(StrEnum):
    """How a flag was resolved: by no action (with a reason) or by a decision on the comment."""

    NO_ACTION = "no_action"
    HIDDEN = "hidden"
    REMOVED = "removed"
    MOVED_TO_CASE = "moved_to_case"


class NoticeChannel(StrEnum):
    """How the poster was told of a removal."""

    PLATFORM_MESSAGE = "platform_message"
    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"
    OTHER = "other"


class CommentSupervision(RecordAggregate):
    class Opened(RecordAggregate.Created):
        """The first supervision decision on the comment was recorded."""

        comment_id: UUID
        channel_id: UUID

    class NoActionDecided(RecordAggregate.Event):
        """An editor looked at the flagged comment and decided no action is needed (ingen åtgärd), and why."""

        comment_id: UUID
        channel_id: UUID
        decision_id: UUID
        flag_ids: list[UUID]
        reason: str

        def apply(self, supervision: CommentSupervision) -> None:
            supervision.resolved.update(self.flag_ids)

    class FlagsResolved(RecordAggregate.Event):
        """The comment's flags were resolved by a decision recorded on the comment (``decision``:
        hidden, removed, moved_to_case), named by its id and the comment's version it made."""

        comment_id: UUID
        channel_id: UUID
        flag_ids: list[UUID]
        resolution: str
        decision_id: UUID
        comment_version: int

        def apply(self, supervision: CommentSupervision) -> None:
            supervision.resolved.update(self.flag_ids)

    class RemovalNoticeRecorded(RecordAggregate.Event):
        """The poster of a removed comment was told (meddelande om borttagning); ``occurred_at`` is when."""

        comment_id: UUID
        channel_id: UUID
        decision_id: UUID
        text: str
        notice_channel: str

        def apply(self, supervision: CommentSupervision) -> None:
            supervision.noticed.add(self.decision_id)

    class RemovalNoticeWithheld(RecordAggregate.Event):
        """No notice of the removal was sent to the poster, and why (e.g. no way to reach them)."""

        comment_id: UUID
        channel_id: UUID
        decision_id: UUID
        reason: str

        def apply(self, supervision: CommentSupervision) -> None:
            supervision.noticed.add(self.decision_id)

    def __init__(self, org_id: UUID, comment_id: UUID, channel_id: UUID):
        self.org_id = org_id
        self.comment_id = comment_id
        self.channel_id = channel_id
        self.resolved: set[UUID] = set()
        self.noticed: set[UUID] = set()

    @staticmethod
    def id_for(comment_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"comment-supervision/{comment_id}")

    @classmethod
    def open(cls, comment: Comment, by: Actor, at: datetime) -> CommentSupervision:
        by.require(DECIDERS, comment.org_id, "deciding on a comment under supervision")
        return cls._create(
            cls.Opened,
            id=cls.id_for(comment.id),
            comment_id=comment.id,
            channel_id=comment.channel_id,
            **cls.envelope(by, at, None, comment.org_id),
        )

    def decide_no_action(
        self,
        decision_id: UUID,
        flag_ids: list[UUID],
        reason: str,
        assignment: Assignment | None,
        by: Actor,
        at: datetime,
    ) -> None:
        self._authorise(assignment, by, at, "deciding that a flagged comment needs no action")
        self._record(
            self.NoActionDecided,
            by,
            at,
            comment_id=self.comment_id,
            channel_id=self.channel_id,
            decision_id=decision_id,
            flag_ids=self._open(flag_ids),
            reason=required_text("reason", reason, 2000),
        )

    def resolve_by(
        self, comment: Comment, resolution: Resolution, flag_ids: list[UUID], decision_id: UUID, by: Actor, at: datetime
    ) -> None:
        """Link the decision just taken on ``comment`` (its latest event) to the flags it resolves."""
        by.require(DECIDERS, self.org_id, "resolving flags")
        if resolution is Resolution.NO_ACTION:
            raise InvalidValue("decision", "no action is decided with decide_no_action")
        self._record(
            self.FlagsResolved,
            by,
            at,
            comment_id=self.comment_id,
            channel_id=self.channel_id,
            flag_ids=self._open(flag_ids),
            resolution=resolution.value,
            decision_id=decision_id,
            comment_version=comment.version,
        )

    def record_removal_notice(
        self,
        comment: Comment,
        text: str,
        notice_channel: str,
        sent_at: datetime,
        assignment: Assignment | None,
        by: Actor,
        at: datetime,
    ) -> None:
        decision_id = self._removal(comment, assignment, by, at)
        try:
            channel = NoticeChannel(notice_channel)
        except ValueError:
            raise InvalidValue(
                "notice_channel", f"must be one of {', '.join(c.value for c in NoticeChannel)}"
            ) from None
        when = not_before(
            "sent_at", past_instant("sent_at", sent_at, at), comment.received_at, "the comment was received"
        )
        self._record(
            self.RemovalNoticeRecorded,
            by,
            at,
            when,
            comment_id=self.comment_id,
            channel_id=self.channel_id,
            decision_id=decision_id,
            text=required_text("text", text, 2000),
            notice_channel=channel.value,
        )

    def withhold_removal_notice(
        self, comment: Comment, reason: str, assignment: Assignment | None, by: Actor, at: datetime
    ) -> None:
        decision_id = self._removal(comment, assignment, by, at)
        self._record(
            self.RemovalNoticeWithheld,
            by,
            at,
            comment_id=self.comment_id,
            channel_id=self.channel_id,
            decision_id=decision_id,
            reason=required_text("reason", reason, 2000),
        )

    def _removal(self, comment: Comment, assignment: Assignment | None, by: Actor, at: datetime) -> UUID:
        """The removal decision a notice is about: the comment's latest, which must be a removal."""
        self._authorise(assignment, by, at, "recording a removal notice")
        if comment.visibility is not Visibility.REMOVED or comment.last_decision_id is None:
            raise InvalidTransition("the comment is not removed: there is no removal to give notice of")
        if comment.last_decision_id in self.noticed:
            raise InvalidTransition("a notice of this removal, or why none was sent, is already recorded")
        return comment.last_decision_id

    def _open(self, flag_ids: list[UUID]) -> list[UUID]:
        open_flags = list(dict.fromkeys(f for f in flag_ids if f not in self.resolved))
        if not open_flags:
            raise InvalidTransition("the comment has no open flag to resolve")
        return open_flags

    def _authorise(self, assignment: Assignment | None, by: Actor, at: datetime, doing: str) -> None:
        by.require(DECIDERS, self.org_id, doing)
        if by.role is Role.EDITOR:
            require_assignment(assignment, by, at, doing)
