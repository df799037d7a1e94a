"""``kanalarkiv verify``: recompute the whole hash tree from the stored events and check it against
the stored tree (leaves and subtree hashes) and against every signed tree head.

Everything is read in one REPEATABLE READ snapshot through three server-side cursors read side by
side in log order (events by notification id, leaves by tree index, subtree hashes by the tree size
that completed them), so memory stays flat and no row costs a round trip. Each kind of failure is
reported once, at the first place it occurs, with a count of how often it occurs.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from psycopg.adapt import Loader
from psycopg.pq import Format

from kanalarkiv.merkle import EMPTY_ROOT, CompactRange, hash_event
from kanalarkiv.signing import BadSignature, TreeHead, key_id

# The precise kinds name one tree index; the others a range of them.
PRECISE = ("altered", "deleted", "inserted", "leaf_missing")


@dataclass(frozen=True)
class Failure:
    """Something in the database that does not match what was hashed or signed."""

    kind: str
    tree_index: int  # the first tree index affected
    last_index: int  # the last tree index it could be (the same as tree_index when located exactly)
    position: int | None  # the log position (notification id), when one is known
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "tree_index": self.tree_index, "last_index": self.last_index,
                "position": self.position, "detail": self.detail}


@dataclass
class VerificationReport:
    events: int = 0
    leaves: int = 0
    unhashed: int = 0
    heads: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def first(self) -> Failure | None:
        """The first failing place: the earliest exactly located failure if there is one, else the
        narrowest range that holds a failure (a subtree's, or the span between two signed heads)."""
        if not self.failures:
            return None
        precise = [f for f in self.failures if f.kind in PRECISE]
        if precise:
            return min(precise, key=lambda f: f.tree_index)
        return min(self.failures, key=lambda f: (f.kind == "signature", f.last_index - f.tree_index, f.tree_index))

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def fail(self, kind: str, tree_index: int, detail: str, position: int | None = None,
             last_index: int | None = None) -> None:
        self.counts[kind] += 1
        if self.counts[kind] == 1:
            self.failures.append(Failure(kind, tree_index, tree_index if last_index is None else last_index,
                                         position, detail))

    def as_json(self) -> dict[str, Any]:
        first = self.first
        return {
            "ok": self.ok, "events": self.events, "leaves": self.leaves, "unhashed": self.unhashed,
            "heads": self.heads, "seconds": round(self.seconds, 3), "events_per_second": round(self.rate),
            "first_failure": first.as_json() if first else None,
            "failures": [f.as_json() | {"count": self.counts[f.kind]} for f in self.failures],
        }


class _RawBytes(Loader):
    """Binary UUIDs and text as the bytes PostgreSQL sends: exactly what the leaf encodes."""

    format = Format.BINARY

    def load(self, data: Any) -> bytes:
        return bytes(data)


def verify_log(url: str, events_table: str, public_keys: Iterable[Ed25519PublicKey],
               extra_heads: Iterable[TreeHead] = (), fetch_size: int = 20_000) -> VerificationReport:
    """Verify the log in ``events_table`` of the database at ``url``. ``public_keys`` are the keys
    heads may be signed with; ``extra_heads`` are heads kept elsewhere (by an auditor) to check too."""
    started = time.perf_counter()
    report = VerificationReport()
    keys = {key_id(k): k for k in public_keys}
    with psycopg.connect(url) as conn:
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            heads = _trusted_heads(conn, keys, extra_heads, report)
            _walk(conn, events_table, heads, fetch_size, report)
    report.seconds = time.perf_counter() - started
    return report


def _trusted_heads(conn: psycopg.Connection[Any], keys: dict[str, Ed25519PublicKey], extra: Iterable[TreeHead],
                   report: VerificationReport) -> dict[int, list[TreeHead]]:
    rows = conn.execute(
        "SELECT tree_size, root_hash, signed_at, key_id, signature FROM signed_tree_heads ORDER BY tree_size, signed_at"
    ).fetchall()
    seen = {TreeHead(size, bytes(root), at, kid, bytes(sig)) for size, root, at, kid, sig in rows}
    seen.update(extra)
    trusted: dict[int, list[TreeHead]] = {}
    for head in sorted(seen, key=lambda h: (h.tree_size, h.signed_at)):
        report.heads += 1
        key = keys.get(head.key_id)
        try:
            if key is None:
                raise BadSignature(f"the head of size {head.tree_size} is signed with key {head.key_id}, "
                                   "which is not one of the public keys given")
            head.verify(key)
        except BadSignature as error:
            report.fail("signature", head.tree_size, f"{error}; it is not used as evidence")
            continue
        trusted.setdefault(head.tree_size, []).append(head)
    return trusted


def _rows(conn: psycopg.Connection[Any], name: str, query: sql.Composable | str, fetch_size: int,
          raw: bool = False) -> Iterator[Any]:
    with conn.cursor(name=name, binary=True) as cursor:
        if raw:
            cursor.adapters.register_loader("uuid", _RawBytes)
            cursor.adapters.register_loader("text", _RawBytes)
        cursor.execute(query)
        while rows := cursor.fetchmany(fetch_size):
            yield from rows


def _walk(conn: psycopg.Connection[Any], events_table: str, heads: dict[int, list[TreeHead]], fetch_size: int,
          report: VerificationReport) -> None:
    stored_size = conn.execute("SELECT COALESCE(max(tree_index) + 1, 0) FROM merkle_leaves").fetchone()[0]  # type: ignore[index]
    events = _rows(conn, "verify_events", sql.SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state FROM {} ORDER BY notification_id"
    ).format(sql.Identifier(events_table)), fetch_size, raw=True)
    leaves = _rows(conn, "verify_leaves", "SELECT tree_index, notification_id, leaf_hash FROM merkle_leaves"
                   " ORDER BY tree_index", fetch_size)
    nodes = _rows(conn, "verify_nodes", "SELECT end_index, level, hash FROM merkle_nodes ORDER BY end_index, level",
                  fetch_size)
    try:
        _compare(events, leaves, nodes, stored_size, heads, report)
    finally:
        for stream in (events, leaves, nodes):
            stream.close()


