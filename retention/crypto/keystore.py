"""The key store: one AES-256 key per record (and per data subject), kept outside the event log
in the table ``record_keys``, each wrapped (RFC 3394) by the master key from the environment.

Destroying a key is disposal: the wrapped key is overwritten with NULL and the row keeps who
destroyed it under which decision, so "disposed" and "lost" can always be told apart: a key that
is missing without a disposal is an error naming the record."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap
from eventsourcing.postgres import PostgresDatastore

from domain.errors import InvalidTransition

CREATE = """CREATE TABLE IF NOT EXISTS record_keys (
    key_id text PRIMARY KEY,
    org_id uuid NOT NULL,
    wrapped bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    destroyed_at timestamptz,
    destroyed_by_decision uuid,
    destroyed_reference text
)"""


class KeyMissing(RuntimeError):
    """A record's key is gone from the key store although no disposal destroyed it."""


class KeyDestroyedForWriting(InvalidTransition):
    """New content cannot be written under the key of a record already disposed of."""


@dataclass(frozen=True)
class Destroyed:
    reference: str
    at: datetime


SUBJECT_IDS_REMEMBERED = 100_000  # a few MB; a pure function of its arguments, so forgetting is harmless


class KeyStore:
    def __init__(self, datastore: PostgresDatastore, master_key: bytes, cache_seconds: float = 1.0):
        self.datastore = datastore
        self._master = master_key
        self._cache: dict[str, tuple[float, bytes]] = {}
        self._cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._subject_ids: dict[tuple[UUID, str], str] = {}

    def create_table(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(CREATE)

    def subject_key_id(self, org_id: UUID, subject: str) -> str:
        """A data subject's key id, which does not reveal who the subject is. Remembered: a bulk
        capture asks for the same few subjects' ids for each of its thousands of events."""
        known = self._subject_ids.get((org_id, subject))
        if known is None:
            digest = hmac.new(self._master, f"{org_id}/{subject}".encode(), hashlib.sha256).hexdigest()
            if len(self._subject_ids) >= SUBJECT_IDS_REMEMBERED:
                self._subject_ids.clear()
            known = self._subject_ids[(org_id, subject)] = f"subject:{digest[:40]}"
        return known

    # Writing

    def keys_for_writing(self, org_id: UUID, key_ids: list[str]) -> dict[str, tuple[str, bytes]]:
        """Each requested id mapped to (the id actually used, the key), created when new. A
        destroyed subject key is succeeded by a fresh generation; a destroyed record key refuses."""
        found: dict[str, tuple[str, bytes]] = {}
        for key_id in key_ids:
            cached = self._cached(key_id)
            found[key_id] = (key_id, cached) if cached else self._get_or_create(org_id, key_id)
        return found

    def prepare_for_writing(self, org_id: UUID, key_ids: list[str]) -> dict[str, bytes]:
        """Create (where new) and cache many keys before a batch is stored: one statement, and one
        more to read those that were there already. The live keys among them, by id (a destroyed
        one is left to ``keys_for_writing``'s own rules)."""
        live: dict[str, bytes] = {}
        wanted = []
        for key_id in set(key_ids):
            cached = self._cached(key_id)
            if cached is None:
                wanted.append(key_id)
            else:
                live[key_id] = cached
        if not wanted:
            return live
        wanted.sort()
        keys = {key_id: secrets.token_bytes(32) for key_id in wanted}
        with self.datastore.transaction(commit=True) as curs:
            inserted = curs.execute(
                "INSERT INTO record_keys (key_id, org_id, wrapped) SELECT k, %s, w"
                " FROM unnest(%s::text[], %b::bytea[]) AS t(k, w) ON CONFLICT (key_id) DO NOTHING RETURNING key_id",
                (org_id, wanted, [aes_key_wrap(self._master, keys[key_id]) for key_id in wanted]),
            ).fetchall()
            new = {row["key_id"] for row in inserted}
            # Keys that were there already (another writer's, or a destroyed one's row): read, not ours.
            there = [key_id for key_id in wanted if key_id not in new]
            rows = (
                curs.execute("SELECT key_id, wrapped FROM record_keys WHERE key_id = ANY(%s)", (there,)).fetchall()
                if there
                else []
            )
        for key_id in new:
            live[key_id] = keys[key_id]
            self._remember(key_id, keys[key_id])
        for row in rows:
            if row["wrapped"] is not None:  # destroyed ones are left to keys_for_writing's own rules
                live[row["key_id"]] = key = aes_key_unwrap(self._master, bytes(row["wrapped"]))
                self._remember(row["key_id"], key)
        return live

    def _get_or_create(self, org_id: UUID, key_id: str) -> tuple[str, bytes]:
        generation, current = 0, key_id
        while True:
            key = secrets.token_bytes(32)
            with self.datastore.transaction(commit=True) as curs:
                curs.execute(
                    "INSERT INTO record_keys (key_id, org_id, wrapped) VALUES (%s, %s, %s)"
                    " ON CONFLICT (key_id) DO NOTHING",
                    (current, org_id, aes_key_wrap(self._master, key)),
                )
                row = curs.execute("SELECT wrapped FROM record_keys WHERE key_id = %s", (current,)).fetchone()
            assert row is not None, "the key was just inserted, or was there already"
            if row["wrapped"] is not None:
                unwrapped = aes_key_unwrap(self._master, bytes(row["wrapped"]))
                self._remember(current, unwrapped)
                return current, unwrapped
            if not key_id.startswith("subject:"):
                raise KeyDestroyedForWriting(f"{key_id} was destroyed by a disposal: the record is disposed of")
            generation += 1
            current = f"{key_id}#{generation}"

    # Reading

    def keys_for_reading(self, key_ids: set[str]) -> dict[str, bytes | Destroyed]:
        result: dict[str, bytes | Destroyed] = {}
        wanted = []
        for key_id in key_ids:
            cached = self._cached(key_id)
            if cached:
                result[key_id] = cached
            else:
                wanted.append(key_id)
        if wanted:
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                rows = curs.execute(
                    "SELECT key_id, wrapped, destroyed_at, destroyed_reference FROM record_keys WHERE key_id = ANY(%s)",
                    (wanted,),
                ).fetchall()
            for row in rows:
                if row["wrapped"] is None:
                    result[row["key_id"]] = Destroyed(row["destroyed_reference"], row["destroyed_at"])
                else:
                    key = aes_key_unwrap(self._master, bytes(row["wrapped"]))
                    self._remember(row["key_id"], key)
                    result[row["key_id"]] = key
        missing = set(key_ids) - set(result)
        if missing:
            raise KeyMissing(
                f"the key store has no key {sorted(missing)[0]} and no disposal destroyed it: the record's content "
                "cannot be read; restore the record_keys table from backup (see README, 'Backups')"
            )
        return result

    # Disposal

    def destroy(self, key_ids: list[str], decision_id: UUID, reference: str, at: datetime) -> int:
        """Destroy keys (and every later generation of a subject key); return how many were live."""
        patterns = [f"{key_id}#%" for key_id in key_ids if key_id.startswith("subject:")]
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                "UPDATE record_keys SET wrapped = NULL, destroyed_at = %s, destroyed_by_decision = %s,"
                " destroyed_reference = %s WHERE (key_id = ANY(%s) OR key_id LIKE ANY(%s)) AND wrapped IS NOT NULL",
                (at, decision_id, reference, key_ids, patterns),
            )
            destroyed = curs.rowcount
        with self._lock:
            for key_id in list(self._cache):
                if key_id.split("#")[0] in key_ids:
                    del self._cache[key_id]
        return destroyed

    # Cache: short-lived, so a key destroyed by another process stops being used within seconds.

    def _cached(self, key_id: str) -> bytes | None:
        with self._lock:
            entry = self._cache.get(key_id)
        if entry and time.monotonic() - entry[0] < self._cache_seconds:
            return entry[1]
        return None

    def _remember(self, key_id: str, key: bytes) -> None:
        with self._lock:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[key_id] = (time.monotonic(), key)
