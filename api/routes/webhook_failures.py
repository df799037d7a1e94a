"""The organisation's failed webhook changes (webhookändringar som inte kunde tas in): listed,
retried, dismissed with a reason (recorded in the log), and the inbox pruned of what is done
with. Records officers and managers of the organisation only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import AppDep, CurrentActor, RuntimeDep, own_organisation
from api.schemas.webhook_failures import (
    WebhookChangeDismissal,
    WebhookChangeDismissed,
    WebhookChangePublic,
    WebhookChangesRetried,
    WebhookInboxPruned,
)
from domain.channel import CHANNEL_STEWARDS
from kanalarkiv.adapters.webhook_inbox_care import InboxRow
from kanalarkiv.config import LONGEST_KEEP_DAYS
from kanalarkiv.runtime import Runtime

router = APIRouter(tags=["webhooks"])
ChangeId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The change's id in the inbox.")]


@router.get("/v1/capture/webhooks/failed", response_model=list[WebhookChangePublic],
            summary="The webhook changes that could not be captured")  # fmt: skip
def failed_changes(
    actor: CurrentActor,
    app: AppDep,
    content: Annotated[bool, Query(description="Also what each says (personal data).")] = False,
) -> list[WebhookChangePublic]:
    """Oldest first (at most 1,000): why each failed, when it came, from which source."""
    org_id = own_organisation(actor, CHANNEL_STEWARDS, "reading the failed webhook changes")
    return [change_public(row) for row in app.failed_webhook_changes(org_id, content)]


@router.post("/v1/capture/webhooks/failed/retry", response_model=WebhookChangesRetried,
             summary="Retry every failed webhook change")  # fmt: skip
def retry_all(actor: CurrentActor, app: AppDep, runtime: RuntimeDep) -> WebhookChangesRetried:
    """Pending again; a change the record already holds records nothing twice."""
    org_id = own_organisation(actor, CHANNEL_STEWARDS, "retrying the failed webhook changes")
    return retried(runtime, app.retry_webhook_changes(org_id))


@router.post("/v1/capture/webhooks/failed/{change_id}/retry", response_model=WebhookChangesRetried,
             summary="Retry a failed webhook change")  # fmt: skip
def retry_one(change_id: ChangeId, actor: CurrentActor, app: AppDep, runtime: RuntimeDep) -> WebhookChangesRetried:
    """A change that is not failed (pending, captured, dismissed) answers 409."""
    return retried(runtime, app.retry_webhook_change(change_id))


@router.post("/v1/capture/webhooks/failed/{change_id}/dismiss", response_model=WebhookChangeDismissed,
             summary="Dismiss a failed webhook change")  # fmt: skip
def dismiss(
    change_id: ChangeId, body: WebhookChangeDismissal, actor: CurrentActor, app: AppDep
) -> WebhookChangeDismissed:
    """Not captured from the inbox; recorded in the log on its source (who, when, why). A change
    that is not failed answers 409."""
    recorded = app.dismiss_webhook_change(change_id, body.reason)
    return WebhookChangeDismissed(id=change_id, source_id=recorded.id, version=recorded.version,
                                  position=recorded.position)  # fmt: skip


@router.post("/v1/capture/webhooks/prune", response_model=WebhookInboxPruned,
             summary="Prune the webhook inbox of captured and dismissed changes")  # fmt: skip
def prune(
    actor: CurrentActor,
    app: AppDep,
    runtime: RuntimeDep,
    older_than_days: Annotated[
        int | None, Query(ge=1, le=LONGEST_KEEP_DAYS, description="Default: the service's setting (7).")
    ] = None,
) -> WebhookInboxPruned:
    """The organisation's own; the worker also prunes every organisation's hourly. Pending and
    failed changes stay."""
    org_id = own_organisation(actor, CHANNEL_STEWARDS, "pruning the webhook inbox")
    days = older_than_days or runtime.settings.webhook_keep_days
    return WebhookInboxPruned(pruned=app.prune_webhook_inbox(days, org_id), older_than_days=days)


def change_public(row: InboxRow) -> WebhookChangePublic:
    return WebhookChangePublic(**{k: v for k, v in vars(row).items() if k in WebhookChangePublic.model_fields},
                               failed_at=row.finished_at)  # fmt: skip


def retried(runtime: Runtime, ids: list[int]) -> WebhookChangesRetried:
    if ids and runtime.webhook_worker is not None:
        runtime.webhook_worker.notify()
    return WebhookChangesRetried(retried=ids)
