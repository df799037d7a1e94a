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

One subject in three modules: the hashes (``hashing``), the perfect subtrees and the ranges a
proof needs (``ranges``), and proof verification (``proofs``).
"""

from kanalarkiv.transparency.merkle.hashing import (
    EMPTY_ROOT,
    HASH_SIZE,
    LEAF_HEADER,
    LENGTH_PREFIX,
    hash_children,
    hash_event,
    hash_leaf,
    largest_power_of_two_below,
    leaf_bytes,
    root,
)
from kanalarkiv.transparency.merkle.proofs import (
    consistency_proof,
    inclusion_proof,
    root_from_inclusion,
    verify_consistency,
    verify_inclusion,
)
from kanalarkiv.transparency.merkle.ranges import (
    CompactRange,
    ProofError,
    Subtree,
    consistency_ranges,
    fold_subtrees,
    hashes_for,
    inclusion_ranges,
    perfect_subtrees,
    prefix_root,
    subtrees_of,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "LEAF_HEADER",
    "LENGTH_PREFIX",
    "CompactRange",
    "ProofError",
    "Subtree",
    "consistency_proof",
    "consistency_ranges",
    "fold_subtrees",
    "hash_children",
    "hash_event",
    "hash_leaf",
    "hashes_for",
    "inclusion_proof",
    "inclusion_ranges",
    "largest_power_of_two_below",
    "leaf_bytes",
    "perfect_subtrees",
    "prefix_root",
    "root",
    "root_from_inclusion",
    "subtrees_of",
    "verify_consistency",
    "verify_inclusion",
]
