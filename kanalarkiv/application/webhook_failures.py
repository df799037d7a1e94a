"""What records officers and managers do with the webhook changes the worker could not capture
(a comment on a post not yet recorded, a closed channel): list them, retry them (pending again;
the capture is idempotent, so a change the record already holds records nothing twice), or
dismiss one with a reason — a records decision about what the public wrote, recorded in the log
on the source it came through (``CaptureSource.WebhookChangeDismissed``). A retry is no decision:
what it leads to is recorded (a capture run), and who asked is kept on the row. Rows done with
are pruned after some days, by the worker and on command; pruning records nothing (a captured
change is in the record, a dismissal in the log)."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from uuid import UUID

import structlog

from domain.actors import Actor, Role
from domain.capture_source import CaptureSource
from domain.channel import CHANNEL_STEWARDS
from domain.errors import InvalidTransition, InvalidValue, NotPermitted
from kanalarkiv.adapters.webhook_inbox import WebhookInbox
from kanalarkiv.adapters.webhook_inbox_care import InboxCare, InboxRow
from kanalarkiv.application.base import RecordsBase
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.outcomes import Recorded, RecordNotFound
from kanalarkiv.config import LONGEST_KEEP_DAYS

log = structlog.get_logger("kanalarkiv.webhooks")


class WebhookFailureCommands(RecordsBase):
    webhook_inbox: WebhookInbox

    @cached_property
    def webhook_care(self) -> InboxCare:
        return InboxCare(self.webhook_inbox)

    def failed_webhook_changes(self, org_id: UUID | None, content: bool = False) -> list[InboxRow]:
        """Of one organisation (None: of all, for the operator). Their content, only to its own staff."""
        by = _steward(org_id, "reading the failed webhook changes")
        if content and (org_id is None or by.org_id != org_id):
            raise NotPermitted("a webhook change's content is shown to the organisation's own staff only")
        return self.webhook_care.failed(org_id, content)

    def retry_webhook_change(self, change_id: int) -> list[int]:
        row = self._failed_webhook_change(change_id, "retrying a webhook change")
        return self._retried(self.webhook_care.retry(row.org_id, change_id, current_actor().name, self.clock()))

    def retry_webhook_changes(self, org_id: UUID | None) -> list[int]:
        """Every failed change of the organisation (None: of all) pending again; the ids."""
        by = _steward(org_id, "retrying the failed webhook changes")
        return self._retried(self.webhook_care.retry(org_id, None, by.name, self.clock()))

    @command
    def dismiss_webhook_change(self, change_id: int, reason: str) -> Recorded:
        """Recorded on the source first, then the row marked: a dismissal is never kept without its
        event (a crash between the two leaves the change failed, with the decision in the log)."""
        row = self._failed_webhook_change(change_id, "dismissing a webhook change")
        by, at = current_actor(), self.clock()
        source = self._get(row.source_id, CaptureSource, "capture source")
        source.dismiss_webhook_change(row.delivery_id, row.platform, row.received_at, row.reason or "", reason,
                                      by=by, at=at)  # fmt: skip
        recorded = self._recorded(source)
        if not self.webhook_care.dismiss(change_id, by.name, reason, at):
            # Retried between the read and now: the decision stands in the log, and so will the capture.
            log.warning("webhook_change_dismissed_while_retried", change_id=change_id, source_id=str(row.source_id))
        self.webhook_inbox.tally.add("dismissed")
        log.info("webhook_change_dismissed", change_id=change_id, source_id=str(row.source_id), by=by.id)
        return recorded

    def prune_webhook_inbox(self, days: int, org_id: UUID | None = None) -> int:
        """Delete the captured and dismissed changes older than so many days (of one organisation,
        or None: of all); how many."""
        if not 1 <= days <= LONGEST_KEEP_DAYS:
            raise InvalidValue("older_than_days", f"must be a whole number of days from 1 to {LONGEST_KEEP_DAYS}")
        _steward(org_id, "pruning the webhook inbox")
        pruned = self.webhook_care.prune(self.clock() - timedelta(days=days), org_id)
        self.webhook_inbox.tally.add("pruned", n=pruned)
        if pruned:
            log.info("webhook_inbox_pruned", changes=pruned, older_than_days=days)
        return pruned

    def _failed_webhook_change(self, change_id: int, doing: str) -> InboxRow:
        """The failed change, if the caller may act on it; one of another organisation is none."""
        by = current_actor()
        row = self.webhook_care.one(change_id)
        if row is None or not by.belongs_to(row.org_id):
            raise RecordNotFound(f"no webhook change with id {change_id}")
        by.require(CHANNEL_STEWARDS, row.org_id, doing)
        if row.state != "failed":
            raise InvalidTransition(
                f"webhook change {change_id} is {row.state}: only a failed one is retried or dismissed"
            )
        return row

    def _retried(self, ids: list[int]) -> list[int]:
        self.webhook_inbox.tally.add("retried", n=len(ids))
        if ids:
            log.info("webhook_changes_retried", changes=len(ids), first=ids[0], by=current_actor().id)
        return ids


def _steward(org_id: UUID | None, doing: str) -> Actor:
    """The caller, a steward of the organisation; every organisation's inbox is the operator's alone."""
    by = current_actor()
    if org_id is None and by.role is not Role.OPERATOR:
        raise NotPermitted(f"{doing} of every organisation is the operator's; name the organisation")
    if org_id is not None:
        by.require(CHANNEL_STEWARDS, org_id, doing)
    return by
