"""Polling a live source: its credentials opened, its connector built (the platform's address from
the settings), the platform's answers fetched and read into the channel's record by the capture
core's own path (``import_capture_bundle``) as one capture run naming the source. Before a poll
records an item as deleted on the platform, the platform is asked about that item directly.

A failure is a failed run with its reason, and a back-off before the next poll (the platform's
``Retry-After`` where it gave one); credentials the platform refuses stop the source's polling
(``CaptureSource.Suspended``, by the poller) until a person gives it new ones. One poll at a time
per source: a PostgreSQL advisory lock. A poll killed midway leaves a started run; the next poll
reads the source again whole, and the records' ids (derived from the platform's) make what was
saved before unchanged, not duplicated. The answers that throttled a poll, and the seconds waited
for them, are added to the source's counts (``capture_poll_state``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

import structlog

from domain.actors import Actor, Role
from domain.capture_run import RunCounts
from domain.capture_source import LONGEST_INTERVAL, POLLERS, CaptureSource
from domain.errors import InvalidTransition
from kanalarkiv.adapters.credentials import CredentialsMissing
from kanalarkiv.adapters.poll_state import PollState
from kanalarkiv.application.capture_changes import Progress
from kanalarkiv.application.capture_import import ImportRefused
from kanalarkiv.application.capture_sources import CaptureSourceCommands
from kanalarkiv.application.capture_tokens import CaptureTokenRenewal
from kanalarkiv.application.context import acting_as, current_actor
from kanalarkiv.capture.live.bundles import LiveBundle, Validators
from kanalarkiv.capture.live.connectors import Poll, format_of, open_poll
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing
from kanalarkiv.capture.live.http import RetryPolicy, Throttling
from kanalarkiv.config import LiveEndpoints

log = structlog.get_logger("kanalarkiv.capture")
POLLER_ID = "system:capture-poller"
STOPPING = frozenset({FailureReason.CREDENTIALS_EXPIRED, FailureReason.CREDENTIALS_INVALID})
ENDPOINT = {
    "facebook_page": "facebook",
    "instagram_account": "instagram",
    "youtube_channel": "youtube",
    "linkedin_organization": "linkedin",
    "feed": "facebook",  # unused: a feed is fetched at its own address
}


def poller(org_id: UUID, for_whom: Actor | None = None) -> Actor:
    """The system's poller, a capture client of the source's organisation; named for the person
    who asked for a poll now, so the run says who."""
    asked = for_whom is not None and for_whom.id != POLLER_ID
    name = f"capture poller, asked by {for_whom.name}" if asked and for_whom else "capture poller"
    return Actor(POLLER_ID, name, Role.CAPTURE_CLIENT, org_id)


class SourceBusy(InvalidTransition):
    """A poll of this source is running already (here or in another process)."""


@dataclass(frozen=True)
class PollOutcome:
    source_id: UUID
    outcome: str  # completed, not_modified, failed, suspended
    run_id: UUID | None
    counts: RunCounts | None
    position: int
    next_poll_at: datetime | None
    reason: str | None = None
    detail: str | None = None


class CapturePollCommands(CaptureTokenRenewal, CaptureSourceCommands):
    live_endpoints: LiveEndpoints = LiveEndpoints()
    retry_policy: RetryPolicy | None = None  # the connectors' default unless the runtime (or a test) sets one

    def poll_capture_source(self, source_id: UUID, progress: Progress | None = None) -> PollOutcome:
        source = self.get_capture_source(source_id)
        asker = current_actor()
        asker.require(POLLERS, source.org_id, "polling a capture source")
        if not source.connected:
            raise InvalidTransition("the capture source is disconnected; connect a new one")
        if source.suspended_reason is not None:
            raise InvalidTransition(
                f"the capture source is suspended ({source.suspended_reason}): give it new credentials first"
            )
        with self.poll_states.lease(source_id) as ours:
            if not ours:
                raise SourceBusy("a poll of this capture source is running; try again when it has ended")
            with acting_as(poller(source.org_id, asker)):
                return self._poll(source, progress)

    def try_capture_source(self, source_id: UUID) -> SourceFailing | int:
        """A dry fetch (the last day's items): the number of answers read, or why it failed. Nothing
        is recorded, nothing kept."""
        source = self.get_capture_source(source_id)
        current_actor().require(POLLERS, source.org_id, "testing a capture source")
        try:
            with self._open_poll(source) as poll:
                return len(poll.fetch(since=self.clock() - timedelta(days=1)))
        except SourceFailing as failing:
            return failing

    def _poll(self, source: CaptureSource, progress: Progress | None) -> PollOutcome:
        throttling = Throttling()
        try:
            return self._poll_once(source, progress, throttling)
        finally:
            if throttling.responses:
                self.poll_states.add_throttling(source.id, throttling.responses, throttling.seconds)

    def _poll_once(self, source: CaptureSource, progress: Progress | None, throttling: Throttling) -> PollOutcome:
        state = self._renew_if_due(source, self.poll_states.get(source.id))
        attempt = self._attempt(source, state, progress, throttling)
        if isinstance(attempt, SourceFailing) and attempt.reason in STOPPING:
            try:
                renewed = self._renew_after_refusal(source, state)
                if renewed is not None:  # a token past its end: once more with a new one
                    state = renewed
                    attempt = self._attempt(source, state, progress, throttling)
            except SourceFailing as refused:
                attempt = refused
        if isinstance(attempt, SourceFailing):
            return self._failed(source, state, attempt, recorded=False)
        return attempt

    def _attempt(
        self, source: CaptureSource, state: PollState, progress: Progress | None, throttling: Throttling
    ) -> PollOutcome | SourceFailing:
        """The poll's outcome; or, failing before anything was fetched (so no run was begun), why."""
        fetched = False
        try:
            with self._open_poll(source, throttling) as poll:
                bundle = poll.fetch(Validators(state.etag, state.last_modified))
                fetched = True
                if bundle.not_modified:
                    return self._polled(source, state, "not_modified", None, bundle)
                done = self.import_capture_bundle(  # type: ignore[attr-defined]
                    source.channel_id, bundle, bundle.format, bundle.label, progress,
                    source_id=source.id, confirm=poll.confirm_deleted,
                )  # fmt: skip
        except SourceFailing as failing:
            if not fetched:
                return failing
            return self._failed(source, state, failing, recorded=True)  # the run begun has failed
        except ImportRefused as refused:
            problem = SourceFailing(FailureReason.UNREADABLE, refused.message, source=f"{source.kind} {source.id}")
            return self._failed(source, state, problem, recorded=True, run_id=refused.run_id)
        return self._polled(source, state, "completed", done, bundle)

    def _open_poll(self, source: CaptureSource, throttling: Throttling | None = None) -> Poll:
        where = f"{source.kind.value} {source.id}"
        try:
            secrets = self.credentials.open(source.credentials_id, source.org_id) if source.credentials_id else None
            return open_poll(
                source.kind.value,
                platform_id=source.platform_id,
                url=source.url,
                token=secrets.access_token if secrets else None,
                base_url=getattr(self.live_endpoints, ENDPOINT[source.kind.value]),
                timeout=self.live_endpoints.timeout_seconds,
                policy=self.retry_policy,
                throttling=throttling,
            )
        except CredentialsMissing as missing:
            raise SourceFailing(FailureReason.CREDENTIALS_INVALID, str(missing), source=where) from None
        except ValueError as wrong:
            raise SourceFailing(FailureReason.REFUSED, str(wrong), source=where) from None

    def _polled(
        self, source: CaptureSource, state: PollState, outcome: str, done: object, bundle: LiveBundle
    ) -> PollOutcome:
        now = self.clock()
        kept = bundle.validators or Validators()
        after = replace(state, etag=kept.etag, last_modified=kept.last_modified, failures=0, last_polled_at=now,
                        next_poll_at=now + source.polling_interval, last_outcome=outcome, last_reason=None,
                        not_modified_polls=state.not_modified_polls + (outcome == "not_modified"))  # fmt: skip
        self.poll_states.put(after)
        run_id, counts, position = (done.run_id, done.counts, done.position) if done else (None, None, 0)  # type: ignore[attr-defined]
        log.info("capture_source_polled", source_id=str(source.id), kind=source.kind.value, outcome=outcome,
                 run_id=str(run_id) if run_id else None, read=counts.read if counts else 0)  # fmt: skip
        return PollOutcome(source.id, outcome, run_id, counts, position or self._head(), after.next_poll_at)

    def _failed(
        self,
        source: CaptureSource,
        state: PollState,
        failing: SourceFailing,
        recorded: bool,
        run_id: UUID | None = None,
    ) -> PollOutcome:
        now, channel = self.clock(), self.get_channel(source.channel_id)
        problem = f"{failing.reason.value}: {failing.detail}"
        if not recorded:
            label = f"{source.kind.value} {source.id}"
            run_id = self._failed_run(channel, format_of(source.kind.value), label, "unread", problem, source.id).run_id  # type: ignore[attr-defined]
        stopped = failing.reason in STOPPING
        if stopped:
            # As it is now, not as the poll began: it may have been changed or disconnected meanwhile.
            current = self.get_capture_source(source.id)
            if current.connected and current.suspended_reason is None:
                current.suspend(failing.reason.value, failing.detail, by=current_actor(), at=now)
                self._recorded(current)
        failures = state.failures + 1
        backoff = source.polling_interval * 2 ** min(failures, 8)  # doubled each time, up to a day (below)
        wait = timedelta(seconds=failing.retry_after) if failing.retry_after else backoff
        # The validators are let go: the next poll after a failure reads the source whole.
        next_poll = None if stopped else now + min(wait, LONGEST_INTERVAL)
        outcome = "suspended" if stopped else "failed"
        after = replace(state, etag=None, last_modified=None, failures=failures, last_polled_at=now,
                        last_outcome=outcome, last_reason=failing.reason.value, next_poll_at=next_poll)  # fmt: skip
        self.poll_states.put(after)
        log.warning("capture_source_failing", source_id=str(source.id), kind=source.kind.value,
                    reason=failing.reason.value, detail=failing.detail, status=failing.status,
                    retry_after=failing.retry_after, suspended=stopped, failures=failures)  # fmt: skip
        return PollOutcome(source.id, outcome, run_id, None, self._head(), after.next_poll_at, failing.reason.value,
                           failing.detail)  # fmt: skip

    def _head(self) -> int:
        return self.recorder.max_notification_id() or 0
