"""Request and response bodies of requests for public records (begäran om allmän handling)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.types import Instant, Text
from domain.request_rules import answer_due, is_late, working_hours
from kanalarkiv.application.public_requests import RequestDetails

Reference = Annotated[Text, Field(min_length=1, max_length=80)]
Form = Literal["paper", "email", "on_site"]


class RequestCreate(BaseModel):
    """What anyone sends to ask for records: no name, only what delivery needs (efterforskningsförbud)."""

    diary_numbers: list[Reference] = Field([], max_length=50, description="Diarienummer, e.g. 'KS 2026/0042-1'.")
    post_ids: list[Reference] = Field([], max_length=50, description="Ids of archived posts.")
    comment_ids: list[Reference] = Field([], max_length=50, description="Ids of comments.")
    description: Text | None = Field(
        None, max_length=2000, description="Free text, when you do not know the numbers: what you ask for."
    )
    form: Form = Field(description="Kopia på papper (paper), per e-post (email), or läsa på plats (on_site).")
    email: Text | None = Field(None, max_length=254, description="Where to send a copy by e-mail.")
    postal_address: Text | None = Field(None, max_length=300, description="Where to post a paper copy.")
    collect: bool = Field(False, description="Collect the paper copy at the office instead (hämtas).")
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"diary_numbers": ["KS 2026/0001"], "form": "email", "email": "a@example.se"}]},
    )


class RequestReceipt(BaseModel):
    """The receipt: the request's number and what was asked, as written — never whether a named
    record exists or is secret."""

    number: str = Field(description="Begärans nummer, e.g. 'BEG 2026/0001'.")
    received_at: datetime
    named: list[str] = Field(description="The records named, as written.")
    described: bool = Field(description="Whether a free-text description came with it.")
    form: str
    message: str
    position: int


class Resolution(BaseModel):
    kind: Literal["diary_entry", "post", "comment"]
    reference: Text = Field(min_length=1, max_length=80, description="The diary number or the record's id.")
    model_config = ConfigDict(extra="forbid")


class AssessmentBody(BaseModel):
    """Menprövning of one requested record."""

    outcome: Literal["release", "release_masked", "refuse"]
    provision: Text | None = Field(None, max_length=60, description="The OSL provision, e.g. 'OSL 26 kap. 1 §'.")
    reason: Text | None = Field(None, max_length=2000, description="Why (required for a refusal).")
    masked_passages: list[Text] = Field(
        [], max_length=100, description="The passages of the record's text to mask (each found in it)."
    )
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"outcome": "release_masked", "provision": "OSL 21 kap. 7 §", "masked_passages": ["Kalle"]}]
        },
    )


class Delivery(BaseModel):
    delivered_at: Instant | None = Field(None, description="When it was sent or shown; now if left out.")
    model_config = ConfigDict(extra="forbid")


class DecisionBody(BaseModel):
    reasons: Text = Field(min_length=1, max_length=4000, description="Skälen för beslutet.")
    model_config = ConfigDict(extra="forbid")


class FeeScheduleBody(BaseModel):
    """Avgifter för papperskopior; copies by e-mail and viewing on site are always free."""

    free_pages: int = Field(9, ge=0, le=10_000, description="Pages free of charge.")
    first_charged_page_kr: int = Field(50, ge=0, le=10_000, description="The first page charged for, in kronor.")
    further_page_kr: int = Field(2, ge=0, le=10_000, description="Each further page, in kronor.")
    model_config = ConfigDict(extra="forbid")


class FeeScheduleSet(FeeScheduleBody):
    decision_reference: Text = Field(min_length=1, max_length=200, description="The decision setting the fees.")


class RequestRecorded(BaseModel):
    id: UUID
    version: int
    position: int


class RequestItem(BaseModel):
    item: int
    kind: str
    reference: str
    record_id: UUID | None
    outcome: str | None
    provision: str | None
    secrecy_marking: str | None = Field(None, description="A marking on the entry: a reason to assess, not a decision.")
    text: str | None = Field(None, description="The record's text as a copy shows it (officers only).")


class RequestRow(BaseModel):
    """A request in the records officer's queue."""

    id: UUID
    number: str
    form: str
    received_at: datetime
    answer_due: datetime = Field(description="The end of the next working day after receipt (skyndsamt, JO).")
    age_working_hours: float = Field(description="Working hours since receipt, until the answer or now.")
    late: bool
    status: Literal["open", "answered"]
    answered_at: datetime | None
    delivered_at: datetime | None
    decision_at: datetime | None
    pages: int | None
    fee_kr: int | None
    items: list[RequestItem]

    @classmethod
    def of(cls, row: dict[str, Any], now: datetime) -> RequestRow:
        answered = row["answered_at"]
        return cls(
            id=row["request_id"],
            number=row["number"],
            form=row["form"],
            received_at=row["received_at"],
            answer_due=answer_due(row["received_at"]),
            age_working_hours=working_hours(row["received_at"], answered or now),
            late=is_late(row["received_at"], now, answered),
            status="answered" if answered else "open",
            answered_at=answered,
            delivered_at=row["delivered_at"],
            decision_at=row["decision_at"],
            pages=row["pages"],
            fee_kr=row["fee_kr"],
            items=[RequestItem.model_validate(item) for item in row["items"]],
        )


class RequestQueue(BaseModel):
    requests: list[RequestRow]


class RequestDetail(RequestRow):
    """One request as its officer reads it, with the contact details (sealed in the log)."""

    description: str | None
    email: str | None
    postal_address: str | None
    collect: bool


class Answered(BaseModel):
    id: UUID
    position: int
    pages: int
    fee_kr: int
    copy_url: str | None


def detail_of(details: RequestDetails, now: datetime) -> RequestDetail:
    request = details.request
    form, email, postal_address, collect = request.contact
    row = {
        "request_id": request.id,
        "number": request.number,
        "form": form,
        "received_at": request.created_on,
        "answered_at": request.answered_at,
        "delivered_at": request.delivered_at,
        "decision_at": request.decision_at,
        "pages": request.pages,
        "fee_kr": request.fee_kr,
        "items": [
            {
                "item": index,
                "kind": item.kind,
                "reference": item.reference,
                "record_id": item.record_id,
                "outcome": request.assessments[index].outcome if index in request.assessments else None,
                "provision": request.assessments[index].provision if index in request.assessments else None,
                "secrecy_marking": text.secrecy_marking,
                "text": text.text,
            }
            for index, (item, text) in enumerate(zip(request.items, details.texts, strict=True))
        ],
    }
    summary = RequestRow.of(row, now)
    return RequestDetail(
        **summary.model_dump(),
        description=request.description,
        email=email,
        postal_address=postal_address,
        collect=collect,
    )
