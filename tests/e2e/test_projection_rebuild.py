"""An operator rebuilds the projections from zero (``kanalarkiv projections rebuild``, services
stopped): spread over processes of their own, every view ends with exactly the rows the running
service built, and a projection that cannot be rebuilt is named, with exit status 1, while the
others are rebuilt to the head."""

from __future__ import annotations

import psycopg
import pytest
from editorial_story import given_a_municipality_with_an_active_page
from typer.testing import CliRunner

from kanalarkiv.cli.main import app
from kanalarkiv.readside.rebuild import COST, groups


@pytest.fixture
def cli(database_url, open_runtime, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


@pytest.fixture
def an_audit_trail_that_refuses_every_row(database_url):
    """A CHECK no row meets, on the audit trail's table (the database outlives the test: taken off after)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE audit_events ADD CONSTRAINT refuses_all CHECK (false) NOT VALID")
    yield
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE audit_events DROP CONSTRAINT refuses_all")


def a_town_with_a_season_of_posts(client, runtime) -> int:
    """Posts edited, comments answered, removed and moved to the diary: most projections have rows."""
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish("Simhallen öppnar i december.")
    town.post(f"/v1/posts/{post['id']}/edit", {"text": "Simhallen öppnar 2 december."})
    first = town.capture_comment(post["id"], "c-1", text="När öppnar den?", author="Kalle")
    second = town.capture_comment(post["id"], "c-2", text="Grannen är en tjuv", author="Lisa")
    town.post(f"/v1/comments/{first['id']}/replies", {"text": "Den 2 december!"}, expect=201)
    town.post(
        f"/v1/comments/{second['id']}/moderation",
        {"action": "remove", "ground": "offensive_personal_data", "justification": "Pekar ut en person."},
    )
    assert town.client.put("/v1/diary", json={"series_prefix": "KS"}, headers=town.officer.headers).status_code == 200
    town.post(f"/v1/comments/{first['id']}/registration", {}, as_=town.officer, expect=201)
    head = runtime.head()
    for name in rebuildable(runtime):
        runtime.views.wait_for(name, head)
    runtime.supervisor.stop()
    return head


def rebuildable(runtime) -> list[str]:
    return [name for name in runtime.views.names() if getattr(runtime.views.view(name), "rebuildable", True)]


def every_row(runtime) -> dict[str, list]:
    """Every table of every rebuildable view, with the history tables of its versioned ones."""
    tables = [
        table
        for name in rebuildable(runtime)
        for view in [runtime.views.view(name)]
        for table in (*view.tables, *(versioned.history for versioned in getattr(view, "versioned", ())))
    ]
    with psycopg.connect(runtime.database_url) as conn:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}


def test_a_rebuild_in_two_processes_gives_every_view_the_rows_the_service_built(cli, client, runtime):
    head = a_town_with_a_season_of_posts(client, runtime)
    live = every_row(runtime)

    rebuilt = cli("projections", "rebuild", "--processes", "2")

    assert rebuilt.exit_code == 0, rebuilt.output
    for name in rebuildable(runtime):
        assert f"rebuilt {name}: {head} events read, position {head}" in rebuilt.stdout
    assert sum(1 for rows in live.values() if rows) >= 15  # a world with rows in most tables
    assert every_row(runtime) == live


def test_a_projection_that_cannot_be_rebuilt_is_named_and_the_others_reach_the_head(cli, client, runtime, request):
    head = a_town_with_a_season_of_posts(client, runtime)
    request.getfixturevalue("an_audit_trail_that_refuses_every_row")  # after the service has built it

    rebuilt = cli("projections", "rebuild", "--processes", "2")

    assert rebuilt.exit_code == 1
    assert "the rebuild did not finish" in rebuilt.output and "audit_trail" in rebuilt.output
    positions = runtime.views.positions()
    assert positions["audit_trail"] == 0
    assert all(positions[name] == head for name in rebuildable(runtime) if name != "audit_trail")


def test_the_projections_are_spread_over_the_processes_by_their_cost():
    names = list(COST)

    two = groups(names, 2)

    assert sorted(name for group in two for name in group) == sorted(names)
    costs = [sum(COST[name] for name in group) for group in two]
    assert max(costs) - min(costs) <= min(COST.values())  # as even as one projection's cost allows
    assert all(group == [name for name in names if name in group] for group in two)  # each in the given order
    assert groups(names, 1) == [names] and groups(["diary"], 4) == [["diary"]]


def test_a_batch_the_database_refuses_once_is_applied_again_and_the_rebuild_finishes(cli, client, runtime, monkeypatch):
    head = a_town_with_a_season_of_posts(client, runtime)
    live = every_row(runtime)
    projection = type(runtime.views.projection("channel_register"))
    applied, refused = projection.process_batch, []

    def deadlocked_once(self, events, tracking):  # as when another rebuilding process's batch locked first
        if not refused:
            refused.append(tracking.notification_id)
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        return applied(self, events, tracking)

    monkeypatch.setattr(projection, "process_batch", deadlocked_once)
    rebuilt = cli("projections", "rebuild", "--processes", "1")

    assert rebuilt.exit_code == 0, rebuilt.output
    assert refused and runtime.views.positions()["channel_register"] == head
    assert every_row(runtime) == live
