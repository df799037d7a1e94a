"""``kanalarkiv export``: an organisation's events exactly as stored, each with its inclusion proof
to one signed tree head, as JSON Lines that ``kanalarkiv.transparency.offline.verify_export`` checks with
nothing but the file and the public key."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from uuid import UUID

import orjson
import psycopg
from psycopg import sql

from kanalarkiv.adapters.transcoder import OrjsonTranscoder
from kanalarkiv.application.records import RecordsApplication
from kanalarkiv.application.transparency import Transparency
from kanalarkiv.transparency.merkle import hash_event
from kanalarkiv.transparency.offline import FORMAT
from kanalarkiv.transparency.signing import TreeHead, canonical_time, raw_public_key

LEAF_ENCODING = (
    "leaf = five fields, each a 4-byte big-endian length then the bytes: notification id (8-byte big-endian), "
    "originator id (16 bytes), originator version (8-byte big-endian), topic (UTF-8), state (the stored bytes); "
    "leaf hash = SHA-256(0x00 || leaf); node hash = SHA-256(0x01 || left || right); tree as RFC 9162 section 2.1"
)


@dataclass(frozen=True)
class ExportSummary:
    events: int
    head: TreeHead


def export_organisation(
    app: RecordsApplication,
    transparency: Transparency,
    database_url: str,
    slug: str,
    out: IO[bytes],
    batch_size: int = 1000,
    on_batch: Callable[[int, int], None] | None = None,
) -> ExportSummary:
    """Write the organisation's events up to the latest signed head, with their proofs, to ``out``.
    ``on_batch(scanned, tree_size)`` is told how far through the log's tree the export is."""
    organisation = app.organisation_by_slug(slug)
    head = transparency.latest_head()
    signer = transparency.signer
    _write(
        out,
        {
            "kind": "export",
            "format": FORMAT,
            "organisation": {"id": str(organisation.id), "slug": organisation.slug, "name": organisation.name},
            "exported_at": canonical_time(app.clock()),
            "leaf_encoding": LEAF_ENCODING,
            "public_key": {
                "algorithm": "Ed25519",
                "key_id": signer.key_id,
                "public_key": base64.b64encode(raw_public_key(signer.public_key)).decode(),
            },
        },
    )
    _write(out, {"kind": "tree_head", **head.as_json()})
    count = 0
    for rows in _batches(_events_of(app, database_url, organisation.id, head.tree_size), batch_size):
        paths = transparency.inclusion_paths([row[0] for row in rows], head.tree_size)
        for (index, position, oid, version, topic, state), path in zip(rows, paths, strict=True):
            _write(
                out,
                {
                    "kind": "event",
                    "position": position,
                    "tree_index": index,
                    "originator_id": str(oid),
                    "originator_version": version,
                    "topic": topic,
                    "state": base64.b64encode(state).decode(),
                    "leaf_hash": hash_event(position, oid, version, topic, state).hex(),
                    "inclusion_proof": [node.hex() for node in path],
                },
            )
        count += len(rows)
        if on_batch is not None:
            on_batch(rows[-1][0] + 1, head.tree_size)
    if on_batch is not None:
        on_batch(head.tree_size, head.tree_size)  # the rest of the tree holds no event of the organisation
    _write(out, {"kind": "end", "events": count})
    return ExportSummary(count, head)


def _write(out: IO[bytes], line: dict[str, Any]) -> None:
    out.write(orjson.dumps(line) + b"\n")


def _events_of(app: RecordsApplication, database_url: str, org_id: UUID, tree_size: int) -> Iterator[tuple[Any, ...]]:
    """The organisation's stored events in the tree of ``tree_size``, in log order, as stored."""
    transcoder = OrjsonTranscoder()
    query = sql.SQL(
        "SELECT l.tree_index, e.notification_id, e.originator_id, e.originator_version, e.topic, e.state"
        " FROM merkle_leaves l JOIN {} e USING (notification_id) WHERE l.tree_index < %s ORDER BY l.tree_index"
    ).format(sql.Identifier(app.events_table_name))
    with (
        psycopg.connect(database_url) as conn,
        conn.transaction(),
        conn.cursor(name="export_events", binary=True) as cursor,
    ):
        cursor.execute(query, (tree_size,))
        while rows := cursor.fetchmany(5000):
            for row in rows:
                if _org_of(transcoder, row[5]) == org_id:
                    yield row


def _org_of(transcoder: OrjsonTranscoder, state: bytes) -> UUID | None:
    try:
        return transcoder.decode(state).get("org_id")  # type: ignore[no-any-return]  # the transcoder gives ids back as UUIDs
    except Exception:  # noqa: BLE001 - a state that is not readable JSON (sealed content) names no organisation
        return None


def _batches(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
