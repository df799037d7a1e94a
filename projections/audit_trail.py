"""The audit trail (granskningsspår): every event as a row a records officer or auditor can
filter — who, in which role, did what to which record, when it happened and when it was recorded.
The trail is the events themselves; this view only makes them searchable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.access import AccessToken
from domain.base import RecordAggregate
from domain.case import Case
from domain.channel import Channel
from domain.comment import NEW_CASE, Comment
from domain.diary import Diary
from domain.diary_entry import DiaryEntry
from domain.organisation import Organisation, OrganisationNumberClaim
from domain.personal_data import AuthorIdentityDisclosure, DataSubjectSearch
from domain.post import Post
from domain.record_registration import RecordRegistration
from domain.roster import ChannelRoster
from domain.supervision.channel_policy import ChannelSupervision
from domain.supervision.comment_supervision import CommentSupervision
from domain.supervision.lexicon_record import OrganisationLexicon
from projections.capture_summaries import CAPTURE_SUMMARIES
from projections.core.base import BatchProjection, View, handles
from projections.core.storable import storable_json
from projections.request_summaries import REQUEST_SUMMARIES
from retention.crypto.content import sealed_fields

_ENVELOPE = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "org_id",
    "actor_id",
    "actor_name",
    "actor_role",
    "occurred_at",
}
# Commenters' identity stays out of the trail, so that it can never list comments by author;
# it is shown only through a recorded disclosure or a data subject's own request.
_IDENTITY_FIELDS = {"author_name", "platform_author_id"}
_IDENTITY_EVENTS = (Comment.Received, DataSubjectSearch.Performed)

_SUMMARIES: dict[type, str] = {
    Organisation.Registered: "Organisation {name} ({number}) registered as '{slug}'",
    OrganisationNumberClaim.Claimed: "Organisation number {number} claimed",
    Organisation.NamePublicationChanged: "Private persons' names in the web diary: published {published}",
    AccessToken.Issued: "Token issued to {display_name} as {role}",
    AccessToken.Revoked: "Token revoked: {reason}",
    Channel.Registered: "Channel '{name}' on {platform} registered ({url})",
    Channel.Activated: "Channel activated",
    Channel.Paused: "Channel paused: {reason}",
    Channel.Closed: "Channel closed: {reason}",
    Channel.Reopened: "Channel reopened: {reason}",
    Channel.ResponsibleChanged: "Responsible changed to {responsible}",
    Channel.PurposeChanged: "Purpose changed to: {purpose}",
    Channel.AddressChanged: "Address changed to {url}",
    ChannelRoster.Opened: "Editors' roster opened",
    ChannelRoster.EditorAssigned: "{editor_name} assigned as editor from {valid_from:%Y-%m-%d}: {scope}",
    ChannelRoster.AssignmentRevoked: "Editor's assignment {assignment_id} revoked: {reason}",
    Post.Published: "Post published ({source})",
    Post.Edited: "Post edited",
    Post.Deleted: "Post deleted on ground {ground}: {reason}",
    Comment.Received: "Comment received on post {post_id}",
    Comment.ReplyPosted: "Reply by {author_name}",
    Comment.Moderated: "Comment {action} on ground {ground}: {justification}",
    Comment.ModerationReversed: "Moderation decision {reverses} reversed: {justification}",
    Comment.TransferredToCase: "Comment moved to case {diary_number}: {note}",
    AuthorIdentityDisclosure.Recorded: "Author identity of comment {comment_id} shown: {reason}",
    DataSubjectSearch.Performed: "Comments searched for a data subject's request (art. {article}), case {case_reference}",
    Diary.Opened: "Diary set up with series prefix {series_prefix}",
    Diary.SeriesPrefixChanged: "Diary series prefix changed to {series_prefix}: {reason}",
    Case.Opened: "Case {number} opened: {subject} ({responsible_unit})",
    Case.RecordAdded: "Record {entry_number} added to the case",
    Case.Closed: "Case closed: {note}",
    Case.Reopened: "Case reopened: {reason}",
    DiaryEntry.Registered: "Registered in the diary as {number} ({record_type}, {direction})",
    DiaryEntry.Corrected: "Diary entry corrected: {reason}",
    DiaryEntry.Annulled: "Diary entry annulled: {reason}",
    DiaryEntry.SecrecyMarked: "Diary entry marked for secrecy under {provision}",
    DiaryEntry.SecrecyLifted: "Secrecy marking lifted: {reason}",
    RecordRegistration.Claimed: "The {record_kind} {record_id} registered as {number}",
    RecordRegistration.Reclaimed: "Registered again as {number}",
    RecordRegistration.Released: "Registration released: entry {entry_id} annulled",
    **CAPTURE_SUMMARIES,
    **REQUEST_SUMMARIES,
    ChannelSupervision.Opened: "Channel's supervision policy opened",
    ChannelSupervision.UserInformationChanged: "User information (BBS-lagen 3 §) written anew",
    ChannelSupervision.ResponseTargetSet: "Response target set to {working_hours:g} working hours",
    OrganisationLexicon.Opened: "Organisation's lexicon opened",
    OrganisationLexicon.TermsAdded: "Terms added to the {kind} lexicon",
    OrganisationLexicon.TermsRemoved: "Terms removed from the {kind} lexicon",
    CommentSupervision.Opened: "Supervision of comment {comment_id} opened",
    CommentSupervision.NoActionDecided: "Flags of comment {comment_id} need no action (decision {decision_id}): {reason}",
    CommentSupervision.FlagsResolved: "Flags of comment {comment_id} resolved by decision {decision_id} ({resolution})",
    CommentSupervision.RemovalNoticeRecorded: "Notice of removal {decision_id} sent to the poster by {notice_channel}",
    CommentSupervision.RemovalNoticeWithheld: "No notice of removal {decision_id} sent: {reason}",
}


def _hidden_fields(event_class: type) -> frozenset[str]:
    hidden = _HIDDEN.get(event_class)
    if hidden is None:
        names = _ENVELOPE | (_IDENTITY_FIELDS if issubclass(event_class, _IDENTITY_EVENTS) else set())
        hidden = _HIDDEN[event_class] = frozenset(names | {field.name for field in sealed_fields(event_class)})
    return hidden


_HIDDEN: dict[type, frozenset[str]] = {}


def event_details(event: RecordAggregate.Event) -> dict[str, Any]:
    """The event's own fields, without the envelope, commenters' identity, or content that may
    be disposed of: the trail is process metadata and stays whole after any disposal."""
    hidden = _hidden_fields(type(event))
    return {key: value for key, value in vars(event).items() if key not in hidden}


def summarise(event: RecordAggregate.Event, details: dict[str, Any] | None = None) -> str:
    template = _SUMMARIES.get(type(event))
    if template is None:
        return type(event).__qualname__.replace(".", " ")
    details = dict(event_details(event) if details is None else details)
    if isinstance(event, Comment.TransferredToCase) and details["diary_number"] is None:
        details["diary_number"] = f"({NEW_CASE})"
    return template.format(**details)


def channel_of(event: RecordAggregate.Event) -> UUID | None:
    if isinstance(event, Channel.Event):
        return event.originator_id
    return getattr(event, "channel_id", None)


def _json_default(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value))


class AuditTrailView(View):
    name = "audit_trail"
    tables = ("audit_events",)
    create_statements = (
        """CREATE TABLE IF NOT EXISTS audit_events (
            position bigint PRIMARY KEY,
            channel_id uuid,
            entity_id uuid NOT NULL,
            entity_version integer NOT NULL,
            org_id uuid NOT NULL,
            entity_type text NOT NULL,
            event_type text NOT NULL,
            actor_id text NOT NULL,
            actor_name text NOT NULL,
            actor_role text NOT NULL,
            occurred_at timestamptz NOT NULL,
            recorded_at timestamptz NOT NULL,
            summary text NOT NULL,
            details jsonb NOT NULL,
            UNIQUE (entity_id, entity_version)
        )""",
        # Trails created before channel_id existed gain it; `projections rebuild audit_trail` fills it.
        "ALTER TABLE audit_events ADD COLUMN IF NOT EXISTS channel_id uuid",
        "CREATE INDEX IF NOT EXISTS audit_events_org_time_idx ON audit_events (org_id, recorded_at)",
        "CREATE INDEX IF NOT EXISTS audit_events_org_position_idx ON audit_events (org_id, position)",
        "CREATE INDEX IF NOT EXISTS audit_events_channel_idx ON audit_events (channel_id, position)",
        "CREATE INDEX IF NOT EXISTS audit_events_actor_idx ON audit_events (org_id, actor_id, position)",
    )
    # Rows are only ever inserted: each batch's rows go in with one COPY.
    bulk_tables: ClassVar = {"audit_events": ("position",)}

    def history(self, entity_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all("SELECT * FROM audit_events WHERE entity_id = %s ORDER BY position", (entity_id,))

    def position_at(self, org_id: UUID, instant: datetime) -> int:
        """The last log position of the organisation's events recorded at or before ``instant``."""
        row = self.fetch_one(
            "SELECT max(position) AS position FROM audit_events WHERE org_id = %s AND recorded_at <= %s",
            (org_id, instant),
        )
        return (row or {}).get("position") or 0

    def search(self, org_id: UUID, query: AuditQuery) -> list[dict[str, Any]]:
        """One page of the organisation's trail, filtered, in log order or newest first."""
        conditions = ["org_id = %(org)s"]
        params: dict[str, Any] = {"org": org_id}
        for column in ("entity_id", "entity_type", "actor_id", "event_type", "channel_id"):
            value = getattr(query, column)
            if value is not None:
                conditions.append(f"{column} = %({column})s")
                params[column] = value
        if query.recorded_from is not None:
            conditions.append("recorded_at >= %(recorded_from)s")
            params["recorded_from"] = query.recorded_from
        if query.recorded_to is not None:
            conditions.append("recorded_at < %(recorded_to)s")
            params["recorded_to"] = query.recorded_to
        if query.after is not None:
            conditions.append("position > %(after)s" if query.oldest_first else "position < %(after)s")
            params["after"] = query.after
        order = "ASC" if query.oldest_first else "DESC"
        params["limit"] = query.limit
        return self.fetch_all(
            f"SELECT * FROM audit_events WHERE {' AND '.join(conditions)} ORDER BY position {order} LIMIT %(limit)s",
            params,
        )


