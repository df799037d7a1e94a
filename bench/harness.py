"""One benchmark run: its mode (sizes and time bounds), its database, the imported world, and the
service objects the paths measure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.child import ChildRun, run_child
from bench.environment import REPO, Environment
from kanalarkiv.config import Settings
from kanalarkiv.runtime import Runtime


@dataclass(frozen=True)
class Mode:
    name: str
    events: int  # the world's size: at least this many events in the log
    seconds: float  # how long one load runs at most
    max_operations: int  # and how many operations it makes at most
    reps: int  # each load runs this many times, ours and raw interleaved; the best run counts
    import_batch: int = 500  # events per import transaction
    projection_batch: int = 1000  # as KANALARKIV_PROJECTION_BATCH_SIZE's default
    pool_size: int = 8  # as KANALARKIV_POOL_SIZE's default
    timeout: float = 600.0  # any one child process


QUICK = Mode("quick", events=20_000, seconds=0.5, max_operations=20_000, reps=2, timeout=120.0)
FULL = Mode("full", events=1_000_000, seconds=5.0, max_operations=200_000, reps=3, timeout=3000.0)


@dataclass
class Bench:
    mode: Mode
    environment: Environment
    seed: int
    out: Path
    events_table: str = ""
    projections: list[str] = field(default_factory=list)
    imported: ChildRun | None = None
    raw_imported: ChildRun | None = None
    rebuilt: ChildRun | None = None
    raw_rebuilt: ChildRun | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.environment.url

    def settings(self) -> Settings:
        return Settings.from_env(
            {
                "DATABASE_URL": self.url,
                "KANALARKIV_DATA_DIR": str(REPO / "var"),
                "KANALARKIV_POOL_SIZE": str(self.mode.pool_size),
                "KANALARKIV_PROJECTION_BATCH_SIZE": str(self.mode.projection_batch),
            }
        )

    @contextmanager
    def runtime(self, run_projections: bool = False) -> Iterator[Runtime]:
        runtime = Runtime.open(self.settings(), run_projections=run_projections, url=self.url)
        try:
            yield runtime
        finally:
            runtime.close()

    def child(self, kind: str, profile: bool = False, **args: Any) -> ChildRun:
        return run_child(
            kind,
            {"url": self.url, **args},
            self.out / "logs",
            self.mode.timeout,
            self.out / "profiles" / f"{kind}.txt" if profile else None,
        )

    def import_world(self, reuse: bool = False) -> None:
        """The service imports the seeded world (timed, its memory sampled), then the raw
        process copies the same rows: the dataset every path after this reads. With ``reuse``,
        the world a kept database holds (no import figures: path 7 cannot run)."""
        with self.runtime() as runtime:
            self.events_table = runtime.app.recorder.events_table_name  # type: ignore[attr-defined]
            self.projections = runtime.views.names()
        if reuse:
            self.facts["dataset"], self.facts["reused_world"] = describe_dataset(self), True
            return
        self.imported = self.child(
            "import",
            seed=self.seed,
            events=self.mode.events,
            batch_events=self.mode.import_batch,
            timeout=self.mode.timeout,
        )
        self.raw_imported = self.child(
            "raw-import", batch_events=self.mode.import_batch, events_table=self.events_table
        )
        self.facts["dataset"] = describe_dataset(self)


def describe_dataset(bench: Bench) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(bench.url) as conn:

        def one(query: str) -> Any:
            return conn.execute(query).fetchone()

        events, mean_bytes = one(f"SELECT count(*), avg(octet_length(state)) FROM {bench.events_table}")
        topics = conn.execute(
            f"SELECT split_part(topic, ':', 2) AS t, count(*) FROM {bench.events_table} GROUP BY t ORDER BY 2 DESC"
        ).fetchall()

        def spread(counts: str) -> Any:
            return one(
                "SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), percentile_disc(0.9) WITHIN"
                " GROUP (ORDER BY n), percentile_disc(0.99) WITHIN GROUP (ORDER BY n), max(n), sum(n)"
                f" FROM ({counts}) AS counted"
            )

        sizes = spread("SELECT count(*) AS n FROM audit_events WHERE channel_id IS NOT NULL GROUP BY channel_id")
        posts = spread(
            "SELECT count(p.post_id) AS n FROM channel_register c LEFT JOIN content_posts p"
            " ON p.channel_id = c.id GROUP BY c.id"
        )
        comments = spread(
            "SELECT count(m.comment_id) AS n FROM content_posts p LEFT JOIN content_comments m"
            " ON m.post_id = p.post_id GROUP BY p.post_id"
        )
        diary = spread(
            "SELECT count(e.entry_id) AS n FROM channel_register_orgs o LEFT JOIN diary_entries e"
            " ON e.org_id = o.org_id GROUP BY o.org_id"
        )
        per_org = one(
            "SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), percentile_disc(0.9) WITHIN GROUP"
            " (ORDER BY n), max(n) FROM (SELECT count(*) AS n FROM channel_register GROUP BY org_id) AS per_org"
        )
        platforms = conn.execute(
            "SELECT platform, count(*) FROM channel_register GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
        log_bytes = one(f"SELECT pg_total_relation_size('{bench.events_table}')")[0]
    return {
        "events": events,
        "mean_state_bytes": round(float(mean_bytes or 0)),
        "log_mb": round(log_bytes / 2**20, 1),
        "event_types": [(topic, n) for topic, n in topics],
        "channels": sizes[0],
        "events_per_channel": {"median": sizes[1], "p90": sizes[2], "p99": sizes[3], "max": sizes[4]},
        **{
            f"{name}_per_{per}": {"median": row[1], "p90": row[2], "p99": row[3], "max": row[4], "total": row[5]}
            for name, per, row in (
                ("posts", "channel", posts),
                ("comments", "post", comments),
                ("diary_entries", "organisation", diary),
            )
        },
        "organisations_with_channels": per_org[0],
        "channels_per_organisation": {"median": per_org[1], "p90": per_org[2], "max": per_org[3]},
        "platforms": platforms,
    }
