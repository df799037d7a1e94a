"""The tamper-evident log's arithmetic: an append-only Merkle tree over the stored events in
log order, as RFC 9162 §2.1 (and RFC 6962 before it) define it. Pure functions, no I/O.

* A leaf is one stored event row, exactly as stored, in a length-prefixed encoding
  (``leaf_bytes``); its hash is ``SHA-256(0x00 || leaf)``, a node's ``SHA-256(0x01 || left || right)``.
* ``MTH`` of n leaves splits at the largest power of two below n (not the midpoint).
* A perfect subtree is named by (level, index): it covers leaves [index·2^level, (index+1)·2^level).
  Every hash a proof needs is the hash of a range of leaves, and every range the RFC's
  recursion produces is a run of perfect subtrees (``perfect_subtrees``), so a store that keeps
  the perfect subtrees' hashes answers any proof in O(log n) look-ups.
* Proof verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 and uses every node it is given:
  a proof with a node too many or too few, a wrong size, or a node of the wrong length fails.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256
LEAF_HEADER = struct.Struct(">IQI16sIqI")  # notification id, originator id, originator version, topic length
LENGTH_PREFIX = struct.Struct(">I")


class ProofError(ValueError):
    """A proof that does not prove what it claims (a wrong node, length, size or index)."""


# Hashing


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


# Perfect subtrees and the ranges a proof needs


@dataclass(frozen=True, order=True)
class Subtree:
    """The perfect subtree covering leaves [index·2^level, (index+1)·2^level)."""

    level: int
    index: int

    @property
    def start(self) -> int:
        return self.index << self.level

    @property
    def end(self) -> int:
        return (self.index + 1) << self.level


def perfect_subtrees(start: int, end: int) -> list[Subtree]:
    """The range [start, end) as perfect subtrees from left to right, largest first: the
    unique decomposition when ``start`` is a multiple of the first subtree's size (always
    true for the ranges of RFC 9162's recursion and for prefixes [0, n))."""
    if not 0 <= start < end:
        raise ValueError(f"not a range of leaves: [{start}, {end})")
    subtrees = []
    while start < end:
        size = end - start
        level = (size.bit_length() - 1) if start == 0 else min((start & -start).bit_length() - 1, size.bit_length() - 1)
        subtrees.append(Subtree(level, start >> level))
        start += 1 << level
    return subtrees


def fold_subtrees(hashes: Sequence[bytes]) -> bytes:
    """The root of a range from its perfect subtrees' hashes (left to right, sizes decreasing):
    RFC 9162's tree puts the larger left part on top, so fold from the right."""
    if not hashes:
        raise ValueError("an empty range has no subtrees")
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = hash_children(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges of leaves whose hashes form PATH(index, D[size]), from the leaf upwards."""
    _check_index(index, size)
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = largest_power_of_two_below(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return ranges[::-1]


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The ranges of leaves whose hashes form PROOF(first, D[second]) (RFC 9162 §2.1.4.1);
    empty when the sizes are equal."""
    _check_sizes(first, second)
    if first == second:
        return []
    ranges: list[tuple[int, int]] = []
    start, end, whole = 0, second, True
    while first - start != end - start:
        k = largest_power_of_two_below(end - start)
        if first - start <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, whole = start + k, False
    if not whole:
        ranges.append((start, end))
    return ranges[::-1]


def subtrees_of(ranges: Iterable[tuple[int, int]]) -> list[list[Subtree]]:
    return [perfect_subtrees(start, end) for start, end in ranges]


def hashes_for(ranges: Iterable[tuple[int, int]], lookup: Callable[[Subtree], bytes]) -> list[bytes]:
    """Each range's hash from the perfect subtrees' hashes that ``lookup`` gives."""
    return [fold_subtrees([lookup(s) for s in subtrees]) for subtrees in subtrees_of(ranges)]


def prefix_root(size: int, lookup: Callable[[Subtree], bytes]) -> bytes:
    return EMPTY_ROOT if size == 0 else hashes_for([(0, size)], lookup)[0]


def _check_index(index: int, size: int) -> None:
    if size < 1:
        raise ProofError(f"a tree of size {size} holds no leaves")
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")


def _check_sizes(first: int, second: int) -> None:
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}: need 0 < first <= second")


