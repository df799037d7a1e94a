"""Perfect subtrees and the ranges a proof needs: a perfect subtree is named by (level, index) and
covers leaves [index·2^level, (index+1)·2^level). Every hash a proof needs is the hash of a range
of leaves, and every range the RFC's recursion produces is a run of perfect subtrees, so a store
that keeps the perfect subtrees' hashes answers any proof in O(log n) look-ups. ``CompactRange``
appends leaves one at a time, as the hashing worker and the verifier do."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kanalarkiv.transparency.merkle.hashing import EMPTY_ROOT, hash_children, largest_power_of_two_below

_sha256 = hashlib.sha256


class ProofError(ValueError):
    """A proof that does not prove what it claims (a wrong node, length, size or index)."""


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
    check_index(index, size)
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
    check_sizes(first, second)
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


def check_index(index: int, size: int) -> None:
    if size < 1:
        raise ProofError(f"a tree of size {size} holds no leaves")
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")


def check_sizes(first: int, second: int) -> None:
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
