"""Who a bearer token stands for: the view the API authenticates against."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.access import AccessToken
from projections.core.base import BatchProjection, View, handles

REVOCATIONS = "kanalarkiv_token_revocations"
"""The channel a revocation is announced on, when it commits (each process's token cache listens)."""


class AccessTokensView(View):
    name = "access_tokens"
    tables = ("access_tokens",)
    create_statements = (
        """CREATE TABLE IF NOT EXISTS access_tokens (
            token_id uuid PRIMARY KEY,
            token_hash text NOT NULL UNIQUE,
            org_id uuid NOT NULL,
            subject_id text NOT NULL,
            display_name text NOT NULL,
            role text NOT NULL,
            issued_at timestamptz NOT NULL,
            revoked_at timestamptz,
            revoke_reason text
        )""",
        "CREATE INDEX IF NOT EXISTS access_tokens_org_idx ON access_tokens (org_id, issued_at)",
    )

    def active_token(self, token_hash: str) -> dict[str, Any] | None:
        return self.fetch_one("SELECT * FROM access_tokens WHERE token_hash = %s AND revoked_at IS NULL", (token_hash,))

    def tokens_of(self, org_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT token_id, org_id, subject_id, display_name, role, issued_at, revoked_at, revoke_reason"
            " FROM access_tokens WHERE org_id = %s ORDER BY issued_at, token_id",
            (org_id,),
        )


class AccessTokensProjection(BatchProjection[AccessTokensView]):
    name = "access_tokens"
    view_class: ClassVar = AccessTokensView

    @handles(AccessToken.Issued)
    def issued(self, event: AccessToken.Issued, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO access_tokens (token_id, token_hash, org_id, subject_id, display_name, role, issued_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                event.originator_id,
                event.token_hash,
                event.org_id,
                event.subject_id,
                event.display_name,
                event.role,
                event.timestamp,
            ),
        )

    @handles(AccessToken.Revoked)
    def revoked(self, event: AccessToken.Revoked, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE access_tokens SET revoked_at = %s, revoke_reason = %s WHERE token_id = %s",
            (event.timestamp, event.reason, event.originator_id),
        )
        curs.execute("SELECT pg_notify(%s, %s)", (REVOCATIONS, str(event.originator_id)))
