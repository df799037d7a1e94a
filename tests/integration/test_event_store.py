"""The event store (kanalarkiv/adapters/store.py): one round trip per save with every guarantee of the
library's recorder, and a pool that lends no dead connection without pinging every one."""

from __future__ import annotations

import threading
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.persistence import DataError, IntegrityError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg_pool import ConnectionPool
from waiting import eventually, within

from kanalarkiv.adapters import connections, store
from kanalarkiv.adapters.connections import Factory, check_idle_connection
from kanalarkiv.adapters.store import EventRecorder

TOPIC = "tests.test_event_store:Happened"


def events(originator_id, *versions, size: int = 10) -> list[StoredEvent]:
    return [StoredEvent(originator_id, version, TOPIC, b"x" * size) for version in versions]


def stored(runtime, originator_id) -> list[tuple[int, int]]:
    """(originator_version, notification_id) of one originator's rows, read by a connection of our own."""
    with psycopg.connect(runtime.database_url) as conn:
        return conn.execute(
            f"SELECT originator_version, notification_id FROM {runtime.app.recorder.events_table_name} "
            "WHERE originator_id = %s ORDER BY originator_version",
            (originator_id,),
        ).fetchall()


def pool_of(runtime):
    return runtime.app.factory.datastore.pool


def pool_is_clean(runtime) -> None:
    """Every idle connection in the pool is outside a transaction, and the log is not locked."""
    for conn in list(pool_of(runtime)._pool):
        assert conn.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with psycopg.connect(runtime.database_url) as conn:
        conn.execute(f"LOCK TABLE {runtime.app.recorder.events_table_name} IN EXCLUSIVE MODE NOWAIT")


@pytest.fixture(params=["one statement", "COPY"])
def either_insert(request, monkeypatch):
    """The same guarantees from both inserts: the function's one statement (small saves) and the
    COPY of large ones (kanalarkiv/adapters/bulk_insert.py), here made to take every save."""
    if request.param == "COPY":
        monkeypatch.setattr(store, "COPY_FROM_EVENTS", 1)
    return request.param


def test_the_application_uses_our_factory_recorder_and_pool_check(open_runtime):
    runtime = open_runtime(False)
    assert isinstance(runtime.app.factory, Factory)
    assert isinstance(runtime.app.recorder, EventRecorder)
    assert pool_of(runtime)._check is check_idle_connection


def test_reading_a_record_is_never_compiled_however_large_the_planner_thinks_the_log_is(open_runtime):
    """On a million-event log with no statistics, each aggregate's read was estimated past
    jit_above_cost and spent 40 ms compiling a 0.1 ms look-up; here the estimate is made to pass
    the threshold at once (jit_above_cost 0), and the service's sessions still do not compile."""
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    with runtime.app.factory.datastore.get_connection() as conn, conn.cursor() as curs:
        assert curs.execute("SHOW jit").fetchone()["jit"] == "off"
        curs.execute("SET jit_above_cost = 0")
        statement = recorder._select_events_statement(False, False, False, False).decode()
        curs.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", (uuid4(),))
        plan = curs.fetchone()["QUERY PLAN"][0]
        curs.execute("RESET jit_above_cost")
    assert "JIT" not in plan


def test_the_ids_returned_are_the_stored_rows_notification_ids_in_order(open_runtime, either_insert):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    first, second = uuid4(), uuid4()

    ids_first = recorder.insert_events(events(first, 1, 2, 3))
    ids_second = recorder.insert_events(events(second, 1))

    assert ids_first == [nid for _, nid in stored(runtime, first)]
    assert [v for v, _ in stored(runtime, first)] == [1, 2, 3]
    assert ids_second == [nid for _, nid in stored(runtime, second)] == [ids_first[-1] + 1]
    assert recorder.max_notification_id() == ids_second[-1]
    assert [n.id for n in recorder.select_notifications(ids_first[0], 10)] == [*ids_first, *ids_second]


def test_select_events_reads_as_the_librarys_select_events(open_runtime):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    originator = uuid4()
    recorder.insert_events(events(originator, *range(1, 8)))
    library = PostgresApplicationRecorder.select_events
    for arguments in (
        {},
        {"gt": 2},
        {"lte": 5},
        {"gt": 2, "lte": 5},
        {"desc": True},
        {"limit": 3},
        {"gt": 1, "lte": 6, "desc": True, "limit": 2},
        {"desc": True, "limit": 1},
    ):
        ours = recorder.select_events(originator, **arguments)
        assert ours == library(recorder, originator, **arguments), arguments
        assert all(isinstance(event.state, bytes) for event in ours)
    assert recorder.select_events(uuid4()) == []
    assert recorder.max_notification_id() == stored(runtime, originator)[-1][1]


