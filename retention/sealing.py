"""The mapper through which the application stores and reads events: it seals content fields
(``retention.content``) with AES-256-GCM under their records' keys before the event is
transcoded, and opens them when events are read. A field whose key was destroyed by a disposal
reads as "[Gallrad enligt beslut …]". The domain never sees any of this."""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder

from retention.content import SUBJECT, SealedField, sealed_fields, subject_of
from retention.disposal import disposed_marker
from retention.keystore import Destroyed, KeyStore

SEAL = "$sealed"
_KEY_IDS = re.compile(rb'"key":"((?:record|subject):[^"]+)"')


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class SealingMapper(Mapper):
    def __init__(self, transcoder: Transcoder, keystore: KeyStore):
        super().__init__(transcoder=transcoder)
        self.keystore = keystore

    # Writing

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        fields = sealed_fields(type(domain_event))
        if fields:
            domain_event = self._sealed_copy(domain_event, fields)
        return super().to_stored_event(domain_event)

    def prepare(self, domain_events: list[Any]) -> None:
        """Create the keys a batch of events will be sealed under, in one round trip per organisation."""
        by_org: dict[Any, list[str]] = {}
        for event in domain_events:
            fields = sealed_fields(type(event))
            if fields:
                state = vars(event)
                by_org.setdefault(state["org_id"], []).extend(
                    key for ids in self._wanted_keys(state, fields).values() for key in ids)
        for org_id, key_ids in by_org.items():
            self.keystore.prepare_for_writing(org_id, key_ids)

    def _wanted_keys(self, state: dict[str, Any], fields: tuple[SealedField, ...]) -> dict[str, list[str]]:
        subject = subject_of(state)
        return {f.name: [self._key_id(k, state, subject) for k in f.keys(state)] for f in fields}

    def _sealed_copy(self, domain_event: Any, fields: tuple[SealedField, ...]) -> Any:
        state = dict(vars(domain_event))
        wanted = self._wanted_keys(state, fields)
        keys = self.keystore.keys_for_writing(state["org_id"], sorted({k for ids in wanted.values() for k in ids}))
        for field in fields:
            if state.get(field.name) is not None:
                state[field.name] = self._seal(state[field.name], [keys[k] for k in wanted[field.name]], field.name)
        copy = object.__new__(type(domain_event))
        object.__setattr__(copy, "__dict__", state)
        return copy

    def _key_id(self, key: str, state: dict[str, Any], subject: str) -> str:
        return self.keystore.subject_key_id(state["org_id"], subject) if key == SUBJECT else key

    @staticmethod
    def _seal(value: Any, keys: list[tuple[str, bytes]], field: str) -> dict[str, Any]:
        """Encrypt under the innermost (last) key first, then each outer one in turn."""
        sealed: Any = value
        for key_id, key in reversed(keys):
            nonce = secrets.token_bytes(12)
            ciphertext = AESGCM(key).encrypt(nonce, orjson.dumps(sealed), f"{key_id}|{field}".encode())
            sealed = {SEAL: {"key": key_id, "nonce": _b64(nonce), "ct": _b64(ciphertext)}}
        return sealed

    # Reading

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        fields = sealed_fields(type(event))
        if fields:
            state = vars(event)
            for field in fields:
                state[field.name] = self._open(state.get(field.name), field.name)
        return event

    def _open(self, value: Any, field: str) -> Any:
        while isinstance(value, dict) and SEAL in value:
            seal = value[SEAL]
            key = self.keystore.keys_for_reading({seal["key"]})[seal["key"]]
            if isinstance(key, Destroyed):
                return disposed_marker(key.reference, key.at)
            plaintext = AESGCM(key).decrypt(base64.b64decode(seal["nonce"]), base64.b64decode(seal["ct"]),
                                            f"{seal['key']}|{field}".encode())
            value = orjson.loads(plaintext)
        return value

    def prefetch(self, states: list[bytes]) -> None:
        """Fetch the outer keys of a batch of stored events in one query (projection catch-up)."""
        key_ids = {match.decode() for state in states for match in _KEY_IDS.findall(state)}
        if key_ids:
            self.keystore.keys_for_reading(key_ids)
