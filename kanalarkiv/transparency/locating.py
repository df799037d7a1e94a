"""The second pass of ``kanalarkiv verify``, run when the first found a difference: events, leaves
and subtree hashes streamed side by side in log order (three server-side cursors on the same
snapshot), each kind of failure located at the first place it occurs and counted."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from typing import Any

import psycopg
from psycopg import sql
from psycopg.abc import Query
from psycopg.adapt import Loader
from psycopg.pq import Format

from kanalarkiv.transparency.merkle import EMPTY_ROOT, CompactRange, hash_event
from kanalarkiv.transparency.report import VerificationReport
from kanalarkiv.transparency.signing import TreeHead


class _RawBytes(Loader):
    """Binary UUIDs and text as the bytes PostgreSQL sends: exactly what the leaf encodes."""

    format = Format.BINARY

    def load(self, data: Any) -> bytes:
        return bytes(data)


def _rows(
    conn: psycopg.Connection[Any], name: str, query: Query, fetch_size: int, raw: bool = False
) -> Generator[Any, None, None]:
    with conn.cursor(name=name, binary=True) as cursor:
        if raw:
            cursor.adapters.register_loader("uuid", _RawBytes)
            cursor.adapters.register_loader("text", _RawBytes)
        cursor.execute(query)
        while rows := cursor.fetchmany(fetch_size):
            yield from rows


def locate_failures(
    conn: psycopg.Connection[Any],
    events_table: str,
    heads: dict[int, list[TreeHead]],
    fetch_size: int,
    report: VerificationReport,
) -> None:
    """Stream events, leaves and subtree hashes side by side; record each failure in ``report``."""
    end = conn.execute("SELECT COALESCE(max(tree_index) + 1, 0) FROM merkle_leaves").fetchone()
    stored_size = end[0]  # type: ignore[index]  # an aggregate: always one row
    events = _rows(
        conn,
        "verify_events",
        sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {} ORDER BY notification_id"
        ).format(sql.Identifier(events_table)),
        fetch_size,
        raw=True,
    )
    leaves = _rows(
        conn,
        "verify_leaves",
        "SELECT tree_index, notification_id, leaf_hash FROM merkle_leaves ORDER BY tree_index",
        fetch_size,
    )
    nodes = _rows(
        conn, "verify_nodes", "SELECT end_index, level, hash FROM merkle_nodes ORDER BY end_index, level", fetch_size
    )
    try:
        _compare(events, leaves, nodes, stored_size, heads, report)
    finally:
        for stream in (events, leaves, nodes):
            stream.close()


def _compare(
    events: Iterator[Any],
    leaves: Iterator[Any],
    nodes: Iterator[Any],
    stored_size: int,
    heads: dict[int, list[TreeHead]],
    report: VerificationReport,
) -> None:
    compact = CompactRange()
    good_size = 0  # the largest signed size that matched so far: a later failure lies after it
    _check_heads(heads.get(0, ()), EMPTY_ROOT, 0, good_size, report)
    leaf = next(leaves, None)
    leaves_read = 0
    node = next(nodes, None)
    checking_nodes = True
    fail = report.fail
    for nid, oid, version, topic, state in events:
        leaf_hash = hash_event(nid, oid, version, topic, state)
        while leaf is not None and leaf[1] < nid:
            fail(
                "deleted",
                leaf[0],
                f"tree index {leaf[0]} holds the hash of log position {leaf[1]}, "
                "which is no longer in the log: the event was deleted",
                leaf[1],
            )
            leaf, leaves_read = next(leaves, None), leaves_read + 1
        if leaf is None:
            report.unhashed += 1
        elif leaf[1] == nid:
            if leaf[0] != leaves_read:
                fail(
                    "leaf_missing",
                    leaves_read,
                    f"the hash tree has no leaf at tree index {leaves_read}"
                    f" (the next is {leaf[0]}): leaves were deleted from it",
                    None,
                    leaf[0] - 1,
                )
                leaves_read = leaf[0]
            if leaf[2] != leaf_hash:
                fail(
                    "altered",
                    leaf[0],
                    f"the event at log position {nid} (tree index {leaf[0]}) is not the one "
                    "that was hashed: its stored row was changed, or another row was moved to its position",
                    nid,
                )
            leaf, leaves_read = next(leaves, None), leaves_read + 1
        else:
            fail(
                "inserted",
                leaf[0],
                f"log position {nid} is in the log but not in the hash tree, although later "
                f"positions are: it was inserted after hashing, before tree index {leaf[0]}",
                nid,
            )
        completed = compact.append(leaf_hash)
        if checking_nodes and compact.size <= stored_size:
            for level, index, node_hash in completed:
                end = (index + 1) << level
                if node is None or node[0] != end or node[1] != level or node[2] != node_hash:
                    fail(
                        "node",
                        end - (1 << level),
                        f"the stored hash of the subtree of tree indexes "
                        f"{end - (1 << level)}..{end - 1} (level {level}) differs from the one recomputed "
                        "from the log: the change is among those events",
                        None,
                        end - 1,
                    )
                    checking_nodes = False
                    break
                node = next(nodes, None)
        if compact.size in heads:
            good_size = _check_heads(heads[compact.size], compact.root(), compact.size, good_size, report)
    report.events = compact.size
    while leaf is not None:
        fail(
            "deleted",
            leaf[0],
            f"tree index {leaf[0]} holds the hash of log position {leaf[1]}, which is no "
            "longer in the log: the event was deleted",
            leaf[1],
        )
        leaf, leaves_read = next(leaves, None), leaves_read + 1
    report.leaves = stored_size
    if checking_nodes and node is not None:
        fail(
            "node",
            node[0] - (1 << node[1]),
            f"the hash tree stores a subtree ending at tree index {node[0] - 1} "
            "that the log does not have: events were deleted from its end",
            None,
            node[0] - 1,
        )
    for size in sorted(s for s in heads if s > compact.size):
        fail(
            "head",
            good_size,
            f"the signed head of size {size} covers more events than the log holds "
            f"({compact.size}): events at tree indexes {good_size}..{size - 1} were deleted",
            None,
            size - 1,
        )


def _check_heads(heads: Iterable[TreeHead], root: bytes, size: int, good_size: int, report: VerificationReport) -> int:
    for head in heads:
        if head.root_hash != root:
            report.fail(
                "head",
                good_size,
                f"the signed head of size {size} (signed {head.signed_at:%Y-%m-%d %H:%M:%S}"
                f" UTC) does not match the log recomputed from the database: something at tree indexes "
                f"{good_size}..{size - 1} was changed, and the signed heads locate it no closer"
                + (f" (the head of size {good_size} matches)" if good_size else ""),
                None,
                size - 1,
            )
            return good_size
    return size
