"""Response targets count Swedish working time; a channel's user information keeps every
version; a removal notice belongs to the comment's latest removal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from model_story import EDITOR as STORY_EDITOR
from model_story import MANAGER as STORY_MANAGER
from model_story import OFFICER, T0, active_channel, roster_with_erik

from domain.actors import Actor, Role
from domain.channel import Channel
from domain.comment import Comment
from domain.errors import InvalidTransition, InvalidValue, NotPermitted
from domain.post import Post
from domain.supervision.channel_policy import ChannelSupervision
from domain.supervision.comment_supervision import CommentSupervision
from domain.supervision.working_time import SWEDEN, add_working_time, working_time_between
from domain.user_information import UserInformation, default_user_information

ORG = uuid4()
MANAGER = Actor("actor:m", "Anna Chef", Role.MANAGER, ORG)
EDITOR = Actor("actor:e", "Erik Redaktör", Role.EDITOR, ORG)
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_eight_working_hours_from_three_on_a_friday_end_at_two_on_monday():
    friday = datetime(2026, 3, 6, 15, tzinfo=SWEDEN)

    assert add_working_time(friday, timedelta(hours=8)) == datetime(2026, 3, 9, 14, tzinfo=SWEDEN)


def test_christmas_and_new_years_eve_are_not_working_days():
    before_christmas = datetime(2026, 12, 23, 16, tzinfo=SWEDEN)

    due = add_working_time(before_christmas, timedelta(hours=8))

    assert due == datetime(2026, 12, 28, 15, tzinfo=SWEDEN)
    assert working_time_between(before_christmas, due) == timedelta(hours=8)


def test_a_comment_received_at_night_starts_counting_at_eight():
    night = datetime(2026, 3, 3, 23, tzinfo=SWEDEN)

    assert add_working_time(night, timedelta(hours=1)) == datetime(2026, 3, 4, 9, tzinfo=SWEDEN)
    assert working_time_between(night, datetime(2026, 3, 4, 7, tzinfo=SWEDEN)) == timedelta(0)


def a_channel() -> Channel:
    return Channel.register(
        uuid4(),
        ORG,
        platform="facebook",
        name="Valdemarsviks kommun",
        url="https://www.facebook.com/valdemarsvikskommun",
        owning_unit="Kommunledningskontoret",
        responsible="Kommunchef",
        purpose="Information",
        by=MANAGER,
        at=NOW,
    )


def test_the_default_user_information_names_the_organisation_and_the_law():
    info = default_user_information("Valdemarsviks kommun", "Facebook", "Kommunledningskontoret", "Kommunchef")

    assert "allmän handling" in info.public_records
    assert "BBS-lagen 5 §" in info.removal
    assert "Valdemarsviks kommun" in info.provider


def test_a_manager_sets_a_target_and_writes_the_user_information_an_editor_cannot():
    policy = ChannelSupervision.open(a_channel(), by=MANAGER, at=NOW)
    sections = default_user_information("V", "F", "K", "C").sections()
    policy.change_user_information(UserInformation.checked(**sections), by=MANAGER, at=NOW)
    policy.set_response_target(8, by=MANAGER, at=NOW)

    assert policy.target_hours == 8
    with pytest.raises(NotPermitted):
        policy.set_response_target(4, by=EDITOR, at=NOW)
    with pytest.raises(InvalidValue) as refused:
        policy.set_response_target(0, by=MANAGER, at=NOW)
    assert refused.value.field == "working_hours"
    with pytest.raises(InvalidValue) as empty:
        UserInformation.checked(**(sections | {"contact": " "}))
    assert empty.value.field == "contact"


def test_a_notice_needs_a_removed_comment():
    channel = active_channel()
    erik = roster_with_erik(channel).valid_assignment("erik", T0)
    post = Post.publish(uuid4(), channel, erik, "Hej", T0, None, by=STORY_EDITOR, at=T0)
    comment = Comment.receive(uuid4(), post, None, "Kalle", None, "Hej", T0, None, by=OFFICER, at=T0)
    supervision = CommentSupervision.open(comment, by=STORY_MANAGER, at=T0)

    with pytest.raises(InvalidTransition):
        supervision.withhold_removal_notice(comment, "Anonym", None, by=STORY_MANAGER, at=T0)
    comment.moderate(uuid4(), "remove", "unlawful_threat", None, "Hot", None, by=STORY_MANAGER, at=T0)
    supervision.record_removal_notice(comment, "Din kommentar togs bort.", "email", T0, None, by=STORY_MANAGER, at=T0)
    with pytest.raises(InvalidTransition):
        supervision.withhold_removal_notice(comment, "Anonym", None, by=STORY_MANAGER, at=T0)
