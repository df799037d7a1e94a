"""The audit trail's one-line summaries of the events of requests for public records."""

from __future__ import annotations

from domain.public_request import PublicRecordRequest
from domain.request_fees import RequestFees

REQUEST_SUMMARIES: dict[type, str] = {
    PublicRecordRequest.Received: "Request for public records {number} received ({form})",
    PublicRecordRequest.ItemResolved: "Requested item {item} resolved as {kind} {record_id}",
    PublicRecordRequest.RecordAssessed: "Requested item {item} assessed: {outcome} ({provision})",
    PublicRecordRequest.Answered: "Request answered: {pages} pages, fee {fee_kr} kr",
    PublicRecordRequest.Delivered: "Released copy delivered ({form})",
    PublicRecordRequest.DecisionIssued: "Written decision on the refusal issued",
    RequestFees.ScheduleSet: "Fees for copies set: {free_pages} pages free, then {first_charged_page_kr} kr,"
    " then {further_page_kr} kr a page ({decision_reference})",
}
