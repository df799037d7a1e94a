"""Many records saved at once (a bulk capture, a file import, a poll), chunk by chunk.

Their keys are created first, one round trip for every few thousand records, and held while
their chunks are written (the key store's cache lasts a second, which a large capture outlasts). Each chunk is one transaction
under the log's lock, by the event store's insert (its lock, its NOTIFY, its group commit; by
COPY for a chunk this large), so commands of other clients wait behind one chunk, never a whole
export. The chunks are encoded and written in turn, in this thread: a writer thread beside it,
to overlap the server's work on one chunk with the encoding of the next, was tried and was
slower (the two threads contend for the GIL at every one of the COPY's writes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, StoredEvent

if TYPE_CHECKING:
    from eventsourcing.persistence import ApplicationRecorder

    from retention.crypto.sealing import SealingMapper

CHUNK = 100
CHUNK_BYTES = 1_000_000
"""Transactions stay moderate in size: the log's lock is held for one chunk at a time."""
KEYS_HELD_FOR = 5_000
"""Records whose keys are created in one statement and held at once: a file import of a hundred
thousand items holds a few thousand keys at a time, not all of them."""


def save_in_chunks(
    mapper: SealingMapper, recorder: ApplicationRecorder, aggregates: Sequence[Aggregate], skip_taken: bool = False
) -> int:
    """Save these records' pending events in chunks; the highest position written (0 if none).
    With ``skip_taken``, a chunk that meets a record saved meanwhile by another writer (the same
    platform id captured twice at once) is saved record by record, and the records taken are left
    out; otherwise that chunk's conflict is raised, the chunks before it kept."""
    position = 0
    for start in range(0, len(aggregates), KEYS_HELD_FOR):
        group = aggregates[start : start + KEYS_HELD_FOR]
        with mapper.holding_keys(pending_events(group)):
            for chunk in chunks(group):
                stored = [[mapper.to_stored_event(e) for e in a.collect_events()] for a in chunk]
                position = max(position, _insert_chunk(recorder, stored, skip_taken))
    return position


def _insert_chunk(recorder: ApplicationRecorder, records: list[list[StoredEvent]], skip_taken: bool) -> int:
    try:
        return max(recorder.insert_events([event for events in records for event in events]) or [0])
    except IntegrityError:
        if not skip_taken:
            raise
    positions = [0]
    for events in records:
        try:
            positions.extend(recorder.insert_events(events) or [])
        except IntegrityError:
            continue
    return max(positions)


def pending_events(aggregates: Iterable[Aggregate]) -> list[Any]:
    return [event for aggregate in aggregates for event in aggregate.pending_events]


def chunks(aggregates: Sequence[Aggregate]) -> Iterable[list[Aggregate]]:
    chunk: list[Aggregate] = []
    size = 0
    for aggregate in aggregates:
        weight = _approximate_bytes(aggregate)
        if chunk and (len(chunk) >= CHUNK or size + weight > CHUNK_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(aggregate)
        size += weight
    if chunk:
        yield chunk


def _approximate_bytes(aggregate: Aggregate) -> int:
    """The stored size, roughly: sealing adds a third (base64) and a fixed envelope."""
    text = sum(len(str(getattr(event, "text", "")).encode()) for event in aggregate.pending_events)
    return text * 4 // 3 + 1_000