def _compare(events: Iterator[Any], leaves: Iterator[Any], nodes: Iterator[Any], stored_size: int,
             heads: dict[int, list[TreeHead]], report: VerificationReport) -> None:
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
            fail("deleted", leaf[0], f"tree index {leaf[0]} holds the hash of log position {leaf[1]}, "
                 "which is no longer in the log: the event was deleted", leaf[1])
            leaf, leaves_read = next(leaves, None), leaves_read + 1
        if leaf is None:
            report.unhashed += 1
        elif leaf[1] == nid:
            if leaf[0] != leaves_read:
                fail("leaf_missing", leaves_read, f"the hash tree has no leaf at tree index {leaves_read}"
                     f" (the next is {leaf[0]}): leaves were deleted from it", None, leaf[0] - 1)
                leaves_read = leaf[0]
            if leaf[2] != leaf_hash:
                fail("altered", leaf[0], f"the event at log position {nid} (tree index {leaf[0]}) is not the one "
                     "that was hashed: its stored row was changed, or another row was moved to its position", nid)
            leaf, leaves_read = next(leaves, None), leaves_read + 1
        else:
            fail("inserted", leaf[0], f"log position {nid} is in the log but not in the hash tree, although later "
                 f"positions are: it was inserted after hashing, before tree index {leaf[0]}", nid)
        completed = compact.append(leaf_hash)
        if checking_nodes and compact.size <= stored_size:
            for level, index, node_hash in completed:
                end = (index + 1) << level
                if node is None or node[0] != end or node[1] != level or node[2] != node_hash:
                    fail("node", end - (1 << level), f"the stored hash of the subtree of tree indexes "
                         f"{end - (1 << level)}..{end - 1} (level {level}) differs from the one recomputed "
                         "from the log: the change is among those events", None, end - 1)
                    checking_nodes = False
                    break
                node = next(nodes, None)
        if compact.size in heads:
            good_size = _check_heads(heads[compact.size], compact.root(), compact.size, good_size, report)
    report.events = compact.size
    while leaf is not None:
        fail("deleted", leaf[0], f"tree index {leaf[0]} holds the hash of log position {leaf[1]}, which is no "
             "longer in the log: the event was deleted", leaf[1])
        leaf, leaves_read = next(leaves, None), leaves_read + 1
    report.leaves = stored_size
    if checking_nodes and node is not None:
        fail("node", node[0] - (1 << node[1]), f"the hash tree stores a subtree ending at tree index {node[0] - 1} "
             "that the log does not have: events were deleted from its end", None, node[0] - 1)
    for size in sorted(s for s in heads if s > compact.size):
        fail("head", good_size, f"the signed head of size {size} covers more events than the log holds "
             f"({compact.size}): events at tree indexes {good_size}..{size - 1} were deleted", None, size - 1)


def _check_heads(heads: Iterable[TreeHead], root: bytes, size: int, good_size: int,
                 report: VerificationReport) -> int:
    for head in heads:
        if head.root_hash != root:
            report.fail("head", good_size, f"the signed head of size {size} (signed {head.signed_at:%Y-%m-%d %H:%M:%S}"
                        f" UTC) does not match the log recomputed from the database: something at tree indexes "
                        f"{good_size}..{size - 1} was changed, and the signed heads locate it no closer"
                        + (f" (the head of size {good_size} matches)" if good_size else ""), None, size - 1)
            return good_size
    return size
