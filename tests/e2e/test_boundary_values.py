"""What the API refuses at its boundary: text PostgreSQL (or an XML writer) cannot hold, and
instants outside the range the domain states. Each answers 422 naming the field, and nothing
is recorded, so no read or projection ever meets such a value."""

from __future__ import annotations

import json

import pytest
from conftest import FACEBOOK_PAGE
from editorial_story import a_capture, given_a_municipality_with_an_active_page
from problems import assert_problem, refused, refused_on_page

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def town(client, runtime):
    return given_a_municipality_with_an_active_page(client, runtime)


def test_a_captured_post_whose_text_holds_a_nul_is_refused_naming_the_text(town):
    before = town.runtime.head()
    response = town.post(
        f"/v1/channels/{town.channel_id}/captures/posts",
        a_capture(town, text="a\u0000b"),
        as_=town.capture,
        expect=None,
    )
    refused(response, "text")
    assert town.runtime.head() == before


@pytest.mark.parametrize("character", ["\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u001b", "\u001f", "\ud800"])
def test_every_c0_control_character_but_tab_newline_and_return_is_refused(town, character):
    body = json.dumps({"text": f"Hej{character}då"})  # escaped as JSON allows, a lone surrogate too
    response = town.client.post(
        f"/v1/channels/{town.channel_id}/posts",
        content=body,
        headers=town.editor.headers | {"Content-Type": "application/json"},
    )
    refused(response, "text")


def test_tabs_newlines_and_carriage_returns_are_text(town):
    town.post(f"/v1/channels/{town.channel_id}/posts", {"text": "Rad ett\r\n\tRad två\n"}, expect=201)


def test_a_bulk_capture_names_the_item_whose_field_holds_a_control_character(town):
    now = town.now()
    body = {
        "posts": [a_capture(town), a_capture(town, platform_post_id="fb_2", author_name="Kommunen\u0007")],
        "comments": [
            {
                "platform_comment_id": "c1",
                "post_platform_id": "fb_1",
                "author_name": "Kalle",
                "text": "Tack\u0000",
                "received_at": now.isoformat(),
                "captured_at": now.isoformat(),
            }
        ],
    }
    before = town.runtime.head()
    response = town.post(f"/v1/channels/{town.channel_id}/captures", body, as_=town.capture, expect=None)
    fields = {e["field"] for e in assert_problem(response, 422)["errors"]}
    assert {"posts.1.author_name", "comments.0.text"} <= fields
    assert town.runtime.head() == before


def test_a_channel_purpose_with_a_nul_is_refused_when_registered_and_when_changed(town):
    manager = town.manager.headers
    refused(
        town.client.post("/v1/channels", json=FACEBOOK_PAGE | {"purpose": "Info\u0000"}, headers=manager), "purpose"
    )
    refused(
        town.client.post(f"/v1/channels/{town.channel_id}/purpose", json={"purpose": "x\u0000"}, headers=manager),
        "purpose",
    )
    refused(
        town.client.post(f"/v1/channels/{town.channel_id}/pause", json={"reason": "Sommar\u0002"}, headers=manager),
        "reason",
    )


def test_a_diary_entry_whose_description_holds_a_control_character_is_refused(town):
    officer = town.officer.headers
    assert town.client.put("/v1/diary", json={"series_prefix": "KS"}, headers=officer).status_code == 200
    response = town.client.post(
        "/v1/diary/entries",
        headers=officer,
        json={
            "record_date": town.now().isoformat(),
            "direction": "received",
            "record_type": "other",
            "description": "Brev\u0000",
            "counterpart": "Karin",
        },
    )
    refused(response, "description")


def test_a_text_query_parameter_with_a_nul_is_refused_not_a_server_error(town):
    response = town.client.get("/v1/organisations/valdemarsvik/diary", params={"q": "bad\u0000"})
    refused(response, "q")
    audit = town.client.get("/v1/audit-trail", headers=town.auditor.headers, params={"actor_id": "x\u0000"})
    refused(audit, "actor_id")


def test_a_publication_in_year_one_is_refused_and_the_reads_stay_whole(town):
    before = town.runtime.head()
    response = town.post(
        f"/v1/channels/{town.channel_id}/posts",
        {"text": "Hej", "published_at": "0001-01-01T00:00:00+14:00"},
        expect=None,
    )
    refused(response, "published_at")
    capture = town.post(
        f"/v1/channels/{town.channel_id}/captures/posts",
        a_capture(town, published_at="0001-01-01T00:00:00+14:00"),
        as_=town.capture,
        expect=None,
    )
    refused(capture, "published_at")
    assert town.runtime.head() == before
    assert town.get(f"/v1/channels/{town.channel_id}/posts").status_code == 200


def test_an_instant_before_1990_or_a_century_ahead_is_refused(town):
    early = town.post(
        f"/v1/channels/{town.channel_id}/captures/posts",
        a_capture(town, published_at="1989-12-31T23:59:59+00:00"),
        as_=town.capture,
        expect=None,
    )
    refused(early, "published_at")
    assignment = town.post(
        f"/v1/channels/{town.channel_id}/assignments",
        {
            "editor_id": town.editor.id,
            "editor_name": town.editor.name,
            "valid_from": town.now().isoformat(),
            "valid_until": "9999-12-31T23:59:59-14:00",
            "scope": "Allt",
        },
        as_=town.manager,
        expect=None,
    )
    refused(assignment, "valid_until")


def test_a_snapshot_taken_in_year_one_is_refused_naming_taken_at(town):
    webmaster_headers = town.officer.headers
    response = town.client.post(
        f"/v1/channels/{town.channel_id}/snapshots",
        headers=webmaster_headers,
        files={"file": ("shot.png", PNG, "image/png")},
        data={"period_start": "2026-01-01", "period_end": "2026-02-28", "taken_at": "0001-01-01T00:00:00+14:00"},
    )
    refused(response, "taken_at")


def test_a_read_as_of_year_one_is_refused_naming_as_of(town):
    response = town.get(f"/v1/channels/{town.channel_id}/posts", as_=town.auditor, as_of="0001-01-01T00:00:00+14:00")
    refused(response, "as_of")
    at = town.get(f"/v1/channels/{town.channel_id}/editors", as_=town.manager, at="0001-01-01T00:00:00+14:00")
    refused(at, "at")


def test_a_slug_with_a_nul_is_refused_not_a_server_error(town):
    for path in ("/v1/organisations/a%00b/diary", "/v1/organisations/a%00b/channels"):
        refused(town.client.get(path), "slug")
    refused_on_page(town.client.get("/a%00b/diarium"), "slug")


def test_a_day_beyond_the_range_is_refused_not_an_overflow(town):
    refused(town.client.get("/v1/organisations/valdemarsvik/diary", params={"to": "9999-12-31"}), "to")
    refused_on_page(town.client.get("/valdemarsvik/diarium", params={"to": "9999-12-31"}), "to")
    rendering = town.post(
        f"/v1/channels/{town.channel_id}/snapshots/rendering",
        {"period_start": "2026-01-01", "period_end": "9999-12-31"},
        as_=town.officer,
        expect=None,
    )
    refused(rendering, "period_end")


def test_the_cli_refuses_to_replay_as_of_year_one():
    from typer.testing import CliRunner

    from kanalarkiv.cli.main import app as cli

    result = CliRunner().invoke(cli, ["replay", "--org", "valdemarsvik", "--as-of", "0001-01-01T00:00:00+14:00"])
    assert result.exit_code == 2 and "1990-01-01" in result.output
