"""``kanalarkiv verify``: recompute the whole hash tree from the stored events and check it against
the stored tree (leaves and subtree hashes) and against every signed tree head.

Everything is read in one REPEATABLE READ snapshot. The first pass streams only the events (a
server-side cursor, fetched ahead in a thread while the previous batch is hashed) and compares
the recomputed leaves and subtree hashes with the stored ones by SHA-256 digests of chunks of
65,536 leaves that PostgreSQL computes next to the data. When anything differs, a second pass
streams events, leaves and subtree hashes side by side in log order and locates each kind of
failure at the first place it occurs, with a count of how often it occurs. Memory stays flat and
no row costs a round trip.
"""

from __future__ import annotations

import contextlib
import hashlib
import queue
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from psycopg import sql
from psycopg.abc import Query

from kanalarkiv.transparency.locating import locate_failures
from kanalarkiv.transparency.merkle import (
    EMPTY_ROOT,
    LEAF_HEADER,
    LENGTH_PREFIX,
    fold_subtrees,
)
from kanalarkiv.transparency.report import VerificationReport
from kanalarkiv.transparency.signing import BadSignature, TreeHead, key_id

CHUNK = 1 << 16  # leaves per digest in the first pass
_NODE_KEY = struct.Struct(">qh")


Progress = Callable[[int, int], None]
"""Told (events verified, events expected) as a pass goes on."""


def verify_log(
    url: str,
    events_table: str,
    public_keys: Iterable[Ed25519PublicKey],
    extra_heads: Iterable[TreeHead] = (),
    fetch_size: int = 20_000,
    chunk: int = CHUNK,
    on_batch: Progress | None = None,
) -> VerificationReport:
    """Verify the log in ``events_table`` of the database at ``url``. ``public_keys`` are the keys
    heads may be signed with; ``extra_heads`` are heads kept elsewhere (by an auditor) to check too;
    ``on_batch(events, expected)`` is told how far the first pass has come."""
    started = time.perf_counter()
    report = VerificationReport()
    keys = {key_id(k): k for k in public_keys}
    with psycopg.connect(url) as conn:
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            conn.execute("SET LOCAL jit = off")  # compiling the scans costs more than it saves here
            heads = _trusted_heads(conn, keys, extra_heads, report)
            if not _all_digests_match(conn, url, events_table, heads, fetch_size, chunk, report, on_batch):
                report.events = report.unhashed = 0
                report.passes = 2
                locate_failures(conn, events_table, heads, fetch_size, report)
    report.seconds = time.perf_counter() - started
    return report


def _trusted_heads(
    conn: psycopg.Connection[Any],
    keys: dict[str, Ed25519PublicKey],
    extra: Iterable[TreeHead],
    report: VerificationReport,
) -> dict[int, list[TreeHead]]:
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
                raise BadSignature(
                    f"the head of size {head.tree_size} is signed with key {head.key_id}, "
                    "which is not one of the public keys given"
                )
            head.verify(key)
        except BadSignature as error:
            report.fail("signature", head.tree_size, f"{error}; it is not used as evidence")
            continue
        trusted.setdefault(head.tree_size, []).append(head)
    return trusted


def _all_digests_match(
    conn: psycopg.Connection[Any],
    url: str,
    events_table: str,
    heads: dict[int, list[TreeHead]],
    fetch_size: int,
    chunk: int,
    report: VerificationReport,
    on_batch: Progress | None,
) -> bool:
    """The first pass: True when every leaf, every subtree hash and every signed head matches.
    Each event arrives with the leaf stored for its log position, so leaves compare in the row;
    subtree hashes compare by a digest per chunk of the tree, which a second connection on the
    same snapshot computes meanwhile."""
    snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]  # a function: one row
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify-digests") as background:
        digests = background.submit(_node_digests, url, snapshot, chunk)
        return _first_pass(conn, events_table, heads, fetch_size, chunk, digests, report, on_batch)


def _node_digests(url: str, snapshot: str, chunk: int) -> dict[int, bytes]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
        conn.execute("SET LOCAL work_mem = '64MB'")
        conn.execute("SET LOCAL jit = off")
        rows = conn.execute(
            "SELECT (end_index - 1) / %s, sha256(string_agg(int8send(end_index) || int2send(level) || hash, ''::bytea"
            " ORDER BY end_index, level)) FROM merkle_nodes GROUP BY 1",
            (chunk,),
        ).fetchall()
        conn.execute("COMMIT")
    return {number: bytes(digest) for number, digest in rows}


