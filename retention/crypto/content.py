"""Which fields of which events are content that may one day be disposed of, and under which
keys each is sealed. Everything else in an event — ids, times, actors, classes, grounds — is
metadata that the register and the audit trail need, and stays readable.

A field sealed under several keys is encrypted under each in turn, so destroying any one of
them destroys it: a commenter's name dies with the comment (the record's key) or with the
commenter's erasure (the data subject's key)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.comment import Comment
from domain.personal_data import DataSubjectSearch
from domain.post import Post
from domain.public_request import PublicRecordRequest
from domain.supervision.comment_supervision import CommentSupervision

SUBJECT = "subject"
"""Stands for the data subject's key; the key store derives its id from the author id."""


@dataclass(frozen=True)
class SealedField:
    name: str
    keys: Callable[[dict[str, Any]], list[str]]


def _record(field: str = "originator_id") -> Callable[[dict[str, Any]], list[str]]:
    return lambda state: [f"record:{state[field]}"]


def _record_and_subject(state: dict[str, Any]) -> list[str]:
    return [f"record:{state['originator_id']}", SUBJECT]


CONTENT: dict[type, tuple[SealedField, ...]] = {
    Post.Published: (SealedField("text", _record()),),
    Post.Edited: (SealedField("text_before", _record()), SealedField("text_after", _record())),
    Comment.Received: (
        SealedField("text", _record()),
        SealedField("author_name", _record_and_subject),
        SealedField("platform_author_id", _record_and_subject),
    ),
    Comment.ReplyPosted: (SealedField("text", _record("reply_id")),),
    Comment.EditCaptured: (SealedField("text_before", _record()), SealedField("text_after", _record())),
    # The notice to a removed comment's poster is disposed of with the comment.
    CommentSupervision.RemovalNoticeRecorded: (SealedField("text", _record("comment_id")),),
    # A request's contact details and the requester's own words die with the request (its class's rule).
    PublicRecordRequest.Received: (
        SealedField("description", _record()),
        SealedField("email", _record()),
        SealedField("postal_address", _record()),
    ),
    DataSubjectSearch.Performed: (
        SealedField("platform_author_id", _record()),
        SealedField("author_name", _record()),
    ),
}


def sealed_fields(event_class: type) -> tuple[SealedField, ...]:
    return CONTENT.get(event_class, ())


def subject_of(state: dict[str, Any]) -> str:
    """Who the data subject is: the platform's author id, or failing that this comment alone."""
    return state.get("platform_author_id") or f"comment:{state['originator_id']}"
