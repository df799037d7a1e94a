"""Issue 11, item 3: every ``kanalarkiv`` command reports a failure as ``error: …`` on standard
error with exit status 2, as the README promises — also one nobody foresaw — and never dies
with a traceback."""

from __future__ import annotations

import psycopg
import pytest
from conftest import REPO, staff
from editorial_story import given_a_municipality_with_an_active_page
from snapshot_story import tiny_png, upload
from typer.testing import CliRunner

from kanalarkiv.adapters.availability import DatabaseUnavailable
from kanalarkiv.cli.main import app
from kanalarkiv.runtime import Runtime


@pytest.fixture
def cli(runtime, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", runtime.database_url)
    monkeypatch.setenv("KANALARKIV_DATA_DIR", str(REPO / "var"))
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_a_lost_snapshot_key_stops_the_archival_package_with_an_error_naming_it(client, runtime, cli, tmp_path):
    town = given_a_municipality_with_an_active_page(client, runtime)
    snapshot = upload(town, staff(runtime, role="webmaster", name="Wilma Webb"), tiny_png()).json()
    with psycopg.connect(runtime.database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM record_keys WHERE key_id = %s", (f"record:{snapshot['id']}",))

    result = cli(
        "archive-package",
        "--org",
        "valdemarsvik",
        "--channel",
        town.channel_id,
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--out",
        str(tmp_path / "leverans.tar"),
    )

    assert result.exit_code == 2, result.output
    assert f"error: the key store has no key record:{snapshot['id']}" in " ".join(result.output.split())
    assert "Traceback" not in result.output and not (tmp_path / "leverans.tar").exists()


COMMANDS = [
    ("org", "list"),
    ("token", "list", "--org", "valdemarsvik"),
    ("projections", "status"),
    ("retention", "check-keys"),
    ("replay", "--org", "valdemarsvik", "--as-of", "2026-03-01T00:00:00Z"),
    (
        "archive-package",
        "--org",
        "valdemarsvik",
        "--channel",
        "5277c9a7-6080-454f-9a8c-a4e324ef5900",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-31",
        "--out",
        "/tmp/never-written.tar",
    ),
    ("heads", "list"),
    ("verify",),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_unforeseen_failure_in_any_command_is_an_error_with_exit_status_2(cli, monkeypatch, command):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(Runtime, "open", broken)
    result = cli(*command)

    assert result.exit_code == 2, result.output
    assert "error: unexpected RuntimeError: the disk caught fire" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_a_bad_instant_for_replay_is_an_error_naming_the_option(cli):
    result = cli("replay", "--org", "valdemarsvik", "--as-of", "igår")
    assert result.exit_code == 2
    assert "error: --as-of: give an ISO 8601 instant" in " ".join(result.output.split())


def test_a_database_that_cannot_be_reached_is_named_as_such_not_as_a_fault(cli, monkeypatch):
    def unavailable(*args, **kwargs):
        raise DatabaseUnavailable("couldn't get a connection after 3.00 sec")

    monkeypatch.setattr(Runtime, "open", unavailable)
    result = cli("org", "list")

    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "error: the database is unreachable or refused the request" in message
    assert "a fault in kanalarkiv" not in message
