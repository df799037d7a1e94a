"""The worker that polls the live sources: every ``tick`` it asks the capture-sources view for the
connected sources and polls, one after another, each that is due (never polled, or its next poll's
time reached: its interval, or the back-off after a failure). A source whose polling stopped is
passed over; a source another process is polling is passed over this tick. A poll's failure is
the poll's (a failed run, logged); anything else is logged and the worker goes on."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import structlog

from domain.actors import Actor
from kanalarkiv.application.capture_polls import POLLER_ID, PollOutcome, SourceBusy, poller
from kanalarkiv.application.context import acting_as
from kanalarkiv.readside.views import Views

log = structlog.get_logger("kanalarkiv.capture")
TICK_SECONDS = 30.0


class Poller(threading.Thread):
    def __init__(self, app: Any, views: Views, tick: float = TICK_SECONDS, wait: Callable[[float], bool] | None = None):
        super().__init__(name="capture-poller", daemon=True)
        self.app = app  # RecordsApplication
        self.views = views
        self.tick = tick
        self.stopping = threading.Event()
        self.wait = wait or self.stopping.wait  # returns True once stopping: injectable for tests

    def run(self) -> None:
        while not self.wait(self.tick):
            try:
                self.poll_due()
            except Exception as error:  # noqa: BLE001 - supervision: log it and try again at the next tick
                log.error("capture_poller_failed", error=f"{type(error).__name__}: {error}")

    def poll_due(self) -> list[PollOutcome]:
        """One pass: each due source polled once, in the order they were connected."""
        now, due = self.app.clock(), self.app.poll_states.all()
        outcomes = []
        for row in self.views.capture_sources.connected():
            state = due.get(row["source_id"])
            if row["suspended_reason"] is not None or (state and state.next_poll_at is None and state.failures):
                continue
            if state is not None and state.next_poll_at is not None and state.next_poll_at > now:
                continue
            outcome = self._poll(row, poller(row["org_id"]))
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _poll(self, row: dict[str, Any], actor: Actor) -> PollOutcome | None:
        with acting_as(actor):
            try:
                return self.app.poll_capture_source(row["source_id"])  # type: ignore[no-any-return]
            except SourceBusy:
                return None
            except Exception as error:  # noqa: BLE001 - one source's trouble never stops the others'
                log.error("capture_poll_crashed", source_id=str(row["source_id"]), poller=POLLER_ID,
                          error=f"{type(error).__name__}: {error}")  # fmt: skip
                self._put_off(row)
                return None

    def _put_off(self, row: dict[str, Any]) -> None:
        """A poll that crashed (not a platform's failure: those back off themselves) comes back at
        the source's interval, not at the next tick."""
        state = self.app.poll_states.get(row["source_id"])
        later = self.app.clock() + timedelta(seconds=row["polling_interval_seconds"])
        self.app.poll_states.put(replace(state, next_poll_at=later, failures=state.failures + 1,
                                         last_outcome="crashed"))  # fmt: skip

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        self.join(timeout)
