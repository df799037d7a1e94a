"""The tamper evidence as a service: sign tree heads (on demand and, from the checkpointer, at an
interval when the tree has grown), publish them with the public key, and prove inclusion and
consistency from the stored hash tree."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import structlog

from domain.errors import InvalidValue
from kanalarkiv.application.context import Clock
from kanalarkiv.application.outcomes import RecordNotFound
from kanalarkiv.readside.views import Views
from kanalarkiv.transparency.merkle import consistency_ranges, hashes_for, inclusion_ranges, subtrees_of
from kanalarkiv.transparency.signing import HeadSigner, TreeHead

log = structlog.get_logger("kanalarkiv.application.transparency")


@dataclass(frozen=True)
class InclusionProof:
    """The event at log ``position`` is leaf ``leaf_index`` of the tree of ``tree_size``."""

    position: int
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    root_hash: bytes
    path: list[bytes]
    signed_head: TreeHead | None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": "inclusion",
            "position": self.position,
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "leaf_hash": self.leaf_hash.hex(),
            "root_hash": self.root_hash.hex(),
            "path": [node.hex() for node in self.path],
            "signed_head": self.signed_head.as_json() if self.signed_head else None,
        }


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree of size ``first`` is a prefix of the tree of size ``second``."""

    first: int
    second: int
    first_root: bytes
    second_root: bytes
    path: list[bytes]
    first_head: TreeHead | None
    second_head: TreeHead | None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": "consistency",
            "first": self.first,
            "second": self.second,
            "first_root": self.first_root.hex(),
            "second_root": self.second_root.hex(),
            "path": [node.hex() for node in self.path],
            "first_head": self.first_head.as_json() if self.first_head else None,
            "second_head": self.second_head.as_json() if self.second_head else None,
        }


class Transparency:
    def __init__(self, views: Views, signer: HeadSigner, clock: Clock):
        self.tree = views.log_hashes
        self.signer = signer
        self.clock = clock
        self._signing = threading.Lock()

    # Signed tree heads

    def sign_head(self) -> TreeHead:
        """Sign the tree as it is now, whether or not it has grown (a fresh, timestamped statement)."""
        with self._signing:
            size = self.tree.tree_size()
            head = self.signer.sign(size, self.tree.root(size), self.clock())
            self.tree.record_head(head)
        return head

    def sign_if_grown(self) -> TreeHead | None:
        latest = self.tree.latest_head()
        if latest is not None and self.tree.tree_size() <= latest.tree_size:
            return None
        return self.sign_head()

    def latest_head(self) -> TreeHead:
        head = self.tree.latest_head()
        if head is None:
            raise RecordNotFound("no tree head has been signed yet")
        return head

    def heads(self, limit: int = 100) -> list[TreeHead]:
        return self.tree.heads(limit)

    # Proofs

    def inclusion_proof(self, position: int, tree_size: int | None = None) -> InclusionProof:
        size = self._size_or_latest(tree_size, "tree_size")
        leaf = self.tree.leaf_at_position(position)
        if leaf is None:
            raise RecordNotFound(f"log position {position} is not in the hash tree (no such event, or not hashed yet)")
        if leaf.tree_index >= size:
            raise RecordNotFound(
                f"log position {position} is leaf {leaf.tree_index}, outside the tree of size {size}"
                "; ask for a larger tree_size or wait for the next signed head"
            )
        *path, root = self._hashes([*inclusion_ranges(leaf.tree_index, size), (0, size)])
        return InclusionProof(position, leaf.tree_index, size, leaf.leaf_hash, root, path, self.tree.head_of_size(size))

    def inclusion_paths(self, indexes: list[int], size: int) -> list[list[bytes]]:
        """The inclusion paths of many leaves in the tree of ``size``, from one query."""
        ranges = [inclusion_ranges(index, size) for index in indexes]
        found = self.tree.subtree_hashes(s for each in ranges for subtrees in subtrees_of(each) for s in subtrees)
        return [hashes_for(each, found.__getitem__) for each in ranges]

    def consistency_proof(self, first: int, second: int | None = None) -> ConsistencyProof:
        second = self._size_or_latest(second, "second")
        if first < 1:
            raise InvalidValue("first", "must be at least 1 (every tree is an extension of the empty one)")
        if first > second:
            raise InvalidValue("first", f"must be at most second ({second})")
        *path, first_root, second_root = self._hashes([*consistency_ranges(first, second), (0, first), (0, second)])
        return ConsistencyProof(
            first, second, first_root, second_root, path, self.tree.head_of_size(first), self.tree.head_of_size(second)
        )

    def _size_or_latest(self, size: int | None, field: str) -> int:
        if size is None:
            return self.latest_head().tree_size
        if size < 1:
            raise InvalidValue(field, "must be at least 1")
        current = self.tree.tree_size()
        if size > current:
            raise RecordNotFound(f"{field}: the hash tree has {current} leaves, not {size}")
        return size

    def _hashes(self, ranges: list[tuple[int, int]]) -> list[bytes]:
        found = self.tree.subtree_hashes(s for subtrees in subtrees_of(ranges) for s in subtrees)
        return hashes_for(ranges, found.__getitem__)


class Checkpointer(threading.Thread):
    """Signs a tree head every ``interval`` seconds when the tree has grown since the last one."""

    def __init__(self, transparency: Transparency, interval: float):
        super().__init__(name="checkpointer", daemon=True)
        self.transparency = transparency
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                head = self.transparency.sign_if_grown()
                if head is not None:
                    log.info(
                        "tree_head_signed", tree_size=head.tree_size, root_hash=head.root_hash.hex(), key_id=head.key_id
                    )
            except Exception as error:  # noqa: BLE001 - supervision: log it and try again at the next tick
                log.error("checkpoint_failed", error=f"{type(error).__name__}: {error}")

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        self.join(timeout)
