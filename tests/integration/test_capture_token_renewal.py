"""Tokens that expire are renewed: a YouTube poll refused after the hour its access token lasts
gets a new one for the refresh token and goes on; a refresh token the platform refuses stops the
source; a LinkedIn token refused at the end of its 60 days is renewed, and the next one renewed
before a poll comes near its end; a LinkedIn refresh token past its year stops the source saying
so; an Instagram Login token is renewed a day after it was first polled. The new tokens are
sealed under the same credentials, and in no log line, API answer or stored byte in plain."""

from __future__ import annotations

import logging

import psycopg
from conftest import staff
from live_story import fake
from source_story import given_a_source, towards

from domain.secret import Secret
from kanalarkiv.adapters.credentials import Credentials
from kanalarkiv.application.context import acting_as
from kanalarkiv.capture.live.tokens import LINKEDIN_EXPIRED

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


def linkedin_with_a_refresh_token(runtime, fake, clock):
    source = given_a_source(runtime, fake, "linkedin_organization", clock)
    client_id, client_secret = fake.tokens.linkedin_client
    with acting_as(source.manager):
        runtime.app.change_capture_source(
            source.source_id,
            credentials=Credentials(
                access_token=Secret(fake.linkedin.token),
                refresh_token=Secret(fake.tokens.linkedin_refresh_token),
                client_id=Secret(client_id),
                app_secret=Secret(client_secret),
            ),
        )
    source.kind.first(fake)
    return source


def test_a_linkedin_token_is_renewed_when_refused_and_then_before_it_ends(runtime, fake, clock, client, capfd):
    source = linkedin_with_a_refresh_token(runtime, fake, clock)
    first = fake.linkedin.token
    fake.linkedin.token_error = 65602  # its 60 days are up: LinkedIn's "expired"
    assert source.poll().outcome == "completed" and fake.tokens.refreshes == ["linkedin"]
    second = fake.linkedin.token

    clock.advance(days=50)  # ten of its 60 days left
    assert source.poll().outcome == "completed" and fake.tokens.refreshes == ["linkedin"]
    clock.advance(days=5)  # less than a tenth of its life left: renewed before the poll asks anything
    asked_before = len(fake.requests)
    assert source.poll().outcome == "completed" and fake.tokens.refreshes == ["linkedin", "linkedin"]
    asked = fake.requests[asked_before:]
    assert asked[0].path == "/oauth/v2/accessToken"
    assert {request.bearer() for request in asked[1:]} == {fake.linkedin.token}  # never the old one, never refused

    sealed = runtime.app.credentials.open(
        runtime.app.get_capture_source(source.source_id).credentials_id, source.org_id
    )
    assert sealed.access_token.reveal() == fake.linkedin.token
    assert sealed.refresh_token.reveal() == fake.tokens.linkedin_refresh_token
    manager = staff(runtime, role="manager")
    answer = client.get(f"/v1/capture-sources/{source.source_id}", headers=manager.headers).text
    logged = capfd.readouterr().err
    assert logged.count("capture_token_renewed") == 2
    secrets = (first, second, fake.linkedin.token, fake.tokens.linkedin_refresh_token, fake.tokens.linkedin_client[1])
    for secret in secrets:
        assert secret not in logged and secret not in answer and secret.encode() not in stored(runtime)


def test_a_linkedin_refresh_token_past_its_year_stops_the_source_saying_so(runtime, fake, clock, capfd):
    source = linkedin_with_a_refresh_token(runtime, fake, clock)
    fake.linkedin.token_error = 65602
    assert source.poll().outcome == "completed" and fake.tokens.refreshes == ["linkedin"]
    fake.tokens.linkedin_refresh_expired = True
    clock.advance(days=55)  # near the token's end, and the refresh token's year is up
    capfd.readouterr()
    assert source.poll().outcome == "completed"  # with the token it has, while it lasts
    assert "capture_token_not_renewed" in capfd.readouterr().err

    fake.linkedin.token_error = 65602
    stopped = source.poll()
    assert (stopped.outcome, stopped.reason, stopped.detail) == ("suspended", "credentials_expired", LINKEDIN_EXPIRED)
    assert LINKEDIN_EXPIRED == "the LinkedIn refresh token has expired: reconnect the source"
    row = source.caught_up()
    assert (row["state"], row["suspended_reason"], row["suspended_detail"]) == (
        "failing",
        "credentials_expired",
        LINKEDIN_EXPIRED,
    )
    assert row["last_run_error"] == f"credentials_expired: {LINKEDIN_EXPIRED}"


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


def test_a_source_disconnected_while_its_token_is_renewed_ends_the_poll_without_a_fault(runtime, fake, clock):
    source = youtube_with_a_refresh_token(runtime, fake, clock)
    source.poll()
    fake.youtube.token = "fake-google-token-issued-elsewhere"  # the hour is up: ours is refused
    store = runtime.app.credentials
    replace_sealed = store.replace

    def disconnected_meanwhile(*args, **kwargs):
        with acting_as(source.manager):
            runtime.app.disconnect_capture_source(source.source_id, "Kontot avslutat")
        return replace_sealed(*args, **kwargs)

    store.replace = disconnected_meanwhile
    try:
        ended = source.poll()
    finally:
        store.replace = replace_sealed
    assert ended.outcome != "completed" and ended.reason == "credentials_invalid"
