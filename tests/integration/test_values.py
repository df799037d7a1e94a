"""The domain's shared values and the order of a record's facts, in the model alone — and, for
generated strings and instants, the promise behind them: whatever the domain accepts,
PostgreSQL stores and reads back unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_story import CAPTURE, EDITOR, MANAGER, ORG, T0, active_channel, roster_with_erik
from psycopg.types.json import Jsonb

from domain.actors import Actor, Role
from domain.comment import Comment
from domain.diary import Direction, Reading, RecordType
from domain.errors import InvalidValue
from domain.post import Post
from domain.roster import ChannelRoster
from domain.values import CLOCK_SKEW, EARLIEST, HORIZON, instant, past_instant, plain_text, required_text
from retention.snapshots import ChannelSnapshot

NOT_TEXT = {chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000)]}
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
SHA = "a" * 64
CHARACTERS = st.one_of(st.characters(), st.characters(categories=["Cc", "Cs"]))
"""Any character, with control characters and lone surrogates drawn often."""


def refuses(field: str, check, *args, **kwargs) -> str:
    with pytest.raises(InvalidValue) as refused:
        check(*args, **kwargs)
    assert refused.value.field == field
    return refused.value.message


# Text


def test_tab_newline_and_carriage_return_are_text_and_other_c0_characters_are_not():
    assert plain_text("text", "a\tb\r\nc") == "a\tb\r\nc"
    assert "U+0000" in refuses("purpose", required_text, "purpose", "Info\u0000")
    assert "U+001B" in refuses("name", required_text, "name", "\u001b[31mröd")
    assert plain_text("author_id", None) is None


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=CHARACTERS, max_size=40))
def test_the_domain_accepts_exactly_the_strings_that_are_text(value):
    accepted = not (set(value) & NOT_TEXT)
    try:
        plain_text("text", value)
    except InvalidValue:
        assert not accepted
    else:
        assert accepted


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=CHARACTERS, max_size=60))
def test_every_string_the_domain_accepts_postgresql_stores_and_reads_back(database_url, value):
    try:
        accepted = required_text("text", value, 1000)
    except InvalidValue:
        return
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT %s::text, %s::jsonb ->> 'v'", (accepted, Jsonb({"v": accepted}))).fetchone()
    assert stored == (accepted, accepted)


# Instants


def test_an_instant_lies_between_1990_and_a_century_ahead():
    now = T0
    assert instant("at", EARLIEST, now) == EARLIEST
    assert "1990-01-01" in refuses(
        "published_at", instant, "published_at", datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), now
    )
    refuses(
        "valid_until",
        instant,
        "valid_until",
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14))),
        now,
    )
    refuses("at", instant, "at", datetime(2026, 1, 1), now)
    assert "future" in refuses("taken_at", past_instant, "taken_at", now + CLOCK_SKEW + timedelta(seconds=1), now)
    assert past_instant("taken_at", now + CLOCK_SKEW, now) == now + CLOCK_SKEW


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.datetimes(), st.sampled_from([datetime.min, datetime.max])), OFFSETS)
def test_every_instant_the_domain_accepts_postgresql_reads_back_equal(database_url, moment, offset):
    when = moment.replace(tzinfo=offset)  # 0001-01-01T00:00+14:00 is 1 BC in UTC: Python cannot read it back
    seconds_utc = (moment - datetime.min) / timedelta(seconds=1) - offset.utcoffset(None) / timedelta(seconds=1)
    try:
        instant("when", when, T0)
    except InvalidValue:
        earliest, latest = (
            (t.replace(tzinfo=None) - datetime.min) / timedelta(seconds=1) for t in (EARLIEST, T0 + HORIZON)
        )
        assert not earliest <= seconds_utc <= latest
        return
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT %s::timestamptz", (when,)).fetchone()[0] == when


# The order of a post's and a comment's facts


def test_an_editor_cannot_publish_before_the_channel_was_registered_but_a_capture_may():
    channel = active_channel()
    assignment = roster_with_erik(channel).valid_assignment("erik", T0)
    message = refuses(
        "published_at",
        Post.publish,
        uuid4(),
        channel,
        assignment,
        "Hej",
        T0 - timedelta(days=30),
        None,
        by=EDITOR,
        at=T0,
    )
    assert "before the channel was registered" in message
    old = Post.capture(
        uuid4(), channel, None, "fb_1", "Hej", T0 - timedelta(days=900), T0, None, "Sidan", by=CAPTURE, at=T0
    )
    assert old.published_at == T0 - timedelta(days=900)


def test_a_capture_is_never_before_what_it_captured():
    channel = active_channel()
    refuses(
        "captured_at",
        Post.capture,
        uuid4(),
        channel,
        None,
        "fb_1",
        "Hej",
        T0,
        T0 - timedelta(hours=1),
        None,
        "Sidan",
        by=CAPTURE,
        at=T0,
    )


def test_an_edit_or_deletion_never_precedes_the_post_or_its_last_change():
    channel = active_channel()
    post = Post.capture(
        uuid4(), channel, None, "fb_1", "Hej", T0 - timedelta(days=3), T0, None, "Sidan", by=CAPTURE, at=T0
    )
    registered = channel.created_on
    refuses(
        "occurred_at",
        post.edit,
        "Nej",
        None,
        T0 - timedelta(days=4),
        T0,
        by=CAPTURE,
        at=T0,
        channel_registered_at=registered,
    )
    post.edit("Hej igen", None, T0 - timedelta(days=1), T0, by=CAPTURE, at=T0, channel_registered_at=registered)
    refuses(
        "occurred_at",
        post.delete,
        "not_stated",
        "Borta",
        None,
        T0 - timedelta(days=2),
        T0,
        by=CAPTURE,
        at=T0,
        channel_registered_at=registered,
    )
    refuses(
        "captured_at",
        post.delete,
        "not_stated",
        "Borta",
        None,
        T0 - timedelta(hours=1),
        T0 - timedelta(hours=2),
        by=CAPTURE,
        at=T0,
        channel_registered_at=registered,
    )


def test_an_editor_records_no_change_from_before_the_channel_was_registered():
    channel = active_channel()
    roster = roster_with_erik(channel)
    post = Post.capture(
        uuid4(), channel, None, "fb_1", "Hej", T0 - timedelta(days=3), T0, None, "Sidan", by=CAPTURE, at=T0
    )
    assignment = roster.valid_assignment("erik", T0)
    message = refuses(
        "occurred_at",
        post.edit,
        "Rättat",
        assignment,
        T0 - timedelta(days=1),
        None,
        by=EDITOR,
        at=T0 + timedelta(hours=1),
        channel_registered_at=channel.created_on,
    )
    assert "before the channel was registered" in message


def test_a_reply_or_a_moderation_never_precedes_the_comment():
    channel = active_channel()
    roster = roster_with_erik(channel)
    post = Post.capture(uuid4(), channel, None, "fb_1", "Hej", T0, T0, None, "Sidan", by=CAPTURE, at=T0)
    later = T0 + timedelta(hours=2)
    comment = Comment.receive(
        uuid4(), post, "c1", "Kalle", None, "Fråga", later - timedelta(hours=1), later, by=CAPTURE, at=later
    )
    refuses(
        "occurred_at",
        comment.reply,
        uuid4(),
        "Svar",
        roster.valid_assignment("erik", later),
        None,
        None,
        later - timedelta(hours=2),
        None,
        by=EDITOR,
        at=later,
        channel_registered_at=channel.created_on,
    )
    refuses(
        "occurred_at",
        comment.moderate,
        uuid4(),
        "hide",
        "etiquette",
        None,
        "Ton",
        None,
        by=MANAGER,
        at=later - timedelta(hours=2),
    )


# Assignments, snapshots, the diary


def test_an_assignment_ends_within_a_century_and_starts_after_1990():
    channel = active_channel()
    roster = ChannelRoster.open(channel, by=MANAGER, at=T0)
    refuses(
        "valid_until",
        roster.assign,
        channel,
        uuid4(),
        "erik",
        "Erik",
        T0,
        T0 + timedelta(days=36_600),
        "Allt",
        by=MANAGER,
        at=T0,
    )
    refuses(
        "valid_from",
        roster.assign,
        channel,
        uuid4(),
        "erik",
        "Erik",
        datetime(1900, 1, 1, tzinfo=UTC),
        None,
        "Allt",
        by=MANAGER,
        at=T0,
    )


def test_a_snapshot_is_not_taken_in_the_future_or_before_1990():
    webmaster = Actor("w", "Webbansvarig", Role.WEBMASTER, ORG)
    channel = active_channel()
    for taken_at in (T0 + timedelta(hours=1), datetime(1, 1, 1, tzinfo=UTC)):
        refuses(
            "taken_at",
            ChannelSnapshot.take,
            uuid4(),
            channel,
            date(2026, 1, 1),
            date(2026, 2, 1),
            SHA,
            10,
            "image/png",
            "x.png",
            False,
            taken_at,
            by=webmaster,
            at=T0,
        )


def test_a_diary_reading_dates_its_record_within_the_range():
    refuses(
        "record_date",
        Reading.checked,
        datetime(1, 1, 1, tzinfo=UTC),
        Direction.RECEIVED,
        RecordType.OTHER,
        None,
        "Brev",
        None,
        T0,
    )
    refuses("description", Reading.checked, T0, Direction.RECEIVED, RecordType.OTHER, None, "Brev\u0007", None, T0)
