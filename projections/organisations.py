"""The organisations using kanalarkiv: slug, name and organisation number."""

from __future__ import annotations

from typing import Any, ClassVar

from psycopg import Cursor

from domain.organisation import Organisation
from projections.core.base import BatchProjection, View, handles


class OrganisationsView(View):
    name = "organisations"
    tables = ("organisations",)
    create_statements = (
        """CREATE TABLE IF NOT EXISTS organisations (
            org_id uuid PRIMARY KEY,
            slug text NOT NULL UNIQUE,
            name text NOT NULL,
            number text NOT NULL UNIQUE,
            registered_at timestamptz NOT NULL
        )""",
    )

    def all(self) -> list[dict[str, Any]]:
        return self.fetch_all("SELECT * FROM organisations ORDER BY slug")

    def all_by_id(self) -> dict[Any, dict[str, Any]]:
        return {row["org_id"]: row for row in self.all()}

    def by_slug(self, slug: str) -> dict[str, Any] | None:
        return self.fetch_one("SELECT * FROM organisations WHERE slug = %s", (slug,))


class OrganisationsProjection(BatchProjection[OrganisationsView]):
    name = "organisations"
    view_class: ClassVar = OrganisationsView

    @handles(Organisation.Registered)
    def registered(self, event: Organisation.Registered, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO organisations (org_id, slug, name, number, registered_at) VALUES (%s, %s, %s, %s, %s)",
            (event.originator_id, event.slug, event.name, event.number, event.timestamp),
        )
