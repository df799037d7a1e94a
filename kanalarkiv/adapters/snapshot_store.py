"""Snapshot files on disk (a configurable storage directory; the local filesystem by default),
under a directory named by the content's SHA-256, each encrypted under its snapshot's own
record key — so a snapshot is disposed of like any other record, by destroying that key.

A rendering is a copy of other records' content, so its file key is derived (HKDF-SHA256) from
its own key *and* the keys of every record it holds: the instant a disposal destroys any of
those, the rendering cannot be read either — crypto-shredding reaches the copy by construction,
before and regardless of its being made again."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from retention.crypto.keystore import Destroyed, KeyStore

NONCE = 12


class SnapshotDisposed(Exception):
    """The snapshot's key (or, for a rendering, the key of a record it holds) was destroyed by a
    disposal decision."""

    def __init__(self, reference: str, held: bool = False, remade_as: UUID | None = None):
        what = "the rendering holds content disposed of" if held else "the snapshot was disposed of"
        again = f"; it was made again without it, as snapshot {remade_as}" if remade_as else ""
        super().__init__(f"{what} under decision {reference}{again}")
        self.reference = reference


def _file_key(key: bytes, bound: Sequence[str], keys: dict[str, bytes | Destroyed]) -> bytes:
    if not bound:
        return key
    for key_id in bound:
        found = keys[key_id]
        if isinstance(found, Destroyed):
            raise SnapshotDisposed(found.reference, held=True)
    material = key + b"".join(keys[key_id] for key_id in bound)  # type: ignore[misc]  # none is Destroyed: checked above
    return HKDF(hashes.SHA256(), 32, salt=None, info=b"kanalarkiv rendering v1").derive(material)


class SnapshotStore:
    def __init__(self, root: Path, keystore: KeyStore):
        self.root = root
        self.keystore = keystore

    def path(self, org_id: UUID, sha256: str, snapshot_id: UUID) -> Path:
        return self.root / str(org_id) / sha256[:2] / sha256 / f"{snapshot_id}.enc"

    def put(self, org_id: UUID, snapshot_id: UUID, content: bytes, bound: Sequence[str] = ()) -> str:
        """Encrypt and store ``content``, bound to the keys ``bound`` as well as its own; return
        its SHA-256 (of the plaintext). Refuses (SnapshotDisposed) if a bound key is destroyed."""
        sha256 = hashlib.sha256(content).hexdigest()
        key_id, key = self.keystore.keys_for_writing(org_id, [f"record:{snapshot_id}"])[f"record:{snapshot_id}"]
        file_key = _file_key(key, bound, self.keystore.keys_for_reading(set(bound)) if bound else {})
        nonce = secrets.token_bytes(NONCE)
        sealed = nonce + AESGCM(file_key).encrypt(nonce, content, key_id.encode())
        target = self.path(org_id, sha256, snapshot_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        with open(temporary, "wb") as file:
            file.write(sealed)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(target)
        return sha256

    def get(self, org_id: UUID, sha256: str, snapshot_id: UUID, bound: Sequence[str] = ()) -> bytes | None:
        """The decrypted content, or None when the file is missing."""
        target = self.path(org_id, sha256, snapshot_id)
        if not target.exists():
            return None
        key_id = f"record:{snapshot_id}"
        keys = self.keystore.keys_for_reading({key_id, *bound})
        key = keys[key_id]
        if isinstance(key, Destroyed):
            raise SnapshotDisposed(key.reference)
        sealed = target.read_bytes()
        return AESGCM(_file_key(key, bound, keys)).decrypt(sealed[:NONCE], sealed[NONCE:], key_id.encode())

    def sha256_of(self, org_id: UUID, sha256: str, snapshot_id: UUID, bound: Sequence[str] = ()) -> str | None:
        content = self.get(org_id, sha256, snapshot_id, bound)
        return hashlib.sha256(content).hexdigest() if content is not None else None
