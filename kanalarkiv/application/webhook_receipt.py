"""Receiving a webhook request for one organisation: the body's signature checked against the
secrets of the organisation's own connected sources before anything of it is read, then each
change routed by the account it names to the source connected to that account in that
organisation, and kept in the inbox. Each body registers its own Meta app and LinkedIn app, whose
secret signs its deliveries; the app's one callback URL serves all the body's pages, so the URL
names the organisation and the secret is looked up there, never across organisations."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.secret import Secret
from kanalarkiv.adapters.credentials import CredentialsMissing, CredentialStore
from kanalarkiv.adapters.webhook_inbox import InboxChange
from kanalarkiv.capture.live.webhook_changes import Delivery
from kanalarkiv.capture.live.webhook_documents import document_of
from kanalarkiv.capture.live.webhooks import Refusal, WebhookRefused

META_KINDS = {"facebook": "facebook_page", "instagram": "instagram_account"}
LINKEDIN_KIND = "linkedin_organization"


@dataclass(frozen=True)
class Receipt:
    """What was done with a verified delivery (answered 200 whatever it held)."""

    changes: int  # changes read from it
    stored: int  # new in the inbox
    duplicates: int  # stored before: a delivery the platform retried
    unrouted: int  # for an account no channel of the organisation is connected to: dropped
    skipped: int  # fields, items or actions not read


def of_kinds(sources: list[dict[str, Any]], kinds: set[str]) -> list[dict[str, Any]]:
    return [s for s in sources if s["kind"] in kinds and s["credentials_id"] is not None]


def secrets_of(
    credentials: CredentialStore, sources: list[dict[str, Any]], which: Callable[[Any], Secret | None]
) -> list[Secret]:
    """The distinct secrets (app secrets, verify tokens) the sources were connected with."""
    found: dict[str, Secret] = {}
    for source in sources:
        try:
            opened = which(credentials.open(source["credentials_id"], source["org_id"]))
        except CredentialsMissing:
            continue  # destroyed or unreadable: that source cannot vouch for a request
        if opened is not None:
            found.setdefault(hashlib.sha256(opened.reveal().encode()).hexdigest(), opened)
    return list(found.values())


def verified(
    body: bytes, header: str | None, secrets: list[Secret], verify: Callable[[bytes, str | None, Secret], None]
) -> None:
    """Refused unless one of the secrets signed the body (each compared in constant time)."""
    if not header:
        raise WebhookRefused(Refusal.NO_SIGNATURE, "the signature header is missing")
    for secret in secrets:
        try:
            verify(body, header, secret)
            return
        except WebhookRefused as refused:
            if refused.reason is not Refusal.BAD_SIGNATURE:
                raise
    raise WebhookRefused(Refusal.BAD_SIGNATURE, "the signature is not of this organisation's app secret")


def routed(
    delivery: Delivery, sources: list[dict[str, Any]], kind_of: Callable[[str], str]
) -> tuple[list[InboxChange], int]:
    """The changes for the organisation's connected accounts, and how many named none of them."""
    changes, unrouted = [], 0
    for change in delivery.changes:
        kind = kind_of(change.platform)
        targets = [s for s in sources if s["kind"] == kind and same_account(s["platform_id"], change.account_id)]
        if not targets:
            unrouted += 1
        for source in targets:
            changes.append(
                InboxChange(source["source_id"], source["channel_id"], change.platform, change.delivery_id,
                            document_of(change.change))
            )  # fmt: skip
    return changes, unrouted


def same_account(connected: str | None, named: str) -> bool:
    """A LinkedIn organization may be connected by its URN or its number; the others by their id."""
    return connected is not None and (connected == named or f"urn:li:organization:{connected}" == named)


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def receipt(changes: int, stored: int, routed_changes: int, unrouted: int, skipped: int) -> Receipt:
    return Receipt(changes, stored, routed_changes - stored, unrouted, skipped)
