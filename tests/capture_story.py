"""Shared givens for the capture stories: a municipality's channel, its capture client, and
exports written from the formats' documentation (tests/fixtures/capture/)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from conftest import FACEBOOK_PAGE, register_organisation

from domain.actors import Actor, Role
from kanalarkiv.application.context import acting_as

FIXTURES = Path(__file__).parent / "fixtures" / "capture"
GENERIC = FIXTURES / "generic" / "export.json"
X_ARCHIVE = FIXTURES / "x-archive"
X_ACCOUNT = {"platform": "x", "name": "Valdemarsvik på X", "url": "https://x.com/valdemarsvik"}


@dataclass
class Channel:
    runtime: Any
    org_id: UUID
    channel_id: UUID
    capture: Actor

    def import_(self, path: Path, format_name: str, dry_run: bool = False, **kw: Any) -> Any:
        with acting_as(self.capture):
            return self.runtime.app.import_capture(self.channel_id, path, format_name, dry_run, **kw)

    def events_since(self, position: int) -> list[str]:
        """The topics recorded after ``position`` (``Post.Published``, ``CaptureRun.Started`` …)."""
        with psycopg.connect(self.runtime.database_url) as conn:
            rows = conn.execute(
                "SELECT topic FROM kanalarkiv_events WHERE notification_id > %s ORDER BY notification_id", (position,)
            ).fetchall()
        return [topic.split(":")[1] for (topic,) in rows]


def given_a_channel(runtime: Any, page: dict | None = None) -> Channel:
    org_id = register_organisation(runtime)
    manager = Actor("actor:anna", "Anna Chef", Role.MANAGER, org_id)
    with acting_as(manager):
        channel = runtime.app.register_channel(org_id, **(FACEBOOK_PAGE | (page or {})))
        runtime.app.activate_channel(channel.id)
    return Channel(runtime, org_id, channel.id, Actor("actor:insamlare", "Insamlaren", Role.CAPTURE_CLIENT, org_id))


def generic_export(tmp_path: Path, name: str = "export.json", change: Any = None) -> Path:
    """The generic fixture, changed by ``change(export)`` before it is written."""
    export = json.loads(GENERIC.read_text(encoding="utf-8"))
    if change is not None:
        change(export)
    path = tmp_path / name
    path.write_text(json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def two_comments_gone_and_one_edited(export: dict) -> None:
    comments = export["comments"]
    export["comments"] = [c for c in comments if c["platform_comment_id"] not in ("fb_1_2", "fb_1_3")]
    export["comments"][0]["text"] = "Äntligen! Tack till personalen."
    export["comments"][0]["edited_at"] = "2026-02-25T08:00:00+01:00"


def x_archive_copy(tmp_path: Path) -> Path:
    target = tmp_path / "twitter-archive"
    shutil.copytree(X_ARCHIVE, target)
    return target
