"""The audit trail's one-line summaries of the events of requests for public records."""

from __future__ import annotations

from domain.public_request import PublicRecordRequest

REQUEST_SUMMARIES: dict[type, str] = {
    PublicRecordRequest.Received: "Request for public records {number} received ({form})",
    PublicRecordRequest.ItemResolved: "Requested item {item} resolved as {kind} {record_id}",
    PublicRecordRequest.RecordAssessed: "Requested item {item} assessed: {outcome} ({provision})",
    PublicRecordRequest.Answered: "Request answered: {pages} pages, fee {fee_kr} kr",
    PublicRecordRequest.Delivered: "Released copy delivered ({form})",
    PublicRecordRequest.DecisionIssued: "Written decision on the refusal issued",
}
