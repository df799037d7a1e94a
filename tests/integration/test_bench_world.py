"""The benchmark's world: the same seed makes the same world, event for event, and the world is one
the service accepts and projects as it would the real thing (numbers gap-free, every post and
comment in the content view, deviations where the generator made them)."""

from __future__ import annotations

import re
from collections import Counter

from bench.generator import Generator
from kanalarkiv.runtime import Runtime


def world_events(seed: int, events: int) -> list[tuple[str, object, int, str]]:
    recorded = []
    for aggregate in Generator(seed, events).steps():
        for event in aggregate.collect_events():
            recorded.append(
                (
                    type(event).__qualname__,
                    event.originator_id,
                    event.originator_version,
                    str(getattr(event, "occurred_at", "")),
                )
            )
    return recorded


def test_the_same_seed_makes_the_same_world_and_another_seed_another():
    first, again, other = world_events(7, 4000), world_events(7, 4000), world_events(8, 4000)

    assert first == again
    assert first != other


def test_the_world_holds_the_editorial_record_not_only_the_register():
    kinds = Counter(kind for kind, *_ in world_events(20260302, 6000))

    for kind in (
        "Post.Published",
        "Post.Edited",
        "Comment.Received",
        "Comment.ReplyPosted",
        "Comment.Moderated",
        "ChannelRoster.EditorAssigned",
        "DiaryEntry.Registered",
        "Case.Opened",
        "Channel.Paused",
    ):
        assert kinds[kind] > 0, kind
    assert kinds["Comment.Received"] > kinds["Post.Published"] > kinds["Channel.Registered"]


def test_the_service_imports_the_world_and_projects_it(runtime: Runtime):
    pending: dict = {}
    for aggregate in Generator(11, 3000).steps():
        pending[aggregate.id] = aggregate
    aggregates = list(pending.values())
    runtime.app.mapper.prepare([event for aggregate in aggregates for event in aggregate.pending_events])
    published = sum(1 for a in aggregates for e in a.pending_events if type(e).__qualname__ == "Post.Published")
    received = sum(1 for a in aggregates for e in a.pending_events if type(e).__qualname__ == "Comment.Received")
    head = max(recording.notification.id for recording in runtime.app.save(*aggregates))

    views = runtime.views
    for name in ("channel_content", "diary"):
        views.wait_for(name, head, timeout=120)
    assert views.view("channel_content").fetch_one("SELECT count(*) AS n FROM content_posts")["n"] == published
    assert views.view("channel_content").fetch_one("SELECT count(*) AS n FROM content_comments")["n"] == received
    taken: dict[tuple, list[int]] = {}
    for row in views.view("diary").fetch_all(
        "SELECT org_id, diary_number FROM diary_entries WHERE case_id IS NULL"
        " UNION ALL SELECT org_id, diary_number FROM diary_cases"
    ):
        prefix, year, sequence = re.match(r"^([A-Z]+) (\d{4})/(\d+)$", row["diary_number"]).groups()  # type: ignore[union-attr]
        taken.setdefault((row["org_id"], prefix, year), []).append(int(sequence))
    assert len(taken) > 3
    for series, numbers in taken.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), series
