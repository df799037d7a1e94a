"""Webhooks, as pure functions of the raw request: the platforms' handshakes and signatures, and
the typed refusal a route maps to its status (401 no signature, 403 a wrong one or a wrong verify
token, 413 too large, 400 a body that is not the platform's). The changes a delivery carries
are read by ``webhook_changes``.

Meta (Graph API Webhooks, "Getting Started"): the subscription is verified by a GET with
``hub.mode=subscribe``, ``hub.verify_token`` (ours, compared in constant time) and
``hub.challenge``, which is echoed; each delivery is a POST signed with ``X-Hub-Signature-256:
sha256=<hex HMAC-SHA256 of the raw body under the app secret>``.

LinkedIn (Webhook Validation): the endpoint is validated by a GET with ``challengeCode``, answered
``{"challengeCode", "challengeResponse": hex HMAC-SHA256(challengeCode, clientSecret)}``, again
every two hours; each delivery carries ``X-LI-Signature``, the hex HMAC-SHA256 under the client
secret of ``"hmacsha256=" + the raw body`` (LinkedIn's Webhook Validation page; the digest of the
raw body alone is accepted too, and the header with or without a ``hmacsha256=`` prefix: the
documentation has shown each)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import orjson

from domain.secret import Secret

LARGEST_BODY = 1024 * 1024  # bytes; Meta's deliveries are batched but small


class Refusal(StrEnum):
    NO_SIGNATURE = "no_signature"
    BAD_SIGNATURE = "bad_signature"
    WRONG_VERIFY_TOKEN = "wrong_verify_token"
    NOT_A_SUBSCRIPTION = "not_a_subscription"
    TOO_LARGE = "too_large"
    NOT_JSON = "not_json"
    UNKNOWN_OBJECT = "unknown_object"
    MALFORMED = "malformed"


STATUS = {
    Refusal.NO_SIGNATURE: 401,
    Refusal.BAD_SIGNATURE: 403,
    Refusal.WRONG_VERIFY_TOKEN: 403,
    Refusal.TOO_LARGE: 413,
}


class WebhookRefused(Exception):
    """A webhook request refused (avvisad): ``reason`` says why, ``status`` what to answer."""

    def __init__(self, reason: Refusal, detail: str):
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail

    @property
    def status(self) -> int:
        return STATUS.get(self.reason, 400)


def hmac_hex(key: Secret, message: bytes) -> str:
    return hmac.new(key.reveal().encode(), message, hashlib.sha256).hexdigest()


# Meta


def meta_handshake(query: Mapping[str, str], verify_token: Secret) -> str:
    """The ``hub.challenge`` to echo, when the request is a subscription with our verify token."""
    if query.get("hub.mode") != "subscribe" or "hub.challenge" not in query:
        raise WebhookRefused(Refusal.NOT_A_SUBSCRIPTION, "hub.mode=subscribe with a hub.challenge is required")
    given = query.get("hub.verify_token", "").encode()
    if not hmac.compare_digest(given, verify_token.reveal().encode()):
        raise WebhookRefused(Refusal.WRONG_VERIFY_TOKEN, "hub.verify_token is not this endpoint's")
    return query["hub.challenge"]


def meta_signature(body: bytes, app_secret: Secret) -> str:
    """The ``X-Hub-Signature-256`` Meta sends with ``body``."""
    return f"sha256={hmac_hex(app_secret, body)}"


def verify_meta_signature(body: bytes, header: str | None, app_secret: Secret) -> None:
    _check_size(body)
    if not header:
        raise WebhookRefused(Refusal.NO_SIGNATURE, "X-Hub-Signature-256 is missing")
    if not hmac.compare_digest(header.strip().encode(), meta_signature(body, app_secret).encode()):
        raise WebhookRefused(Refusal.BAD_SIGNATURE, "X-Hub-Signature-256 does not match the body")


# LinkedIn


def linkedin_challenge(challenge_code: str, client_secret: Secret) -> dict[str, str]:
    """The JSON answer to LinkedIn's endpoint validation."""
    if not challenge_code or len(challenge_code) > 200:
        raise WebhookRefused(Refusal.NOT_A_SUBSCRIPTION, "challengeCode is missing")
    return {"challengeCode": challenge_code, "challengeResponse": hmac_hex(client_secret, challenge_code.encode())}


def linkedin_signature(body: bytes, client_secret: Secret) -> str:
    """The ``X-LI-Signature`` LinkedIn sends with ``body``: the digest of ``hmacsha256=`` + body."""
    return hmac_hex(client_secret, b"hmacsha256=" + body)


def verify_linkedin_signature(body: bytes, header: str | None, client_secret: Secret) -> None:
    _check_size(body)
    if not header:
        raise WebhookRefused(Refusal.NO_SIGNATURE, "X-LI-Signature is missing")
    given = header.strip().removeprefix("hmacsha256=").lower().encode()
    prefixed = hmac.compare_digest(given, linkedin_signature(body, client_secret).encode())
    plain = hmac.compare_digest(given, hmac_hex(client_secret, body).encode())
    if not (prefixed or plain):
        raise WebhookRefused(Refusal.BAD_SIGNATURE, "X-LI-Signature does not match the body")


# The body


def json_body(body: bytes) -> dict[str, Any]:
    """A signed body's JSON object (read only after its signature was checked)."""
    _check_size(body)
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise WebhookRefused(Refusal.NOT_JSON, "the body is not JSON") from None
    if not isinstance(document, dict):
        raise WebhookRefused(Refusal.MALFORMED, "the body is not a JSON object")
    return document


def _check_size(body: bytes) -> None:
    if len(body) > LARGEST_BODY:
        raise WebhookRefused(Refusal.TOO_LARGE, f"the body is over {LARGEST_BODY} bytes")
