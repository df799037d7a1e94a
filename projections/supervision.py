"""Supervision (uppsikt, BBS-lagen 3–5 §§): the queue of flagged and unanswered comments, the
flags and what resolved them, response targets and times in working hours, removals and their
notices, the channels' user information (every version), and the organisations' own terms.

Flags are computed here, when the projection reaches a comment or reply, by the pure
``domain.supervision.flags.flags_in`` with the lexicon in force at that log position (the
default version for the comment's recording time, and the organisation's terms recorded before
it): a rebuild gives the same flags as live. A disposal removes the disposed records' flags, as
a rebuild would find no text to flag."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, ClassVar
from uuid import UUID, uuid5

from psycopg import Cursor

from domain.comment import Comment, ModerationAction
from domain.organisation import NAMESPACE, Organisation
from domain.supervision.channel_policy import ChannelSupervision
from domain.supervision.comment_supervision import CommentSupervision
from domain.supervision.defaults import default_terms, default_version_at
from domain.supervision.flags import Flag, flags_in
from domain.supervision.lexicon import Lexicon, LexiconKind, valid_term
from domain.supervision.lexicon_record import OrganisationLexicon
from domain.supervision.working_time import add_working_time, working_time_between
from projections.core.base import BatchProjection, View, handles
from projections.supervision_reads import SupervisionReads
from projections.supervision_tables import CREATE_STATEMENTS, TABLES, flag_row, removal_row
from retention.disposal import DisposalDecision

COMMENT_DECISIONS = (Comment.ReplyPosted, Comment.Moderated, Comment.ModerationReversed, Comment.TransferredToCase)


def flag_id(record_id: UUID, flag: Flag) -> UUID:
    """The same flag gets the same id in every rebuild."""
    return uuid5(NAMESPACE, f"flag/{record_id}/{flag.kind.value}/{flag.start}/{flag.end}")


class SupervisionView(View, SupervisionReads):
    name = "supervision"
    tables = TABLES
    create_statements = CREATE_STATEMENTS
    bulk_tables: ClassVar = {
        "supervision_comments": ("comment_id",),
        "supervision_flags": ("flag_id",),
        "supervision_targets": ("channel_id",),
        "supervision_removals": ("decision_id",),
    }


class SupervisionProjection(BatchProjection[SupervisionView]):
    name = "supervision"
    view_class: ClassVar = SupervisionView
    barrier_events: ClassVar = (DisposalDecision.Executed,)

    def __init__(self, view: SupervisionView):
        super().__init__(view)
        self._lexicons: dict[tuple[UUID, int], Lexicon] = {}

    def prefetch(self, events: Sequence[tuple[Any, int]]) -> dict[str, Any]:
        self._lexicons = {}  # read again for each segment of a batch, as the log stands there
        comments, flags, channels, removals = set(), set(), set(), set()
        for event, _ in events:
            if isinstance(event, Comment.Received):
                channels.add(event.channel_id)
            elif isinstance(event, COMMENT_DECISIONS):
                comments.add(event.originator_id)
                if isinstance(event, Comment.ModerationReversed):
                    removals.add(event.reverses)
            elif isinstance(event, CommentSupervision.NoActionDecided | CommentSupervision.FlagsResolved):
                comments.add(event.comment_id)
                flags.update(event.flag_ids)
            elif isinstance(event, CommentSupervision.RemovalNoticeRecorded | CommentSupervision.RemovalNoticeWithheld):
                removals.add(event.decision_id)
            elif isinstance(event, ChannelSupervision.ResponseTargetSet):
                channels.add(event.channel_id)
        return {
            "supervision_comments": comments,
            "supervision_flags": flags,
            "supervision_targets": channels,
            "supervision_removals": removals,
        }

    # The lexicon in force

    def _lexicon(self, org_id: UUID, event: Any, curs: Cursor[Any]) -> Lexicon:
        default = default_version_at(event.timestamp)
        key = (org_id, default)
        lexicon = self._lexicons.get(key)
        if lexicon is None:
            curs.execute(
                "SELECT kind, term, (SELECT version FROM supervision_lexicons l WHERE l.org_id = t.org_id) AS version"
                " FROM supervision_lexicon_terms t WHERE org_id = %s ORDER BY kind, term",
                (org_id,),
            )
            rows = curs.fetchall()
            own = tuple(valid_term(LexiconKind(row["kind"]), row["term"]) for row in rows)
            version = rows[0]["version"] if rows else 0
            lexicon = self._lexicons[key] = Lexicon(f"default-{default}+own-{version}", default_terms(default) + own)
        return lexicon

    @handles(OrganisationLexicon.TermsAdded, OrganisationLexicon.TermsRemoved)
    def lexicon_changed(self, event: Any, curs: Cursor[Any], position: int) -> None:
        if isinstance(event, OrganisationLexicon.TermsAdded):
            curs.executemany(
                "INSERT INTO supervision_lexicon_terms (org_id, kind, term, position) VALUES (%s, %s, %s, %s)",
                [(event.org_id, event.kind, term, position) for term in event.terms],
            )
        else:
            curs.execute(
                "DELETE FROM supervision_lexicon_terms WHERE org_id = %s AND kind = %s AND term = ANY(%s)",
                (event.org_id, event.kind, event.terms),
            )
        curs.execute(
            "INSERT INTO supervision_lexicons (org_id, version) VALUES (%s, %s)"
            " ON CONFLICT (org_id) DO UPDATE SET version = EXCLUDED.version",
            (event.org_id, event.originator_version),
        )
        self._lexicons = {key: lexicon for key, lexicon in self._lexicons.items() if key[0] != event.org_id}

    # Flags

    def _raise_flags(
        self, event: Any, comment_id: UUID, reply_id: UUID | None, text: str, curs: Cursor[Any], position: int
    ) -> int:
        lexicon = self._lexicon(event.org_id, event, curs)
        flags = self.rows("supervision_flags")
        raised = 0
        for flag in flags_in(text, lexicon):
            raised += flags.insert(
                flag_row(
                    event, flag, flag_id(reply_id or comment_id, flag), comment_id, reply_id, lexicon.version, position
                ),
                position,
            )
        return raised

    @handles(Comment.Received)
    def received(self, event: Comment.Received, curs: Cursor[Any], position: int) -> None:
        target = self.rows("supervision_targets").get(event.channel_id)
        hours = target["working_hours"] if target else None
        self.rows("supervision_comments").insert(
            {
                "comment_id": event.originator_id,
                "org_id": event.org_id,
                "channel_id": event.channel_id,
                "post_id": event.post_id,
                "received_at": event.occurred_at,
                "recorded_at": event.timestamp,
                "target_hours": hours,
                "due_at": add_working_time(event.occurred_at, timedelta(hours=hours)) if hours else None,
                "first_reply_at": None,
                "response_working_seconds": None,
                "moderated": False,
                "moved_to_case": False,
                "open_flags": self._raise_flags(event, event.originator_id, None, event.text, curs, position),
            },
            position,
        )

    @handles(Comment.ReplyPosted)
    def replied(self, event: Comment.ReplyPosted, curs: Cursor[Any], position: int) -> None:
        raised = self._raise_flags(event, event.originator_id, event.reply_id, event.text, curs, position)
        comments = self.rows("supervision_comments")
        row = comments.get(event.originator_id)
        if row is None:
            return
        first = row["first_reply_at"]
        if first is not None and first <= event.occurred_at:
            comments.update(event.originator_id, position, open_flags=row["open_flags"] + raised)
            return
        comments.update(
            event.originator_id,
            position,
            open_flags=row["open_flags"] + raised,
            first_reply_at=event.occurred_at,
            response_working_seconds=working_time_between(row["received_at"], event.occurred_at).total_seconds(),
        )

    @handles(Comment.Moderated)
    def moderated(self, event: Comment.Moderated, curs: Cursor[Any], position: int) -> None:
        self.rows("supervision_comments").update(event.originator_id, position, moderated=True)
        if event.action == ModerationAction.REMOVE:
            self.rows("supervision_removals").insert(removal_row(event), position)

    @handles(Comment.ModerationReversed)
    def reversed_(self, event: Comment.ModerationReversed, curs: Cursor[Any], position: int) -> None:
        self.rows("supervision_comments").update(event.originator_id, position, moderated=False)
        self.rows("supervision_removals").update(event.reverses, position, reversed=True)

    @handles(Comment.TransferredToCase)
    def transferred(self, event: Comment.TransferredToCase, curs: Cursor[Any], position: int) -> None:
        self.rows("supervision_comments").update(event.originator_id, position, moved_to_case=True)

    @handles(CommentSupervision.NoActionDecided, CommentSupervision.FlagsResolved)
    def resolved(self, event: Any, curs: Cursor[Any], position: int) -> None:
        resolution = getattr(event, "resolution", "no_action")
        flags = self.rows("supervision_flags")
        closed = sum(
            flags.update(
                flag,
                position,
                resolution=resolution,
                decision_id=event.decision_id,
                resolved_at=event.timestamp,
                resolved_by_name=event.actor_name,
                resolved_by_role=event.actor_role,
                resolution_position=position,
            )
            for flag in event.flag_ids
            if (row := flags.get(flag)) is not None and row["resolution"] is None
        )
        comments = self.rows("supervision_comments")
        row = comments.get(event.comment_id)
        if row is not None and closed:
            comments.update(event.comment_id, position, open_flags=row["open_flags"] - closed)

    @handles(CommentSupervision.RemovalNoticeRecorded, CommentSupervision.RemovalNoticeWithheld)
    def noticed(self, event: Any, curs: Cursor[Any], position: int) -> None:
        sent = isinstance(event, CommentSupervision.RemovalNoticeRecorded)
        self.rows("supervision_removals").update(
            event.decision_id,
            position,
            notice="sent" if sent else "withheld",
            notice_channel=event.notice_channel if sent else None,
            notice_at=event.occurred_at,
            notice_reason=None if sent else event.reason,
            noticed_by_name=event.actor_name,
        )

    # The channels' policies

    @handles(Organisation.Registered)
    def organisation(self, event: Organisation.Registered, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO supervision_organisations (org_id, name) VALUES (%s, %s)", (event.originator_id, event.name)
        )

    @handles(ChannelSupervision.ResponseTargetSet)
    def target_set(self, event: ChannelSupervision.ResponseTargetSet, curs: Cursor[Any], position: int) -> None:
        targets = self.rows("supervision_targets")
        if not targets.update(event.channel_id, position, working_hours=event.working_hours):
            targets.insert(
                {"channel_id": event.channel_id, "org_id": event.org_id, "working_hours": event.working_hours}, position
            )

    @handles(ChannelSupervision.UserInformationChanged)
    def information(self, event: ChannelSupervision.UserInformationChanged, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO supervision_user_information (channel_id, version, org_id, provider, public_records,"
            " comment_rules, removal, personal_data, contact, changed_at, changed_by_name, changed_by_role, position)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                event.channel_id,
                event.originator_version,
                event.org_id,
                event.provider,
                event.public_records,
                event.comment_rules,
                event.removal,
                event.personal_data,
                event.contact,
                event.timestamp,
                event.actor_name,
                event.actor_role,
                position,
            ),
        )

    @handles(DisposalDecision.Executed)
    def disposed(self, event: DisposalDecision.Executed, curs: Cursor[Any], position: int) -> None:
        """Disposed texts raise no flag in a rebuild: their flags go now, and their comments' counts."""
        if event.personal_data_only:
            return
        ids = list(event.record_ids)
        curs.execute(
            "WITH gone AS (DELETE FROM supervision_flags WHERE comment_id = ANY(%s) OR reply_id = ANY(%s)"
            "   RETURNING comment_id, resolution),"
            " counted AS (SELECT comment_id, count(*) FILTER (WHERE resolution IS NULL) AS open FROM gone GROUP BY 1)"
            " UPDATE supervision_comments c SET open_flags = c.open_flags - counted.open"
            " FROM counted WHERE c.comment_id = counted.comment_id",
            (ids, ids),
        )