@dataclass(frozen=True)
class AuditQuery:
    entity_id: UUID | None = None
    entity_type: str | None = None
    actor_id: str | None = None
    event_type: str | None = None
    channel_id: UUID | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
    oldest_first: bool = False
    after: int | None = None
    limit: int = 100


class AuditTrailProjection(BatchProjection[AuditTrailView]):
    name = "audit_trail"
    view_class: ClassVar = AuditTrailView
    reads_sealed_content: ClassVar = False  # it reads no sealed content field

    @handles(RecordAggregate.Event)
    def any_event(self, event: RecordAggregate.Event, curs: Cursor[Any], position: int) -> None:
        entity_type, _, event_type = type(event).__qualname__.partition(".")
        details = event_details(event)
        self.rows("audit_events").insert(
            {
                "position": position,
                "channel_id": channel_of(event),
                "entity_id": event.originator_id,
                "entity_version": event.originator_version,
                "org_id": event.org_id,
                "entity_type": entity_type,
                "event_type": event_type,
                "actor_id": event.actor_id,
                "actor_name": event.actor_name,
                "actor_role": event.actor_role,
                "occurred_at": event.occurred_at,
                "recorded_at": event.timestamp,
                "summary": summarise(event, details),
                "details": storable_json(details, default=_json_default),
            },
            position,
        )
