"""Shared givens for the webhook stories: a municipality whose Facebook Page (or LinkedIn
organization) is connected as a live source with its app's secret and verify token, deliveries
written from the platforms' documented payload shapes (tests/fixtures/webhooks/), signed as the
platform signs them, and a way to wait until the worker has captured what the inbox holds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from conftest import FACEBOOK_PAGE, register_organisation
from waiting import eventually

from domain.actors import Actor, Role
from domain.capture_source import CaptureSource
from domain.post import platform_record_id
from domain.secret import Secret
from kanalarkiv.adapters.credentials import Credentials
from kanalarkiv.application.context import acting_as
from kanalarkiv.capture.live.webhooks import linkedin_signature, meta_signature

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
PAGE = "104000000000001"
POST = f"{PAGE}_200000000000001"
COMMENT = "200000000000001_300000000000001"
LINKEDIN_ORG = "urn:li:organization:10000001"
LINKEDIN_POST = "urn:li:share:7000000000000000001"
LINKEDIN_COMMENT = "urn:li:comment:(urn:li:activity:7000000000000000002,7000000000000000003)"
APP_SECRET = "invented-meta-app-secret-for-tests"
VERIFY_TOKEN = "invented-verify-token-for-tests"
CLIENT_SECRET = "invented-linkedin-client-secret"
VALDEMARSVIK = ("valdemarsvik", "Valdemarsviks kommun", "212000-0522")
LINKEDIN = {
    "platform": "linkedin",
    "name": "Valdemarsvik på LinkedIn",
    "url": "https://www.linkedin.com/company/valdemarsvik",
}


def delivery(name: str) -> bytes:
    """A fixture delivery as the platform sends it: compact JSON bytes."""
    return json.dumps(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")), ensure_ascii=False).encode()


def meta_headers(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    return {"X-Hub-Signature-256": meta_signature(body, Secret(secret)), "Content-Type": "application/json"}


def linkedin_headers(body: bytes, secret: str = CLIENT_SECRET) -> dict[str, str]:
    return {"X-LI-Signature": linkedin_signature(body, Secret(secret)), "Content-Type": "application/json"}


@dataclass
class Connected:
    runtime: Any
    org_id: UUID
    channel_id: UUID
    source_id: UUID

    def comment_id(self, platform_id: str = COMMENT) -> UUID:
        return platform_record_id("comment", self.channel_id, platform_id)

    def post_id(self, platform_id: str = POST) -> UUID:
        return platform_record_id("post", self.channel_id, platform_id)

    def drained(self) -> dict[str, int]:
        inbox = self.runtime.app.webhook_inbox
        eventually(lambda: inbox.states()["counts"].get("pending", 0) == 0 and inbox.states()["counts"])
        return inbox.states()["counts"]  # type: ignore[no-any-return]


def given_a_connected_source(
    runtime: Any, clock: Any, page: dict | None = None, kind: str = "facebook_page", account: str = PAGE,
    secret: str = APP_SECRET, organisation: tuple[str, str, str] = VALDEMARSVIK,
) -> Connected:  # fmt: skip
    """An organisation (registered now) whose channel ``page`` is connected to the platform account."""
    org_id = register_organisation(runtime, *organisation)
    manager = Actor("actor:anna", "Anna Chef", Role.MANAGER, org_id)
    with acting_as(manager):
        channel_id = runtime.app.register_channel(org_id, **(FACEBOOK_PAGE | (page or {}))).id
        runtime.app.activate_channel(channel_id)
    clock.advance(hours=2)  # the deliveries' platform times (09:30–10:30) lie in the past now
    sealed = runtime.app.credentials.seal(org_id, Credentials(app_secret=Secret(secret),
                                                              verify_token=Secret(VERIFY_TOKEN)))  # fmt: skip
    source = CaptureSource.connect(
        uuid4(), org_id, channel_id, (page or {}).get("platform", "facebook"), kind,
        platform_id=account, url=None, polling_interval=timedelta(minutes=15), credentials_id=sealed,
        by=manager, at=clock(),
    )  # fmt: skip
    recordings = runtime.app.save(source)
    runtime.views.wait_for("capture_sources", max(r.notification.id for r in recordings))
    return Connected(runtime, org_id, channel_id, source.id)
