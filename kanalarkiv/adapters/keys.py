"""The service's two secrets, read from the configuration or, for development, generated once into
the data directory: the master key that wraps every record's key (crypto-shredding) and the
Ed25519 key that signs the log's tree heads. A key that is not what it must be stops start-up with
a ``ConfigurationError`` naming the setting."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import time
from pathlib import Path

import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kanalarkiv.config import ConfigurationError, Settings
from kanalarkiv.transparency.signing import KEY_FILE, HeadSigner

log = structlog.get_logger("kanalarkiv.keystore")


def head_signer(settings: Settings) -> HeadSigner:
    """The signer of tree heads: KANALARKIV_SIGNING_KEY, or a key generated once in the data directory."""
    if settings.signing_key:
        return HeadSigner(parse_private_key(settings.signing_key))
    return HeadSigner(load_or_generate_key(settings.data_dir / "keys" / KEY_FILE))


def load_master_key(raw: str | None, data_dir: Path) -> bytes:
    """The master key: KANALARKIV_MASTER_KEY (32 bytes, base64), or for development a key
    generated once into ``data_dir/keys/master.key``."""
    if raw:
        try:
            key = base64.b64decode(raw, validate=True)
        except ValueError:
            raise ConfigurationError("KANALARKIV_MASTER_KEY must be base64") from None
        if len(key) != 32:
            raise ConfigurationError("KANALARKIV_MASTER_KEY must be 32 bytes (base64 of 32 random bytes)")
        return key
    path = data_dir / "keys" / "master.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process sharing the directory made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(base64.b64encode(secrets.token_bytes(32)))
            log.warning(
                "master_key_generated",
                path=str(path),
                advice="set KANALARKIV_MASTER_KEY in production and keep it out of the database's backups",
            )
    for _attempt in range(50):
        key = base64.b64decode(path.read_bytes().strip())
        if len(key) == 32:
            return key
        time.sleep(0.01)  # the other process is still writing it
    raise ConfigurationError(f"{path} does not hold a 32-byte key (base64)")


def parse_private_key(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error):
        raise ConfigurationError(
            "KANALARKIV_SIGNING_KEY must be the base64 of a raw 32-byte Ed25519 private key "
            "or an unencrypted PKCS#8 PEM"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError("KANALARKIV_SIGNING_KEY must be an Ed25519 key")
    return key


def load_or_generate_key(path: Path) -> Ed25519PrivateKey:
    """The key in ``path``, generated there (mode 0600) if there is none. Two processes starting
    at once agree on one key: the file appears whole, by a hard link, or not at all."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(pem)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return parse_private_key(path.read_text())
