"""Snapshot files on disk (a configurable storage directory; the local filesystem by default),
under a directory named by the content's SHA-256, each encrypted under its snapshot's own
record key — so a snapshot is disposed of like any other record, by destroying that key."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from retention.keystore import Destroyed, KeyStore

NONCE = 12


class SnapshotDisposed(Exception):
    """The snapshot's key was destroyed by a disposal decision."""

    def __init__(self, reference: str):
        super().__init__(f"the snapshot was disposed of under decision {reference}")
        self.reference = reference


class SnapshotStore:
    def __init__(self, root: Path, keystore: KeyStore):
        self.root = root
        self.keystore = keystore

    def path(self, org_id: UUID, sha256: str, snapshot_id: UUID) -> Path:
        return self.root / str(org_id) / sha256[:2] / sha256 / f"{snapshot_id}.enc"

    def put(self, org_id: UUID, snapshot_id: UUID, content: bytes) -> str:
        """Encrypt and store ``content``; return its SHA-256 (of the plaintext)."""
        sha256 = hashlib.sha256(content).hexdigest()
        key_id, key = self.keystore.keys_for_writing(org_id, [f"record:{snapshot_id}"])[f"record:{snapshot_id}"]
        nonce = secrets.token_bytes(NONCE)
        sealed = nonce + AESGCM(key).encrypt(nonce, content, key_id.encode())
        target = self.path(org_id, sha256, snapshot_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        with open(temporary, "wb") as file:
            file.write(sealed)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(target)
        return sha256

    def get(self, org_id: UUID, sha256: str, snapshot_id: UUID) -> bytes | None:
        """The decrypted content, or None when the file is missing."""
        target = self.path(org_id, sha256, snapshot_id)
        if not target.exists():
            return None
        key_id = f"record:{snapshot_id}"
        key = self.keystore.keys_for_reading({key_id})[key_id]
        if isinstance(key, Destroyed):
            raise SnapshotDisposed(key.reference)
        sealed = target.read_bytes()
        return AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], key_id.encode())

    def sha256_of(self, org_id: UUID, sha256: str, snapshot_id: UUID) -> str | None:
        content = self.get(org_id, sha256, snapshot_id)
        return hashlib.sha256(content).hexdigest() if content is not None else None
