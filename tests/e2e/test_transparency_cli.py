"""The auditor's CLI: `verify` the log from the database, `export` an organisation's log and
`verify-export` it with nothing but the file and the public key, sign and list heads, and get
and check proofs. Failures exit with 1 and say where."""

from __future__ import annotations

import json

import orjson
import psycopg
import pytest
from conftest import FACEBOOK_PAGE, register_organisation
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from domain.actors import Actor, Role
from kanalarkiv.application.context import acting_as
from kanalarkiv.cli.main import app
from kanalarkiv.transparency.signing import public_key_pem


@pytest.fixture
def cli(database_url, settings, open_runtime, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KANALARKIV_DATA_DIR", str(settings.data_dir))  # the same signing key as the runtime's
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def two_organisations_with_channels(runtime) -> dict[str, int]:
    """Valdemarsvik and Ydre, each with channels; returns each one's number of events."""
    counts = {}
    for slug, name, number in (
        ("valdemarsvik", "Valdemarsviks kommun", "212000-0522"),
        ("ydre", "Ydre kommun", "212000-0514"),
    ):
        before = runtime.head()
        org_id = register_organisation(runtime, slug, name, number)
        with acting_as(Actor(f"chef-{slug}", "Chef", Role.MANAGER, org_id)):
            for n in range(3):
                channel = runtime.app.register_channel(org_id, **FACEBOOK_PAGE | {"name": f"{name} {n}"})
                runtime.app.activate_channel(channel.id)
        counts[slug] = runtime.head() - before
    return counts


@pytest.fixture
def public_key_file(cli, tmp_path):
    path = tmp_path / "kanalarkiv.pub"
    result = cli("heads", "public-key")
    assert result.exit_code == 0 and result.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    path.write_text(result.stdout)
    return path


def test_an_auditor_verifies_the_log_and_is_told_where_it_was_changed(cli, runtime):
    two_organisations_with_channels(runtime)
    signed = cli("heads", "sign")
    clean = cli("verify")
    with psycopg.connect(runtime.database_url, autocommit=True) as conn:
        conn.execute(
            f"UPDATE {runtime.app.recorder.events_table_name} SET state = state || ' '::bytea WHERE notification_id = 6"
        )
    tampered = cli("verify")
    as_json = json.loads(cli("verify", "--json").stdout)

    assert signed.exit_code == 0 and f"signed the head of size {runtime.head()}" in signed.stdout
    assert clean.exit_code == 0 and "OK: every event is the one that was hashed" in clean.stdout
    assert "events/s" in clean.stdout
    size = runtime.head()
    assert f"verifying the log: {size:,} of {size:,} events (100%)" in clean.stderr  # progress, on stderr
    assert tampered.exit_code == 1
    assert "FAILED at tree index 5 (log position 6)" in tampered.stdout and "altered" in tampered.stdout
    assert not as_json["ok"] and as_json["first_failure"]["kind"] == "altered"
    assert (as_json["first_failure"]["tree_index"], as_json["first_failure"]["position"]) == (5, 6)


def test_heads_kept_by_an_auditor_are_checked_by_verify(cli, runtime, tmp_path):
    two_organisations_with_channels(runtime)
    cli("heads", "sign")
    kept = tmp_path / "heads.jsonl"
    kept.write_text(cli("heads", "list", "--json").stdout)
    with psycopg.connect(runtime.database_url, autocommit=True) as conn:
        conn.execute("TRUNCATE signed_tree_heads")
        conn.execute(
            f"DELETE FROM {runtime.app.recorder.events_table_name} WHERE notification_id = (SELECT max("
            f"notification_id) FROM {runtime.app.recorder.events_table_name})"
        )
        conn.execute("DELETE FROM merkle_leaves WHERE tree_index = (SELECT max(tree_index) FROM merkle_leaves)")
        conn.execute("DELETE FROM merkle_nodes WHERE end_index = (SELECT max(end_index) FROM merkle_nodes)")

    alone = cli("verify")
    with_kept = cli("verify", "--heads", kept)

    assert alone.exit_code == 0  # the database agrees with itself once its heads are gone...
    assert with_kept.exit_code == 1 and "covers more events than the log holds" in with_kept.stdout


def test_an_auditor_exports_an_organisation_and_verifies_it_with_only_the_file_and_the_key(
    cli, runtime, tmp_path, public_key_file
):
    counts = two_organisations_with_channels(runtime)
    export = tmp_path / "valdemarsvik.jsonl"

    exported = cli("export", "--org", "valdemarsvik", "--out", export)
    verified = cli("verify-export", export, "--public-key", public_key_file)

    assert exported.exit_code == 0, exported.output
    assert f"exported {counts['valdemarsvik']} events of valdemarsvik" in exported.stdout
    size = runtime.head()
    assert f"exporting valdemarsvik: {size:,} of {size:,} events scanned (100%)" in exported.stderr  # progress
    lines = [orjson.loads(line) for line in export.read_bytes().splitlines()]
    assert [line["kind"] for line in lines] == ["export", "tree_head", *["event"] * counts["valdemarsvik"], "end"]
    assert lines[1]["tree_size"] == runtime.head()  # a head was signed for the export
    assert verified.exit_code == 0, verified.output
    assert (
        f"OK: {counts['valdemarsvik']} events of valdemarsvik are in the log of size {runtime.head()}"
        in verified.stdout
    )


def test_a_changed_or_missing_line_in_an_export_is_found_offline(cli, runtime, tmp_path, public_key_file):
    two_organisations_with_channels(runtime)
    export = tmp_path / "ydre.jsonl"
    cli("export", "--org", "ydre", "--out", export)
    lines = export.read_bytes().splitlines()

    changed = [*lines]
    event = orjson.loads(changed[4])
    event["state"] = event["state"][:-4] + "AAAA"
    changed[4] = orjson.dumps(event)
    (tmp_path / "changed.jsonl").write_bytes(b"\n".join(changed))
    missing = [*lines[:4], *lines[5:]]  # a channel's registration
    (tmp_path / "missing.jsonl").write_bytes(b"\n".join(missing))
    other_key = tmp_path / "other.pub"
    other_key.write_text(public_key_pem(Ed25519PrivateKey.generate().public_key()))

    results = {
        name: cli("verify-export", tmp_path / name, "--public-key", key)
        for name, key in (
            ("changed.jsonl", public_key_file),
            ("missing.jsonl", public_key_file),
            ("ydre.jsonl", other_key),
        )
    }

    assert results["changed.jsonl"].exit_code == 1
    assert "line 5: the event at log position" in results["changed.jsonl"].stdout
    assert "does not hash to the leaf hash" in results["changed.jsonl"].stdout
    assert results["missing.jsonl"].exit_code == 1
    assert "events of it are missing" in results["missing.jsonl"].stdout
    assert "the end line counts" in results["missing.jsonl"].stdout
    assert results["ydre.jsonl"].exit_code == 1  # a key that is not the log's proves nothing
    assert "nothing in the export can be trusted" in results["ydre.jsonl"].stdout


def test_proofs_from_the_cli_check_offline(cli, runtime, tmp_path, public_key_file):
    two_organisations_with_channels(runtime)
    cli("heads", "sign")
    first = runtime.head()
    with acting_as(Actor("chef", "Chef", Role.MANAGER, runtime.app.organisation_by_slug("ydre").id)):
        runtime.app.register_channel(runtime.app.organisation_by_slug("ydre").id, **FACEBOOK_PAGE)
    cli("heads", "sign")

    inclusion = cli("proof", "inclusion", 3)
    consistency = cli("proof", "consistency", first)
    (tmp_path / "inclusion.json").write_text(inclusion.stdout)
    (tmp_path / "consistency.json").write_text(consistency.stdout)
    broken = json.loads(consistency.stdout) | {"second": first + 2}
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    listed = cli("heads", "list")

    assert json.loads(inclusion.stdout)["tree_size"] == first + 1
    for name in ("inclusion.json", "consistency.json"):
        checked = cli("proof", "check", tmp_path / name, "--public-key", public_key_file)
        assert checked.exit_code == 0 and checked.stdout.startswith("OK: "), checked.output
    refused = cli("proof", "check", tmp_path / "broken.json", "--public-key", public_key_file)
    assert refused.exit_code == 1 and refused.stdout.startswith("FAILED")
    assert str(first) in listed.stdout and str(first + 1) in listed.stdout
    unknown = cli("proof", "inclusion", 999)
    assert unknown.exit_code == 2 and "log position 999 is not in the hash tree" in unknown.output


def test_rebuilding_all_projections_leaves_the_hash_tree_alone(cli, runtime):
    two_organisations_with_channels(runtime)
    runtime.views.wait_for("log_hashes", runtime.head())
    runtime.supervisor.stop()

    everything = cli("projections", "rebuild")
    tree = cli("projections", "rebuild", "log_hashes")

    assert everything.exit_code == 0 and "log_hashes" not in everything.stdout
    assert tree.exit_code == 2 and "is not rebuilt" in tree.output
    assert cli("verify").exit_code == 0
