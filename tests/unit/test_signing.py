"""The tree-head signing key: from the environment, or generated once into the data directory,
readable by its owner only; and heads that anyone can check with the public key alone."""

from __future__ import annotations

import base64
import stat
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kanalarkiv.adapters.keys import head_signer
from kanalarkiv.config import ConfigurationError, Settings
from kanalarkiv.transparency.signing import BadSignature, HeadSigner, TreeHead, load_public_key, public_key_pem

ROOT = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
AT = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)


def test_without_a_configured_key_one_is_generated_once_readable_only_by_its_owner(tmp_path):
    settings = Settings.from_env({"KANALARKIV_DATA_DIR": str(tmp_path)})
    first, second = head_signer(settings), head_signer(settings)
    key_file = tmp_path / "keys" / "tree-head-ed25519.pem"
    assert first.key_id == second.key_id
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert list(key_file.parent.iterdir()) == [key_file]


def test_a_key_in_the_environment_is_used_as_base64_or_pem(tmp_path):
    key = Ed25519PrivateKey.generate()
    raw = base64.b64encode(
        key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    ).decode()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    for value in (raw, pem):
        settings = Settings.from_env({"KANALARKIV_DATA_DIR": str(tmp_path), "KANALARKIV_SIGNING_KEY": value})
        assert head_signer(settings).public_key == key.public_key()
        assert value not in repr(settings)
    assert not (tmp_path / "keys").exists()
    with pytest.raises(ConfigurationError, match="KANALARKIV_SIGNING_KEY"):
        head_signer(Settings.from_env({"KANALARKIV_SIGNING_KEY": "not a key"}))


def test_a_signed_head_is_checked_with_the_public_key_alone_and_any_change_is_refused():
    signer = HeadSigner(Ed25519PrivateKey.generate())
    head = signer.sign(8, ROOT, AT)
    public_key = load_public_key(public_key_pem(signer.public_key))

    TreeHead.from_json(head.as_json()).verify(public_key)
    assert head.message() == (
        b"kanalarkiv tree head v1\n8\n" + ROOT.hex().encode() + b"\n2026-03-02T09:00:00.123456Z\n"
    )
    for changed in ({"tree_size": 9}, {"root_hash": "00" * 32}, {"signed_at": "2026-03-02T09:00:01.123456Z"}):
        with pytest.raises(BadSignature, match="does not verify"):
            TreeHead.from_json(head.as_json() | changed).verify(public_key)
    with pytest.raises(BadSignature, match="signed with key"):
        head.verify(Ed25519PrivateKey.generate().public_key())
