"""What one rendering shows: a channel's posts of a period with their comments and replies, each
text either held (its content is in the file) or read as its disposal marker, and the records whose
content the rendering holds, so a disposal knows which renderings it reaches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.audience import Audience
from domain.period import Period


@dataclass(frozen=True)
class Shown:
    """One record's text as shown, and whether the rendering holds its content."""

    record_id: UUID
    text: str | None
    held: bool


@dataclass
class RenderedReply:
    replied_at: datetime
    author_name: str
    text: Shown


@dataclass
class RenderedComment:
    received_at: datetime
    visibility: str
    ground: str | None
    provision: str | None
    justification: str | None
    case: str | None
    moved_to_case: bool
    text: Shown
    replies: list[RenderedReply] = field(default_factory=list)


@dataclass
class RenderedPost:
    published_at: datetime
    author_name: str
    edits: int
    deletion: dict[str, Any] | None
    text: Shown
    comments: list[RenderedComment] = field(default_factory=list)


@dataclass
class RenderingDocument:
    """Everything one rendering shows, and the records whose content it holds."""

    organisation: str
    channel: dict[str, Any]
    period: Period
    position: int
    audience: Audience
    posts: list[RenderedPost]
    remade: dict[str, Any] | None = None  # the rendering it replaces, and the decision

    @property
    def record_ids(self) -> list[UUID]:
        texts = [p.text for p in self.posts] + [c.text for p in self.posts for c in p.comments]
        texts += [r.text for p in self.posts for c in p.comments for r in c.replies]
        return sorted({text.record_id for text in texts if text.held})
