"""What the public wrote lies sealed in the webhook inbox: the stored bytes hold no comment text,
the worker still captures it, an inbox kept by an older version in plain is sealed at the next
start (and its plain column dropped), and credentials sealed before the shared sealer still open."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from uuid import uuid4

import orjson
import psycopg
import psycopg.sql
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from webhook_story import PAGE, given_a_connected_source

from kanalarkiv.adapters.credentials import CredentialStore
from kanalarkiv.adapters.keys import load_master_key
from kanalarkiv.adapters.webhook_inbox import InboxChange, WebhookInbox
from kanalarkiv.adapters.webhook_inbox_upgrade import REWRITE_OWED

TEXT = "Min granne har sagt att jag borde klaga på snöröjningen"
COMMENT = {"type": "item", "kind": "comment", "platform_id": "200000000000001_300000000000009",
           "parent_platform_id": f"{PAGE}_299999999999999", "author_name": "Elsa Exempelsson",
           "platform_author_id": "999", "text": TEXT, "published_at": "2026-03-02T10:00:00+00:00",
           "edited_at": None, "attachments": []}  # fmt: skip


def table_bytes(url: str) -> bytes:
    with psycopg.connect(url) as conn:
        return b"".join(orjson.dumps(row, default=str) for row in conn.execute("SELECT * FROM webhook_inbox"))


def test_a_kept_change_is_not_in_the_table_in_plain_and_opens_for_the_worker(runtime, clock):
    page = given_a_connected_source(runtime, clock)
    runtime.webhook_worker.stop()  # the inbox alone is looked at
    inbox = runtime.app.webhook_inbox
    change = InboxChange(page.source_id, page.channel_id, "facebook", "d-1", COMMENT)
    assert inbox.store(page.org_id, "0" * 64, clock(), [change]) == 1
    stored = table_bytes(runtime.database_url)
    assert TEXT.encode() not in stored and b"Elsa" not in stored and "snö".encode() not in stored
    [claimed] = inbox.claim(clock())
    assert claimed.change == COMMENT


def test_a_sealed_change_moved_to_another_row_does_not_open(runtime, clock):
    page = given_a_connected_source(runtime, clock)
    runtime.webhook_worker.stop()
    inbox = runtime.app.webhook_inbox
    inbox.store(page.org_id, "0" * 64, clock(), [InboxChange(page.source_id, page.channel_id, "facebook", "d-1", COMMENT),
                                                 InboxChange(page.source_id, page.channel_id, "facebook", "d-2", {})])  # fmt: skip
    with psycopg.connect(runtime.database_url) as conn:
        conn.execute("UPDATE webhook_inbox SET sealed = (SELECT sealed FROM webhook_inbox WHERE delivery_id = 'd-1')"
                     " WHERE delivery_id = 'd-2'")  # fmt: skip
    claimed = inbox.claim(clock())
    assert [c.delivery_id for c in claimed] == ["d-1"]
    with psycopg.connect(runtime.database_url) as conn:
        state, reason = conn.execute("SELECT state, reason FROM webhook_inbox WHERE delivery_id = 'd-2'").fetchone()
    assert state == "failed" and reason.startswith("Unsealable")


def test_an_inbox_kept_in_plain_by_an_older_version_is_sealed_at_start_and_still_captured(open_runtime, clock):
    runtime = open_runtime(True)
    page = given_a_connected_source(runtime, clock)
    runtime.webhook_worker.stop()
    # As the table stood before: the change in plain in a jsonb column, one pending and one failed.
    with psycopg.connect(runtime.database_url) as conn:
        conn.execute("ALTER TABLE webhook_inbox ADD COLUMN change jsonb")
        for delivery, state in (("old-pending", "pending"), ("old-failed", "failed")):
            conn.execute(
                "INSERT INTO webhook_inbox (org_id, source_id, channel_id, platform, delivery_id, body_sha256, change,"
                " received_at, state) VALUES (%s, %s, %s, 'facebook', %s, %s, %s, %s, %s)",
                (page.org_id, page.source_id, page.channel_id, delivery, "0" * 64, orjson.dumps(COMMENT).decode(),
                 datetime(2026, 3, 2, 10, tzinfo=UTC), state),
            )  # fmt: skip
    assert TEXT.encode() in table_bytes(runtime.database_url)

    upgraded = open_runtime(True)  # the next start

    assert TEXT.encode() not in table_bytes(upgraded.database_url)
    with psycopg.connect(upgraded.database_url) as conn:
        columns = {row[0] for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'webhook_inbox'")}  # fmt: skip
        [mark] = conn.execute("SELECT obj_description('webhook_inbox'::regclass, 'pg_class')").fetchone()
    assert "change" not in columns and mark is None  # rewritten, and no rewrite owed
    page.runtime = upgraded
    # The pending one is taken by the worker (it fails: its post is not recorded, so it stays, sealed).
    assert page.drained() == {"failed": 2}
    [one, _] = upgraded.app.webhook_care.failed(page.org_id, content=True)
    assert one.change == COMMENT


def test_a_rewrite_of_the_sealed_inbox_that_did_not_happen_is_done_at_the_next_start(open_runtime, clock):
    runtime = open_runtime(True)
    given_a_connected_source(runtime, clock)
    # As a start leaves the table when its VACUUM FULL failed (the disk full, the process killed):
    # the plain column gone and every row sealed, but the old row versions still in its files.
    with psycopg.connect(runtime.database_url) as conn:
        conn.execute(psycopg.sql.SQL("COMMENT ON TABLE webhook_inbox IS {}").format(psycopg.sql.Literal(REWRITE_OWED)))

    upgraded = open_runtime(True)  # the next start

    with psycopg.connect(upgraded.database_url) as conn:
        [mark] = conn.execute("SELECT obj_description('webhook_inbox'::regclass, 'pg_class')").fetchone()
    assert mark is None  # rewritten (VACUUM FULL), and the mark cleared only after it


def test_credentials_sealed_before_the_shared_sealer_still_open(open_runtime, settings):
    runtime = open_runtime(False)
    master = load_master_key(settings.master_key, settings.data_dir)
    org, credentials_id = uuid4(), uuid4()
    # Sealed as credentials.py sealed them before the sealer was shared.
    aead = AESGCM(HKDF(hashes.SHA256(), 32, salt=None, info=b"kanalarkiv capture credentials v1").derive(master))
    nonce = secrets.token_bytes(12)
    sealed = nonce + aead.encrypt(nonce, b'{"access_token":"invented-old-token"}',
                                  f"capture-credentials/{credentials_id}/{org}".encode())  # fmt: skip
    with psycopg.connect(runtime.database_url) as conn:
        conn.execute("INSERT INTO capture_credentials (credentials_id, org_id, sealed) VALUES (%s, %s, %s)",
                     (credentials_id, org, sealed))  # fmt: skip
    opened = CredentialStore(runtime.app.datastore, master).open(credentials_id, org)
    assert opened.access_token.reveal() == "invented-old-token"
    assert isinstance(runtime.app.webhook_inbox, WebhookInbox)
