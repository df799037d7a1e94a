"""Wires one running kanalarkiv: settings → database → application → views → projection workers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import psycopg
import structlog

from kanalarkiv.adapters.database import ensure_database, eventsourcing_env, schema_lock, server_url
from kanalarkiv.adapters.keys import head_signer, load_master_key
from kanalarkiv.adapters.memory import limit_malloc_arenas
from kanalarkiv.application.context import Clock, system_clock
from kanalarkiv.application.poller import Poller
from kanalarkiv.application.records import RecordsApplication
from kanalarkiv.application.transparency import Checkpointer, Transparency
from kanalarkiv.application.webhook_worker import WebhookWorker
from kanalarkiv.config import Settings
from kanalarkiv.readside.runner import ProjectionSupervisor
from kanalarkiv.readside.token_cache import RevocationListener
from kanalarkiv.readside.views import Views
from projections.core.storable import install as install_storable_text

log = structlog.get_logger("kanalarkiv")


def database_url(settings: Settings) -> str:
    """The URL of kanalarkiv's own database, created on first use."""
    return (
        ensure_database(server_url(settings), settings.database_name)
        if not settings.database_url
        else settings.database_url
    )


@dataclass
class Runtime:
    settings: Settings
    database_url: str
    app: RecordsApplication
    views: Views
    supervisor: ProjectionSupervisor | None = None
    checkpointer: Checkpointer | None = None
    poller: Poller | None = None
    webhook_worker: WebhookWorker | None = None
    revocations: RevocationListener | None = None

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        run_projections: bool | None = None,
        run_poller: bool | None = None,
        clock: Clock = system_clock,
        url: str | None = None,
        run_webhook_worker: bool | None = None,
    ) -> Runtime:
        limit_malloc_arenas()  # before the pool's and the workers' threads allocate
        install_storable_text()  # before the first connection: no NUL ever reaches a view's table
        url = url or database_url(settings)
        master_key = load_master_key(settings.master_key, settings.data_dir)
        with schema_lock(url):  # the application and the views make their tables
            app = RecordsApplication(
                env=eventsourcing_env(url, settings.pool_size),
                clock=clock,
                master_key=master_key,
                snapshot_dir=settings.snapshots,
            )
            views = Views(app.datastore, app.name)
        app.live_endpoints = settings.live
        runtime = cls(settings, url, app, views)
        runtime.revocations = RevocationListener(url, views.token_cache)  # tokens remembered while it hears
        runtime.revocations.start()
        if settings.run_projections if run_projections is None else run_projections:
            runtime.supervisor = ProjectionSupervisor(app, views, url, settings.projection_batch_size)
            runtime.supervisor.start()
            views.failure_of = runtime.supervisor.failure_of
            runtime.checkpointer = Checkpointer(runtime.transparency, settings.checkpoint_interval)
            runtime.checkpointer.start()
            if settings.run_poller if run_poller is None else run_poller:
                runtime.poller = Poller(app, views)  # the live sources, each at its interval
                runtime.poller.start()
        if run_webhook_worker if run_webhook_worker is not None else runtime.supervisor is not None:
            # Drains the webhook inbox into the record, and prunes it of what is done with.
            runtime.webhook_worker = WebhookWorker(app, keep_days=settings.webhook_keep_days)
            runtime.webhook_worker.start()
        return runtime

    @cached_property
    def transparency(self) -> Transparency:
        """Signed tree heads and proofs; loads (or first creates) the signing key."""
        return Transparency(self.views, head_signer(self.settings), self.app.clock)

    def database_reachable(self) -> bool:
        """Whether the database answers a fresh connection within libpq's shortest timeout (2 s),
        whatever the pool is doing (it may be waiting on connections that will never come back)."""
        try:
            with psycopg.connect(self.database_url, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def close(self) -> None:
        if self.revocations is not None:
            self.revocations.stop()
        if self.poller is not None:
            self.poller.stop()
        if self.webhook_worker is not None:
            self.webhook_worker.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()
        if self.supervisor is not None:
            self.supervisor.stop()
        self.app.close()
