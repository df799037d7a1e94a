"""Supervision's requests and answers (uppsikt): user information, response targets, the queue,
flags and their resolution, removal notices, lexicons and response statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.types import Instant, Text
from domain.supervision.comment_supervision import NoticeChannel, Resolution
from domain.supervision.flags import FlagKind
from domain.supervision.lexicon import MAX_TERM_LENGTH, MAX_TERMS_PER_CHANGE, LexiconKind
from domain.user_information import CONTACT_LENGTH, SECTION_LENGTH


class UserInformationWrite(BaseModel):
    """Användarinformation (BBS-lagen 3 §): every section is required."""

    provider: Text = Field(min_length=1, max_length=SECTION_LENGTH, description="Vem som tillhandahåller kanalen.")
    public_records: Text = Field(
        min_length=1, max_length=SECTION_LENGTH, description="Att det man skriver blir allmän handling."
    )
    comment_rules: Text = Field(min_length=1, max_length=SECTION_LENGTH, description="Regler för kommentarer.")
    removal: Text = Field(min_length=1, max_length=SECTION_LENGTH, description="Hur borttagning går till.")
    personal_data: Text = Field(min_length=1, max_length=SECTION_LENGTH, description="Hur personuppgifter behandlas.")
    contact: Text = Field(min_length=1, max_length=CONTACT_LENGTH, description="Kontakt.")
    model_config = ConfigDict(extra="forbid")


class UserInformationPublic(BaseModel):
    channel_id: UUID
    version: int = Field(description="0: the Swedish default (nothing written yet); then 1, 2, … per change.")
    is_default: bool
    in_force_from: datetime | None = Field(description="When this version was written (none for the default).")
    written_by_name: str | None
    provider: str
    public_records: str
    comment_rules: str
    removal: str
    personal_data: str
    contact: str


class ResponseTargetWrite(BaseModel):
    working_hours: float = Field(gt=0, le=200, description="Answer within this many Swedish working hours.")
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"working_hours": 8}]})


class FlagPublic(BaseModel):
    """A system observation (flagga), never a decision; it points at a span and copies nothing."""

    flag_id: UUID
    kind: FlagKind
    start: int = Field(description="Position of the matched span in the text (characters).")
    end: int
    term: str | None = Field(description="For a lexicon flag: the lexicon's term that matched.")
    reply_id: UUID | None = Field(description="Set when the flag is on a reply, not the comment itself.")
    lexicon_version: str


class FlagRecord(FlagPublic):
    raised_at: datetime
    resolution: Resolution | None
    decision_id: UUID | None = Field(description="The decision that resolved the flag (moderation, case, no action).")
    resolved_at: datetime | None
    resolved_by_name: str | None
    resolved_by_role: str | None


class QueueItem(BaseModel):
    comment_id: UUID
    channel_id: UUID
    post_id: UUID
    received_at: datetime
    due_at: datetime | None = Field(description="When the channel's response target runs out (working hours).")
    answered: bool
    past_target: bool
    flags: list[FlagPublic]


class FlagResolution(BaseModel):
    """Resolve a flag (and the comment's other open flags) by a decision."""

    decision: Resolution
    reason: Text | None = Field(None, max_length=2000, description="no_action: why no action is needed.")
    ground: Text | None = Field(None, max_length=100, description="hidden/removed: one of GET /v1/grounds.")
    provision: Text | None = Field(None, max_length=100, description="For secrecy: the OSL provision.")
    justification: Text | None = Field(None, max_length=2000, description="hidden/removed: the justification.")
    diary_number: Text | None = Field(None, max_length=40, description="moved_to_case: the case's diary number.")
    note: Text | None = Field(None, max_length=2000, description="moved_to_case: the note.")
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "decision": "removed",
                    "ground": "offensive_personal_data",
                    "justification": "Innehåller personnummer.",
                }
            ]
        },
    )


class RemovalNotice(BaseModel):
    text: Text = Field(min_length=1, max_length=2000, description="The notice as sent to the poster.")
    notice_channel: NoticeChannel
    sent_at: Instant
    model_config = ConfigDict(extra="forbid")


class NoRemovalNotice(BaseModel):
    reason: Text = Field(min_length=1, max_length=2000, description="Why no notice was sent.")
    model_config = ConfigDict(extra="forbid")


class LexiconTerms(BaseModel):
    terms: list[Text] = Field(
        min_length=1,
        max_length=MAX_TERMS_PER_CHANGE,
        description=f"Words or phrases of at most {MAX_TERM_LENGTH} characters; a final * matches any ending.",
    )
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"terms": ["bygglovskaos", "idiot*"]}]})


class LexiconPublic(BaseModel):
    kind: LexiconKind
    default_terms: list[str]
    own_terms: list[str]


class Lexicons(BaseModel):
    default_version: int
    own_version: int
    lexicons: list[LexiconPublic]


class MonthlySupervision(BaseModel):
    month: str
    comments: int = Field(description="Comments needing a reply (not moderated, not moved to a case).")
    answered: int
    with_target: int = Field(description="Comments received while the channel had a response target.")
    answered_within_target: int
    share_within_target: float | None
    unanswered_past_target: int
    median_working_hours: float | None
    p90_working_hours: float | None


class ChannelStatistics(BaseModel):
    channel_id: UUID
    target_working_hours: float | None
    months: list[MonthlySupervision]


Chart = Literal["response-times", "activity"]
