"""Path 5: point-in-time reconstruction at random log positions over the imported world: what an
auditor asks with ``as_of_position`` — an organisation's channel register
(``GET /v1/organisations/{slug}/channels?as_of_position=``), a channel's newest posts
(``GET /v1/channels/{id}/posts?as_of_position=``) and a post's comments
(``GET /v1/posts/{id}/comments?as_of_position=``), each as it stood at a random position, asked of
the projection's view in process (path 4 measures the HTTP around such reads).

Ceilings, same run: the same question asked by bare psycopg with hand-written SQL on the history
table (prepared); and, for scale, the live register (ours and raw) without ``as_of``."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from bench.harness import Bench
from bench.measure import Figure, Load, PathResult, Target, best_of, run_clients, spread
from bench.paths import BenchPath

TARGET_SECONDS = 1.0
SAMPLES = 4000

_AS_OF = "version_from <= %s AND (version_to IS NULL OR version_to > %s)"
_RAW_REGISTER = (
    f"SELECT * FROM channel_register_history WHERE org_id = %s AND status = ANY(%s) AND {_AS_OF}"
    " ORDER BY platform, lower(name), id"
)
_RAW_LIVE = "SELECT * FROM channel_register WHERE org_id = %s AND status = ANY(%s) ORDER BY platform, lower(name), id"
_RAW_POSTS = (
    f"SELECT * FROM content_posts_history WHERE channel_id = %s AND {_AS_OF}"
    " ORDER BY published_at DESC, post_id LIMIT 50 OFFSET 0"
)
_RAW_COMMENTS = (
    f"SELECT * FROM content_comments_history WHERE post_id = %s AND visibility = 'visible' AND {_AS_OF}"
    " ORDER BY received_at, comment_id"
)


@dataclass
class Question:
    name: str
    subjects: list[Any]  # what is asked about, weighted by its size
    ours: Callable[[Any, int | None], Any]
    raw: Callable[[psycopg.Connection[Any], Any, int], Any]


def run(bench: Bench) -> PathResult:
    result = PathResult(
        5,
        "Point-in-time reconstruction",
        measures="latency of an organisation's channel register, a channel's newest posts (50) and a post's visible "
        "comments, each as it stood at a random log position (the view queries behind ?as_of_position= "
        "on GET /v1/organisations/{slug}/channels, /v1/channels/{id}/posts and /v1/posts/{id}/comments), "
        "one client, random subject and position",
        ceiling="the same rows read by bare psycopg with hand-written SQL on the history tables (prepared); the "
        "live register without as_of, ours and raw, for scale",
    )
    rng = random.Random(bench.seed + 5)
    table = [
        [
            "question",
            "ours p50 ms",
            "ours p99 ms",
            "raw p50 ms",
            "raw p99 ms",
            "ours /s",
            "raw /s",
            "ratio (p99)",
            "every run: ours; raw",
        ]
    ]
    with bench.runtime() as runtime, psycopg.connect(bench.url, autocommit=True) as conn:
        head = runtime.head()
        statuses = tuple(row[0] for row in conn.execute("SELECT DISTINCT status FROM channel_register ORDER BY 1"))
        register, content = runtime.views.channel_register, runtime.views.channel_content
        questions = [
            Question(
                "register",
                [row[0] for row in conn.execute("SELECT org_id FROM channel_register")],
                lambda org, at: register.channels_of(org, statuses, as_of=at),
                lambda c, org, at: c.execute(_RAW_REGISTER, (org, list(statuses), at, at), prepare=True).fetchall(),
            ),
            Question(
                "a channel's posts",
                [row[0] for row in conn.execute("SELECT channel_id FROM content_posts")],
                lambda channel, at: content.posts_of(channel, 50, 0, at),
                lambda c, channel, at: c.execute(_RAW_POSTS, (channel, at, at), prepare=True).fetchall(),
            ),
            Question(
                "a post's comments",
                [row[0] for row in conn.execute("SELECT post_id FROM content_comments")],
                lambda post, at: content.comments_on(post, True, at),
                lambda c, post, at: c.execute(_RAW_COMMENTS, (post, at, at), prepare=True).fetchall(),
            ),
        ]
        for question in questions:
            if not question.subjects:
                result.notes.append(f"{question.name}: the world has none, not measured.")
                continue
            asked = [(rng.choice(question.subjects), rng.randint(1, head)) for _ in range(SAMPLES)]
            best = best_of(
                bench.mode.reps,
                {
                    "ours": lambda q=question, a=asked: _load(bench, lambda step: q.ours(*a[step % SAMPLES])),
                    "raw": lambda q=question, a=asked: _load(bench, lambda step: q.raw(conn, *a[step % SAMPLES])),
                },
            )
            (o, o_rates), (r, r_rates) = best["ours"], best["raw"]
            for share, label in ((0.5, "p50"), (0.99, "p99")):
                result.figures.append(
                    Figure(
                        f"{question.name} as of a random position: {label}",
                        "ms",
                        o.percentile_ms(share),
                        r.percentile_ms(share),
                        higher_is_better=False,
                    )
                )
            table.append(
                _row(f"{question.name} as of a random position", o, r, f"{spread(o_rates)}; {spread(r_rates)}")
            )
            p99_s = o.percentile_ms(0.99) / 1000
            result.targets.append(
                Target(
                    f"≤ {TARGET_SECONDS:.0f} s per reconstruction (p99, {question.name}; "
                    f"{bench.mode.name} world of {head:,} events)",
                    f"{p99_s * 1000:.1f} ms",
                    p99_s <= TARGET_SECONDS,
                )
            )
        orgs = questions[0].subjects
        live = best_of(
            bench.mode.reps,
            {
                "ours": lambda: _load(bench, lambda step: register.channels_of(orgs[step % len(orgs)], statuses)),
                "raw": lambda: _load(
                    bench,
                    lambda step: conn.execute(
                        _RAW_LIVE, (orgs[step % len(orgs)], list(statuses)), prepare=True
                    ).fetchall(),
                ),
            },
        )
        table.append(_row("register, live (no as_of)", live["ours"][0], live["raw"][0], ""))
        history = {
            name: conn.execute(f"SELECT count(*) FROM {name}_history").fetchone()[0]  # type: ignore[index]
            for name in ("channel_register", "content_posts", "content_comments")
        }
    result.tables["Reconstruction latency (one client)"] = table
    result.notes.append(
        f"Positions drawn uniformly from 1 to the head ({head:,}); subjects weighted by size (organisations by "
        "channels, channels by posts, posts by comments), so a question often lands before its subject existed and "
        "answers empty, as an auditor's would. History rows: "
        + ", ".join(f"{table_name}_history {rows:,}" for table_name, rows in history.items())
        + ". Measured in process on the views (no HTTP): path 4 gives the HTTP overhead of the same reads live."
    )
    return result


def _load(bench: Bench, operation: Callable[[int], Any]) -> Load:
    return run_clients(1, lambda _: operation, min(SAMPLES, bench.mode.max_operations), bench.mode.seconds, warmup=3)


def _row(name: str, ours: Load, raw: Load, runs: str) -> list[str]:
    return [
        name,
        f"{ours.percentile_ms(0.5):.2f}",
        f"{ours.percentile_ms(0.99):.2f}",
        f"{raw.percentile_ms(0.5):.2f}",
        f"{raw.percentile_ms(0.99):.2f}",
        f"{ours.per_second:,.0f}",
        f"{raw.per_second:,.0f}",
        f"{raw.percentile_ms(0.99) / max(ours.percentile_ms(0.99), 1e-9):.2f}",
        runs,
    ]


PATH = BenchPath(5, "Point-in-time reconstruction", run)
