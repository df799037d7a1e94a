"""Every projection the service runs, in one list."""

from typing import Any

from projections.access_tokens import AccessTokensProjection
from projections.audit_trail import AuditTrailProjection
from projections.capture_runs import CaptureRunsProjection
from projections.capture_sources import CaptureSourcesProjection
from projections.channel_content.projection import ChannelContentProjection
from projections.channel_register import ChannelRegisterProjection
from projections.core.base import BatchProjection
from projections.diary.projection import DiaryProjection
from projections.editor_assignments import EditorAssignmentsProjection
from projections.log_hashes import LogHashesProjection
from projections.organisations import OrganisationsProjection
from projections.oversight import OversightProjection
from projections.public_requests import PublicRequestsProjection
from projections.retention.projection import RetentionProjection
from projections.snapshots import SnapshotsProjection
from projections.supervision import SupervisionProjection

PROJECTIONS: tuple[type[BatchProjection[Any]], ...] = (
    OrganisationsProjection,
    AccessTokensProjection,
    ChannelRegisterProjection,
    AuditTrailProjection,
    LogHashesProjection,
    EditorAssignmentsProjection,
    ChannelContentProjection,
    OversightProjection,
    DiaryProjection,
    RetentionProjection,
    SnapshotsProjection,
    CaptureRunsProjection,
    CaptureSourcesProjection,
    SupervisionProjection,
    PublicRequestsProjection,
)
