"""A capture source's credentials are secrets: sealed outside the log in their own table, opened
only by their id and organisation under the master key, destroyed on disconnection — and never
in the log, a repr or a log line. The assertions are on the stored bytes."""

from __future__ import annotations

import logging
import pickle
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import psycopg
import pytest

from domain.actors import Actor, Role
from domain.capture_source import CaptureSource
from domain.secret import Secret
from kanalarkiv.adapters.credentials import Credentials, CredentialsMissing, CredentialStore
from kanalarkiv.adapters.keys import load_master_key

TOKEN = "test-page-token-not-a-real-credential"
APP_SECRET = "invented-app-secret-0123456789"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(open_runtime, settings):
    runtime = open_runtime(False)
    credentials = CredentialStore(
        runtime.app.factory.datastore, load_master_key(settings.master_key, settings.data_dir)
    )
    credentials.create_table()
    return runtime, credentials


def stored_bytes(url: str) -> bytes:
    """Every byte of the log, the credentials and the record keys, as a dump would hold them."""
    with psycopg.connect(url) as conn:
        rows = [
            *conn.execute("SELECT state FROM kanalarkiv_events").fetchall(),
            *conn.execute("SELECT coalesce(sealed, '') FROM capture_credentials").fetchall(),
            *conn.execute("SELECT coalesce(wrapped, '') FROM record_keys").fetchall(),
        ]
    return b"".join(bytes(row[0]) for row in rows)


def test_sealed_credentials_open_by_their_id_and_organisation_and_are_nowhere_in_plain(store, caplog):
    runtime, credentials = store
    org = uuid4()
    secrets = Credentials(access_token=Secret(TOKEN), app_secret=Secret(APP_SECRET))
    with caplog.at_level(logging.DEBUG):
        sealed = credentials.seal(org, secrets)
        manager = Actor("anna", "Anna Chef", Role.MANAGER, org)
        source = CaptureSource.connect(
            uuid4(), org, uuid4(), "facebook", "facebook_page", platform_id="104000000000001",
            url=None, polling_interval=timedelta(minutes=15), credentials_id=sealed, by=manager, at=T0,
        )  # fmt: skip
        runtime.app.save(source)
        opened = credentials.open(sealed, org)
    assert opened.access_token.reveal() == TOKEN and opened.app_secret.reveal() == APP_SECRET
    everything = stored_bytes(runtime.database_url)
    assert sealed.hex.encode() in everything  # the log names the credentials…
    assert TOKEN.encode() not in everything and APP_SECRET.encode() not in everything  # …never holds them
    assert TOKEN not in repr(opened) and TOKEN not in str(opened) and TOKEN not in caplog.text


def test_credentials_do_not_open_for_another_organisation_or_under_another_master_key(store):
    runtime, credentials = store
    org = uuid4()
    sealed = credentials.seal(org, Credentials(access_token=Secret(TOKEN)))
    with pytest.raises(CredentialsMissing):
        credentials.open(sealed, uuid4())
    other = CredentialStore(runtime.app.factory.datastore, b"\x01" * 32)
    with pytest.raises(CredentialsMissing):
        other.open(sealed, org)


def test_replaced_credentials_open_as_the_new_ones_and_destroyed_ones_not_at_all(store):
    _runtime, credentials = store
    org = uuid4()
    sealed = credentials.seal(org, Credentials(access_token=Secret(TOKEN)))
    credentials.replace(sealed, org, Credentials(access_token=Secret("test-refreshed-token-not-a-real-credential")))
    assert credentials.open(sealed, org).access_token.reveal() == "test-refreshed-token-not-a-real-credential"
    assert credentials.destroy(sealed, org) is True and credentials.destroy(sealed, org) is False
    with pytest.raises(CredentialsMissing):
        credentials.open(sealed, org)
    with pytest.raises(CredentialsMissing):
        credentials.replace(sealed, org, Credentials(access_token=Secret(TOKEN)))


def test_a_secret_shows_itself_nowhere_but_reveal():
    secret = Secret(TOKEN)
    assert TOKEN not in f"{secret} {secret!r} {[secret]} {Credentials(access_token=secret)}"
    with pytest.raises(TypeError):
        pickle.dumps(secret)