def test_a_save_through_the_application_gets_the_stored_positions(open_runtime):
    from conftest import FACEBOOK_PAGE, register_organisation

    from domain.actors import Actor, Role
    from kanalarkiv.application.context import acting_as

    runtime = open_runtime(False)
    org_id = register_organisation(runtime)
    with acting_as(Actor("actor:chef", "Chef", Role.MANAGER, org_id)):
        recorded = runtime.app.register_channel(org_id, **FACEBOOK_PAGE)
        activated = runtime.app.activate_channel(recorded.id)
    assert stored(runtime, recorded.id) == [(1, recorded.position), (2, activated.position)]
    assert runtime.app.get_channel(recorded.id).version == 2


def test_a_conflict_raises_integrity_error_stores_nothing_and_leaves_the_pool_clean(open_runtime, either_insert):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    originator = uuid4()
    recorder.insert_events(events(originator, 1, 2))
    head = recorder.max_notification_id()

    for conflicting in ([3, 2], [2], [1, 2, 3]):
        with pytest.raises(IntegrityError):
            recorder.insert_events(events(originator, *conflicting))
        assert [v for v, _ in stored(runtime, originator)] == [1, 2]
        assert recorder.max_notification_id() == head
        pool_is_clean(runtime)

    # Another aggregate's events, in the same transaction as a conflicting one: none is stored.
    other = uuid4()
    with pytest.raises(IntegrityError):
        recorder.insert_events([*events(other, 1), *events(originator, 2)])
    assert stored(runtime, other) == []

    # The same connections go on working, and the next save is stored with the next ids.
    assert recorder.insert_events(events(originator, 3)) == [nid for v, nid in stored(runtime, originator) if v == 3]


def test_a_conflict_repeated_many_times_keeps_prepared_statements_working(open_runtime, either_insert):
    """psycopg prepares a statement after five executions; a failed pipeline must not leave it
    believing a statement exists on the server that was never prepared there."""
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    originator = uuid4()
    recorder.insert_events(events(originator, 1))
    for version in range(2, 14):
        with pytest.raises(IntegrityError):
            recorder.insert_events(events(originator, version, 1))
        recorder.insert_events(events(originator, version))
    assert [v for v, _ in stored(runtime, originator)] == list(range(1, 14))


def test_a_conflict_through_the_application_is_its_integrity_error(open_runtime):
    from conftest import FACEBOOK_PAGE, register_organisation

    from domain.actors import Actor, Role
    from kanalarkiv.application.context import acting_as

    runtime = open_runtime(False)
    org_id = register_organisation(runtime)
    chef = Actor("actor:chef", "Chef", Role.MANAGER, org_id)
    with acting_as(chef):
        recorded = runtime.app.register_channel(org_id, **FACEBOOK_PAGE)
        first, second = runtime.app.get_channel(recorded.id), runtime.app.get_channel(recorded.id)
        first.change_purpose("Ett", chef, runtime.app.clock())
        second.change_purpose("Två", chef, runtime.app.clock())
        runtime.app.save(first)
        head = runtime.head()
        with pytest.raises(IntegrityError):
            runtime.app.save(second)
    assert runtime.head() == head
    assert runtime.app.get_channel(recorded.id).purpose == "Ett"


def test_other_errors_are_mapped_as_the_library_maps_them_and_roll_back(open_runtime, either_insert):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    originator = uuid4()
    with pytest.raises(DataError):  # bigint out of range: the server refuses the insert
        recorder.insert_events([*events(originator, 1), StoredEvent(originator, 2**63, TOPIC, b"x")])
    assert stored(runtime, originator) == []
    pool_is_clean(runtime)
    assert recorder.insert_events(events(originator, 1)) == [nid for _, nid in stored(runtime, originator)]


def test_a_save_sends_a_notify_on_the_logs_channel_when_it_commits(open_runtime, either_insert):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    with psycopg.connect(runtime.database_url, autocommit=True) as listener:
        listener.execute(f'LISTEN "{recorder.channel_name}"')
        with pytest.raises(IntegrityError):  # a failed save notifies nobody
            recorder.insert_events([*events(uuid4(), 1), *events(originator := uuid4(), 1, 1)])
        assert list(listener.notifies(timeout=0.3, stop_after=1)) == []
        recorder.insert_events(events(originator, 1))
        received = list(listener.notifies(timeout=5, stop_after=1))
    assert [n.channel for n in received] == [recorder.channel_name]


