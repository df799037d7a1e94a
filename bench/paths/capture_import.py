"""Path 8: a platform export imported as a capture run (issue 13), beside the bulk capture path.

Ours: ``RecordsApplication.import_capture`` of a generic export file (posts and their comments,
fresh platform ids) as ``kanalarkiv capture import`` and the upload call it: the whole file is
read and checked against the record, then recorded in chunks through the bulk path's chunked
saves. Ceiling: ``capture_bulk`` (path 2's command) recording the same number of items, in
requests of at most 20,000 items (the API's limit), in the same run. Peak RSS: the process's
resident set, sampled every 50 ms during the import."""

from __future__ import annotations

import itertools
import json
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from bench.harness import Bench
from bench.measure import Figure, PathResult, Target, spread
from bench.paths import BenchPath
from bench.paths.capture import COMMENT_TEXT, POST_TEXT
from bench.paths.fixtures import active_channel, organisation
from domain.actors import Actor, Role
from kanalarkiv.application.capture import MAX_ITEMS, CapturedComment, CapturedPost
from kanalarkiv.application.context import acting_as
from kanalarkiv.readside.runner import Projector

TARGET_RATIO = 0.5
RSS_LIMIT_MB = 250


def sizes(bench: Bench) -> tuple[int, int]:
    return (2_000, 8_000) if bench.mode.name == "quick" else (20_000, 80_000)


def write_export(path: Path, run_no: int, posts_n: int, comments_n: int, now: datetime) -> None:
    """A generic export written item by item, as a capture tool would stream it."""
    with path.open("w", encoding="utf-8") as f:
        f.write('{"posts": [\n')
        for i in range(posts_n):
            post = {"platform_post_id": f"i{run_no}-p{i}", "text": f"{POST_TEXT} #{i}", "author_name": "Kommunen",
                    "published_at": (now - timedelta(minutes=i + 1)).isoformat()}  # fmt: skip
            f.write(("," if i else "") + json.dumps(post, ensure_ascii=False) + "\n")
        f.write('],\n"comments": [\n')
        for i in range(comments_n):
            comment = {"platform_comment_id": f"i{run_no}-c{i}", "post_platform_id": f"i{run_no}-p{i % posts_n}",
                       "author_name": f"Invånare {i}", "text": f"{COMMENT_TEXT} ({i})",
                       "received_at": (now - timedelta(seconds=i % 50)).isoformat()}  # fmt: skip
            f.write(("," if i else "") + json.dumps(comment, ensure_ascii=False) + "\n")
        f.write("]}\n")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    def __init__(self) -> None:
        self.peak, self._stop = rss_mb(), threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mb())


def record_in_bulk(
    runtime: Any, channel_id: UUID, client: Actor, tag: str, posts_n: int, comments_n: int
) -> tuple[float, int]:
    """The bulk path's ceiling for a capture of this size: ``capture_bulk`` in requests of at most
    ``MAX_ITEMS`` (posts with their own comments); the seconds taken and the events written."""
    now = datetime.now(UTC)
    posts = [CapturedPost(f"{tag}-p{i}", f"{POST_TEXT} #{i}", now - timedelta(minutes=i + 1), now, "Kommunen")
             for i in range(posts_n)]  # fmt: skip
    comments = [CapturedComment(f"{tag}-c{i}", f"{tag}-p{i % posts_n}", f"Invånare {i}", f"{COMMENT_TEXT} ({i})",
                                now - timedelta(seconds=i % 50), now) for i in range(comments_n)]  # fmt: skip
    per_request = MAX_ITEMS * posts_n // (posts_n + comments_n)
    head, began = runtime.head(), time.perf_counter()
    with acting_as(client):
        for start in range(0, posts_n, per_request):
            end = min(start + per_request, posts_n)
            theirs = [c for i, c in enumerate(comments) if start <= i % posts_n < end]
            runtime.app.capture_bulk(channel_id, posts[start:end], theirs)
    return time.perf_counter() - began, runtime.head() - head


def run(bench: Bench) -> PathResult:
    posts_n, comments_n = sizes(bench)
    items = posts_n + comments_n
    result = PathResult(
        8,
        "Capture import of an export file",
        measures=f"events per second of one import of a generic export of {items:,} items ({posts_n:,} posts, "
        f"{comments_n:,} comments) by RecordsApplication.import_capture, as `kanalarkiv capture import` calls it",
        ceiling=f"the bulk capture command (path 2) recording {items:,} items in requests of at most "
        f"{MAX_ITEMS:,} (posts with their own comments), in the same run",
    )
    counter = itertools.count()
    with bench.runtime() as runtime, tempfile.TemporaryDirectory() as directory:
        Projector(runtime.app, runtime.views.projection("capture_runs"), 1000).catch_up()
        org_id = organisation(runtime, "bench-import", "212999805")
        manager = Actor("actor:bench-import-manager", "Bench Chef", Role.MANAGER, org_id)
        client = Actor("actor:bench-import-client", "Insamlingsklient", Role.CAPTURE_CLIENT, org_id)
        channel_id = active_channel(runtime, manager, "bench-import")
        catch_up = Projector(runtime.app, runtime.views.projection("capture_runs"), 1000)

        def ours() -> tuple[float, int, float]:
            run_no, now = next(counter), datetime.now(UTC)
            path = Path(directory) / f"export-{run_no}.json"
            write_export(path, run_no, posts_n, comments_n, now)
            catch_up.catch_up()
            head, began = runtime.head(), time.perf_counter()
            with acting_as(client), PeakRss() as rss:
                outcome = runtime.app.import_capture(channel_id, path, "generic")
            seconds = time.perf_counter() - began
            assert outcome.counts.new == items, outcome
            return seconds, runtime.head() - head, rss.peak

        def bulk() -> tuple[float, int]:
            return record_in_bulk(runtime, channel_id, client, f"b{next(counter)}", posts_n, comments_n)

        ours_rates, bulk_rates, peaks = [], [], []
        for _ in range(bench.mode.reps):
            seconds, events, peak = ours()
            ours_rates.append(events / seconds)
            peaks.append(peak)
            bulk_seconds, bulk_events = bulk()
            bulk_rates.append(bulk_events / bulk_seconds)
    figure = Figure(f"one import ({items:,} items)", "events/s", max(ours_rates), max(bulk_rates))
    result.figures.append(figure)
    result.targets.append(
        Target(f"≥ {TARGET_RATIO} of the bulk path's rate", f"{figure.ratio:.2f}", figure.ratio >= TARGET_RATIO)
    )
    result.targets.append(Target(f"peak RSS ≤ {RSS_LIMIT_MB} MB", f"{max(peaks):.0f} MB", max(peaks) <= RSS_LIMIT_MB))
    result.tables["Capture import"] = [
        ["items", "ours events/s", "bulk events/s", "ratio", "peak RSS MB", "every run: ours; bulk"],
        [
            f"{items:,}",
            f"{figure.ours:,.0f}",
            f"{figure.ceiling:,.0f}",
            f"{figure.ratio:.2f}",
            f"{max(peaks):.0f}",
            f"{spread(ours_rates)}; {spread(bulk_rates)}",
        ],
    ]
    result.notes.append(
        "Ours reads the file twice (a whole-file validation pass that is the dry run, then the recording pass) and "
        "records the run's own two events; peak RSS is the whole bench process's (runtime and pool included)."
    )
    result.series["capture_import"] = {"ours": ours_rates, "bulk": bulk_rates, "peak_rss_mb": peaks}
    return result


PATH = BenchPath(8, "Capture import of an export file", run)
