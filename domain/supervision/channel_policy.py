"""One channel's supervision policy (uppsikt): the user information it shows (BBS-lagen 3 §),
every version of it kept, and its response target in working hours. One aggregate per channel,
its id derived from the channel's."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.channel import Channel
from domain.errors import InvalidValue
from domain.organisation import NAMESPACE
from domain.user_information import UserInformation

INFORMATION_WRITERS = {Role.MANAGER, Role.WEBMASTER}
TARGET_SETTERS = {Role.MANAGER}
MAX_TARGET_HOURS = 200.0
"""Five working weeks: a target beyond it is no target."""


class ChannelSupervision(RecordAggregate):
    """A channel's user information and response target."""

    class Opened(RecordAggregate.Created):
        """The channel's supervision policy was first set."""

        channel_id: UUID

    class UserInformationChanged(RecordAggregate.Event):
        """The user information (användarinformation, BBS-lagen 3 §) was written anew; each
        version stays, so what the channel told its users on any day can be shown."""

        channel_id: UUID
        provider: str
        public_records: str
        comment_rules: str
        removal: str
        personal_data: str
        contact: str

    class ResponseTargetSet(RecordAggregate.Event):
        """Comments on the channel are to be answered within ``working_hours`` (svarsmål), counted
        in Swedish working time; it applies to comments received from now on."""

        channel_id: UUID
        working_hours: float

        def apply(self, policy: ChannelSupervision) -> None:
            policy.target_hours = self.working_hours

    def __init__(self, org_id: UUID, channel_id: UUID):
        self.org_id = org_id
        self.channel_id = channel_id
        self.target_hours: float | None = None

    @staticmethod
    def id_for(channel_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"channel-supervision/{channel_id}")

    @classmethod
    def open(cls, channel: Channel, by: Actor, at: datetime) -> ChannelSupervision:
        by.require(INFORMATION_WRITERS | TARGET_SETTERS, channel.org_id, "setting a channel's supervision policy")
        return cls._create(
            cls.Opened, id=cls.id_for(channel.id), channel_id=channel.id, **cls.envelope(by, at, None, channel.org_id)
        )

    def change_user_information(self, information: UserInformation, by: Actor, at: datetime) -> None:
        by.require(INFORMATION_WRITERS, self.org_id, "writing a channel's user information")
        self._record(self.UserInformationChanged, by, at, channel_id=self.channel_id, **information.sections())

    def set_response_target(self, working_hours: float, by: Actor, at: datetime) -> None:
        by.require(TARGET_SETTERS, self.org_id, "setting a channel's response target")
        if not 0 < working_hours <= MAX_TARGET_HOURS:
            raise InvalidValue("working_hours", f"must be more than 0 and at most {MAX_TARGET_HOURS:g}")
        self._record(self.ResponseTargetSet, by, at, channel_id=self.channel_id, working_hours=float(working_hours))
