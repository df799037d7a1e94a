"""The mapper through which the application stores and reads events: it seals content fields
(``retention.crypto.content``) with AES-256-GCM under their records' keys before the event is
transcoded, and opens them when events are read. A field whose key was destroyed by a disposal
reads as "[Gallrad enligt beslut …]". The domain never sees any of this."""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder

from retention.crypto.content import SUBJECT, SealedField, sealed_fields, subject_of
from retention.crypto.keystore import Destroyed, KeyStore
from retention.disposal import disposed_marker

SEAL = "$sealed"
_KEY_IDS = re.compile(rb'"key":"((?:record|subject):[^"]+)"')


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class SealingMapper(Mapper[UUID]):
    def __init__(self, transcoder: Transcoder, keystore: KeyStore):
        super().__init__(transcoder=transcoder)
        self.keystore = keystore
        self._local = threading.local()

    # Writing

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        fields = sealed_fields(type(domain_event))
        if fields:
            domain_event = self._sealed_copy(domain_event, fields)
        return super().to_stored_event(domain_event)

    def prepare(self, domain_events: list[Any]) -> None:
        """Create the keys a batch of events will be sealed under, in one round trip per organisation
        (none for keys already held, see ``holding_keys``)."""
        held = self._holding()
        by_org: dict[Any, list[str]] = {}
        for event in domain_events:
            fields = sealed_fields(type(event))
            if fields:
                state = vars(event)
                by_org.setdefault(state["org_id"], []).extend(
                    key
                    for ids in self._wanted_keys(event, state, fields).values()
                    for key in ids
                    if key not in held.keys
                )
        for org_id, key_ids in by_org.items():
            if key_ids:
                held.keys.update(self.keystore.prepare_for_writing(org_id, key_ids))

    @contextmanager
    def holding_keys(self, domain_events: list[Any]) -> Iterator[None]:
        """The keys of many events (a bulk capture's) created in one round trip and held by this
        thread until the block ends, for sealing them chunk by chunk: the key store's cache lasts a
        second, which a capture of thousands of items outlasts. A subject's key destroyed by another
        process meanwhile may still seal this block's content: that content then reads as disposed."""
        self._local.held = _Held()
        try:
            self.prepare(domain_events)
            yield
        finally:
            self._local.held = None

    def _holding(self) -> _Held:
        held: _Held | None = getattr(self._local, "held", None)
        return held if held is not None else _Held()

    def _wanted_keys(self, event: Any, state: dict[str, Any], fields: tuple[SealedField, ...]) -> dict[str, list[str]]:
        held: _Held | None = getattr(self._local, "held", None)
        if held is not None and id(event) in held.wanted:
            return held.wanted[id(event)]
        subject = subject_of(state)
        wanted = {f.name: [self._key_id(k, state, subject) for k in f.keys(state)] for f in fields}
        if held is not None:  # the events are alive while they are held: their ids are theirs
            held.wanted[id(event)] = wanted
        return wanted

    def _sealed_copy(self, domain_event: Any, fields: tuple[SealedField, ...]) -> Any:
        state = dict(vars(domain_event))
        wanted = self._wanted_keys(domain_event, state, fields)
        held = self._holding().keys
        ids = sorted({k for ids in wanted.values() for k in ids})
        keys = {k: (k, held[k]) for k in ids if k in held}
        if len(keys) < len(ids):
            keys.update(self.keystore.keys_for_writing(state["org_id"], [k for k in ids if k not in held]))
        for field in fields:
            if state.get(field.name) is not None:
                state[field.name] = self._seal(state[field.name], [keys[k] for k in wanted[field.name]], field.name)
        copy = object.__new__(type(domain_event))
        object.__setattr__(copy, "__dict__", state)
        return copy

    def _key_id(self, key: str, state: dict[str, Any], subject: str) -> str:
        return self.keystore.subject_key_id(state["org_id"], subject) if key == SUBJECT else key

    @staticmethod
    def _seal(value: Any, keys: list[tuple[str, bytes]], field: str) -> Any:
        """Encrypt under the innermost (last) key first, then each outer one in turn: the outermost
        ``{SEAL: …}`` envelope (under no key, the value itself)."""
        sealed: Any = value
        for key_id, key in reversed(keys):
            nonce = secrets.token_bytes(12)
            ciphertext = AESGCM(key).encrypt(nonce, orjson.dumps(sealed), f"{key_id}|{field}".encode())
            sealed = {SEAL: {"key": key_id, "nonce": _b64(nonce), "ct": _b64(ciphertext)}}
        return sealed

    # Reading

    def to_domain_event(self, stored_event: StoredEvent, keys: BatchKeys | None = None) -> Any:
        event = super().to_domain_event(stored_event)
        fields = sealed_fields(type(event))
        if fields:
            state = vars(event)
            look_up = keys.key if keys is not None else self._key
            for field in fields:
                state[field.name] = self._open(state.get(field.name), field.name, look_up)
        return event

    def _key(self, key_id: str) -> bytes | Destroyed:
        return self.keystore.keys_for_reading({key_id})[key_id]

    @staticmethod
    def _open(value: Any, field: str, key_of: Any) -> Any:
        while isinstance(value, dict) and SEAL in value:
            seal = value[SEAL]
            key = key_of(seal["key"])
            if isinstance(key, Destroyed):
                return disposed_marker(key.reference, key.at)
            value = orjson.loads(_decrypt(key, seal, field))
        return value

    def prefetch(self, states: list[bytes]) -> BatchKeys:
        """The keys a batch of stored events is sealed under, for reading it (projection catch-up):
        the outer keys fetched now in one query, the inner ones when first asked for."""
        return BatchKeys(self, states)


