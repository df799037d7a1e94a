"""Importing a platform's export as a capture run: the whole file is read and checked against the
record first (the dry run stops there), then the run is recorded, the changes saved chunk by chunk
through the bulk capture path, and the run completed with its counts. A file that fails validation
records nothing but the failed run itself."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit
from uuid import UUID, uuid4

from domain.capture_run import CaptureRun, RunCounts, RunSource
from domain.channel import Channel
from domain.errors import DomainError, InvalidTransition, InvalidValue
from domain.post import Post
from kanalarkiv.application.capture_changes import Pass, Progress
from kanalarkiv.application.context import current_actor
from kanalarkiv.capture.bundle import open_bundle
from kanalarkiv.capture.items import (
    Account,
    Bundle,
    Completeness,
    ConfirmsDeletions,
    Deleted,
    FormatError,
    Item,
    NamesAccount,
    Source,
)
from kanalarkiv.capture.registry import reader_for
from projections.capture_runs import CaptureRunsView

VIEW_WAIT_SECONDS = 10.0


class ImportRefused(InvalidValue):
    """The file cannot be imported as it is (wrong format, truncated, another account's, an item
    the rules refuse): names the file and the line or item. ``run_id`` is the failed run recorded."""

    def __init__(self, problem: str, run_id: UUID | None = None, position: int = 0):
        recorded = f" (recorded as failed capture run {run_id})" if run_id else ""
        super().__init__("file", f"{problem}{recorded}; nothing of it was recorded")
        self.run_id, self.position = run_id, position


@dataclass(frozen=True)
class ImportOutcome:
    run_id: UUID | None  # none for a dry run
    dry_run: bool
    counts: RunCounts
    position: int


class CaptureImportCommands:
    """Mixed into ``RecordsApplication``."""

    def import_capture(
        self,
        channel_id: UUID,
        path: Path,
        format_name: str,
        dry_run: bool = False,
        progress: Progress | None = None,
        name: str = "",
    ) -> ImportOutcome:
        """Import the export at ``path`` (a file, directory or zip; ``name``: what it is called, when
        the path is a temporary one) into the channel's record as one capture run."""
        label = name or path.name
        try:
            bundle = open_bundle(path, name)
        except FormatError as problem:
            self._refuse_unread(channel_id, format_name, label, str(problem), dry_run)
        return self.import_capture_bundle(channel_id, bundle, format_name, label, progress, dry_run=dry_run)

    def import_capture_bundle(
        self,
        channel_id: UUID,
        bundle: Bundle,
        format_name: str,
        label: str,
        progress: Progress | None = None,
        *,
        dry_run: bool = False,
        source_id: UUID | None = None,
        confirm: Callable[[str], bool] | None = None,
    ) -> ImportOutcome:
        """Read ``bundle`` (a file's, or a live source's poll: ``source_id`` names the source, and
        ``confirm`` asks the platform whether an item missing from it is gone) into the channel's
        record as one capture run: checked whole first, then recorded."""
        channel = self.get_channel(channel_id)  # type: ignore[attr-defined]
        Post.authorise_capture(channel.org_id, current_actor())
        read = reader_for(format_name)
        self._capture_view_caught_up()
        fingerprint = ""
        try:
            fingerprint = sha256_of(bundle)
            checked = self._pass(channel, read(bundle), record=False, progress=progress)
        except FormatError as problem:
            checked = str(problem)
        if isinstance(checked, str):
            if dry_run:
                raise ImportRefused(checked)
            run = self._failed_run(channel, format_name, label, fingerprint or "unread", checked, source_id)
            raise ImportRefused(checked, run.run_id, run.position)
        if dry_run:
            return ImportOutcome(None, True, checked[0], self.recorder.max_notification_id() or 0)  # type: ignore[attr-defined]
        facts = replace(RunSource(format_name, bundle.label, fingerprint, *checked[1]), source_id=source_id)  # type: ignore[arg-type]
        source: Source = Confirming(read(bundle), confirm) if confirm else read(bundle)
        return self._record_run(channel, source, facts, progress)

    def _refuse_unread(self, channel_id: UUID, format_name: str, label: str, problem: str, dry_run: bool) -> NoReturn:
        """A file that does not open (not a zip, a member outside it): refused as the import's own."""
        channel = self.get_channel(channel_id)  # type: ignore[attr-defined]
        Post.authorise_capture(channel.org_id, current_actor())
        reader_for(format_name)
        self._capture_view_caught_up()
        if dry_run:
            raise ImportRefused(problem)
        run = self._failed_run(channel, format_name, label, "unread", problem)
        raise ImportRefused(problem, run.run_id, run.position)

    @cached_property
    def capture_runs_view(self) -> CaptureRunsView:
        return CaptureRunsView(self.factory.datastore)  # type: ignore[attr-defined]

    def _pass(
        self, channel: Channel, source: Source, record: bool, progress: Progress | None, run_id: UUID | None = None
    ) -> tuple[RunCounts, tuple[object, ...]] | str:
        """The counts and what the source says of itself, or (validating) the problem found."""
        confirm = source.confirm_deleted if record and isinstance(source, ConfirmsDeletions) else None
        one = Pass(self, channel, self._roster(channel.id), run_id or uuid4(), current_actor(), self.clock(),  # type: ignore[attr-defined]
                   record, progress, confirm)  # fmt: skip
        try:
            one.read(source.items())
            completeness = one.whole(source.completeness(), self.capture_runs_view)
            facts = self._source_facts(channel, source, completeness)
            one.observe_deletions(completeness, self.capture_runs_view)
        except (FormatError, DomainError) as problem:
            if record:
                raise
            return str(problem)
        return one.counts, facts

    def _record_run(
        self, channel: Channel, source: Source, facts: RunSource, progress: Progress | None
    ) -> ImportOutcome:
        by = current_actor()
        run = CaptureRun.start(uuid4(), channel.org_id, channel.id, facts, by=by, at=self.clock())  # type: ignore[attr-defined]
        self._recorded(run)  # type: ignore[attr-defined]
        try:
            result = self._pass(channel, source, record=True, progress=progress, run_id=run.id)
            assert not isinstance(result, str)
        except Exception as error:
            run.fail(f"{type(error).__name__}: {error}", by=by, at=self.clock())  # type: ignore[attr-defined]
            self._recorded(run)  # type: ignore[attr-defined]
            raise
        run.complete(result[0], by=by, at=self.clock())  # type: ignore[attr-defined]
        return ImportOutcome(run.id, False, result[0], self._recorded(run).position)  # type: ignore[attr-defined]

    def _failed_run(
        self, channel: Channel, format_name: str, label: str, fingerprint: str, problem: str,
        source_id: UUID | None = None,
    ) -> _Failed:  # fmt: skip
        by, at = current_actor(), self.clock()  # type: ignore[attr-defined]
        facts = RunSource(format_name, label, fingerprint, source_id=source_id)
        run = CaptureRun.start(uuid4(), channel.org_id, channel.id, facts, by=by, at=at)
        run.fail(problem, by=by, at=at)
        return _Failed(run.id, self._recorded(run).position)  # type: ignore[attr-defined]

    def _source_facts(self, channel: Channel, source: Source, completeness: Completeness) -> tuple[object, ...]:
        """What the run records of its source, once the account is known to be the channel's."""
        account = source.account() if isinstance(source, NamesAccount) else None
        account_id, handle = (account.platform_id, account.handle) if account else (None, None)
        check_account(channel, account_id, handle, self.capture_runs_view.earlier_accounts(channel.id), source)
        period = completeness.period
        return (
            account_id,
            handle,
            period[0] if period else None,
            period[1] if period else None,
            completeness.posts,
            tuple(sorted(completeness.threads)),
        )

    def _capture_view_caught_up(self) -> None:
        """The record's knowledge of what was captured before comes from the capture-runs view:
        it must have reached the head of the log, or an item might be taken as new or missing."""
        head = self.recorder.max_notification_id() or 0  # type: ignore[attr-defined]
        deadline = time.monotonic() + VIEW_WAIT_SECONDS
        while self.capture_runs_view.position(self.name) < head:  # type: ignore[attr-defined]
            if time.monotonic() > deadline:
                raise InvalidTransition("the capture-runs view is behind the log; try the import again shortly")
            time.sleep(0.02)


