"""Webhooks into the record: a verified delivery is kept in the inbox before the platform is
answered (``receive_*``); the worker drains the inbox (``drain_webhook_inbox``), each source's
changes becoming one capture run through the same capture path as imports and polls. An added or
edited item goes through the core's change detection; the platform's word that an item was
removed, hidden or shown again is recorded as an observation of that record, with the run of the
delivery as its evidence. Processing is idempotent (the record ids are deterministic): a change
the record already shows records nothing, not even a run."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from uuid import UUID

from domain.actors import Actor, Role
from domain.capture_run import RunCounts, RunSource
from domain.channel import Channel
from domain.organisation import organisation_id, valid_slug
from domain.post import platform_record_id
from domain.secret import Secret
from kanalarkiv.adapters.webhook_inbox import Claimed, WebhookInbox
from kanalarkiv.application.context import acting_as
from kanalarkiv.application.webhook_receipt import (
    LINKEDIN_KIND,
    META_KINDS,
    Receipt,
    body_digest,
    of_kinds,
    receipt,
    routed,
    secrets_of,
    verified,
)
from kanalarkiv.capture.items import Item
from kanalarkiv.capture.live.linkedin_webhooks import parse_linkedin
from kanalarkiv.capture.live.webhook_changes import Delivery, Removed, VisibilityChanged, parse_meta
from kanalarkiv.capture.live.webhook_documents import WebhookItems, change_of
from kanalarkiv.capture.live.webhooks import (
    Refusal,
    WebhookRefused,
    json_body,
    linkedin_challenge,
    meta_handshake,
    verify_linkedin_signature,
    verify_meta_signature,
)
from projections.capture_sources import CaptureSourcesView

CHANGED = ("new", "edited", "hidden", "unhidden", "deletions_observed", "account_deleted")


class WebhookChangeRefused(Exception):
    """A change the record cannot take as it is (a comment on a post not recorded, a closed channel)."""


@dataclass
class Drained:
    processed: int
    failed: int
    runs: list[UUID]


class WebhookIntakeCommands:
    """Mixed into ``RecordsApplication``, which makes the inbox at start."""

    webhook_inbox: WebhookInbox

    @cached_property
    def capture_sources_of_webhooks(self) -> CaptureSourcesView:
        return CaptureSourcesView(self.factory.datastore)  # type: ignore[attr-defined]

    # The handshakes

    def meta_subscription(self, org_slug: str, query: Mapping[str, str]) -> str:
        """The ``hub.challenge`` to echo when the verify token is one of the organisation's Meta sources'."""
        sources = self._sources(org_slug, set(META_KINDS.values()))
        tokens = secrets_of(self.credentials, sources, lambda c: c.verify_token)  # type: ignore[attr-defined]
        last = WebhookRefused(Refusal.WRONG_VERIFY_TOKEN, "hub.verify_token is not this organisation's")
        for token in tokens:
            try:
                return meta_handshake(query, token)
            except WebhookRefused as refused:
                last = refused
        if not tokens:  # a request that is no subscription says so first
            meta_handshake(query, Secret(secrets.token_hex(32)))
        raise last

    def linkedin_validation(self, org_slug: str, challenge_code: str) -> dict[str, str]:
        sources = self._sources(org_slug, {LINKEDIN_KIND})
        keys = secrets_of(self.credentials, sources, lambda c: c.app_secret)  # type: ignore[attr-defined]
        if not keys:
            raise WebhookRefused(Refusal.BAD_SIGNATURE, "the organisation has no LinkedIn app secret")
        return linkedin_challenge(challenge_code, keys[0])

    # Deliveries

    def receive_meta_delivery(self, org_slug: str, body: bytes, signature: str | None) -> Receipt:
        sources = self._sources(org_slug, set(META_KINDS.values()))
        return self._receive(sources, body, signature, verify_meta_signature, parse_meta, META_KINDS.__getitem__)

    def receive_linkedin_delivery(self, org_slug: str, body: bytes, signature: str | None) -> Receipt:
        sources = self._sources(org_slug, {LINKEDIN_KIND})
        return self._receive(sources, body, signature, verify_linkedin_signature, parse_linkedin,
                             lambda _platform: LINKEDIN_KIND)  # fmt: skip

    def _receive(self, sources: list[dict[str, Any]], body: bytes, signature: str | None, verify: Any,
                 parse: Any, kind_of: Any) -> Receipt:  # fmt: skip
        tally = self.webhook_inbox.tally
        keys = secrets_of(self.credentials, sources, lambda c: c.app_secret) if signature else []  # type: ignore[attr-defined]
        verified(body, signature, keys, verify)  # before anything of the body is read
        delivery: Delivery = parse(json_body(body))
        changes, unrouted = routed(delivery, sources, kind_of)
        now = self.clock()  # type: ignore[attr-defined]
        stored = self.webhook_inbox.store(sources[0]["org_id"], body_digest(body), now, changes) if changes else 0
        outcome = receipt(len(delivery.changes), stored, len(changes), unrouted, len(delivery.skipped))
        tally.add("received")
        tally.add("unrouted", n=outcome.unrouted)
        tally.add("duplicate", n=outcome.duplicates)
        tally.add("skipped", n=outcome.skipped)
        return outcome

    def _sources(self, org_slug: str, kinds: set[str]) -> list[dict[str, Any]]:
        """The organisation's connected sources of these kinds (its id is its slug's: no record is read
        for it, unless it has none, when it is asked whether the organisation exists at all: 404)."""
        org_id = organisation_id(valid_slug(org_slug))
        sources = of_kinds(self.capture_sources_of_webhooks.of_organisation(org_id, connected_only=True), kinds)
        if not sources:
            self.organisation_by_slug(org_slug)  # type: ignore[attr-defined]
        return sources

    # The worker's part

    def drain_webhook_inbox(self, limit: int = 200) -> Drained:
        """Capture the oldest pending changes, each source's together; a change that fails is marked
        failed with its reason and stops neither the others nor other organisations'."""
        groups: dict[UUID, list[Claimed]] = {}
        for row in self.webhook_inbox.claim(self.clock(), limit):  # type: ignore[attr-defined]
            groups.setdefault(row.source_id, []).append(row)
        drained = Drained(0, 0, [])
        for rows in groups.values():
            problem = self._drain(rows, drained)
            if problem is not None and len(rows) == 1:
                self.webhook_inbox.failed([rows[0].id], problem, self.clock())  # type: ignore[attr-defined]
                drained.failed += 1
            elif problem is not None:  # one of them is poison: each on its own, to find which
                for row in rows:
                    if (alone := self._drain([row], drained)) is not None:
                        self.webhook_inbox.failed([row.id], alone, self.clock())  # type: ignore[attr-defined]
                        drained.failed += 1
        self.webhook_inbox.tally.add("failed", n=drained.failed)
        return drained

    def _drain(self, rows: list[Claimed], drained: Drained) -> str | None:
        try:
            run = self._capture_webhook_changes(rows)
        except Exception as error:  # noqa: BLE001 - a poison change must not stop the others
            return f"{type(error).__name__}: {error}"
        self.webhook_inbox.processed([row.id for row in rows], self.clock())  # type: ignore[attr-defined]
        drained.processed += len(rows)
        drained.runs.extend([run] if run else [])
        return None

    def _capture_webhook_changes(self, rows: list[Claimed]) -> UUID | None:
        first = rows[0]
        channel: Channel = self.get_channel(first.channel_id)  # type: ignore[attr-defined]
        changes = [change_of(row.change, f"webhook {row.delivery_id}") for row in rows]
        items = [c for c in changes if isinstance(c, Item)]
        actor = Actor(f"capture-source:{first.source_id}", f"Webhook ({first.platform})", Role.CAPTURE_CLIENT,
                      first.org_id)  # fmt: skip
        with acting_as(actor):
            checked = self._pass(channel, WebhookItems(items), record=False, progress=None)  # type: ignore[attr-defined]
            if isinstance(checked, str):
                raise WebhookChangeRefused(checked)
            observed = self._observations_due(channel, [c for c in changes if not isinstance(c, Item)])
            if not observed and not _changes_anything(checked[0]):
                return None  # the record shows all of it already: a retry, or a change processed before
            outcome = self._record_run(channel, WebhookItems(items), _facts(rows), None)  # type: ignore[attr-defined]
            self._observe(observed, outcome.run_id, actor)
        return outcome.run_id  # type: ignore[no-any-return]

    def _observations_due(self, channel: Channel, changes: list[Any]) -> list[tuple[Any, Any]]:
        """The removals and visibility changes the record does not show yet, with their records."""
        due = []
        for change in changes:
            rid = platform_record_id("post" if change.kind == "post" else "comment", channel.id, change.platform_id)
            if not self._exists(rid):  # type: ignore[attr-defined]
                continue  # not recorded: nothing to observe of it (a poll will find what there is)
            record: Any = self.repository.get(rid)  # type: ignore[attr-defined]
            if record.channel_id != channel.id or record.observed_deleted or getattr(record, "deleted", False):
                continue
            if isinstance(change, VisibilityChanged) and change.hidden == record.platform_hidden:
                continue
            due.append((change, record))
        return due

    def _observe(self, due: list[tuple[Any, Any]], run_id: UUID, by: Actor) -> None:
        now = self.clock()  # type: ignore[attr-defined]
        for change, record in due:
            if isinstance(change, Removed):
                last_seen = getattr(record, "received_at", None) or record.published_at
                record.observe_deletion(run_id, None, last_seen, now, min(change.at, now), by=by, at=now)
            else:
                record.observe_visibility(change.hidden, run_id, now, by=by, at=now)
        if due:
            self._recorded(*[record for _change, record in due])  # type: ignore[attr-defined]


def _changes_anything(counts: RunCounts) -> bool:
    return any(getattr(counts, name) for name in CHANGED)


def _facts(rows: list[Claimed]) -> RunSource:
    """The run's source: the deliveries by their ids, and a digest of the bodies they came in."""
    bodies = hashlib.sha256("".join(sorted({row.body_sha256 for row in rows})).encode()).hexdigest()
    ids = ", ".join(row.delivery_id for row in rows)
    return RunSource(f"{rows[0].platform}_webhook", f"webhook deliveries {ids}"[:500], bodies)
