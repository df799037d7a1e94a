"""Catching up reads the log in batches; the content in them is sealed under record keys and the
commenters' names under their own keys inside those. A batch's keys are fetched for the batch as a
whole — two queries, however many commenters wrote in it — and open to the same events as one by
one, disposed content included."""

from __future__ import annotations

from bench.generator import Generator
from kanalarkiv.readside.runner import LogReader
from kanalarkiv.runtime import Runtime


def saved_world(runtime: Runtime, events: int) -> int:
    pending: dict = {}
    for aggregate in Generator(5, events).steps():
        pending[aggregate.id] = aggregate
    aggregates = list(pending.values())
    runtime.app.mapper.prepare([event for aggregate in aggregates for event in aggregate.pending_events])
    return max(recording.notification.id for recording in runtime.app.save(*aggregates))


def test_a_batch_of_many_commenters_is_opened_with_two_key_queries(open_runtime, monkeypatch):
    runtime = open_runtime(False)
    head = saved_world(runtime, 1500)
    keystore = runtime.app.mapper.keystore
    queries: list[int] = []
    fetch = keystore.keys_for_reading
    monkeypatch.setattr(keystore, "_cache", {})  # as a projection lagging past the cache's second finds it
    monkeypatch.setattr(keystore, "keys_for_reading", lambda ids: queries.append(len(ids)) or fetch(ids))

    batch = LogReader(runtime.app).batch(0, head)
    opened = [lazy.get() for _, lazy in batch]

    commenters = {event.author_name for event in opened if type(event).__qualname__ == "Comment.Received"}
    assert len(commenters) > 50
    assert len(queries) == 2
    monkeypatch.setattr(keystore, "keys_for_reading", fetch)
    one_by_one = [runtime.app.mapper.to_domain_event(notification) for notification, _ in batch]
    assert [vars(event) for event in opened] == [vars(event) for event in one_by_one]
