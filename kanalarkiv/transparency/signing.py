"""Signed tree heads: the log's size and root at a moment, signed with the service's Ed25519 key.

The signed message is UTF-8 text, four lines, each ending in a newline::

    kanalarkiv tree head v1
    <tree size, decimal>
    <root hash, 64 lowercase hex digits>
    <signed at, UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ>

so that anyone can check a head with any Ed25519 tool, not only with kanalarkiv.
The key id is the first 16 hex digits of SHA-256 over the raw 32-byte public key.

The private key comes from ``KANALARKIV_SIGNING_KEY`` (the base64 of the raw 32-byte Ed25519
private key, or an unencrypted PKCS#8 PEM), or else from ``<data dir>/keys/tree-head-ed25519.pem``,
generated there on first use with mode 0600.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kanalarkiv.transparency.merkle import HASH_SIZE

KEY_FILE = "tree-head-ed25519.pem"
_HEAD_VERSION = "kanalarkiv tree head v1"


class BadSignature(ValueError):
    """A tree head whose signature does not verify under the given public key."""


def canonical_time(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("a tree head's time must carry a timezone")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def head_message(tree_size: int, root_hash: bytes, signed_at: datetime) -> bytes:
    """The exact bytes a tree head's signature covers."""
    if tree_size < 0 or len(root_hash) != HASH_SIZE:
        raise ValueError("a tree head has a size of zero or more and a 32-byte root")
    return f"{_HEAD_VERSION}\n{tree_size}\n{root_hash.hex()}\n{canonical_time(signed_at)}\n".encode()


def key_id(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw_public_key(public_key)).hexdigest()[:16]


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass(frozen=True)
class TreeHead:
    """The log of ``tree_size`` events had root ``root_hash`` at ``signed_at`` (signed tree head)."""

    tree_size: int
    root_hash: bytes
    signed_at: datetime
    key_id: str
    signature: bytes

    def message(self) -> bytes:
        return head_message(self.tree_size, self.root_hash, self.signed_at)

    def verify(self, public_key: Ed25519PublicKey) -> None:
        if self.key_id != key_id(public_key):
            raise BadSignature(
                f"the head of size {self.tree_size} is signed with key {self.key_id}, not with key {key_id(public_key)}"
            )
        try:
            public_key.verify(self.signature, self.message())
        except InvalidSignature:
            raise BadSignature(f"the signature on the head of size {self.tree_size} does not verify") from None

    def as_json(self) -> dict[str, object]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "signed_at": canonical_time(self.signed_at),
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode(),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TreeHead:
        try:
            return cls(
                tree_size=int(data["tree_size"]),  # type: ignore[call-overload]  # JSON's value; int() refusing it is the check
                root_hash=bytes.fromhex(str(data["root_hash"])),
                signed_at=datetime.fromisoformat(str(data["signed_at"]).replace("Z", "+00:00")),
                key_id=str(data["key_id"]),
                signature=base64.b64decode(str(data["signature"]), validate=True),
            )
        except (KeyError, ValueError, binascii.Error) as error:
            raise ValueError(f"not a signed tree head: {error}") from None


class HeadSigner:
    """Signs tree heads with one Ed25519 private key."""

    def __init__(self, private_key: Ed25519PrivateKey):
        self._private_key = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id(self.public_key)

    def sign(self, tree_size: int, root_hash: bytes, at: datetime) -> TreeHead:
        at = at.astimezone(UTC)
        signature = self._private_key.sign(head_message(tree_size, root_hash, at))
        return TreeHead(tree_size, root_hash, at, self.key_id, signature)


def load_public_key(text_or_path: str) -> Ed25519PublicKey:
    """A public key from a file or a string: PEM (SubjectPublicKeyInfo), or the base64 of the raw
    32 bytes (what ``GET /v1/transparency/public-key`` shows as ``public_key``)."""
    try:
        text = Path(text_or_path).read_text()
    except (OSError, ValueError):
        text = text_or_path
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error):
        raise ValueError("not an Ed25519 public key: give a PEM file or the base64 of the raw 32-byte key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key
