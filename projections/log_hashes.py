"""The log's hash tree (the tamper evidence over the global log): every stored event, exactly as
stored, hashed into an append-only RFC 9162 Merkle tree, and the signed tree heads.

The hashing runs as a projection worker, after the command's transaction, in batches: it reads
the raw stored rows (not decoded events), and writes each batch's leaves, the perfect subtrees
they complete and the tracking position in one transaction.

Tables:

* ``merkle_leaves``: tree index → log position (notification id) and leaf hash. Log positions
  can have gaps (a rolled-back transaction's), tree indexes have none.
* ``merkle_nodes``: the hash of every perfect subtree above the leaves, keyed by the tree size
  that completed it (``end_index`` = (index + 1)·2^level) and its level, so that any proof or
  root takes O(log n) rows, and the table reads in the order the tree grew.
* ``signed_tree_heads``: the heads the checkpointer signed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from eventsourcing.persistence import IntegrityError, Notification, Tracking
from psycopg import Cursor

from domain.errors import DomainError
from kanalarkiv.transparency.merkle import CompactRange, Subtree, hash_event, perfect_subtrees, prefix_root
from kanalarkiv.transparency.signing import TreeHead
from projections.core.base import BatchProjection, View


class NotRebuildable(DomainError):
    """The log's hash tree is never rebuilt: rebuilding it from the stored events would hide any
    change made to them. ``kanalarkiv verify`` recomputes it and reports any difference instead."""


@dataclass(frozen=True)
class Leaf:
    tree_index: int
    position: int
    leaf_hash: bytes


class LogHashesView(View):
    name = "log_hashes"
    rebuildable = False
    tables = ("merkle_leaves", "merkle_nodes", "signed_tree_heads")
    create_statements = (
        """CREATE TABLE IF NOT EXISTS merkle_leaves (
            tree_index bigint PRIMARY KEY,
            notification_id bigint NOT NULL UNIQUE,
            leaf_hash bytea NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS merkle_nodes (
            end_index bigint NOT NULL,
            level smallint NOT NULL,
            hash bytea NOT NULL,
            PRIMARY KEY (end_index, level)
        )""",
        """CREATE TABLE IF NOT EXISTS signed_tree_heads (
            id bigserial PRIMARY KEY,
            tree_size bigint NOT NULL,
            root_hash bytea NOT NULL,
            signed_at timestamptz NOT NULL,
            key_id text NOT NULL,
            signature bytea NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS signed_tree_heads_size_idx ON signed_tree_heads (tree_size, signed_at)",
    )

    def reset(self, application_name: str) -> None:
        raise NotRebuildable(
            "the log_hashes projection is not rebuilt: rebuilding the hash tree from the stored "
            "events would hide any change made to them; run `kanalarkiv verify` instead"
        )

    # The tree

    def tree_size(self, curs: Cursor[Any] | None = None) -> int:
        query = "SELECT COALESCE(max(tree_index) + 1, 0) AS size FROM merkle_leaves"
        row = curs.execute(query).fetchone() if curs is not None else self.fetch_one(query)
        return int(row["size"]) if row is not None else 0  # an aggregate's query gives a row: none is an empty tree

    def subtree_hashes(self, subtrees: Iterable[Subtree], curs: Cursor[Any] | None = None) -> dict[Subtree, bytes]:
        """The stored hashes of these perfect subtrees (level 0 are the leaves), in one query."""
        wanted = set(subtrees)
        leaves = [s.index for s in wanted if s.level == 0]
        nodes = [s for s in wanted if s.level > 0]
        query = (
            "SELECT 0 AS level, tree_index AS idx, leaf_hash AS hash FROM merkle_leaves WHERE tree_index = ANY(%s)"
            " UNION ALL SELECT n.level, n.end_index, n.hash FROM merkle_nodes n"
            " JOIN unnest(%s::bigint[], %s::smallint[]) AS w(end_index, level) USING (end_index, level)"
        )
        params = (leaves, [s.end for s in nodes], [s.level for s in nodes])
        rows = curs.execute(query, params).fetchall() if curs is not None else self.fetch_all(query, params)
        found = {}
        for row in rows:
            level = row["level"]
            index = row["idx"] if level == 0 else (row["idx"] >> level) - 1
            found[Subtree(level, index)] = bytes(row["hash"])
        missing = wanted - found.keys()
        if missing:
            raise LookupError(f"the hash tree has no stored hash for {sorted(missing)[:3]}")
        return found

    def root(self, size: int) -> bytes:
        hashes = self.subtree_hashes(perfect_subtrees(0, size)) if size else {}
        return prefix_root(size, hashes.__getitem__)

    def leaf_at_position(self, position: int) -> Leaf | None:
        row = self.fetch_one("SELECT * FROM merkle_leaves WHERE notification_id = %s", (position,))
        return Leaf(row["tree_index"], row["notification_id"], bytes(row["leaf_hash"])) if row else None

    # Signed tree heads

    def record_head(self, head: TreeHead) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                "INSERT INTO signed_tree_heads (tree_size, root_hash, signed_at, key_id, signature)"
                " VALUES (%s, %s, %s, %s, %s)",
                (head.tree_size, head.root_hash, head.signed_at, head.key_id, head.signature),
            )

    def heads(self, limit: int | None = None, newest_first: bool = True) -> list[TreeHead]:
        order = "DESC" if newest_first else "ASC"
        rows = self.fetch_all(
            f"SELECT * FROM signed_tree_heads ORDER BY tree_size {order}, signed_at {order}, id {order} LIMIT %s",
            (limit,),
        )
        return [_head(row) for row in rows]

    def latest_head(self) -> TreeHead | None:
        heads = self.heads(limit=1)
        return heads[0] if heads else None

    def head_of_size(self, tree_size: int) -> TreeHead | None:
        row = self.fetch_one(
            "SELECT * FROM signed_tree_heads WHERE tree_size = %s ORDER BY signed_at DESC LIMIT 1", (tree_size,)
        )
        return _head(row) if row else None


