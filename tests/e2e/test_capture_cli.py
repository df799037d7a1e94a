"""The operator imports an export at the server: a progress bar, a summary of the counts, and a
bad file refused with a message naming it and exit status 2."""

from __future__ import annotations

import pytest
from capture_story import X_ACCOUNT, generic_export, given_a_channel, x_archive_copy
from typer.testing import CliRunner

from kanalarkiv.cli.main import app


@pytest.fixture
def cli(database_url, open_runtime, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_an_operator_imports_an_x_archive_after_a_dry_run(cli, runtime, tmp_path):
    channel = given_a_channel(runtime, X_ACCOUNT)
    archive = x_archive_copy(tmp_path)
    before = runtime.head()

    dry = cli(
        "capture", "import", "--channel", str(channel.channel_id), "--format", "x-archive", str(archive), "--dry-run"
    )
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing was recorded" in dry.stdout and runtime.head() == before

    done = cli("capture", "import", "--channel", str(channel.channel_id), "--format", "x-archive", str(archive))
    assert done.exit_code == 0, done.output
    assert "recorded capture run" in done.stdout
    for line in ("new", "edited", "account deleted"):
        assert line in done.stdout
    runtime.views.wait_for("capture_runs", runtime.head())
    [run] = runtime.views.capture_runs.runs_of(channel.channel_id)
    assert run["run_by_id"].startswith("operator:") and run["run_by_role"] == "capture_client"


def test_a_bad_file_is_refused_with_its_name_and_line_and_exit_2(cli, runtime, tmp_path):
    channel = given_a_channel(runtime)
    path = generic_export(tmp_path)
    path.write_bytes(path.read_bytes()[:900])
    refused = cli("capture", "import", "--channel", str(channel.channel_id), "--format", "generic", str(path))
    assert refused.exit_code == 2
    assert "error: file: export.json line" in refused.output and "nothing of it was recorded" in refused.output
    unknown = cli("capture", "import", "--channel", str(channel.channel_id), "--format", "myspace", str(path))
    assert unknown.exit_code == 2 and "not a capture format" in unknown.output