def test_the_insert_takes_the_logs_lock_so_commit_order_is_id_order(open_runtime, either_insert):
    """A plain INSERT would not wait for another writer's open transaction (both take ROW EXCLUSIVE);
    the log's EXCLUSIVE lock makes it wait, so an id issued earlier is never committed later."""
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    originator, earlier = uuid4(), uuid4()
    done = threading.Event()
    result: list = []
    with psycopg.connect(runtime.database_url) as writer:
        writer.execute(
            f"INSERT INTO {recorder.events_table_name} (originator_id, originator_version, topic, state) "
            "VALUES (%s, 1, %s, 'x')",
            (earlier, TOPIC),
        )
        thread = threading.Thread(
            target=lambda: (result.append(recorder.insert_events(events(originator, 1))), done.set())
        )
        thread.start()
        assert not done.wait(0.5), "the insert did not wait for the log's lock"
        writer.commit()
    thread.join(10)
    assert done.is_set() and result[0] == [nid for _, nid in stored(runtime, originator)]
    assert result[0][0] > stored(runtime, earlier)[0][1]


def test_a_large_batch_is_inserted_whole_with_the_same_results(open_runtime):
    """About 1.3 MB in one save: the size at which the library's pipelined insert was seen to stall
    on the embedded server's Unix socket."""
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    originator = uuid4()
    ids = recorder.insert_events(events(originator, *range(1, 201), size=6_500))
    assert ids == [nid for _, nid in stored(runtime, originator)] and len(ids) == 200
    with pytest.raises(IntegrityError):
        recorder.insert_events(events(originator, *range(201, 400), 1, size=6_500))
    assert len(stored(runtime, originator)) == 200
    pool_is_clean(runtime)


def test_a_large_save_goes_by_copy_and_its_ids_follow_every_save_before_it(open_runtime, monkeypatch):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    copies: list[int] = []
    copy_insert = type(recorder.copy_insert).__call__

    def counted(self, conn, stored_events):
        copies.append(len(stored_events))
        return copy_insert(self, conn, stored_events)

    monkeypatch.setattr(type(recorder.copy_insert), "__call__", counted)
    small, large = uuid4(), uuid4()
    before = recorder.insert_events(events(small, *range(1, store.COPY_FROM_EVENTS)))
    ids = recorder.insert_events(events(large, *range(1, store.COPY_FROM_EVENTS + 1)))
    after = recorder.insert_events(events(small, store.COPY_FROM_EVENTS))
    assert copies == [store.COPY_FROM_EVENTS]
    assert ids == [nid for _, nid in stored(runtime, large)] == sorted(ids)
    assert before[-1] < ids[0] and ids[-1] < after[0]
    assert [n.id for n in recorder.select_notifications(before[0], 1000)] == [*before, *ids, *after]


def test_the_insert_function_is_in_the_database_and_the_statement_is_prepared(open_runtime):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    with psycopg.connect(runtime.database_url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM pg_proc WHERE proname = %s", (f"{recorder.events_table_name}_insert",)
        ).fetchone() == (1,)
    for _ in range(3):
        recorder.insert_events(events(uuid4(), 1))


