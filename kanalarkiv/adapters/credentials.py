"""A capture source's credentials — the platform's access token, a refresh token, the app secret
that signs its webhooks, the verify token of its subscription — kept outside the event log, in
the table ``capture_credentials``, sealed (``kanalarkiv.adapters.sealer``: AES-256-GCM under a key
derived with HKDF-SHA256 from the master key for this purpose), and bound (the associated data) to their id and organisation so a row moved to
another cannot be opened.

Events, logs, API answers and exports hold only the credentials' id (``CaptureSource``'s
``credentials_id``); a disconnection destroys the row's ciphertext. Unlike a record's key, a
credential is no record: it is destroyed outright, and the service keeps no copy but backups of
this table (which are as useless as the table without the master key)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from uuid import UUID

import orjson
from eventsourcing.postgres import PostgresDatastore

from domain.secret import Secret
from kanalarkiv.adapters.sealer import Sealer, Unsealable

CREATE = """CREATE TABLE IF NOT EXISTS capture_credentials (
    credentials_id uuid PRIMARY KEY,
    org_id uuid NOT NULL,
    sealed bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    replaced_at timestamptz,
    destroyed_at timestamptz
)"""
PURPOSE = b"kanalarkiv capture credentials v1"  # the HKDF info: credentials sealed before open under it


class CredentialsMissing(LookupError):
    """No credentials under that id for that organisation, or they were destroyed."""


@dataclass(frozen=True)
class Credentials:
    """What a source needs to be read and to check its webhooks; each a ``Secret``, so the
    dataclass's own ``repr`` shows none of them."""

    access_token: Secret | None = None
    refresh_token: Secret | None = None
    app_secret: Secret | None = None  # also the OAuth client's secret, where a refresh token needs it (Google)
    verify_token: Secret | None = None
    client_id: Secret | None = None  # the OAuth client a refresh token was issued to (Google)

    def _plain(self) -> bytes:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return orjson.dumps({name: value.reveal() for name, value in values.items() if value is not None})

    @classmethod
    def _of(cls, plain: bytes) -> Credentials:
        return cls(**{name: Secret(value) for name, value in orjson.loads(plain).items()})


class CredentialStore:
    def __init__(self, datastore: PostgresDatastore, master_key: bytes):
        self.datastore = datastore
        self._sealer = Sealer(master_key, PURPOSE)

    def create_table(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(CREATE)

    def seal(self, org_id: UUID, credentials: Credentials) -> UUID:
        """Store new credentials; their id is what the capture source refers to."""
        credentials_id = uuid.uuid4()
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                "INSERT INTO capture_credentials (credentials_id, org_id, sealed) VALUES (%s, %s, %s)",
                (credentials_id, org_id, self._sealed(credentials_id, org_id, credentials)),
            )
        return credentials_id

    def replace(self, credentials_id: UUID, org_id: UUID, credentials: Credentials) -> None:
        """New secrets under the same id (a refreshed token)."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                "UPDATE capture_credentials SET sealed = %s, replaced_at = now()"
                " WHERE credentials_id = %s AND org_id = %s AND sealed IS NOT NULL",
                (self._sealed(credentials_id, org_id, credentials), credentials_id, org_id),
            )
            if curs.rowcount != 1:
                raise CredentialsMissing(f"no live credentials {credentials_id} in this organisation")

    def open(self, credentials_id: UUID, org_id: UUID) -> Credentials:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            row = curs.execute(
                "SELECT sealed FROM capture_credentials WHERE credentials_id = %s AND org_id = %s",
                (credentials_id, org_id),
            ).fetchone()
        if row is None or row["sealed"] is None:
            raise CredentialsMissing(f"no live credentials {credentials_id} in this organisation")
        try:
            plain = self._sealer.open(bytes(row["sealed"]), _bound(credentials_id, org_id))
        except Unsealable:
            raise CredentialsMissing(f"credentials {credentials_id} do not open under this master key") from None
        return Credentials._of(plain)

    def destroy(self, credentials_id: UUID, org_id: UUID) -> bool:
        """Overwrite the ciphertext (a disconnected source); whether there was one to destroy."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                "UPDATE capture_credentials SET sealed = NULL, destroyed_at = now()"
                " WHERE credentials_id = %s AND org_id = %s AND sealed IS NOT NULL",
                (credentials_id, org_id),
            )
            return bool(curs.rowcount)

    def _sealed(self, credentials_id: UUID, org_id: UUID, credentials: Credentials) -> bytes:
        return self._sealer.seal(credentials._plain(), _bound(credentials_id, org_id))


def _bound(credentials_id: UUID, org_id: UUID) -> bytes:
    return f"capture-credentials/{credentials_id}/{org_id}".encode()
