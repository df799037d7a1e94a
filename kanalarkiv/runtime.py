"""Wires one running kanalarkiv: settings → database → application → views → projection workers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import structlog

from kanalarkiv.application import RecordsApplication
from kanalarkiv.config import Settings
from kanalarkiv.context import Clock, system_clock
from kanalarkiv.database import ensure_database, eventsourcing_env, server_url
from kanalarkiv.memory import limit_malloc_arenas
from kanalarkiv.runner import ProjectionSupervisor
from kanalarkiv.signing import HeadSigner
from kanalarkiv.transparency import Checkpointer, Transparency
from kanalarkiv.views import Views
from projections.storable import install as install_storable_text
from retention.keystore import load_master_key

log = structlog.get_logger("kanalarkiv")


def database_url(settings: Settings) -> str:
    """The URL of kanalarkiv's own database, created on first use."""
    return ensure_database(server_url(settings), settings.database_name) if not settings.database_url \
        else settings.database_url


@dataclass
class Runtime:
    settings: Settings
    database_url: str
    app: RecordsApplication
    views: Views
    supervisor: ProjectionSupervisor | None = None
    checkpointer: Checkpointer | None = None

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        run_projections: bool | None = None,
        clock: Clock = system_clock,
        url: str | None = None,
    ) -> Runtime:
        limit_malloc_arenas()  # before the pool's and the workers' threads allocate
        install_storable_text()  # before the first connection: no NUL ever reaches a view's table
        url = url or database_url(settings)
        master_key = load_master_key(settings.master_key, settings.data_dir)
        app = RecordsApplication(env=eventsourcing_env(url, settings.pool_size), clock=clock, master_key=master_key,
                                 snapshot_dir=settings.snapshots)
        views = Views(app.factory.datastore, app.name)  # type: ignore[attr-defined]
        runtime = cls(settings, url, app, views)
        if settings.run_projections if run_projections is None else run_projections:
            runtime.supervisor = ProjectionSupervisor(app, views, url, settings.projection_batch_size)
            runtime.supervisor.start()
            views.failure_of = runtime.supervisor.failure_of
            runtime.checkpointer = Checkpointer(runtime.transparency, settings.checkpoint_interval)
            runtime.checkpointer.start()
        return runtime

    @cached_property
    def transparency(self) -> Transparency:
        """Signed tree heads and proofs; loads (or first creates) the signing key."""
        return Transparency(self.views, HeadSigner.from_settings(self.settings), self.app.clock)

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()
        if self.supervisor is not None:
            self.supervisor.stop()
        self.app.close()
