"""Projections that write their tables set-based (projections/core/bulk.py) give the same rows, and
the same history rows with the same log positions, however the log is cut into batches; the
shared log reader reads a batch once for the workers that want it, and never hands a worker a
head of the log read before it was told of new events."""

from __future__ import annotations

import threading
import time

import psycopg
from editorial_story import given_a_municipality_with_an_active_page
from test_projections import given_a_register_with_history

from kanalarkiv.readside.runner import LogReader, Projector

HISTORY = {
    "channel_register": ("channel_register", "channel_register_history", "channel_register_orgs"),
    "channel_content": (
        "content_posts",
        "content_posts_history",
        "content_post_versions",
        "content_post_versions_history",
        "content_comments",
        "content_comments_history",
        "content_replies",
        "content_replies_history",
    ),
    "oversight": ("oversight_channels", "oversight_comments", "oversight_posts"),
    "retention": ("retention_records",),
    "audit_trail": ("audit_events",),
}


def snapshot(runtime) -> dict[str, list]:
    with psycopg.connect(runtime.database_url) as conn:
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for tables in HISTORY.values()
            for table in tables
        }


def rebuild(runtime, batch_size: int) -> dict[str, list]:
    for name in HISTORY:
        runtime.views.view(name).reset(runtime.app.name)
        Projector(runtime.app, runtime.views.projection(name), batch_size=batch_size).catch_up()
    return snapshot(runtime)


def test_rows_and_their_history_do_not_depend_on_how_the_log_is_batched(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish("Simhallen öppnar i december.")
    town.post(f"/v1/posts/{post['id']}/edit", {"text": "Simhallen öppnar 1 december."})
    town.post(f"/v1/posts/{post['id']}/edit", {"text": "Simhallen öppnar 2 december."})
    first = town.capture_comment(post["id"], "c-1", text="När öppnar den?", author="Kalle")
    second = town.capture_comment(post["id"], "c-2", text="Grannen är en tjuv", author="Lisa")
    town.post(f"/v1/comments/{first['id']}/replies", {"text": "Den 2 december!"}, expect=201)
    town.post(f"/v1/comments/{first['id']}/replies", {"text": "Välkommen!"}, expect=201)
    town.post(
        f"/v1/comments/{second['id']}/moderation",
        {"action": "remove", "ground": "offensive_personal_data", "justification": "Pekar ut en person."},
    )
    last = town.post(f"/v1/comments/{second['id']}/moderation/reverse", {"justification": "Omprövat."}).json()
    for name in HISTORY:
        runtime.views.wait_for(name, last["position"])
    live = snapshot(runtime)  # applied by the running workers, a command or a few at a time
    runtime.supervisor.stop()

    assert len(live["content_comments_history"]) >= 6 and len(live["channel_register_history"]) >= 2
    for batch_size in (1, 4, 1000):
        assert rebuild(runtime, batch_size) == live, f"batches of {batch_size}"


def test_workers_woken_together_share_one_read_of_the_head(runtime):
    reader = LogReader(runtime.app)
    woken = time.monotonic()
    first = reader.batch(0, 1000, fresh_since=woken, follower="a")
    assert reader.batch(0, 1000, fresh_since=woken, follower="b") is first

    head = runtime.head()
    given_a_register_with_history(runtime)
    told_later = time.monotonic()
    fresh = reader.batch(0, 1000, fresh_since=told_later, follower="c")
    assert fresh is not first and fresh[-1][0].id > head  # a read from before the wake-up is not reused
    assert reader.batch(0, 1000, follower="d") is not fresh  # no wake-up time: always read afresh


def test_a_full_batch_stays_cached_until_every_follower_has_passed_it(runtime):
    given_a_register_with_history(runtime)
    reader = LogReader(runtime.app)
    early = reader.batch(0, 5, follower="slow")
    assert len(early) == 5
    reader.batch(5, 5, follower="fast")
    assert reader.batch(0, 5, follower="slow") is early  # cached: a full batch cannot change
    reader.batch(5, 5, follower="slow")
    reader.batch(10, 5, follower="fast")
    assert reader.batch(0, 5, follower="late") is not early  # both followers passed it: dropped


def test_a_follower_far_ahead_waits_for_the_slowest_so_each_batch_is_read_once(runtime, monkeypatch):
    given_a_register_with_history(runtime)
    reader = LogReader(runtime.app)
    monkeypatch.setattr(reader, "CACHED_BATCHES", 2)
    monkeypatch.setattr(reader, "LEAD_WAIT", 10.0)
    reads: list[int] = []
    read = reader._read
    monkeypatch.setattr(reader, "_read", lambda after, limit: reads.append(after) or read(after, limit))
    reader.batch(0, 5, follower="slow")
    reader.batch(0, 5, follower="fast")
    second = reader.batch(5, 5, follower="fast")
    third: list = []
    ahead = threading.Thread(target=lambda: third.append(reader.batch(10, 5, follower="fast")))
    ahead.start()
    ahead.join(0.5)
    assert ahead.is_alive(), "two batches ahead of the slowest, the fast follower read on"

    assert reader.batch(5, 5, follower="slow") is second  # the slowest moved on: the fast one goes on
    ahead.join(5)
    assert third and reads == [0, 5, 10]  # every batch read once, for both


def test_a_follower_that_stopped_asking_holds_nobody_back(runtime, monkeypatch):
    given_a_register_with_history(runtime)
    reader = LogReader(runtime.app)
    monkeypatch.setattr(reader, "CACHED_BATCHES", 2)
    monkeypatch.setattr(reader, "LEAD_WAIT", 10.0)
    monkeypatch.setattr(reader, "ACTIVE", 0.2)
    reader.batch(0, 5, follower="failing")  # then it fails, and waits to retry
    reader.batch(0, 5, follower="fast")
    reader.batch(5, 5, follower="fast")
    time.sleep(0.3)
    began = time.monotonic()
    assert len(reader.batch(10, 5, follower="fast")) == 5
    assert time.monotonic() - began < 2.0
