"""The application: commands that decide through aggregates and record their events in the
one global, totally ordered log. Each command returns the log position of what it recorded."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.utils import EnvType

from domain.access import AccessToken
from domain.channel import Channel
from domain.organisation import Organisation, OrganisationNumberClaim, organisation_id, valid_slug
from kanalarkiv.adapters.credentials import CredentialStore
from kanalarkiv.adapters.poll_state import PollStates
from kanalarkiv.adapters.snapshot_store import SnapshotStore
from kanalarkiv.adapters.transcoder import OrjsonTranscoder
from kanalarkiv.adapters.webhook_inbox import WebhookInbox
from kanalarkiv.application.capture import BulkCaptureCommands
from kanalarkiv.application.capture_import import CaptureImportCommands
from kanalarkiv.application.capture_polls import CapturePollCommands
from kanalarkiv.application.comments import CommentCommands
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import Clock, current_actor, system_clock
from kanalarkiv.application.diary import DiaryCommands
from kanalarkiv.application.outcomes import AlreadyExists, Recorded
from kanalarkiv.application.public_requests import PublicRequestCommands
from kanalarkiv.application.retention import RetentionCommands
from kanalarkiv.application.snapshots import SnapshotCommands
from kanalarkiv.application.supervision import SupervisionCommands
from kanalarkiv.application.webhook_failures import WebhookFailureCommands
from kanalarkiv.application.webhook_intake import WebhookIntakeCommands
from retention.crypto.keystore import KeyStore
from retention.crypto.sealing import SealingMapper


@dataclass(frozen=True)
class IssuedToken:
    token_id: UUID
    secret: str
    position: int


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class RecordsApplication(
    CommentCommands,
    BulkCaptureCommands,
    CaptureImportCommands,
    CapturePollCommands,
    DiaryCommands,
    PublicRequestCommands,
    RetentionCommands,
    SnapshotCommands,
    SupervisionCommands,
    WebhookIntakeCommands,
    WebhookFailureCommands,
):
    name = "kanalarkiv"

    def __init__(
        self,
        env: EnvType | None = None,
        clock: Clock = system_clock,
        master_key: bytes | None = None,
        snapshot_dir: Path | None = None,
    ):
        if master_key is None or snapshot_dir is None:
            raise ValueError("the application needs the master key and the snapshot storage directory")
        self._master_key = master_key
        super().__init__(env)
        self.clock = clock
        self.snapshot_store = SnapshotStore(snapshot_dir, self.keystore)
        # Live sources' secrets, sealed outside the log under the master key (never in an event).
        self.credentials = CredentialStore(self.datastore, self._master_key)
        self.credentials.create_table()
        # What the platforms pushed, sealed until captured; at start, an older inbox's plain changes are sealed.
        self.webhook_inbox = WebhookInbox(self.datastore, self._master_key)
        self.webhook_inbox.create_table()
        self.poll_states = PollStates(self.datastore)  # the live sources' validators and due times
        self.poll_states.create_table()

    def construct_transcoder(self) -> OrjsonTranscoder:
        return OrjsonTranscoder()

    def construct_mapper(self) -> SealingMapper:
        """Events are stored through the sealing mapper: content under per-record keys."""
        self.keystore = KeyStore(self.datastore, self._master_key)
        self.keystore.create_table()
        return SealingMapper(self.construct_transcoder(), self.keystore)

    # Organisations and access

    @command
    def register_organisation(self, slug: str, name: str, number: str) -> Recorded:
        if organisation_id(valid_slug(slug)) in self.repository:
            raise AlreadyExists(f"slug: an organisation with slug '{slug}' is already registered")
        by, at = current_actor(), self.clock()
        organisation = Organisation.register(slug, name, number, by=by, at=at)
        if OrganisationNumberClaim.id_for(organisation.number) in self.repository:
            raise AlreadyExists(f"number: organisation number {organisation.number} is already registered")
        claim = OrganisationNumberClaim.claim(organisation, by=by, at=at)
        return self._recorded(organisation, claim)

    def organisation_by_slug(self, slug: str) -> Organisation:
        return self._get(organisation_id(valid_slug(slug)), Organisation, f"organisation '{slug}'")

    def issue_token(self, org_slug: str, role: str, display_name: str, subject_id: str | None = None) -> IssuedToken:
        organisation = self.organisation_by_slug(org_slug)
        token_id = uuid4()
        secret = f"ka_{secrets.token_urlsafe(32)}"
        token = AccessToken.issue(
            token_id,
            organisation.id,
            subject_id or f"actor:{token_id}",
            display_name,
            role,
            hash_token(secret),
            by=current_actor(),
            at=self.clock(),
        )
        return IssuedToken(token_id, secret, self._recorded(token).position)

    @command
    def revoke_token(self, token_id: UUID, reason: str) -> Recorded:
        token = self._get(token_id, AccessToken, "token")
        token.revoke(reason, by=current_actor(), at=self.clock())
        return self._recorded(token)

    # The channel register

    def register_channel(self, org_id: UUID, **details: Any) -> Recorded:
        self._get(org_id, Organisation, "organisation")
        channel = Channel.register(uuid4(), org_id, **details, by=current_actor(), at=self.clock())
        return self._recorded(channel)

    @command
    def activate_channel(self, channel_id: UUID, expected_version: int | None = None) -> Recorded:
        channel = self._versioned(channel_id, Channel, "channel", expected_version)
        channel.activate(by=current_actor(), at=self.clock())
        return self._recorded(channel)

    @command
    def pause_channel(self, channel_id: UUID, reason: str, expected_version: int | None = None) -> Recorded:
        channel = self._versioned(channel_id, Channel, "channel", expected_version)
        channel.pause(reason, by=current_actor(), at=self.clock())
        return self._recorded(channel)

    @command
    def close_channel(self, channel_id: UUID, reason: str, expected_version: int | None = None) -> Recorded:
        channel = self._versioned(channel_id, Channel, "channel", expected_version)
        channel.close(reason, by=current_actor(), at=self.clock())
        return self._recorded(channel)

    @command
    def reopen_channel(self, channel_id: UUID, reason: str, expected_version: int | None = None) -> Recorded:
        channel = self._versioned(channel_id, Channel, "channel", expected_version)
        channel.reopen(reason, by=current_actor(), at=self.clock())
        return self._recorded(channel)

    @command
    def change_channel_responsible(
        self, channel_id: UUID, responsible: str, expected_version: int | None = None
    ) -> Recorded:
        channel = self._versioned(channel_id, Channel, "channel", expected_version)
        channel.change_responsible(responsible, by=current_actor(), at=self.clock())
        return self._recorded(channel)

    @command
    def change_channel_purpose(self, channel_id: UUID, purpose: str, expected_version: int | None = None) -> Recorded:
        channel = self._versioned(channel_id, Channel, "channel", expected_version)
        channel.change_purpose(purpose, by=current_actor(), at=self.clock())
        return self._recorded(channel)

    @command
    def change_channel_address(self, channel_id: UUID, url: str, expected_version: int | None = None) -> Recorded:
        channel = self._versioned(channel_id, Channel, "channel", expected_version)
        channel.change_address(url, by=current_actor(), at=self.clock())
        return self._recorded(channel)
