"""The audit trail's one-line summaries of the capture runs' events and of what they observed."""

from __future__ import annotations

from domain.capture_run import CaptureRun
from domain.capture_source import CaptureSource
from domain.comment import Comment
from domain.post import Post

_DELETION = "{kind} missing from run {run_id} at {missing_at:%Y-%m-%d %H:%M}, last seen {last_seen_at:%Y-%m-%d %H:%M} (run {last_seen_run_id})"

CAPTURE_SUMMARIES: dict[type, str] = {
    CaptureRun.Started: "Capture run of {file_name} ({source_format}, SHA-256 {sha256:.12}…) started",
    CaptureRun.Completed: "Capture run completed: {read} read, {new} new, {unchanged} unchanged, {edited} edited, "
    "{hidden} hidden, {unhidden} unhidden, {deletions_observed} deletions observed, {account_deleted} deleted by the account",
    CaptureRun.Failed: "Capture run failed: {error}",
    Post.VisibilityObserved: "Post shown as hidden={hidden} on the platform (run {run_id})",
    Comment.VisibilityObserved: "Comment shown as hidden={hidden} on the platform (run {run_id})",
    Post.DeletionObserved: _DELETION.replace("{kind}", "Post"),
    Comment.DeletionObserved: _DELETION.replace("{kind}", "Comment"),
    Comment.EditCaptured: "Comment edited by its author on the platform (run {run_id})",
    CaptureSource.Connected: "Live source ({kind}) connected, polled every {polling_interval_seconds} s",
    CaptureSource.Changed: "Live source changed: polled every {polling_interval_seconds} s, credentials {credentials_id}",
    CaptureSource.Disconnected: "Live source disconnected: {reason}",
    CaptureSource.Suspended: "Live source's polling stopped: {reason} ({detail})",
    CaptureSource.Resumed: "Live source's polling resumed with new credentials",
    CaptureSource.WebhookChangeDismissed: "Webhook change {delivery_id} ({platform}) dismissed: {reason}",
}
