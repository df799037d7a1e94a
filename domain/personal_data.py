"""Protection of commenters and anonymous sources (story 9: efterforskningsförbud).

Nothing in kanalarkiv lists comments by author. The two lawful exceptions are themselves
records: a records officer looking at a comment's stored author identity (with a reason), and a
data subject's own request under GDPR art. 15 or 17 (with its case reference)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.comment import Comment
from domain.diary_numbers import valid_diary_number
from domain.errors import InvalidValue
from domain.values import optional_text, plain_text, required_text


class DataSubjectArticle(StrEnum):
    ACCESS = "15"
    ERASURE = "17"


class AuthorIdentityDisclosure(RecordAggregate):
    """One look at a comment author's stored identity fields."""

    class Recorded(RecordAggregate.Created):
        """A records officer was shown a comment author's identity fields, and why (röjande av
        avsändare registrerat)."""

        comment_id: UUID
        channel_id: UUID
        reason: str

    def __init__(self, org_id: UUID, comment_id: UUID, reason: str):
        self.org_id = org_id
        self.comment_id = comment_id
        self.reason = reason

    @classmethod
    def record(
        cls, disclosure_id: UUID, comment: Comment, reason: str, by: Actor, at: datetime
    ) -> AuthorIdentityDisclosure:
        by.require({Role.RECORDS_OFFICER}, comment.org_id, "seeing a comment author's identity")
        return cls._create(
            cls.Recorded,
            id=disclosure_id,
            comment_id=comment.id,
            channel_id=comment.channel_id,
            reason=required_text("reason", reason, 2000),
            **cls.envelope(by, at, None, comment.org_id),
        )


class DataSubjectSearch(RecordAggregate):
    """A search for one person's comments, made only to answer their own request."""

    class Performed(RecordAggregate.Created):
        """The records officer searched for a data subject's comments to answer their request
        (registerutdrag art. 15 or radering art. 17), under the request's case."""

        article: str
        case_reference: str
        platform_author_id: str | None
        author_name: str | None
        reason: str

    def __init__(
        self, org_id: UUID, article: str, case_reference: str, platform_author_id: str | None, author_name: str | None
    ):
        self.org_id = org_id
        self.article = article
        self.case_reference = case_reference
        self.platform_author_id = platform_author_id
        self.author_name = author_name

    @classmethod
    def perform(
        cls,
        search_id: UUID,
        org_id: UUID,
        article: str,
        case_reference: str,
        platform_author_id: str | None,
        author_name: str | None,
        reason: str,
        by: Actor,
        at: datetime,
    ) -> DataSubjectSearch:
        by.require({Role.RECORDS_OFFICER}, org_id, "searching comments by author")
        try:
            article = DataSubjectArticle(article).value
        except ValueError:
            raise InvalidValue("article", "must be 15 (access) or 17 (erasure)") from None
        if not (platform_author_id or "").strip() and not (author_name or "").strip():
            raise InvalidValue("platform_author_id", "name the data subject's platform author id or display name")
        return cls._create(
            cls.Performed,
            id=search_id,
            article=article,
            case_reference=valid_diary_number(case_reference),
            platform_author_id=(plain_text("platform_author_id", platform_author_id) or "").strip() or None,
            author_name=optional_text("author_name", author_name),
            reason=required_text("reason", reason, 2000),
            **cls.envelope(by, at, None, org_id),
        )
