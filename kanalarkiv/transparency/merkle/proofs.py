"""Proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2), using every node it is given: a proof with
a node too many or too few, a wrong size, or a node of the wrong length fails. And proofs over
leaf hashes in memory, for tests and for anyone checking a small tree by hand."""

from __future__ import annotations

from collections.abc import Sequence

from kanalarkiv.transparency.merkle.hashing import HASH_SIZE, hash_children, root
from kanalarkiv.transparency.merkle.ranges import (
    ProofError,
    check_index,
    check_sizes,
    consistency_ranges,
    inclusion_ranges,
)

# Verification (RFC 9162 §2.1.3.2 and §2.1.4.2), checking every node and the sizes


def _check_nodes(path: Sequence[bytes]) -> None:
    for node in path:
        if not isinstance(node, bytes) or len(node) != HASH_SIZE:
            raise ProofError("every node of a proof is a 32-byte SHA-256 hash")


def root_from_inclusion(index: int, size: int, leaf_hash: bytes, path: Sequence[bytes]) -> bytes:
    """The root that ``path`` leads to from ``leaf_hash`` at ``index`` in a tree of ``size``;
    raises ProofError when the path has the wrong number of nodes for that index and size."""
    check_index(index, size)
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
    check_sizes(first, second)
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