def _head(row: dict[str, Any]) -> TreeHead:
    return TreeHead(row["tree_size"], bytes(row["root_hash"]), row["signed_at"], row["key_id"], bytes(row["signature"]))


class LogHashesProjection(BatchProjection[LogHashesView]):
    """Appends every stored event to the hash tree, in log order."""

    name = "log_hashes"
    view_class: ClassVar = LogHashesView
    raw_notifications: ClassVar[bool] = True
    gather_seconds: ClassVar[float] = 0.25

    def wants(self, topic: str) -> bool:
        return True

    def __init__(self, view: LogHashesView):
        super().__init__(view)
        self._compact: CompactRange | None = None  # the tree as this worker last left it

    def process_batch(self, events: Sequence[tuple[Any, int]], tracking: Tracking) -> None:
        notifications: list[Notification] = [notification for notification, _ in events]
        # Two processes hashing at once both find the same end of the tree: the second one's
        # tree indexes collide with the first one's on the primary key, and its batch is refused whole.
        with self.view.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            compact = self._compact_range(curs, notifications)
            leaves: list[tuple[int, int, bytes]] = []
            nodes: list[tuple[int, int, bytes]] = []
            for n in notifications:
                leaf_hash = hash_event(
                    n.id,
                    n.originator_id,  # type: ignore[arg-type]  # the library allows str ids; this log's are UUIDs
                    n.originator_version,
                    n.topic,
                    n.state,
                )
                leaves.append((compact.size, n.id, leaf_hash))
                nodes.extend(((index + 1) << level, level, h) for level, index, h in compact.append(leaf_hash))
            self._compact = None  # until the transaction has committed
            with conn.pipeline() as pipeline:
                if leaves:
                    curs.execute(
                        "INSERT INTO merkle_leaves (tree_index, notification_id, leaf_hash)"
                        " SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::bytea[])",
                        _columns(leaves),
                    )
                if nodes:
                    curs.execute(
                        "INSERT INTO merkle_nodes (end_index, level, hash)"
                        " SELECT * FROM unnest(%b::bigint[], %b::smallint[], %b::bytea[])",
                        _columns(nodes),
                    )
                # The tracking insert reads its RETURNING row: as in BatchProjection, sync first and
                # give it a cursor of its own, so it never reads a result left from the inserts.
                pipeline.sync()
                with conn.cursor() as tracking_cursor:
                    self.view._insert_tracking(tracking_cursor, tracking)
        self._compact = compact

    def _compact_range(self, curs: Cursor[Any], notifications: Sequence[Notification]) -> CompactRange:
        """The tree so far: kept from the last batch when nobody else has appended since."""
        last = curs.execute(
            "SELECT tree_index, notification_id FROM merkle_leaves ORDER BY tree_index DESC LIMIT 1"
        ).fetchone()
        size = last["tree_index"] + 1 if last else 0
        if last and notifications and notifications[0].id <= last["notification_id"]:
            raise IntegrityError(
                f"log position {notifications[0].id} is already in the hash tree (up to {last['notification_id']})"
            )
        cached = self._compact
        if cached is not None and cached.size == size:
            return CompactRange(size, cached.peaks)
        if size == 0:
            return CompactRange()
        peaks = perfect_subtrees(0, size)
        hashes = self.view.subtree_hashes(peaks, curs)
        return CompactRange(size, [hashes[p] for p in peaks])


def _columns(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [list(column) for column in zip(*rows, strict=True)]
