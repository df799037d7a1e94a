"""The editorial rules in the model alone: assignments in time, deviations decided once, and
moderation that is reversed only by a later decision."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from model_story import CAPTURE, EDITOR, MANAGER, OFFICER, T0, active_channel, roster_with_erik

from domain.comment import Comment, Visibility
from domain.errors import InvalidTransition, InvalidValue, NotPermitted
from domain.post import Post
from domain.roster import ChannelRoster, NoValidAssignment


def test_an_assignment_is_valid_from_its_start_until_its_end_or_revocation():
    channel = active_channel()
    roster = roster_with_erik(channel, until=T0 + timedelta(days=10))
    [assignment_id] = roster.assignments
    roster.revoke(assignment_id, "Slutat", T0 + timedelta(days=5), by=MANAGER, at=T0 + timedelta(days=1))
    assert roster.valid_assignment("erik", T0 - timedelta(seconds=1)) is None
    assert roster.valid_assignment("erik", T0 + timedelta(days=4)) is not None
    assert roster.valid_assignment("erik", T0 + timedelta(days=5)) is None
    assert roster.valid_assignment("someone-else", T0 + timedelta(days=1)) is None


def test_an_assignment_must_end_after_it_starts_and_closed_channels_get_none():
    channel = active_channel()
    roster = ChannelRoster.open(channel, by=MANAGER, at=T0)
    with pytest.raises(InvalidValue, match="valid_until"):
        roster.assign(channel, uuid4(), "erik", "Erik", T0, T0, "Allt", by=MANAGER, at=T0)
    channel.close("Nedlagd", by=MANAGER, at=T0)
    with pytest.raises(InvalidTransition):
        roster.assign(channel, uuid4(), "erik", "Erik", T0, None, "Allt", by=MANAGER, at=T0)


def test_an_editor_publishes_only_under_a_valid_assignment():
    channel = active_channel()
    roster = roster_with_erik(channel)
    post = Post.publish(uuid4(), channel, roster.valid_assignment("erik", T0), "Hej", T0, None, by=EDITOR, at=T0)
    assert post.assignment_id is not None
    with pytest.raises(NoValidAssignment):
        Post.publish(uuid4(), channel, None, "Hej", T0, None, by=EDITOR, at=T0)


def test_a_captured_post_records_its_deviation_once_and_replays_to_it():
    channel = active_channel()
    post = Post.capture(uuid4(), channel, None, "fb_1", "Hej", T0, T0, "nobody", "Sidan", by=CAPTURE, at=T0)
    [published] = post.collect_events()
    assert published.assignment_id is None
    assert published.mutate(None).assignment_id is None  # replay gives the same deviation


def test_a_post_in_the_future_is_refused():
    channel = active_channel()
    roster = roster_with_erik(channel)
    with pytest.raises(InvalidValue, match="published_at"):
        Post.publish(
            uuid4(),
            channel,
            roster.valid_assignment("erik", T0),
            "Hej",
            T0 + timedelta(hours=1),
            None,
            by=EDITOR,
            at=T0,
        )


def test_a_deleted_post_is_neither_edited_nor_deleted_again():
    channel = active_channel()
    roster = roster_with_erik(channel)
    assignment = roster.valid_assignment("erik", T0)
    post = Post.publish(uuid4(), channel, assignment, "Hej", T0, None, by=EDITOR, at=T0)
    registered = channel.created_on
    post.delete("own_decision", "Inaktuell", assignment, None, None, by=EDITOR, at=T0, channel_registered_at=registered)
    with pytest.raises(InvalidTransition):
        post.edit("Hej igen", assignment, None, None, by=EDITOR, at=T0, channel_registered_at=registered)
    with pytest.raises(InvalidTransition):
        post.delete("spam", "x", assignment, None, None, by=OFFICER, at=T0, channel_registered_at=registered)


def test_moderation_is_reversed_by_a_new_decision_and_captures_cannot_moderate():
    channel = active_channel()
    roster = roster_with_erik(channel)
    assignment = roster.valid_assignment("erik", T0)
    post = Post.publish(uuid4(), channel, assignment, "Hej", T0, None, by=EDITOR, at=T0)
    comment = Comment.receive(uuid4(), post, "c1", "Kalle", "123", "Hot!", T0, T0, by=CAPTURE, at=T0)
    first = uuid4()
    comment.moderate(first, "remove", "unlawful_threat", None, "Olaga hot", assignment, by=EDITOR, at=T0)
    with pytest.raises(InvalidTransition, match="already removed"):
        comment.moderate(uuid4(), "hide", "spam", None, "x", None, by=OFFICER, at=T0)
    comment.reverse_moderation(uuid4(), "Felbedömning", None, by=MANAGER, at=T0)
    events = comment.collect_events()
    assert comment.visibility is Visibility.VISIBLE
    assert events[-1].reverses == first and events[1].action == "remove"
    with pytest.raises(NotPermitted):
        comment.moderate(uuid4(), "hide", "spam", None, "x", None, by=CAPTURE, at=T0)
