"""The projections' views in one process: built on the application's connection pool,
their tables created at start-up, and read-your-writes waiting on their tracking positions."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from eventsourcing.postgres import PostgresDatastore

from kanalarkiv.readside.token_cache import TokenCache
from projections.access_tokens import AccessTokensView
from projections.audit_trail import AuditTrailView
from projections.capture_runs import CaptureRunsView
from projections.capture_sources import CaptureSourcesView
from projections.channel_content.view import ChannelContentView
from projections.channel_register import ChannelRegisterView
from projections.core.base import BatchProjection, TView, View
from projections.diary.view import DiaryView
from projections.editor_assignments import EditorAssignmentsView
from projections.log_hashes import LogHashesView
from projections.organisations import OrganisationsView
from projections.oversight import OversightView
from projections.public_requests import PublicRequestsView
from projections.registry import PROJECTIONS
from projections.retention.view import RetentionView
from projections.snapshots import SnapshotsView
from projections.supervision import SupervisionView


class ProjectionLagging(TimeoutError):
    """A read asked to wait for a log position that the projection did not reach in time."""

    def __init__(self, projection: str, wanted: int, reached: int):
        super().__init__(
            f"the {projection} projection has reached position {reached}, not yet {wanted}; try again shortly"
        )
        self.projection = projection
        self.wanted = wanted
        self.reached = reached


class ProjectionFailed(RuntimeError):
    """A read waits for a position that its projection cannot reach: it failed on an event."""

    def __init__(self, projection: str, wanted: int, reached: int, failed_position: int, error: str):
        super().__init__(
            f"the {projection} projection has stopped at position {reached}: it failed to apply the event at "
            f"position {failed_position} ({error}); the operators are told by /healthz and /metrics"
        )
        self.projection, self.wanted, self.reached = projection, wanted, reached
        self.failed_position, self.error = failed_position, error


Failure = tuple[int, str]
"""Where a projection failed (the event's position) and the error."""


class Views:
    def __init__(self, datastore: PostgresDatastore, application_name: str):
        self.application_name = application_name
        self.failure_of: Callable[[str], Failure | None] = lambda name: None
        """The failure of a projection applied in this process (set by the runtime's supervisor)."""
        self.token_cache = TokenCache()
        """Tokens' rows between requests, trusted while a ``RevocationListener`` hears revocations."""
        self._views: dict[str, View] = {}
        self._projection_classes = {p.name: p for p in PROJECTIONS}
        for projection_class in PROJECTIONS:
            view = projection_class.view_class(datastore)
            view.create_table()
            self._views[projection_class.name] = view

    def _of(self, name: str, kind: type[TView]) -> TView:
        """The view of projection ``name``, which is a ``kind``."""
        view = self._views[name]
        if not isinstance(view, kind):
            raise TypeError(f"the {name} projection's view is a {type(view).__name__}, not a {kind.__name__}")
        return view

    @property
    def log_hashes(self) -> LogHashesView:
        return self._of("log_hashes", LogHashesView)

    @property
    def organisations(self) -> OrganisationsView:
        return self._of("organisations", OrganisationsView)

    @property
    def access_tokens(self) -> AccessTokensView:
        return self._of("access_tokens", AccessTokensView)

    def active_token(self, token_hash: str) -> dict[str, Any] | None:
        """The active token's row: remembered, or read from the view (and then remembered)."""
        row = self.token_cache.get(token_hash)
        if row is None:
            generation = self.token_cache.generation()
            row = self.access_tokens.active_token(token_hash)
            if row is not None:
                self.token_cache.keep(token_hash, row, generation)
        return row

    @property
    def channel_register(self) -> ChannelRegisterView:
        return self._of("channel_register", ChannelRegisterView)

    @property
    def audit_trail(self) -> AuditTrailView:
        return self._of("audit_trail", AuditTrailView)

    @property
    def editor_assignments(self) -> EditorAssignmentsView:
        return self._of("editor_assignments", EditorAssignmentsView)

    @property
    def channel_content(self) -> ChannelContentView:
        return self._of("channel_content", ChannelContentView)

    @property
    def oversight(self) -> OversightView:
        return self._of("oversight", OversightView)

    @property
    def diary(self) -> DiaryView:
        return self._of("diary", DiaryView)

    @property
    def retention(self) -> RetentionView:
        return self._of("retention", RetentionView)

    @property
    def snapshots(self) -> SnapshotsView:
        return self._of("snapshots", SnapshotsView)

    @property
    def capture_runs(self) -> CaptureRunsView:
        return self._of("capture_runs", CaptureRunsView)

    @property
    def capture_sources(self) -> CaptureSourcesView:
        return self._of("capture_sources", CaptureSourcesView)

    @property
    def public_requests(self) -> PublicRequestsView:
        return self._of("public_requests", PublicRequestsView)

    @property
    def supervision(self) -> SupervisionView:
        return self._views["supervision"]  # type: ignore[return-value]

    def names(self) -> list[str]:
        return list(self._views)

    def view(self, name: str) -> View:
        try:
            return self._views[name]
        except KeyError:
            raise KeyError(f"no projection named {name!r}; known: {', '.join(self._views)}") from None

    def projections(self) -> list[BatchProjection[Any]]:
        return [self._projection_classes[name](view) for name, view in self._views.items()]

    def projection(self, name: str) -> BatchProjection[Any]:
        return self._projection_classes[name](self.view(name))

    def positions(self) -> dict[str, int]:
        return {name: view.position(self.application_name) for name, view in self._views.items()}

    def wait_for(self, name: str, position: int | None, timeout: float = 5.0) -> None:
        """Block until projection ``name`` has processed log position ``position``."""
        if not position:
            return
        view = self.view(name)
        deadline = time.monotonic() + timeout
        pause = 0.002
        while True:
            reached = view.position(self.application_name)
            if reached >= position:
                if name == AccessTokensView.name:
                    self.token_cache.forget_all()  # whoever waited for a revocation sees it at once
                return
            failure = self.failure_of(name)
            if failure is not None and failure[0] <= position:
                raise ProjectionFailed(name, position, reached, *failure)
            if time.monotonic() >= deadline:
                raise ProjectionLagging(name, position, reached)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
