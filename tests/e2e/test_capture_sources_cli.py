"""The operator connects a channel's feed and its Facebook Page at the server, lists them, tries
one, polls it now with a progress bar, and disconnects it; a source that fails says why, exit 1;
the token is read from the environment, never an argument, and never printed."""

from __future__ import annotations

import pytest
from capture_story import given_a_channel
from live_story import fake
from source_story import KINDS, PAGE
from typer.testing import CliRunner

from kanalarkiv.cli.main import app

__all__ = ["fake"]


@pytest.fixture
def cli(database_url, open_runtime, monkeypatch, fake):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KANALARKIV_FACEBOOK_BASE_URL", fake.base_url)
    monkeypatch.setenv("KANALARKIV_RUN_POLLER", "false")
    monkeypatch.setenv("PAGE_TOKEN", fake.facebook.token)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_an_operator_connects_lists_tries_polls_and_disconnects_a_page(cli, runtime, fake, clock):
    clock.advance(hours=3)
    channel = given_a_channel(runtime)
    KINDS["facebook_page"].first(fake)
    added = cli("capture", "sources", "add", "--channel", str(channel.channel_id), "--kind", "facebook_page",
                "--platform-id", PAGE, "--token-env", "PAGE_TOKEN")  # fmt: skip
    assert added.exit_code == 0, added.output
    source_id = added.stdout.split()[2]

    listed = cli("capture", "sources", "list")
    assert listed.exit_code == 0 and source_id in listed.stdout and "new" in listed.stdout
    tried = cli("capture", "sources", "test", source_id)
    assert tried.exit_code == 0 and tried.stdout.startswith("ok:")

    polled = cli("capture", "run", "--source", source_id)
    assert polled.exit_code == 0, polled.output
    assert "recorded capture run" in polled.stdout and "next poll due" in polled.stdout
    assert "│ new                │ 6" in polled.stdout

    fake.facebook.token_error = 463
    failed = cli("capture", "run", "--source", source_id)
    assert failed.exit_code == 1 and "credentials_expired" in failed.output and "polling stopped" in failed.output
    failing = cli("capture", "sources", "list", "--state", "failing")
    assert source_id in failing.stdout and "credentials_expired" in failing.stdout

    gone = cli("capture", "sources", "disconnect", source_id, "--reason", "sidan är nedlagd")
    assert gone.exit_code == 0 and "credentials destroyed" in gone.stdout
    for result in (added, listed, tried, polled, failed, failing, gone):
        assert fake.facebook.token not in result.output


def test_bad_input_is_refused_with_a_message_and_exit_2(cli, runtime, fake):
    channel = given_a_channel(runtime)
    bad_kind = cli("capture", "sources", "add", "--channel", str(channel.channel_id), "--kind", "myspace",
                   "--token-env", "PAGE_TOKEN")  # fmt: skip
    assert bad_kind.exit_code == 2 and "kind" in bad_kind.output
    assert cli("capture", "run", "--source", "not-a-uuid").exit_code == 2
    empty = cli("capture", "sources", "add", "--channel", str(channel.channel_id), "--kind", "facebook_page",
                "--platform-id", PAGE, "--token-env", "NO_SUCH_VARIABLE")  # fmt: skip
    assert empty.exit_code == 2 and "holds no token" in empty.output
