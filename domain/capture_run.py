"""A capture run (insamlingskörning): one import of a platform's export, itself a record, so that
an auditor sees what was captured when, from which file, by whom, and where the gaps are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.errors import InvalidTransition
from domain.values import optional_text, past_instant, required_text

RUNNERS = {Role.CAPTURE_CLIENT}


@dataclass(frozen=True)
class RunCounts:
    """What a run found, item by item, against the record."""

    read: int = 0
    new: int = 0
    unchanged: int = 0
    edited: int = 0
    hidden: int = 0  # newly hidden on the platform
    unhidden: int = 0  # newly visible again on the platform
    deletions_observed: int = 0  # recorded before, missing now from a complete capture
    account_deleted: int = 0  # deleted by the account itself, as the export says


@dataclass(frozen=True)
class RunSource:
    """The file a run read and what it says of itself."""

    source_format: str
    file_name: str
    sha256: str
    account_id: str | None = None
    account_handle: str | None = None
    period_start: datetime | None = None
    period_end: datetime | None = None
    posts_complete: bool = False
    complete_threads: tuple[str, ...] = ()  # platform ids of the posts whose every comment is in the file
    source_id: UUID | None = None  # the live source polled (a ``CaptureSource``); none for a file


class CaptureRun(RecordAggregate):
    """One import of an export into a channel's record."""

    class Started(RecordAggregate.Created):
        """An import began (insamling påbörjad): which file (name and SHA-256), of which format and
        account, covering which period; which parents the file holds whole; ``source_id``, the live
        source (insamlingskälla) a poll read, none for a file. Version 2; version 1 had no
        ``source_id`` (every run was of a file)."""

        class_version = 2

        channel_id: UUID
        source_format: str
        file_name: str
        sha256: str
        account_id: str | None
        account_handle: str | None
        period_start: datetime | None
        period_end: datetime | None
        posts_complete: bool
        complete_threads: list[str]
        source_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["source_id"] = None

    class Completed(RecordAggregate.Event):
        """The import was recorded whole (insamling slutförd), with what it found."""

        channel_id: UUID
        read: int
        new: int
        unchanged: int
        edited: int
        hidden: int
        unhidden: int
        deletions_observed: int
        account_deleted: int

        def apply(self, run: CaptureRun) -> None:
            run.status = "completed"

    class Failed(RecordAggregate.Event):
        """The import failed (insamling misslyckad); ``error`` names the file and the item. Nothing
        of a file that failed validation is recorded but this."""

        channel_id: UUID
        error: str

        def apply(self, run: CaptureRun) -> None:
            run.status = "failed"

    def __init__(self, org_id: UUID, channel_id: UUID, occurred_at: datetime):
        self.org_id = org_id
        self.channel_id = channel_id
        self.started_at = occurred_at
        self.status = "started"

    @classmethod
    def start(
        cls, run_id: UUID, org_id: UUID, channel_id: UUID, source: RunSource, by: Actor, at: datetime
    ) -> CaptureRun:
        by.require(RUNNERS, org_id, "importing a capture")
        return cls._create(
            cls.Started,
            id=run_id,
            channel_id=channel_id,
            source_format=required_text("format", source.source_format, 50),
            file_name=required_text("file", source.file_name, 500),
            sha256=required_text("sha256", source.sha256, 64),
            account_id=optional_text("account_id", source.account_id),
            account_handle=optional_text("account_handle", source.account_handle),
            period_start=past_instant("period_start", source.period_start, at) if source.period_start else None,
            period_end=source.period_end,
            posts_complete=source.posts_complete,
            complete_threads=list(source.complete_threads),
            source_id=source.source_id,
            **cls.envelope(by, at, None, org_id),
        )

    def complete(self, counts: RunCounts, by: Actor, at: datetime) -> None:
        self._still_running()
        self._record(self.Completed, by, at, channel_id=self.channel_id, **vars(counts))

    def fail(self, error: str, by: Actor, at: datetime) -> None:
        self._still_running()
        self._record(self.Failed, by, at, channel_id=self.channel_id, error=required_text("error", error[:4000], 4000))

    def _still_running(self) -> None:
        if self.status != "started":
            raise InvalidTransition(f"the capture run is already {self.status}")
