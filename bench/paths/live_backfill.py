"""Path 11: a live source's backfill (issue 14): a Facebook Page with many comments polled through
the fake platform, beside the bulk capture path.

Ours: ``RecordsApplication.poll_capture_source`` of a Page on the fake Graph API (the test suite's
``tests/fake_platform``, an HTTP server on 127.0.0.1 in this process, answering in Graph's shapes
with its cursor paging: 100 posts a page, 25 comments nested in each, the rest of a post's comments
fetched page by page as the connector does), read by the ``facebook-graph`` reader and recorded as one capture run.
Ceiling: ``capture_bulk`` (path 2's command) recording as many items, in requests of at most
20,000 items (the API's limit), in the same run. Required: at least half the bulk path's rate."""

from __future__ import annotations

import itertools
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import Bench
from bench.measure import Figure, PathResult, Target, spread
from bench.paths import BenchPath
from bench.paths.capture import COMMENT_TEXT, POST_TEXT
from bench.paths.capture_import import record_in_bulk
from bench.paths.fixtures import active_channel, organisation
from domain.actors import Actor, Role
from domain.secret import Secret
from kanalarkiv.adapters.credentials import Credentials
from kanalarkiv.application.capture import MAX_ITEMS
from kanalarkiv.application.context import acting_as
from kanalarkiv.config import LiveEndpoints
from kanalarkiv.readside.runner import Projector

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))  # the fake platform lives with the tests
from fake_platform import FakePlatform, serving

TARGET_RATIO = 0.5
COMMENTS_PER_POST = 100


def sizes(bench: Bench) -> tuple[int, int]:
    """Posts and comments: 100,000 comments in the full run, as the issue asks."""
    return (100, 10_000) if bench.mode.name == "quick" else (1_000, 100_000)


def fill_page(fake: FakePlatform, page: str, run_no: int, posts_n: int, now: datetime) -> None:
    """A fresh Page state: ``posts_n`` posts, each with its comments, all before ``now``."""
    fake.facebook.clear()
    # Pages of 100 items (Graph's largest, which the connector asks for) and 25 comments nested in
    # each post (the tests' fake nests 2, to page in small tests): each post's other 75 comments
    # are fetched in pages of their own, as a real backfill does.
    fake.facebook.page_size, fake.facebook.nested_size = 100, 25
    for p in range(posts_n):
        post_id, published = f"{page}_{run_no}{p:06d}", now - timedelta(hours=p + 1)
        fake.facebook.post(post_id, f"{POST_TEXT} #{p}", published)
        for c in range(COMMENTS_PER_POST):
            fake.facebook.comment(f"{run_no}{p:06d}_{c:04d}", post_id, f"{COMMENT_TEXT} ({c})",
                                  published + timedelta(seconds=c + 1), (f"Invånare {c}", f"9{c:05d}"))  # fmt: skip


def run(bench: Bench) -> PathResult:
    posts_n, comments_n = sizes(bench)
    items = posts_n + comments_n
    result = PathResult(
        11,
        "Live backfill of a Page through the fake platform",
        measures=f"events per second of one poll of a Facebook Page holding {posts_n:,} posts and {comments_n:,} "
        "comments, through the fake Graph API over HTTP (RecordsApplication.poll_capture_source)",
        ceiling=f"the bulk capture command (path 2) recording {items:,} items in requests of at most {MAX_ITEMS:,}, "
        "in the same run",
    )
    counter = itertools.count()
    with bench.runtime() as runtime, serving() as fake:
        runtime.app.live_endpoints = LiveEndpoints(facebook=fake.base_url, timeout_seconds=30)
        org_id = organisation(runtime, "bench-live", "212999804")
        manager = Actor("actor:bench-live-manager", "Bench Chef", Role.MANAGER, org_id)
        client = Actor("actor:bench-live-client", "Insamlingsklient", Role.CAPTURE_CLIENT, org_id)
        requests_made: list[float] = []
        # A poll asks the capture-runs view what was captured before: it must stand at the head.
        catch_up = Projector(runtime.app, runtime.views.projection("capture_runs"), 1000)
        catch_up.catch_up()

        def ours() -> tuple[float, int]:
            run_no, now = next(counter), datetime.now(UTC)
            # A new channel and Page each run, so every item is new to the record.
            channel_id = active_channel(runtime, manager, "bench-live")
            page = f"10400000{run_no:07d}"
            fill_page(fake, page, run_no, posts_n, now)
            fake.facebook.account_id = page
            with acting_as(manager):
                source = runtime.app.connect_capture_source(
                    channel_id, "facebook_page", platform_id=page, url=None, polling_interval=timedelta(hours=1),
                    credentials=Credentials(access_token=Secret(fake.facebook.token)),
                )  # fmt: skip
            catch_up.catch_up()
            head, began = runtime.head(), time.perf_counter()
            asked = len(fake.requests)
            with acting_as(manager):
                outcome = runtime.app.poll_capture_source(source.id)
            seconds = time.perf_counter() - began
            assert outcome.outcome == "completed" and outcome.counts.new == items, outcome
            requests_made.append(len(fake.requests) - asked)
            return seconds, runtime.head() - head

        def bulk() -> tuple[float, int]:
            channel_id = active_channel(runtime, manager, "bench-live")
            return record_in_bulk(runtime, channel_id, client, f"b{next(counter)}", posts_n, comments_n)

        ours_rates, bulk_rates = [], []
        for _ in range(bench.mode.reps):
            seconds, events = ours()
            ours_rates.append(events / seconds)
            bulk_seconds, bulk_events = bulk()
            bulk_rates.append(bulk_events / bulk_seconds)
    figure = Figure(f"one backfill poll ({items:,} items)", "events/s", max(ours_rates), max(bulk_rates))
    result.figures.append(figure)
    result.targets.append(
        Target(f"≥ {TARGET_RATIO} of the bulk path's rate", f"{figure.ratio:.2f}", figure.ratio >= TARGET_RATIO)
    )
    result.tables["Live backfill"] = [
        ["items", "HTTP requests per poll", "ours events/s", "bulk events/s", "ratio", "every run: ours; bulk"],
        [
            f"{items:,}",
            f"{max(requests_made):,.0f}",
            f"{figure.ours:,.0f}",
            f"{figure.ceiling:,.0f}",
            f"{figure.ratio:.2f}",
            f"{spread(ours_rates)}; {spread(bulk_rates)}",
        ],
    ]
    result.notes.append(
        "Ours includes the fake platform's answers (a Python HTTP server in the same process, so it takes CPU from "
        "ours), the connector's paging, the reader, the change detection against the record and the run's events."
    )
    result.series["live_backfill"] = {"ours": ours_rates, "bulk": bulk_rates}
    return result


PATH = BenchPath(11, "Live backfill of a Page through the fake platform", run)
