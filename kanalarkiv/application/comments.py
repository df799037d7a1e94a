"""The application's commands on comments from the public: receipt, replies, moderation,
transfers to cases, and the recorded look-ups of commenters' personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from uuid import UUID, uuid4

from domain.actors import Actor
from domain.comment import Comment
from domain.personal_data import AuthorIdentityDisclosure, DataSubjectSearch
from domain.post import platform_record_id
from domain.roster import Assignment, valid_assignment
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.editorial import Captured, EditorialCommands
from kanalarkiv.application.outcomes import Recorded


@dataclass(frozen=True)
class AuthorIdentity:
    comment_id: UUID
    author_name: str
    platform_author_id: str | None
    disclosure: Recorded


class CommentCommands(EditorialCommands):
    """Comments on the body's posts, and what editors and records officers do with them."""

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
    ) -> tuple[DataSubjectSearch, Recorded]:
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

    def _comment_decision(
        self, comment_id: UUID, expected_version: int | None
    ) -> tuple[Comment, Actor, datetime, Assignment | None]:
        """The comment an editor decides on, who decides and when, and under which assignment."""
        comment = self._versioned(comment_id, Comment, "comment", expected_version)
        by, at = current_actor(), self.clock()
        return comment, by, at, valid_assignment(self._roster(comment.channel_id), by.id, at)
