"""The operator's CLI: organisations and tokens, with clear errors and non-zero exits."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kanalarkiv.cli.main import app


@pytest.fixture
def cli(database_url, open_runtime, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_an_operator_registers_an_organisation_and_issues_a_token(cli, runtime):
    created = cli(
        "org", "create", "--slug", "valdemarsvik", "--name", "Valdemarsviks kommun", "--number", "212000-0522"
    )
    token = cli("token", "create", "--org", "valdemarsvik", "--role", "records_officer", "--name", "Rita Registrator")
    listed = cli("org", "list")
    tokens = cli("token", "list", "--org", "valdemarsvik")

    assert created.exit_code == 0, created.output
    assert "registered organisation valdemarsvik" in created.output
    assert token.exit_code == 0
    secret = token.stdout.strip().splitlines()[-1]
    assert secret.startswith("ka_") and len(secret) > 40
    assert "Valdemarsviks kommun" in listed.output and "212000-0522" in listed.output
    assert "Rita Registrator" in tokens.output and secret not in tokens.output
    runtime.views.wait_for("access_tokens", runtime.head())
    assert runtime.views.access_tokens.active_token(secret) is None  # only the hash is stored


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("org", "create", "--slug", "Valdemarsvik!", "--name", "X", "--number", "212000-0522"), "slug"),
        (("org", "create", "--slug", "v", "--name", "X", "--number", "212000-0521"), "check digit"),
        (("org", "create", "--slug", "v", "--name", "  ", "--number", "212000-0522"), "name"),
        (("token", "create", "--org", "nowhere", "--role", "manager", "--name", "X"), "no organisation"),
        (("token", "revoke", "not-a-uuid", "--reason", "x"), "not a UUID"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_a_non_zero_exit(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_a_second_organisation_with_the_same_slug_or_number_is_refused(cli, runtime):
    cli("org", "create", "--slug", "valdemarsvik", "--name", "Valdemarsviks kommun", "--number", "212000-0522")
    head = runtime.head()
    same_slug = cli("org", "create", "--slug", "valdemarsvik", "--name", "Annan", "--number", "212000-0530")
    same_number = cli("org", "create", "--slug", "annan", "--name", "Annan", "--number", "2120000522")
    assert same_slug.exit_code == 2 and "already registered" in same_slug.output
    assert same_number.exit_code == 2 and "212000-0522 is already registered" in same_number.output
    assert runtime.head() == head


def test_a_token_of_an_unknown_role_is_refused(cli, runtime):
    cli("org", "create", "--slug", "valdemarsvik", "--name", "Valdemarsviks kommun", "--number", "212000-0522")
    result = cli("token", "create", "--org", "valdemarsvik", "--role", "king", "--name", "X")
    assert result.exit_code == 2 and "role: must be one of" in result.output


def test_projections_can_be_rebuilt_from_the_cli(cli, runtime):
    cli("org", "create", "--slug", "valdemarsvik", "--name", "Valdemarsviks kommun", "--number", "212000-0522")
    runtime.supervisor.stop()
    rebuilt = cli("projections", "rebuild", "organisations")
    unknown = cli("projections", "rebuild", "nonsense")
    status = cli("projections", "status")
    assert rebuilt.exit_code == 0 and "rebuilt organisations: 2 events read, position 2" in rebuilt.output
    assert "rebuilding organisations: 2 of 2 events (100%)" in rebuilt.output  # the progress, as a plain line
    assert unknown.exit_code == 2 and "no projection named 'nonsense'" in unknown.output
    assert "organisations" in status.output