class _Held:
    """What a thread holds while it writes many events: their keys, and which keys each event wants."""

    __slots__ = ("keys", "wanted")

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}
        self.wanted: dict[int, dict[str, list[str]]] = {}


def _decrypt(key: bytes, seal: dict[str, str], field: str) -> bytes:
    # binascii's decoder itself (base64.b64decode only wraps it): the rebuild of a channel's content
    # decodes two of these per sealed field, six fields an event
    nonce, ciphertext = binascii.a2b_base64(seal["nonce"]), binascii.a2b_base64(seal["ct"])
    return AESGCM(key).decrypt(nonce, ciphertext, f"{seal['key']}|{field}".encode())


class BatchKeys:
    """Every key a batch of stored events is sealed under, fetched for the batch as a whole and
    kept with it while projections read it: the outer (record) keys in one query when the batch is
    read; the inner (data subject) keys, which only the outer layers name, in one more query the
    first time a projection opens the batch's content. Without it, a projection that lags behind
    the read (the key store's cache lasts a second) fetched keys one query per commenter.

    Keys kept here are used only for events that precede, in the log, any disposal not yet read:
    a disposal's own events come later and scrub what was written, as the key store's cache allows
    too."""

    def __init__(self, mapper: SealingMapper, states: list[bytes]):
        self._mapper, self._states = mapper, states
        outer = {match.decode() for state in states for match in _KEY_IDS.findall(state)}
        self._keys: dict[str, bytes | Destroyed] = dict(mapper.keystore.keys_for_reading(outer)) if outer else {}
        self._inner_fetched = False
        self._lock = threading.Lock()

    def key(self, key_id: str) -> bytes | Destroyed:
        found = self._keys.get(key_id)
        if found is None and not self._inner_fetched:
            self._fetch_inner()
            found = self._keys.get(key_id)
        return found if found is not None else self._mapper._key(key_id)

    def _fetch_inner(self) -> None:
        with self._lock:
            if self._inner_fetched:
                return
            inner: set[str] = set()
            for state in self._states:
                if SEAL.encode() in state:
                    inner |= self._inner_ids(orjson.loads(state))
            if inner - self._keys.keys():
                self._keys.update(self._mapper.keystore.keys_for_reading(inner - self._keys.keys()))
            self._inner_fetched = True

    def _inner_ids(self, state: dict[str, Any]) -> set[str]:
        found = set()
        for field, value in state.items():
            if isinstance(value, dict) and SEAL in value:
                key = self._keys.get(value[SEAL]["key"])
                if isinstance(key, bytes):
                    opened = orjson.loads(_decrypt(key, value[SEAL], field))
                    if isinstance(opened, dict) and SEAL in opened:
                        found.add(opened[SEAL]["key"])
        return found
