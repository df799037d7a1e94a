"""Sealing what the service keeps beside the log (a source's credentials, the webhook inbox's
changes): AES-256-GCM under a key derived (HKDF-SHA256) from the master key for one purpose, so
that one table's ciphertext never opens as another's, each value bound by its associated data to
the row it belongs to, so that a value copied into another row does not open either.

The record's own content is sealed elsewhere (``retention.crypto``: a key per record, destroyed by
disposal); what is sealed here is not the record, and is destroyed by deleting it."""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE = 12


class Unsealable(ValueError):
    """A sealed value that does not open: sealed under another master key, for another row, or altered."""


class Sealer:
    def __init__(self, master_key: bytes, purpose: bytes):
        self._aead = AESGCM(HKDF(hashes.SHA256(), 32, salt=None, info=purpose).derive(master_key))

    def seal(self, plain: bytes, bound: bytes) -> bytes:
        """A fresh nonce, then the ciphertext with its tag; ``bound`` names the row (not stored)."""
        nonce = secrets.token_bytes(NONCE)
        return nonce + self._aead.encrypt(nonce, plain, bound)

    def open(self, sealed: bytes, bound: bytes) -> bytes:
        try:
            return self._aead.decrypt(sealed[:NONCE], sealed[NONCE:], bound)
        except (InvalidTag, ValueError):
            raise Unsealable("the value does not open under this master key for this row") from None
