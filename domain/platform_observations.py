"""What a capture observed of a record on the platform, beside the body's own decisions: hidden
or visible there, missing from a complete capture (an observed deletion), and a comment's text
edited by its author. Mixed into ``Post`` and ``Comment``, whose events these become
(``Comment.DeletionObserved``); our own moderation and deletions stay as they are."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.errors import InvalidTransition, InvalidValue
from domain.values import not_before, past_instant, required_text

__all__ = ["CommentObserved", "PlatformObserved", "RecordAggregate"]

OBSERVERS = {Role.CAPTURE_CLIENT}
MAX_TEXT = 100_000


class PlatformObserved(RecordAggregate):
    """A record whose platform state a capture can observe."""

    # Unannotated: the library makes an annotated aggregate class a dataclass. Records written
    # before these events existed start from these defaults.
    platform_hidden = False
    observed_deleted = False
    if TYPE_CHECKING:
        channel_id: UUID

    class VisibilityObserved(RecordAggregate.Event):
        """The platform shows the item as hidden (or visible again) (dold på plattformen), as run
        ``run_id`` captured it at ``captured_at``; not a moderation decision of the body."""

        channel_id: UUID
        run_id: UUID
        hidden: bool
        captured_at: datetime

        def apply(self, record: PlatformObserved) -> None:
            record.platform_hidden = self.hidden

    class DeletionObserved(RecordAggregate.Event):
        """The item was last seen at ``last_seen_at`` (in run ``last_seen_run_id``, none when it was
        recorded outside a complete capture) and is missing from run ``run_id``, which holds its
        parent whole (observerad borttagning): it was deleted on the platform in between, by
        someone, for reasons the platform does not give. ``deleted_at`` is the platform's time, when
        the source gives one. Not a deletion decided by the body; the record stays."""

        channel_id: UUID
        run_id: UUID
        last_seen_run_id: UUID | None
        last_seen_at: datetime
        missing_at: datetime
        deleted_at: datetime | None

        def apply(self, record: PlatformObserved) -> None:
            record.observed_deleted = True

    def observe_visibility(self, hidden: bool, run_id: UUID, captured_at: datetime, by: Actor, at: datetime) -> None:
        by.require(OBSERVERS, self.org_id, "recording what a capture observed")
        if hidden == self.platform_hidden:
            raise InvalidTransition(f"the platform already shows it as {'hidden' if hidden else 'visible'}")
        captured_at = past_instant("captured_at", captured_at, at)
        self._record(
            self.VisibilityObserved,
            by,
            at,
            captured_at,
            channel_id=self.channel_id,
            run_id=run_id,
            hidden=hidden,
            captured_at=captured_at,
        )

    def observe_deletion(
        self,
        run_id: UUID,
        last_seen_run_id: UUID | None,
        last_seen_at: datetime,
        missing_at: datetime,
        deleted_at: datetime | None,
        by: Actor,
        at: datetime,
    ) -> None:
        by.require(OBSERVERS, self.org_id, "recording what a capture observed")
        if self.observed_deleted:
            raise InvalidTransition("its deletion on the platform was observed already")
        missing_at = not_before(
            "missing_at", past_instant("missing_at", missing_at, at), last_seen_at, "it was last seen"
        )
        self._record(
            self.DeletionObserved,
            by,
            at,
            deleted_at or missing_at,
            channel_id=self.channel_id,
            run_id=run_id,
            last_seen_run_id=last_seen_run_id,
            last_seen_at=last_seen_at,
            missing_at=missing_at,
            deleted_at=deleted_at,
        )


class CommentObserved(PlatformObserved):
    """A comment, whose author may also edit it on the platform."""

    if TYPE_CHECKING:
        text: str

    class EditCaptured(RecordAggregate.Event):
        """The comment's author changed its text on the platform (redigerad av skribenten), as run
        ``run_id`` captured it; ``occurred_at`` is the platform's edit time, or the capture time when
        the platform gives none. Both texts are kept."""

        channel_id: UUID
        run_id: UUID
        text_before: str
        text_after: str
        captured_at: datetime

        def apply(self, comment: CommentObserved) -> None:
            comment.text = self.text_after

    def capture_edit(
        self, text: str, edited_at: datetime | None, run_id: UUID, captured_at: datetime, by: Actor, at: datetime
    ) -> None:
        by.require(OBSERVERS, self.org_id, "recording what a capture observed")
        text = required_text("text", text, MAX_TEXT)
        if text == self.text:
            raise InvalidValue("text", "is the same as the comment's current text")
        captured_at = past_instant("captured_at", captured_at, at)
        when = past_instant("edited_at", edited_at or captured_at, at)
        self._record(
            self.EditCaptured,
            by,
            at,
            when,
            channel_id=self.channel_id,
            run_id=run_id,
            text_before=self.text,
            text_after=text,
            captured_at=captured_at,
        )