def _first_pass(
    conn: psycopg.Connection[Any],
    events_table: str,
    heads: dict[int, list[TreeHead]],
    fetch_size: int,
    chunk: int,
    digests: Future[dict[int, bytes]],
    report: VerificationReport,
    on_batch: Progress | None,
) -> bool:
    stored_size, stored_leaves = conn.execute(
        "SELECT COALESCE(max(tree_index) + 1, 0), count(*) FROM merkle_leaves"
    ).fetchone()  # type: ignore[misc]  # an aggregate: always one row
    if stored_leaves != stored_size or not _heads_match(heads.get(0, ()), EMPTY_ROOT):
        return False
    node_digests: dict[int, bytes] | None = None
    query = sql.SQL(
        "SELECT e.notification_id, uuid_send(e.originator_id), e.originator_version, e.topic, e.state,"
        " l.tree_index, l.leaf_hash FROM {} e LEFT JOIN merkle_leaves l USING (notification_id)"
        " ORDER BY e.notification_id"
    ).format(sql.Identifier(events_table))
    empty_digest = hashlib.sha256().digest()
    sha256, pack_head, pack_length, pack_node = hashlib.sha256, LEAF_HEADER.pack, LENGTH_PREFIX.pack, _NODE_KEY.pack
    peaks: list[bytes] = []
    size = hashed = matched = 0
    nodes = sha256()
    with _prefetched(conn, query, fetch_size) as batches:
        for batch in batches:
            for nid, oid, version, topic, state, tree_index, stored_hash in batch:
                topic_bytes = topic.encode()
                digest = sha256(b"\x00" + pack_head(8, nid, 16, oid, 8, version, len(topic_bytes)))
                digest.update(topic_bytes + pack_length(len(state)))
                digest.update(state)
                leaf_hash = node = digest.digest()
                if tree_index is None:
                    hashed = -1  # from here on, every event must be one not yet hashed
                elif hashed != tree_index or stored_hash != leaf_hash:
                    return False
                else:
                    hashed += 1
                    matched += 1
                n, level = size, 0
                while n & 1:
                    node = sha256(b"\x01" + peaks.pop() + node).digest()
                    n >>= 1
                    level += 1
                    if size < stored_size:
                        nodes.update(pack_node((n + 1) << level, level) + node)
                peaks.append(node)
                size += 1
                if size <= stored_size and (size % chunk == 0 or size == stored_size):
                    if node_digests is None:
                        node_digests = digests.result()
                        if any(number > (stored_size - 1) // chunk for number in node_digests):
                            return False
                    if nodes.digest() != node_digests.get((size - 1) // chunk, empty_digest):
                        return False
                    nodes = sha256()
                if size in heads and not _heads_match(heads[size], fold_subtrees(peaks)):
                    return False
            if on_batch is not None:
                on_batch(size, max(size, stored_size))
    report.events, report.leaves, report.unhashed = size, stored_size, size - stored_size
    if stored_size == 0 and digests.result():
        return False  # subtree hashes without any leaves
    return matched == stored_size and all(head_size <= size for head_size in heads)


def _heads_match(heads: Iterable[TreeHead], root: bytes) -> bool:
    return all(head.root_hash == root for head in heads)


class _prefetched:
    """Batches of rows from a server-side cursor, fetched one batch ahead in a thread, so that
    PostgreSQL reads and sends the next batch while this one is hashed."""

    def __init__(self, conn: psycopg.Connection[Any], query: Query, fetch_size: int):
        self.conn, self.query, self.fetch_size = conn, query, fetch_size
        self.batches: queue.Queue[Any] = queue.Queue(maxsize=2)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._fetch, name="verify-prefetch", daemon=True)

    def __enter__(self) -> Iterator[list[Any]]:
        self.thread.start()
        return iter(self._take, None)

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        while self.thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self.batches.get(timeout=0.05)
        self.thread.join()

    def _take(self) -> list[Any] | None:
        batch = self.batches.get()
        if isinstance(batch, BaseException):
            raise batch
        return batch  # type: ignore[no-any-return]  # the queue holds batches (or the error, raised above)

    def _fetch(self) -> None:
        try:
            with self.conn.cursor(name="verify_events_fast", binary=True) as cursor:
                cursor.execute(self.query)
                while not self.stopping.is_set():
                    batch = cursor.fetchmany(self.fetch_size)
                    self.batches.put(batch or None)
                    if not batch:
                        return
        except BaseException as error:  # noqa: BLE001 - handed to the reading thread, which raises it
            self.batches.put(error)
