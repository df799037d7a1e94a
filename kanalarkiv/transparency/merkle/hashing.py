"""The log's hashes (RFC 9162 §2.1): a leaf is one stored event row, exactly as stored, in a
length-prefixed encoding (``leaf_bytes``); its hash is ``SHA-256(0x00 || leaf)``, a node's
``SHA-256(0x01 || left || right)``; ``MTH`` of n leaves splits at the largest power of two below n."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from uuid import UUID

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256
LEAF_HEADER = struct.Struct(">IQI16sIqI")  # notification id, originator id, originator version, topic length
LENGTH_PREFIX = struct.Struct(">I")


def leaf_bytes(
    notification_id: int, originator_id: UUID | bytes, originator_version: int, topic: str | bytes, state: bytes
) -> bytes:
    """The canonical leaf for one stored event row: five fields, each a 4-byte big-endian length
    followed by its bytes. The notification id and the originator version are 8-byte big-endian
    integers, the originator id the UUID's 16 bytes, the topic UTF-8, the state the stored bytes."""
    oid = originator_id.bytes if isinstance(originator_id, UUID) else originator_id
    topic_bytes = topic.encode() if isinstance(topic, str) else topic
    return b"".join(
        (
            LEAF_HEADER.pack(8, notification_id, 16, oid, 8, originator_version, len(topic_bytes)),
            topic_bytes,
            LENGTH_PREFIX.pack(len(state)),
            state,
        )
    )


def hash_leaf(leaf: bytes) -> bytes:
    return _sha256(b"\x00" + leaf).digest()


def hash_event(
    notification_id: int, originator_id: UUID | bytes, originator_version: int, topic: str | bytes, state: bytes
) -> bytes:
    """``hash_leaf(leaf_bytes(...))`` without building the leaf twice: this is the verifier's inner loop."""
    oid = originator_id.bytes if isinstance(originator_id, UUID) else originator_id
    topic_bytes = topic.encode() if isinstance(topic, str) else topic
    digest = _sha256(b"\x00" + LEAF_HEADER.pack(8, notification_id, 16, oid, 8, originator_version, len(topic_bytes)))
    digest.update(topic_bytes + LENGTH_PREFIX.pack(len(state)))
    digest.update(state)
    return digest.digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


def largest_power_of_two_below(n: int) -> int:
    """k with k < n <= 2k, for n >= 2: where RFC 9162 splits a tree of n leaves."""
    if n < 2:
        raise ValueError("a tree of fewer than two leaves is not split")
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes, by the RFC's definition (recursive; for tests and small trees)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = largest_power_of_two_below(n)
    return hash_children(root(leaf_hashes[:k]), root(leaf_hashes[k:]))
