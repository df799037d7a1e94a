"""The records officer's queue of requests for public records: each request with its number,
when it came in and when its answer is due (the end of the next working day), its steps, and each
requested item with its assessment. No contact detail and no free text is kept here: those are
sealed in the log under the request's key and read from it only by the officer."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.public_request import PublicRecordRequest
from domain.request_rules import answer_due
from projections.core.base import BatchProjection, View, handles


class PublicRequestsView(View):
    name = "public_requests"
    tables = ("public_requests", "public_request_items")
    create_statements = (
        """CREATE TABLE IF NOT EXISTS public_requests (
            request_id uuid PRIMARY KEY,
            org_id uuid NOT NULL,
            number text NOT NULL,
            form text NOT NULL,
            received_at timestamptz NOT NULL,
            due_at timestamptz NOT NULL,
            answered_at timestamptz,
            answered_by text,
            delivered_at timestamptz,
            decision_at timestamptz,
            pages integer,
            fee_kr integer,
            position bigint NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS public_requests_org_idx ON public_requests (org_id, received_at)",
        """CREATE TABLE IF NOT EXISTS public_request_items (
            request_id uuid NOT NULL,
            item integer NOT NULL,
            kind text NOT NULL,
            reference text NOT NULL,
            record_id uuid,
            outcome text,
            provision text,
            assessed_by text,
            PRIMARY KEY (request_id, item)
        )""",
    )

    def requests_of(self, org_id: UUID, open_only: bool, limit: int, offset: int) -> list[dict[str, Any]]:
        rows = self.fetch_all(
            "SELECT * FROM public_requests WHERE org_id = %s AND (NOT %s OR answered_at IS NULL)"
            " ORDER BY received_at, number LIMIT %s OFFSET %s",
            (org_id, open_only, limit, offset),
        )
        items = self._items([row["request_id"] for row in rows])
        return [row | {"items": items.get(row["request_id"], [])} for row in rows]

    def request(self, request_id: UUID) -> dict[str, Any] | None:
        row = self.fetch_one("SELECT * FROM public_requests WHERE request_id = %s", (request_id,))
        return row | {"items": self._items([request_id]).get(request_id, [])} if row else None

    def _items(self, request_ids: list[UUID]) -> dict[UUID, list[dict[str, Any]]]:
        found: dict[UUID, list[dict[str, Any]]] = {}
        for row in self.fetch_all(
            "SELECT * FROM public_request_items WHERE request_id = ANY(%s) ORDER BY request_id, item", (request_ids,)
        ):
            found.setdefault(row["request_id"], []).append(row)
        return found


class PublicRequestsProjection(BatchProjection[PublicRequestsView]):
    name = "public_requests"
    view_class: ClassVar = PublicRequestsView
    reads_sealed_content: ClassVar = False  # numbers, ids, times and assessments only

    @handles(PublicRecordRequest.Received)
    def received(self, event: PublicRecordRequest.Received, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO public_requests (request_id, org_id, number, form, received_at, due_at, position)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                event.originator_id,
                event.org_id,
                event.number,
                event.form,
                event.timestamp,
                answer_due(event.timestamp),
                position,
            ),
        )
        for index, item in enumerate(event.items):
            curs.execute(
                "INSERT INTO public_request_items (request_id, item, kind, reference, record_id)"
                " VALUES (%s, %s, %s, %s, %s)",
                (event.originator_id, index, item["kind"], item["reference"], item["record_id"]),
            )

    @handles(PublicRecordRequest.ItemResolved)
    def resolved(self, event: PublicRecordRequest.ItemResolved, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO public_request_items (request_id, item, kind, reference, record_id) VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (request_id, item) DO UPDATE SET kind = EXCLUDED.kind, record_id = EXCLUDED.record_id",
            (event.originator_id, event.item, event.kind, event.reference, event.record_id),
        )
        self._touch(event, curs, position)

    @handles(PublicRecordRequest.RecordAssessed)
    def assessed(self, event: PublicRecordRequest.RecordAssessed, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE public_request_items SET outcome = %s, provision = %s, assessed_by = %s"
            " WHERE request_id = %s AND item = %s",
            (event.outcome, event.provision, event.actor_name, event.originator_id, event.item),
        )
        self._touch(event, curs, position)

    @handles(PublicRecordRequest.Answered)
    def answered(self, event: PublicRecordRequest.Answered, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE public_requests SET answered_at = %s, answered_by = %s, pages = %s, fee_kr = %s, position = %s"
            " WHERE request_id = %s",
            (event.occurred_at, event.actor_name, event.pages, event.fee_kr, position, event.originator_id),
        )

    @handles(PublicRecordRequest.Delivered)
    def delivered(self, event: PublicRecordRequest.Delivered, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE public_requests SET delivered_at = %s, position = %s WHERE request_id = %s",
            (event.occurred_at, position, event.originator_id),
        )

    @handles(PublicRecordRequest.DecisionIssued)
    def decision(self, event: PublicRecordRequest.DecisionIssued, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE public_requests SET decision_at = %s, position = %s WHERE request_id = %s",
            (event.occurred_at, position, event.originator_id),
        )

    @staticmethod
    def _touch(event: Any, curs: Cursor[Any], position: int) -> None:
        curs.execute("UPDATE public_requests SET position = %s WHERE request_id = %s", (position, event.originator_id))