class Confirming:
    """A reader whose missing items are confirmed gone by the platform before they are recorded."""

    def __init__(self, source: Source, confirm: Callable[[str], bool]):
        self.source, self.confirm, self.format = source, confirm, source.format

    def items(self) -> Iterator[Item | Deleted]:
        return self.source.items()

    def completeness(self) -> Completeness:
        return self.source.completeness()

    def account(self) -> Account | None:
        return self.source.account() if isinstance(self.source, NamesAccount) else None

    def confirm_deleted(self, platform_id: str) -> bool:
        return self.confirm(platform_id)


@dataclass(frozen=True)
class _Failed:
    run_id: UUID
    position: int


def check_account(
    channel: Channel, account_id: str | None, handle: str | None, earlier: list[str], source: Source
) -> None:
    """An export of another account than the channel's is refused: the handle it names must be the
    one in the channel's address (x.com/<handle>, facebook.com/<handle> …), and the account id it
    names must be the one the channel's earlier completed runs named, if any did."""
    own = channel_handle(channel.url)
    if handle and own and handle.lstrip("@").lower() != own.lower():
        raise FormatError(
            source.format, f"is an export of the account @{handle.lstrip('@')}, but the channel is {channel.url}"
        )
    if account_id and earlier and account_id not in earlier:
        raise FormatError(
            source.format,
            f"is an export of the account {account_id}; the channel's earlier captures are of {earlier[0]}",
        )


def channel_handle(url: str) -> str | None:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return parts[0].lstrip("@") if parts else None


def sha256_of(bundle: Bundle) -> str:
    """The file's SHA-256 (a directory's: of its members' names and bytes, in order)."""
    own = getattr(bundle, "path", None)
    digest = hashlib.sha256()
    if own is not None and own.is_file():
        with own.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    for name in bundle.names():
        digest.update(name.encode() + b"\0")
        digest.update(bundle.read(name))
    return digest.hexdigest()
