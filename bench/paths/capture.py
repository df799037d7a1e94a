"""Path 2: bulk capture of a platform export (posts and the comments on them) by a capture client.

Ours: ``RecordsApplication.capture_bulk`` as the API's ``POST /v1/channels/{id}/captures`` calls it,
acting as a capture client of the organisation, on an active channel: a fresh export each run
(new platform ids), so every item is recorded. Ceiling: bare psycopg COPYing the very rows our run
wrote (same topics and bytes, fresh ids) into a table of the log's shape and indexes, in one
transaction."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import psycopg

from bench.child import RAW_EVENTS, create_raw_events_table
from bench.flagging import FlaggingCost, catch_up_supervision, flagging_cost
from bench.harness import Bench
from bench.measure import Figure, PathResult, Target, spread
from bench.paths import BenchPath
from bench.paths.fixtures import active_channel, organisation
from bench.profiling import profile_in_process
from domain.actors import Actor, Role
from kanalarkiv.application.capture import CapturedComment, CapturedPost
from kanalarkiv.application.context import acting_as

POST_TEXT = (
    "Välkommen till sommarens aktiviteter på biblioteket! Sagostunder varje tisdag, läsecirkel för "
    "vuxna och lovprogram för barn. Läs mer på kommunens webbplats. /Kommunikationsenheten"
)
COMMENT_TEXT = "Tack för informationen! Gäller sagostunden även under vecka 28?"


RAW_KEYS = "bench_raw_record_keys"
TARGET_RATIO = 0.3
"""Issue 15: a bulk capture at 0.3 of the raw COPY of its events."""
FLAGGING_REPS = 5
FLAGGING_TARGET = 0.10
"""Issue 17: flagging adds at most 10 % to capture throughput in this path."""


def sizes(bench: Bench) -> tuple[int, int]:
    return (500, 1500) if bench.mode.name == "quick" else (2000, 8000)


def run(bench: Bench) -> PathResult:
    posts_n, comments_n = sizes(bench)
    result = PathResult(
        2,
        "Bulk capture of posts and comments",
        measures=f"events per second written by one bulk capture of {posts_n:,} posts and {comments_n:,} comments "
        "(RecordsApplication.capture_bulk, as POST /v1/channels/{id}/captures calls it, by a capture client)",
        ceiling="the same rows (topics and bytes) COPYed by bare psycopg in one transaction into a table with the "
        "log's shape and indexes",
    )
    counter = itertools.count()
    with bench.runtime() as runtime, psycopg.connect(bench.url) as conn:
        create_raw_events_table(conn, unlogged=False)
        conn.execute(f"DROP TABLE IF EXISTS {RAW_KEYS}")
        conn.execute(f"CREATE TABLE {RAW_KEYS} (LIKE record_keys INCLUDING ALL)")  # its columns, key and defaults
        conn.commit()
        org_id = organisation(runtime, "bench-insamling", "212999802")
        manager = Actor("actor:bench-capture-manager", "Bench Chef", Role.MANAGER, org_id)
        client = Actor("actor:bench-capture-client", "Insamlingsklient", Role.CAPTURE_CLIENT, org_id)
        channel_id = active_channel(runtime, manager, "bench-insamling")

        def ours() -> tuple[float, int, list[tuple[str, bytes]], list[tuple[str, bytes]]]:
            run_no = next(counter)
            now = datetime.now(UTC)
            posts = [
                CapturedPost(
                    f"r{run_no}-p{i}", f"{POST_TEXT} #{i}", now - timedelta(minutes=i), now, "Kommunikationsenheten"
                )
                for i in range(posts_n)
            ]
            comments = [
                CapturedComment(
                    f"r{run_no}-c{i}",
                    f"r{run_no}-p{i % posts_n}",
                    f"Invånare {i}",
                    f"{COMMENT_TEXT} ({i})",
                    now - timedelta(seconds=i),
                    now,
                )
                for i in range(comments_n)
            ]
            head = runtime.head()
            (keys_since,) = conn.execute("SELECT clock_timestamp()").fetchone() or (None,)
            conn.commit()
            began = time.perf_counter()
            with acting_as(client):
                outcome = runtime.app.capture_bulk(channel_id, posts, comments)
            seconds = time.perf_counter() - began
            rows = [
                (topic, bytes(state))
                for topic, state in conn.execute(
                    f"SELECT topic, state FROM {bench.events_table} WHERE notification_id > %s "
                    "ORDER BY notification_id",
                    (head,),
                )
            ]
            keys = [
                (key_id, bytes(wrapped))
                for key_id, wrapped in conn.execute(
                    "SELECT key_id, wrapped FROM record_keys WHERE created_at >= %s", (keys_since,)
                )
            ]
            conn.commit()
            assert outcome.created == posts_n + comments_n, outcome
            return seconds, len(rows), rows, keys

        def raw(rows: list[tuple[str, bytes]], keys: list[tuple[str, bytes]] | None = None) -> float:
            """The events COPYed; with ``keys``, their key rows too, in the same transaction."""
            began = time.perf_counter()
            with conn.transaction():
                with conn.cursor().copy(
                    f"COPY {RAW_EVENTS} (originator_id, originator_version, topic, state) FROM STDIN"
                ) as copy:
                    for topic, state in rows:
                        copy.write_row((uuid4(), 1, topic, state))
                if keys is not None:
                    rep = next(counter)
                    with conn.cursor().copy(f"COPY {RAW_KEYS} (key_id, org_id, wrapped) FROM STDIN") as copy:
                        for key_id, wrapped in keys:
                            copy.write_row((f"{rep}:{key_id}", org_id, wrapped))
            return time.perf_counter() - began

        ours_rates: list[float] = []
        raw_rates: list[float] = []
        keyed_rates: list[float] = []
        flagging: list[tuple[float, FlaggingCost]] = []
        for _ in range(max(bench.mode.reps, FLAGGING_REPS)):
            catch_up_supervision(runtime, bench.mode.projection_batch)
            seconds, events, rows, keys = ours()
            flagging.append((seconds, flagging_cost(runtime, bench.mode.projection_batch)))
            ours_rates.append(events / seconds)
            raw_rates.append(len(rows) / raw(rows))
            keyed_rates.append(len(rows) / raw(rows, keys))
        mean_bytes = sum(len(state) for _, state in rows) / max(1, len(rows))
        result.profiles["one bulk capture"] = profile_in_process(ours)
        conn.execute(f"DROP TABLE {RAW_EVENTS}")
        conn.execute(f"DROP TABLE {RAW_KEYS}")
        conn.commit()
    items = posts_n + comments_n
    figure = Figure(f"one bulk capture ({items:,} items)", "events/s", max(ours_rates), max(raw_rates))
    keyed = Figure(
        f"one bulk capture ({items:,} items), ceiling with its key rows", "events/s", max(ours_rates), max(keyed_rates)
    )
    result.figures.extend([figure, keyed])
    result.tables["Bulk capture"] = [
        [
            "items per capture",
            "events written",
            "ours events/s",
            "raw COPY events/s",
            "ratio",
            "ours s per capture",
            "every run: ours; raw",
            "raw COPY with the key rows events/s",
            "ratio to it",
        ],
        [
            f"{posts_n:,} posts + {comments_n:,} comments",
            f"{events:,}",
            f"{figure.ours:,.0f}",
            f"{figure.ceiling:,.0f}",
            f"{figure.ratio:.2f}",
            f"{events / figure.ours:.2f}",
            f"{spread(ours_rates)}; {spread(raw_rates)}",
            f"{keyed.ceiling:,.0f}",
            f"{keyed.ratio:.2f}",
        ],
    ]
    result.notes.append(
        f"Stored event state {mean_bytes:,.0f} bytes on average. Ours includes building the domain objects, the "
        "duplicate check by platform id (one read per capture), the keys of its records and commenters created in one "
        f"statement per 5,000 records ({len(keys):,} rows in `record_keys`), sealing and encoding, and the chunks written by COPY "
        "(100 aggregates or 1 MB each, each its own transaction under the log's table lock); the ceiling is one COPY "
        "of the events with no checks. The second ceiling COPYs the same key rows as well, in the same transaction, "
        "into a table of `record_keys`' shape: the database work a capture cannot do without."
    )
    result.targets.append(
        Target(f"≥ {TARGET_RATIO} of the raw COPY", f"{figure.ratio:.2f}", figure.ratio >= TARGET_RATIO)
    )
    if figure.ratio < TARGET_RATIO:
        result.notes.append(_why_missed(figure, keyed, len(keys) / max(1, events)))
    _flagging(result, flagging)
    result.series["capture"] = {"ours": ours_rates, "raw": raw_rates}
    return result


def _why_missed(figure: Figure, keyed: Figure, keys_per_event: float) -> str:
    ours, raw, with_keys = (1e6 / rate for rate in (figure.ours, figure.ceiling, keyed.ceiling))
    return (
        f"Why the target is missed: ours takes {ours:.0f} µs per event, the COPY of the events {raw:.0f} µs and the "
        f"COPY of the events with their key rows ({keys_per_event:.1f} per event: one per record, one per commenter) "
        f"{with_keys:.0f} µs. The target asks for {raw / TARGET_RATIO:.0f} µs per event in all; the database's own "
        f"work, with the keys, leaves {max(0.0, raw / TARGET_RATIO - with_keys):.0f} µs of it to Python, and ours "
        f"spends about {max(0.0, ours - with_keys):.0f} µs there (the profile below): building each record as the "
        "library's aggregate with its event (the domain's rules: an assigned editor, the post of a comment), "
        "sealing its content under its key (AES-GCM; a commenter's name twice, under the record's key and the "
        "person's), encoding it as canonical JSON and COPYing its row. What was done: the keys created in one "
        "statement and held for the whole capture, the chunks inserted by COPY (psycopg's C code) under the log's "
        "lock, no read-back of new keys. Meeting the ratio would take encoding and sealing outside the library's "
        "aggregates (events built directly from the export) or in another process: a writer thread beside the "
        "encoding was tried and was slower, the two contending for one GIL at each of the COPY's writes."
    )


def _flagging(result: PathResult, runs: list[tuple[float, FlaggingCost]]) -> None:
    """What raising flags adds to each capture (median of the runs): the supervision projection
    applies the capture's events alone, after it, with its flagging timed inside."""
    shares = sorted(cost.flagging_seconds / seconds for seconds, cost in runs)
    median = shares[len(shares) // 2]
    result.targets.append(
        Target(
            f"flagging adds ≤ {FLAGGING_TARGET:.0%} to a capture",
            f"{median:.1%} (median of {len(runs)})",
            median <= FLAGGING_TARGET,
        )
    )
    result.tables["Flagging beside each capture"] = [
        ["run", "capture s", "supervision view s (alone)", "of which flagging s", "texts checked", "flagging ÷ capture"],
        *[
            [str(n + 1), f"{seconds:.3f}", f"{cost.projection_seconds:.3f}", f"{cost.flagging_seconds:.3f}",
             f"{cost.texts:,}", f"{cost.flagging_seconds / seconds:.1%}"]
            for n, (seconds, cost) in enumerate(runs)
        ],
    ]  # fmt: skip
    result.notes.append(
        "Flags are raised by the supervision projection when it reaches a comment, not by the capture command: "
        "after each capture the supervision projection alone applies the events it wrote (reading, decoding and "
        "opening the sealed texts included, which its shared reader does once for every projection in the service), "
        "and the time in its flagging (the lexicon in force, flags_in, the flag rows) is summed call by call. "
        "Flagging ÷ capture is what flagging adds to the capture's time."
    )
    result.series["flagging"] = {"share": shares}


PATH = BenchPath(2, "Bulk capture of posts and comments", run)
