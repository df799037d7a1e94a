"""Every projection the service runs, in one list."""

from projections.access_tokens import AccessTokensProjection
from projections.audit_trail import AuditTrailProjection
from projections.channel_content import ChannelContentProjection
from projections.channel_register import ChannelRegisterProjection
from projections.core.base import BatchProjection
from projections.diary import DiaryProjection
from projections.editor_assignments import EditorAssignmentsProjection
from projections.log_hashes import LogHashesProjection
from projections.organisations import OrganisationsProjection
from projections.oversight import OversightProjection
from projections.retention import RetentionProjection
from projections.snapshots import SnapshotsProjection
from projections.supervision import SupervisionProjection

PROJECTIONS: tuple[type[BatchProjection], ...] = (
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
    SupervisionProjection,
)