def test_concurrent_saves_share_a_statement_and_a_conflict_fails_only_its_own_save(open_runtime, monkeypatch):
    """Saves from several threads that wait while another thread's insert is under way are inserted
    together (one transaction, one commit); a conflicting one among them fails alone."""
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    taken = uuid4()
    recorder.insert_events(events(taken, 1))
    statements: list[int] = []
    real_insert = recorder._insert

    def slow_insert(stored_events):
        statements.append(len(stored_events))
        # The insert under way holds the log's lock until others have queued up behind it
        # (or until no one else comes: the last saves of the run find no company).
        within(lambda: len(recorder._waiting) >= 2, seconds=0.5)
        return real_insert(stored_events)

    monkeypatch.setattr(recorder, "_insert", slow_insert)
    outcomes: dict = {}

    def client(number: int) -> None:
        for round_ in range(6):
            originator = uuid4()
            conflicting = (number + round_) % 4 == 0
            batch = [*events(originator, 1, 2), *events(taken, 1)] if conflicting else events(originator, 1, 2)
            try:
                outcomes[originator] = ("stored", recorder.insert_events(batch))
            except IntegrityError:
                outcomes[originator] = ("conflict", None)

    threads = [threading.Thread(target=client, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert len(outcomes) == 48
    assert max(statements) > 2, f"no saves were inserted together: {statements}"
    for originator, (outcome, ids) in outcomes.items():
        rows = stored(runtime, originator)
        if outcome == "stored":
            assert ids == [nid for _, nid in rows] and [v for v, _ in rows] == [1, 2]
        else:
            assert rows == []
    assert sum(outcome == "conflict" for outcome, _ in outcomes.values()) == 12
    assert [v for v, _ in stored(runtime, taken)] == [1]
    every_id = sorted(nid for outcome, ids in outcomes.values() if outcome == "stored" for nid in ids)
    assert len(every_id) == len(set(every_id)) == 72
    pool_is_clean(runtime)


def test_a_lost_connection_fails_every_save_of_a_shared_statement_and_each_is_retried(open_runtime, monkeypatch):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    first, second = uuid4(), uuid4()
    failed: list[int] = []
    real_insert = recorder._insert

    def insert_losing_the_connection_once(stored_events):
        if len(stored_events) == 2 and not failed:
            failed.append(len(stored_events))
            raise OperationalError("server closed the connection unexpectedly")
        return real_insert(stored_events)

    monkeypatch.setattr(recorder, "_insert", insert_losing_the_connection_once)
    batch = [store._Request(events(first, 1)), store._Request(events(second, 1))]
    recorder._insert_batch(batch)
    assert all(isinstance(request.error, OperationalError) for request in batch)
    assert stored(runtime, first) == stored(runtime, second) == []
    # Through insert_events, the caller's retry (the library's, on OperationalError) inserts it.
    failed.clear()
    assert recorder.insert_events(events(first, 1, 2)) == [nid for _, nid in stored(runtime, first)]
    assert failed == [2] and [v for v, _ in stored(runtime, first)] == [1, 2]


def terminate_pool_backends(runtime) -> int:
    """End the server side of every idle connection in the application's pool, as a server
    restart (or an administrator) does; the client finds out only when it looks."""
    pids = [conn.info.backend_pid for conn in list(pool_of(runtime)._pool)]
    with psycopg.connect(runtime.database_url, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    with psycopg.connect(runtime.database_url, autocommit=True) as admin:
        # Gone from the server: the FATAL message and the socket's end are on their way to the client.
        eventually(
            lambda: (
                admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)).fetchone()[0] == 0
            )
        )
    return len(pids)


def count_pings(monkeypatch) -> list:
    pings: list = []
    real = ConnectionPool.check_connection

    def counting(conn):
        pings.append(conn)
        real(conn)

    monkeypatch.setattr(connections.ConnectionPool, "check_connection", staticmethod(counting))
    return pings


def test_a_healthy_connection_is_lent_without_a_round_trip(open_runtime, monkeypatch):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    recorder.insert_events(events(uuid4(), 1))
    pings = count_pings(monkeypatch)
    for _ in range(5):
        recorder.insert_events(events(uuid4(), 1))
        recorder.max_notification_id()
    assert pings == []


def test_connections_ended_by_the_server_are_replaced_without_an_error(open_runtime, monkeypatch):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    for _ in range(3):  # the pool's connections have all been used
        recorder.insert_events(events(uuid4(), 1))
    assert terminate_pool_backends(runtime) >= 1
    pings = count_pings(monkeypatch)

    # Code that borrows a connection without the recorders' retry (views, the key store) gets a live one.
    with runtime.app.factory.datastore.get_connection() as conn:
        assert conn.execute("SELECT 1 AS one").fetchone() == {"one": 1}
    assert pings, "the dead connection's socket was not noticed"
    originator = uuid4()
    assert recorder.insert_events(events(originator, 1)) == [nid for _, nid in stored(runtime, originator)]
    assert runtime.head() == recorder.max_notification_id()


def test_a_connection_that_breaks_unnoticed_is_retried_on_a_fresh_one(open_runtime):
    runtime = open_runtime(False)
    recorder = runtime.app.recorder
    for _ in range(3):
        recorder.insert_events(events(uuid4(), 1))
    pool = pool_of(runtime)
    pool._check = None  # as if the socket had not shown it: the first statement on it fails
    try:
        assert terminate_pool_backends(runtime) >= 1
        originator = uuid4()
        ids = recorder.insert_events(events(originator, 1, 2))
        assert ids == [nid for _, nid in stored(runtime, originator)]
        assert [v for v, _ in stored(runtime, originator)] == [1, 2]
    finally:
        pool._check = check_idle_connection


def test_the_check_refuses_a_closed_connection_and_passes_a_live_one(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        check_idle_connection(conn)
        conn.execute("NOTIFY somewhere_else")  # nothing pending: still no round trip needed
        check_idle_connection(conn)
    with pytest.raises(psycopg.OperationalError):
        check_idle_connection(conn)
