"""The Merkle tree arithmetic: RFC 6962's published test vectors, and properties over every
tree shape — every honest proof verifies, and every changed node, size or index is refused."""

from __future__ import annotations

import hashlib
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kanalarkiv.transparency import merkle
from kanalarkiv.transparency.merkle import ProofError

# RFC 6962 test vectors, as published with the Certificate Transparency and transparency-dev
# Merkle tree implementations: leaf inputs, and the root of every tree size 0..8.
LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
# Every perfect subtree of the 8-leaf tree, by level then index.
NODES = [
    [bytes.fromhex(h) for h in level]
    for level in (
        (
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
        ),
        (
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        ),
        (
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
        ("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",),
    )
]
INCLUSION = {  # (index, size): path
    (0, 8): (NODES[0][1], NODES[1][1], NODES[2][1]),
    (5, 8): (NODES[0][4], NODES[1][3], NODES[2][0]),
    (2, 3): (NODES[1][0],),
    (1, 5): (NODES[0][0], NODES[1][1], NODES[0][4]),
}
CONSISTENCY = {  # (first, second): path
    (1, 8): (NODES[0][1], NODES[1][1], NODES[2][1]),
    (2, 8): (NODES[1][1], NODES[2][1]),
    (6, 8): (NODES[1][2], NODES[1][3], NODES[2][0]),
    (2, 5): (NODES[1][1], NODES[0][4]),
}
LEAVES = [merkle.hash_leaf(leaf) for leaf in LEAF_INPUTS]


def test_the_roots_are_rfc_6962s_for_every_size():
    assert [merkle.root(LEAVES[:n]) for n in range(9)] == ROOTS
    assert merkle.hash_children(LEAVES[0], LEAVES[1]) == ROOTS[2]


def test_the_compact_range_gives_every_root_and_every_perfect_subtree():
    compact, completed = merkle.CompactRange(), []
    for n, leaf in enumerate(LEAVES, start=1):
        completed += compact.append(leaf)
        assert compact.root() == ROOTS[n]
    assert {(level, index): h for level, index, h in completed} == {
        (level, index): h for level, hashes in enumerate(NODES) if level for index, h in enumerate(hashes)
    }


@pytest.mark.parametrize(("index", "size"), list(INCLUSION))
def test_inclusion_proofs_match_the_reference_and_verify(index, size):
    path = merkle.inclusion_proof(index, LEAVES[:size])
    assert tuple(path) == INCLUSION[(index, size)]
    merkle.verify_inclusion(index, size, LEAVES[index], path, ROOTS[size])


@pytest.mark.parametrize(("first", "second"), list(CONSISTENCY))
def test_consistency_proofs_match_the_reference_and_verify(first, second):
    path = merkle.consistency_proof(first, LEAVES[:second])
    assert tuple(path) == CONSISTENCY[(first, second)]
    merkle.verify_consistency(first, second, ROOTS[first], ROOTS[second], path)


def test_the_split_is_the_largest_power_of_two_below_not_the_midpoint():
    assert [merkle.largest_power_of_two_below(n) for n in (2, 3, 4, 5, 6, 8, 9, 1000)] == [1, 2, 2, 4, 4, 4, 8, 512]


def test_the_leaf_encoding_is_length_prefixed_so_fields_cannot_slide_into_each_other():
    oid = UUID("6f1c6a51-8f2b-4d4e-9a57-0a4b6c3d2e1f")
    a = merkle.leaf_bytes(7, oid, 1, "a.B", b"C")
    b = merkle.leaf_bytes(7, oid, 1, "a.", b"BC")
    assert a != b and merkle.hash_leaf(a) != merkle.hash_leaf(b)
    assert a == (
        b"\x00\x00\x00\x08"
        + (7).to_bytes(8, "big")
        + b"\x00\x00\x00\x10"
        + oid.bytes
        + b"\x00\x00\x00\x08"
        + (1).to_bytes(8, "big")
        + b"\x00\x00\x00\x03a.B"
        + b"\x00\x00\x00\x01C"
    )
    assert merkle.hash_event(7, oid, 1, "a.B", b"C") == hashlib.sha256(b"\x00" + a).digest()


def test_a_leaf_and_a_node_never_hash_alike():
    left, right = LEAVES[1], LEAVES[2]
    assert merkle.hash_leaf(left + right) != merkle.hash_children(left, right)


# Properties over every tree shape


def leaf_hashes(n: int) -> list[bytes]:
    return [merkle.hash_leaf(i.to_bytes(4, "big")) for i in range(n)]


def flipped(node: bytes, bit: int) -> bytes:
    return node[: bit // 8] + bytes([node[bit // 8] ^ (1 << bit % 8)]) + node[bit // 8 + 1 :]


trees = st.integers(min_value=1, max_value=300).flatmap(
    lambda n: st.tuples(st.just(n), st.integers(min_value=0, max_value=n - 1))
)


@settings(max_examples=300, deadline=None)
@given(trees, st.integers(min_value=0, max_value=255))
def test_every_inclusion_proof_verifies_and_every_change_to_it_is_refused(tree, bit):
    size, index = tree
    leaves = leaf_hashes(size)
    root, path = merkle.root(leaves), merkle.inclusion_proof(index, leaves)
    merkle.verify_inclusion(index, size, leaves[index], path, root)

    for i in range(len(path)):  # every node is checked: a change to any one of them is refused
        with pytest.raises(ProofError):
            merkle.verify_inclusion(
                index, size, leaves[index], [*path[:i], flipped(path[i], bit), *path[i + 1 :]], root
            )
    # (A size is only ever checked together with its root: a signed tree head binds the two.)
    refused = [
        (index, size, flipped(leaves[index], bit), path, root),  # another leaf
        (index, size, leaves[index], path, flipped(root, bit)),  # another root
        (index, size, leaves[index], [*path, root], root),  # a node too many
        (size, size, leaves[index], path, root),  # an index outside the tree
    ]
    if path:
        refused.append((index, size, leaves[index], path[:-1], root))  # a node too few
        refused.append((index ^ 1 if index ^ 1 < size else index - 1, size, leaves[index], path, root))  # moved
    for args in refused:
        with pytest.raises(ProofError):
            merkle.verify_inclusion(*args)


sizes = st.integers(min_value=1, max_value=300).flatmap(
    lambda n: st.tuples(st.integers(min_value=1, max_value=n), st.just(n))
)


@settings(max_examples=300, deadline=None)
@given(sizes, st.integers(min_value=0, max_value=255))
def test_every_consistency_proof_verifies_and_every_change_to_it_is_refused(pair, bit):
    first, second = pair
    leaves = leaf_hashes(second)
    old, new = merkle.root(leaves[:first]), merkle.root(leaves)
    path = merkle.consistency_proof(first, leaves)
    merkle.verify_consistency(first, second, old, new, path)

    for i in range(len(path)):
        with pytest.raises(ProofError):
            merkle.verify_consistency(first, second, old, new, [*path[:i], flipped(path[i], bit), *path[i + 1 :]])
    refused = [
        (first, second, flipped(old, bit), new, path),
        (first, second, old, flipped(new, bit), path),
        (first, second, old, new, [*path, new]),
        (second + 1, second, old, new, path),
        (0, second, old, new, path),
    ]
    if path:
        refused.append((first, second, old, new, path[:-1]))
    for args in refused:
        with pytest.raises(ProofError):
            merkle.verify_consistency(*args)


@settings(max_examples=200, deadline=None)
@given(sizes, st.integers(min_value=0, max_value=299))
def test_a_rewritten_history_is_never_consistent_with_its_past(pair, changed):
    first, second = pair
    changed %= first
    honest = leaf_hashes(second)
    forged = [*honest[:changed], merkle.hash_leaf(b"forged"), *honest[changed + 1 :]]
    with pytest.raises(ProofError):
        merkle.verify_consistency(
            first, second, merkle.root(honest[:first]), merkle.root(forged), merkle.consistency_proof(first, forged)
        )


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=600))
def test_appending_one_leaf_at_a_time_gives_the_rfc_root_and_the_completed_subtrees(size):
    leaves = leaf_hashes(size)
    compact, nodes = merkle.CompactRange(), {}
    for leaf in leaves:
        for level, index, h in compact.append(leaf):
            nodes[merkle.Subtree(level, index)] = h
    assert compact.root() == merkle.root(leaves)
    for subtree, h in nodes.items():
        assert h == merkle.root(leaves[subtree.start : subtree.end])
    assert len(nodes) == size - bin(size).count("1")  # every perfect subtree above the leaves, once
    resumed = merkle.CompactRange(size, [nodes.get(s) or leaves[s.start] for s in merkle.perfect_subtrees(0, size)])
    assert resumed.root() == compact.root()


@settings(max_examples=200, deadline=None)
@given(sizes)
def test_every_range_a_proof_needs_is_a_run_of_perfect_subtrees(pair):
    first, second = pair
    leaves = leaf_hashes(second)

    def lookup(subtree: merkle.Subtree) -> bytes:
        assert subtree.end <= second and subtree.start == subtree.index << subtree.level
        return merkle.root(leaves[subtree.start : subtree.end])

    assert merkle.hashes_for(merkle.consistency_ranges(first, second), lookup) == merkle.consistency_proof(
        first, leaves
    )
    assert merkle.hashes_for(merkle.inclusion_ranges(first - 1, second), lookup) == merkle.inclusion_proof(
        first - 1, leaves
    )
    assert merkle.prefix_root(first, lookup) == merkle.root(leaves[:first])


def test_nodes_of_the_wrong_length_are_refused_before_any_hashing():
    with pytest.raises(ProofError, match="32-byte"):
        merkle.verify_inclusion(0, 2, LEAVES[0], [LEAVES[1][:31]], ROOTS[2])
    with pytest.raises(ProofError, match="32-byte"):
        merkle.verify_consistency(1, 2, ROOTS[1], ROOTS[2], [LEAVES[1] + b"\x00"])
