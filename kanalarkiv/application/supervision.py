"""The application's commands for supervision (uppsikt): a channel's user information and
response target, an organisation's own lexicon terms, the decisions that resolve flags, and the
notices sent (or not) to the posters of removed comments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate

from domain.actors import Actor
from domain.channel import Channel
from domain.comment import Comment, ModerationAction
from domain.errors import InvalidValue
from domain.organisation import NAMESPACE
from domain.supervision.channel_policy import ChannelSupervision
from domain.supervision.comment_supervision import CommentSupervision, Resolution
from domain.supervision.lexicon_record import OrganisationLexicon
from domain.user_information import UserInformation
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import Clock, current_actor
from kanalarkiv.application.outcomes import Recorded

T = TypeVar("T", bound=Aggregate)
_ACTIONS = {Resolution.HIDDEN: ModerationAction.HIDE, Resolution.REMOVED: ModerationAction.REMOVE}


def case_transfer_decision_id(comment: Comment) -> UUID:
    """A case transfer carries no decision id of its own: it is named by the comment's version it made."""
    return uuid5(NAMESPACE, f"case-transfer/{comment.id}/{comment.version}")


class SupervisionCommands:
    """Mixed into ``RecordsApplication``; relies on its ``get_channel``, ``_get``, ``_recorded``,
    ``clock``, the editorial ``_comment_decision`` and the diary's ``_case_number`` and ``_case``."""

    if TYPE_CHECKING:  # what RecordsApplication provides
        clock: Clock
        repository: Any

        def get_channel(self, channel_id: UUID) -> Channel: ...
        def _get(self, aggregate_id: UUID, kind: type[T], label: str) -> T: ...
        def _recorded(self, primary: Any, *others: Any) -> Recorded: ...
        def _comment_decision(self, comment_id: UUID, expected_version: int | None) -> tuple[Any, ...]: ...
        def _case_number(self, case_number: str | None, field: str = ...) -> Any: ...
        def _case(self, org_id: UUID, number: Any, field: str = ...) -> Any: ...

    # A channel's policy

    @command
    def write_user_information(self, channel_id: UUID, **sections: str) -> Recorded:
        policy, by, at = self._policy(channel_id)
        policy.change_user_information(UserInformation.checked(**sections), by=by, at=at)
        return self._recorded(policy)

    @command
    def set_response_target(self, channel_id: UUID, working_hours: float) -> Recorded:
        policy, by, at = self._policy(channel_id)
        policy.set_response_target(working_hours, by=by, at=at)
        return self._recorded(policy)

    def _policy(self, channel_id: UUID) -> tuple[ChannelSupervision, Actor, datetime]:
        channel = self.get_channel(channel_id)
        by, at = current_actor(), self.clock()
        policy_id = ChannelSupervision.id_for(channel_id)
        if policy_id in self.repository:
            return self._get(policy_id, ChannelSupervision, "policy"), by, at
        return ChannelSupervision.open(channel, by=by, at=at), by, at

    # An organisation's own terms

    @command
    def add_lexicon_terms(self, org_id: UUID, kind: str, terms: list[str]) -> Recorded:
        lexicon, by, at = self._lexicon(org_id)
        lexicon.add_terms(kind, terms, by=by, at=at)
        return self._recorded(lexicon)

    @command
    def remove_lexicon_terms(self, org_id: UUID, kind: str, terms: list[str]) -> Recorded:
        lexicon, by, at = self._lexicon(org_id)
        lexicon.remove_terms(kind, terms, by=by, at=at)
        return self._recorded(lexicon)

    def _lexicon(self, org_id: UUID) -> tuple[OrganisationLexicon, Actor, datetime]:
        by, at = current_actor(), self.clock()
        lexicon_id = OrganisationLexicon.id_for(org_id)
        if lexicon_id in self.repository:
            return self._get(lexicon_id, OrganisationLexicon, "lexicon"), by, at
        return OrganisationLexicon.open(org_id, by=by, at=at), by, at

    # Flags and removals

    @command
    def resolve_flags(self, comment_id: UUID, flag_ids: list[UUID], decision: str, **details: Any) -> Recorded:
        """Resolve the comment's flags by a decision: no action (``reason``), hide or remove
        (``ground``, ``provision``, ``justification``), or a move to a case (``diary_number``,
        ``note``). The decision and its link to the flags are saved together."""
        try:
            resolution = Resolution(decision)
        except ValueError:
            raise InvalidValue("decision", f"must be one of {', '.join(r.value for r in Resolution)}") from None
        comment, by, at, assignment = self._comment_decision(comment_id, None)
        supervision = self._supervision(comment, by, at)
        if resolution is Resolution.NO_ACTION:
            decision_id = uuid4()
            supervision.decide_no_action(decision_id, flag_ids, details.get("reason") or "", assignment, by=by, at=at)
            return self._recorded(supervision).for_record(decision_id)
        if resolution is Resolution.MOVED_TO_CASE:
            number = self._case_number(details.get("diary_number"), "diary_number")
            comment.transfer_to_case(
                str(number) if number else None, details.get("note") or "", assignment, by=by, at=at
            )
            if number is not None:
                self._case(comment.org_id, number, "diary_number")
            decision_id = case_transfer_decision_id(comment)
        else:
            decision_id = uuid4()
            comment.moderate(
                decision_id,
                _ACTIONS[resolution].value,
                details.get("ground") or "",
                details.get("provision"),
                details.get("justification") or "",
                assignment,
                by=by,
                at=at,
            )
        supervision.resolve_by(comment, resolution, flag_ids, decision_id, by=by, at=at)
        return self._recorded(comment, supervision).for_record(decision_id)

    @command
    def record_removal_notice(self, comment_id: UUID, text: str, notice_channel: str, sent_at: datetime) -> Recorded:
        comment, by, at, assignment = self._comment_decision(comment_id, None)
        supervision = self._supervision(comment, by, at)
        supervision.record_removal_notice(comment, text, notice_channel, sent_at, assignment, by=by, at=at)
        return self._recorded(supervision)

    @command
    def withhold_removal_notice(self, comment_id: UUID, reason: str) -> Recorded:
        comment, by, at, assignment = self._comment_decision(comment_id, None)
        supervision = self._supervision(comment, by, at)
        supervision.withhold_removal_notice(comment, reason, assignment, by=by, at=at)
        return self._recorded(supervision)

    def _supervision(self, comment: Comment, by: Actor, at: datetime) -> CommentSupervision:
        supervision_id = CommentSupervision.id_for(comment.id)
        if supervision_id in self.repository:
            return self._get(supervision_id, CommentSupervision, "supervision")
        return CommentSupervision.open(comment, by=by, at=at)