# The compact range: appending leaves one at a time, as the hashing worker and the verifier do


class CompactRange:
    """The perfect subtrees covering [0, size) (a "Merkle mountain range"): enough to append the
    next leaf and to give the root of the tree so far. ``append`` returns the perfect subtrees
    the new leaf completes, level 1 upwards, which is the order a store keeps them in."""

    __slots__ = ("peaks", "size")

    def __init__(self, size: int = 0, peaks: Sequence[bytes] = ()):
        if len(peaks) != bin(size).count("1"):
            raise ValueError(f"a tree of size {size} has {bin(size).count('1')} peaks, not {len(peaks)}")
        self.size = size
        self.peaks = list(peaks)

    def append(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf; return the completed subtrees as (level, index, hash)."""
        peaks, size = self.peaks, self.size
        completed = []
        node, level = leaf_hash, 0
        while size & 1:
            node = _sha256(b"\x01" + peaks.pop() + node).digest()
            size >>= 1
            level += 1
            completed.append((level, size, node))
        peaks.append(node)
        self.size += 1
        return completed

    def root(self) -> bytes:
        return fold_subtrees(self.peaks) if self.peaks else EMPTY_ROOT


# Verification (RFC 9162 §2.1.3.2 and §2.1.4.2), checking every node and the sizes


def _check_nodes(path: Sequence[bytes]) -> None:
    for node in path:
        if not isinstance(node, bytes) or len(node) != HASH_SIZE:
            raise ProofError("every node of a proof is a 32-byte SHA-256 hash")


def root_from_inclusion(index: int, size: int, leaf_hash: bytes, path: Sequence[bytes]) -> bytes:
    """The root that ``path`` leads to from ``leaf_hash`` at ``index`` in a tree of ``size``;
    raises ProofError when the path has the wrong number of nodes for that index and size."""
    _check_index(index, size)
    _check_nodes([leaf_hash, *path])
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            raise ProofError(f"the proof has more nodes than a leaf at index {index} of a tree of {size} needs")
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = hash_children(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"the proof has fewer nodes than a leaf at index {index} of a tree of {size} needs")
    return r


def verify_inclusion(index: int, size: int, leaf_hash: bytes, path: Sequence[bytes], root_hash: bytes) -> None:
    """Check that the leaf with ``leaf_hash`` is at ``index`` in the tree of ``size`` with ``root_hash``."""
    if root_from_inclusion(index, size, leaf_hash, path) != root_hash:
        raise ProofError(f"the inclusion proof for leaf {index} does not lead to the root of the tree of size {size}")


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, path: Sequence[bytes]) -> None:
    """Check that the tree of size ``first`` with ``first_root`` is a prefix of the tree of size
    ``second`` with ``second_root``."""
    _check_sizes(first, second)
    _check_nodes([first_root, second_root, *path])
    if first == second:
        if path:
            raise ProofError("a consistency proof between equal sizes has no nodes")
        if first_root != second_root:
            raise ProofError(f"two different roots for the same tree size {first}")
        return
    if not path:
        raise ProofError(f"a consistency proof from size {first} to {second} cannot be empty")
    nodes = list(path)
    if first & (first - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        nodes.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = nodes[0]
    for c in nodes[1:]:
        if sn == 0:
            raise ProofError(f"the consistency proof from size {first} to {second} has too many nodes")
        if fn & 1 or fn == sn:
            fr = hash_children(c, fr)
            sr = hash_children(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = hash_children(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"the consistency proof from size {first} to {second} has too few nodes")
    if fr != first_root:
        raise ProofError(f"the consistency proof does not lead to the root of the tree of size {first}")
    if sr != second_root:
        raise ProofError(f"the consistency proof does not lead to the root of the tree of size {second}")


# Proofs over leaf hashes in memory (tests, and anyone checking a small tree by hand)


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    return [root(leaf_hashes[s:e]) for s, e in inclusion_ranges(index, len(leaf_hashes))]


def consistency_proof(first: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    return [root(leaf_hashes[s:e]) for s, e in consistency_ranges(first, len(leaf_hashes))]
