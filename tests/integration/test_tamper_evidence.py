"""Tamper evidence over the global log: the hash tree the worker builds is RFC 9162's tree over
the stored rows, and an auditor running `verify` finds — and locates — every change made directly
in PostgreSQL: a rewritten, deleted, moved or inserted event, and a rewrite of the tree as well."""

from __future__ import annotations

import os
import threading
from uuid import uuid4

import psycopg
import pytest
from conftest import FACEBOOK_PAGE, register_organisation
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import IntegrityError, StoredEvent
from waiting import eventually

from domain.actors import Actor, Role
from kanalarkiv.application.context import acting_as
from kanalarkiv.application.transparency import Checkpointer
from kanalarkiv.readside.runner import Projector
from kanalarkiv.transparency import merkle
from kanalarkiv.transparency.signing import HeadSigner
from kanalarkiv.transparency.verification import verify_log
from projections.log_hashes import LogHashesProjection, NotRebuildable


def given_a_log(runtime, channels: int = 6) -> int:
    """An organisation and some channels with history; returns the log's head position."""
    org_id = register_organisation(runtime)
    with acting_as(Actor("anna", "Anna Chef", Role.MANAGER, org_id)):
        for n in range(channels):
            channel = runtime.app.register_channel(org_id, **FACEBOOK_PAGE | {"name": f"Kanal {n}"})
            runtime.app.activate_channel(channel.id)
            runtime.app.change_channel_purpose(channel.id, f"Syfte {n}")
    return runtime.head()


def hashed(runtime, position: int | None = None) -> None:
    runtime.views.wait_for("log_hashes", position or runtime.head(), timeout=10)


def sql(runtime, statement: str, params: tuple = ()) -> list[tuple]:
    """Straight into PostgreSQL, as someone with access to the database would; {events} is the log's table."""
    with psycopg.connect(runtime.database_url, autocommit=True) as conn:
        cursor = conn.execute(statement.replace("{events}", runtime.app.recorder.events_table_name), params)
        return cursor.fetchall() if cursor.description else []


def forge(runtime, position: int) -> None:
    """Change who did it: the event now says Eva, not Anna, acted."""
    changed = sql(
        runtime,
        "UPDATE {events} SET state = convert_to(replace(convert_from(state, 'UTF8'),"
        " 'Anna Chef', 'Eva Chef'), 'UTF8') WHERE notification_id = %s RETURNING 1",
        (position,),
    )
    assert changed


def hash_next(runtime, count: int) -> None:
    projector = Projector(runtime.app, runtime.views.projection("log_hashes"), batch_size=count)
    projector.process_next_batch(projector.position())


def verify(runtime, extra_heads=(), chunk: int = 4):
    """`kanalarkiv verify`, with digests over chunks of 4 leaves so that chunk edges are crossed."""
    return verify_log(
        runtime.database_url,
        runtime.app.recorder.events_table_name,
        [runtime.transparency.signer.public_key],
        extra_heads,
        chunk=chunk,
    )


def tree_index_of(runtime, position: int) -> int:
    return sql(runtime, "SELECT tree_index FROM merkle_leaves WHERE notification_id = %s", (position,))[0][0]


def test_the_hash_tree_is_rfc_9162s_tree_over_the_stored_rows_in_log_order(runtime):
    given_a_log(runtime, channels=3)
    sql(runtime, "SELECT nextval(pg_get_serial_sequence('{events}', 'notification_id'))")  # a rolled-back id
    head = given_a_log_more(runtime)
    hashed(runtime, head)

    rows = sql(
        runtime,
        "SELECT notification_id, originator_id, originator_version, topic, state"
        " FROM {events} ORDER BY notification_id",
    )
    leaves = [merkle.hash_leaf(merkle.leaf_bytes(n, o, v, t, bytes(s))) for n, o, v, t, s in rows]
    stored = sql(runtime, "SELECT tree_index, notification_id, leaf_hash FROM merkle_leaves ORDER BY tree_index")

    assert [r[0] for r in stored] == list(range(len(rows)))  # tree indexes have no gaps...
    assert [r[1] for r in stored] == [r[0] for r in rows] != list(range(1, len(rows) + 1))  # ...log positions do
    assert [bytes(r[2]) for r in stored] == leaves
    tree = runtime.transparency.tree
    assert tree.tree_size() == len(rows)
    assert all(tree.root(n) == merkle.root(leaves[:n]) for n in range(len(rows) + 1))


def given_a_log_more(runtime) -> int:
    org_id = runtime.app.organisation_by_slug("valdemarsvik").id
    with acting_as(Actor("anna", "Anna Chef", Role.MANAGER, org_id)):
        runtime.app.register_channel(org_id, **FACEBOOK_PAGE | {"name": "Efter luckan"})
    return runtime.head()


