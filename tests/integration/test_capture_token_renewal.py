"""Tokens that expire are renewed: a YouTube poll refused after the hour its access token lasts
gets a new one for the refresh token and goes on; a refresh token the platform refuses stops the
source; an Instagram Login token is renewed a day after it was first polled. The new tokens are
sealed under the same credentials, and in no log line or stored byte in plain."""

from __future__ import annotations

import logging

import psycopg
from live_story import fake
from source_story import given_a_source, towards

from domain.secret import Secret
from kanalarkiv.adapters.credentials import Credentials
from kanalarkiv.application.context import acting_as

__all__ = ["fake"]


def youtube_with_a_refresh_token(runtime, fake, clock):
    source = given_a_source(runtime, fake, "youtube_channel", clock)
    client_id, client_secret = fake.tokens.google_client
    with acting_as(source.manager):
        runtime.app.change_capture_source(
            source.source_id,
            credentials=Credentials(
                access_token=Secret(fake.youtube.token),
                refresh_token=Secret(fake.tokens.google_refresh_token),
                client_id=Secret(client_id),
                app_secret=Secret(client_secret),
            ),
        )
    runtime.app.live_endpoints = towards(fake)
    source.kind.first(fake)
    return source


def test_a_youtube_token_past_its_hour_is_renewed_and_the_poll_goes_on(runtime, fake, clock, capfd):
    source = youtube_with_a_refresh_token(runtime, fake, clock)
    assert source.poll().outcome == "completed"
    fake.youtube.token = "fake-google-token-issued-elsewhere"  # the hour is up: ours is refused
    capfd.readouterr()
    again = source.poll()
    assert again.outcome == "completed" and fake.tokens.refreshes == ["google"]
    sealed = runtime.app.credentials.open(
        runtime.app.get_capture_source(source.source_id).credentials_id, source.org_id
    )
    assert sealed.access_token.reveal() == fake.youtube.token and sealed.refresh_token is not None
    logged = capfd.readouterr().err
    assert "capture_token_renewed" in logged and fake.youtube.token not in logged
    assert fake.youtube.token.encode() not in stored(runtime)


def test_a_refresh_token_the_platform_refuses_stops_the_source(runtime, fake, clock):
    source = youtube_with_a_refresh_token(runtime, fake, clock)
    fake.youtube.token_refused = True
    fake.tokens.google_refresh_token = "fake-google-refresh-token-revoked"
    stopped = source.poll()
    assert (stopped.outcome, stopped.reason) == ("suspended", "credentials_invalid")
    assert "invalid_grant" in stopped.detail


def test_an_instagram_login_token_is_renewed_a_day_after_its_first_poll(runtime, fake, clock, caplog):
    source = given_a_source(runtime, fake, "instagram_account", clock)
    runtime.app.live_endpoints = towards(fake, instagram_login=True)
    source.kind.first(fake)
    first = fake.instagram.token
    assert source.poll().outcome == "completed" and fake.tokens.refreshes == []
    clock.advance(hours=25)
    with caplog.at_level(logging.INFO, logger="httpx"):
        assert source.poll().outcome == "completed"
    assert fake.tokens.refreshes == ["instagram"] and fake.instagram.token != first
    assert "HTTP Request" in caplog.text  # httpx logs its requests; not the one whose URL holds the token
    assert first not in caplog.text and fake.instagram.token not in caplog.text
    clock.advance(hours=1)
    source.poll()
    assert fake.tokens.refreshes == ["instagram"]  # not again within the day


def stored(runtime) -> bytes:
    with psycopg.connect(runtime.database_url) as conn:
        rows = [
            *conn.execute("SELECT state FROM kanalarkiv_events"),
            *conn.execute("SELECT sealed FROM capture_credentials"),
        ]
    return b"".join(bytes(row[0]) for row in rows if row[0] is not None)