def test_an_untouched_log_verifies_against_every_signed_head(open_runtime):
    runtime = open_runtime(run_projections=False)
    head = given_a_log(runtime)
    hash_next(runtime, head // 2)
    runtime.transparency.sign_head()
    hash_next(runtime, head)
    runtime.transparency.sign_head()

    reports = [verify(runtime, chunk=chunk) for chunk in (1, 3, 4, 1 << 16)]

    for report in reports:
        assert report.ok, report.failures
        assert (report.events, report.leaves, report.unhashed, report.heads) == (head, head, 0, 2)
        assert report.passes == 1  # the fast pass found nothing to locate


def test_events_not_yet_hashed_are_reported_and_are_not_a_failure(open_runtime):
    runtime = open_runtime(run_projections=False)
    head = given_a_log(runtime)
    report = verify(runtime)
    assert report.ok and report.unhashed == head and report.leaves == 0 and report.passes == 1
    hash_next(runtime, 5)
    report = verify(runtime)
    assert report.ok and report.unhashed == head - 5 and report.leaves == 5 and report.passes == 1


def test_an_auditor_detects_a_rewritten_event(runtime):
    head = given_a_log(runtime)
    hashed(runtime)
    runtime.transparency.sign_head()
    target = head - 5

    forge(runtime, target)
    report = verify(runtime)

    assert not report.ok
    assert report.first.kind == "altered"
    assert (report.first.position, report.first.tree_index) == (target, tree_index_of(runtime, target))
    assert report.counts["altered"] == 1
    assert report.counts["head"] == 1 and report.counts["node"] == 1  # the head and the subtree disagree too


def test_an_auditor_detects_a_deleted_event(runtime):
    head = given_a_log(runtime)
    hashed(runtime)
    runtime.transparency.sign_head()
    target = 7
    index = tree_index_of(runtime, target)

    sql(runtime, "DELETE FROM {events} WHERE notification_id = %s", (target,))
    report = verify(runtime)

    assert report.first.kind == "deleted"
    assert (report.first.position, report.first.tree_index) == (target, index)
    assert report.counts["deleted"] == 1 and report.events == head - 1


def test_an_auditor_detects_two_events_that_swapped_places(runtime):
    given_a_log(runtime)
    hashed(runtime)
    runtime.transparency.sign_head()

    for old, new in ((4, -1), (9, 4), (-1, 9)):  # the events at positions 4 and 9 trade places
        sql(runtime, "UPDATE {events} SET notification_id = %s WHERE notification_id = %s", (new, old))
    report = verify(runtime)

    assert report.first.kind == "altered"
    assert (report.first.position, report.first.tree_index) == (4, tree_index_of(runtime, 4))
    assert report.counts["altered"] == 2


def test_an_auditor_detects_an_event_inserted_into_the_log(runtime):
    given_a_log(runtime, channels=2)
    (gap,) = sql(runtime, "SELECT nextval(pg_get_serial_sequence('{events}', 'notification_id'))")[0]
    given_a_log_more(runtime)
    hashed(runtime)
    runtime.transparency.sign_head()

    sql(
        runtime,
        "INSERT INTO {events} (originator_id, originator_version, topic, state, notification_id)"
        " VALUES (%s, 1, 'domain.channel:Channel.Registered', '{}'::bytea, %s)",
        (uuid4(), gap),
    )
    report = verify(runtime)

    assert report.first.kind == "inserted"
    assert (report.first.position, report.first.tree_index) == (gap, tree_index_of(runtime, gap + 1))
    assert report.counts["head"] == 1


def test_a_rewrite_of_both_the_event_and_its_leaf_is_caught_by_the_subtree_hashes(runtime):
    given_a_log(runtime)
    hashed(runtime)
    runtime.transparency.sign_head()
    target = 11
    index = tree_index_of(runtime, target)

    rewrite_event_and_leaf(runtime, target)
    report = verify(runtime)

    assert report.counts["altered"] == 0
    assert report.first.kind == "node"
    assert report.first.tree_index <= index <= report.first.last_index == report.first.tree_index + 1


def test_changes_to_the_stored_hash_tree_itself_are_found_and_located(runtime):
    given_a_log(runtime)
    hashed(runtime)
    runtime.transparency.sign_head()
    runtime.supervisor.stop()

    sql(runtime, "UPDATE merkle_nodes SET hash = sha256(hash) WHERE end_index = 8 AND level = 2")
    node = verify(runtime)
    sql(runtime, "DELETE FROM merkle_leaves WHERE tree_index = 12")
    leaf = verify(runtime)

    assert [f.kind for f in node.failures] == ["node"]
    assert (node.first.tree_index, node.first.last_index) == (4, 7)
    assert leaf.first.kind == "leaf_missing" and leaf.first.tree_index == 12


def rewrite_event_and_leaf(runtime, position: int) -> None:
    forge(runtime, position)
    ((nid, oid, version, topic, state),) = sql(
        runtime,
        "SELECT notification_id, originator_id, originator_version, topic, state FROM {events}"
        " WHERE notification_id = %s",
        (position,),
    )
    sql(
        runtime,
        "UPDATE merkle_leaves SET leaf_hash = %s WHERE notification_id = %s",
        (merkle.hash_event(nid, oid, version, topic, bytes(state)), position),
    )


def rewrite_tree_from_the_log(runtime) -> None:
    """What an attacker with the database would do: recompute every leaf and subtree hash."""
    rows = sql(
        runtime,
        "SELECT notification_id, originator_id, originator_version, topic, state"
        " FROM {events} ORDER BY notification_id",
    )
    compact, leaves, nodes = merkle.CompactRange(), [], []
    for n, o, v, t, s in rows:
        leaf_hash = merkle.hash_event(n, o, v, t, bytes(s))
        leaves.append((compact.size, n, leaf_hash))
        nodes += [((index + 1) << level, level, h) for level, index, h in compact.append(leaf_hash)]
    sql(runtime, "TRUNCATE merkle_leaves, merkle_nodes")
    with psycopg.connect(runtime.database_url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.executemany("INSERT INTO merkle_leaves VALUES (%s, %s, %s)", leaves)
        cursor.executemany("INSERT INTO merkle_nodes VALUES (%s, %s, %s)", nodes)


def test_a_consistent_rewrite_of_the_whole_tree_is_caught_by_the_signed_heads_as_closely_as_they_allow(open_runtime):
    runtime = open_runtime(run_projections=False)
    given_a_log(runtime)
    hash_next(runtime, 8)
    first = runtime.transparency.sign_head()
    hash_next(runtime, 7)
    second = runtime.transparency.sign_head()
    hash_next(runtime, 100)
    runtime.transparency.sign_head()
    target = first.tree_size + 3  # after the first head, before the second

    rewrite_event_and_leaf(runtime, target)
    rewrite_tree_from_the_log(runtime)
    report = verify(runtime)

    assert [f.kind for f in report.failures] == ["head"]  # nothing else can see it
    failure = report.first
    assert (failure.tree_index, failure.last_index) == (first.tree_size, second.tree_size - 1)
    assert f"{first.tree_size}..{second.tree_size - 1}" in failure.detail and "no closer" in failure.detail
    assert report.counts["head"] == 2  # every later head disagrees as well


def test_heads_an_auditor_kept_catch_a_rewrite_that_also_rewrote_the_heads_table(runtime):
    given_a_log(runtime)
    hashed(runtime)
    published = runtime.transparency.sign_head()
    runtime.supervisor.stop()

    rewrite_event_and_leaf(runtime, 5)
    rewrite_tree_from_the_log(runtime)
    sql(runtime, "TRUNCATE signed_tree_heads")
    runtime.transparency.sign_head()  # the attacker has the server, and so the key, too

    assert verify(runtime).ok  # the database alone now agrees with itself...
    kept = verify(runtime, extra_heads=[published])  # ...but not with the head the auditor kept
    assert kept.first.kind == "head" and kept.first.tree_index == 0


def test_a_head_with_a_bad_signature_or_an_unknown_key_is_not_evidence(runtime):
    given_a_log(runtime)
    hashed(runtime)
    runtime.transparency.sign_head()
    sql(runtime, "UPDATE signed_tree_heads SET tree_size = tree_size - 1")
    stranger = HeadSigner(Ed25519PrivateKey.generate())

    report = verify(runtime)
    unknown = verify_log(runtime.database_url, runtime.app.recorder.events_table_name, [stranger.public_key])

    assert report.first.kind == "signature" and "does not verify" in report.first.detail
    assert "not one of the public keys given" in unknown.first.detail


def test_verification_reads_only_stored_bytes_so_shredded_content_still_verifies(open_runtime):
    runtime = open_runtime(run_projections=False)
    given_a_log(runtime, channels=2)
    ciphertext = os.urandom(200)  # what crypto-shredding leaves: bytes whose key no longer exists
    runtime.app.recorder.insert_events([StoredEvent(uuid4(), 1, "kanalarkiv.shredded:Sealed", ciphertext)])
    projector = Projector(runtime.app, runtime.views.projection("log_hashes"), batch_size=7)
    projector.catch_up()
    head = runtime.transparency.sign_head()

    proof = runtime.transparency.inclusion_proof(runtime.head())
    assert verify(runtime).ok
    merkle.verify_inclusion(proof.leaf_index, head.tree_size, proof.leaf_hash, proof.path, head.root_hash)


def test_hashing_happens_after_the_command_in_batches_with_their_tracking_position(open_runtime):
    runtime = open_runtime(run_projections=False)
    head = given_a_log(runtime)
    assert runtime.transparency.tree.tree_size() == 0  # the commands did not hash

    projector = Projector(runtime.app, runtime.views.projection("log_hashes"), batch_size=5)
    projector.process_next_batch(0)
    assert runtime.transparency.tree.tree_size() == 5 and projector.position() == 5
    with pytest.raises(IntegrityError):
        projector.process_next_batch(2)  # a stale worker re-hashing positions 3..7 is refused whole
    assert projector.catch_up() == head - 5 and runtime.transparency.tree.tree_size() == head


def test_two_workers_hashing_the_same_batch_at_once_leave_one_tree(open_runtime):
    runtime = open_runtime(run_projections=False)
    head = given_a_log(runtime, channels=2)
    reached, proceed, outcome = threading.Event(), threading.Event(), []

    class Slow(LogHashesProjection):
        def _compact_range(self, curs, notifications):
            compact = super()._compact_range(curs, notifications)
            reached.set()
            proceed.wait(10)  # the other worker appends meanwhile
            return compact

    def slow_worker():
        try:
            Projector(runtime.app, Slow(runtime.views.view("log_hashes")), batch_size=100).process_next_batch(0)
        except Exception as error:  # noqa: BLE001
            outcome.append(error)

    slow = threading.Thread(target=slow_worker)
    slow.start()
    assert reached.wait(10)
    Projector(runtime.app, runtime.views.projection("log_hashes"), batch_size=100).process_next_batch(0)
    proceed.set()
    slow.join(10)

    assert len(outcome) == 1 and "duplicate key" in str(outcome[0]).lower()
    assert runtime.transparency.tree.tree_size() == head and verify(runtime).ok


def test_the_hash_tree_refuses_to_be_rebuilt(runtime):
    with pytest.raises(NotRebuildable, match="verify"):
        runtime.views.view("log_hashes").reset(runtime.app.name)


def test_the_checkpointer_signs_when_the_tree_has_grown_and_only_then(runtime, monkeypatch):
    head = given_a_log(runtime, channels=1)
    hashed(runtime, head)
    ticks: list[object] = []
    sign_if_grown = runtime.transparency.sign_if_grown
    monkeypatch.setattr(runtime.transparency, "sign_if_grown", lambda: ticks.append(sign_if_grown()) or ticks[-1])
    checkpointer = Checkpointer(runtime.transparency, interval=0.05)
    checkpointer.start()
    try:
        eventually(lambda: runtime.transparency.heads())
        signed_at_tick = len(ticks)
        eventually(lambda: len(ticks) >= signed_at_tick + 3)  # three more ticks on a tree that has not grown
        assert [h.tree_size for h in runtime.transparency.heads()] == [head]
        head = given_a_log_more(runtime)
        hashed(runtime, head)
        eventually(lambda: len(runtime.transparency.heads()) >= 2)
        assert [h.tree_size for h in runtime.transparency.heads()] == [head, head - 1]
    finally:
        checkpointer.stop()


def test_disposal_by_crypto_shredding_leaves_every_proof_and_signed_head_valid(client, runtime):
    from retention_story import SECRET_POST, given_an_aged_channel_under_a_plan

    town, old_post, *_ = given_an_aged_channel_under_a_plan(client, runtime)
    hashed(runtime)
    before = runtime.transparency.sign_head()
    published = runtime.transparency.inclusion_proof(old_post["position"])

    disposal = town.post(
        "/v1/disposals", {"reference": "KS 2026/0201", "class_code": "post"}, as_=town.officer, expect=201
    ).json()
    hashed(runtime, disposal["position"])
    after = runtime.transparency.sign_head()

    post = town.get(f"/v1/posts/{old_post['id']}", as_=town.officer, wait=disposal["position"]).json()
    assert post["text"].startswith("[Gallrad") and SECRET_POST not in str(post)  # the content is gone...
    assert verify(runtime).ok  # ...and the log still verifies, because the stored ciphertext is what is hashed
    still = runtime.transparency.inclusion_proof(old_post["position"], before.tree_size)
    assert still.leaf_hash == published.leaf_hash and still.path == published.path
    merkle.verify_inclusion(still.leaf_index, before.tree_size, still.leaf_hash, still.path, before.root_hash)
    grown = runtime.transparency.consistency_proof(before.tree_size, after.tree_size)
    merkle.verify_consistency(before.tree_size, after.tree_size, before.root_hash, after.root_hash, grown.path)
