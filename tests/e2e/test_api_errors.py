"""Every class of error answers in one problem+json shape, and nothing stored changes."""

from __future__ import annotations

import threading
from uuid import uuid4

from conftest import FACEBOOK_PAGE, issue_token, register_organisation
from problems import assert_problem


def head(runtime) -> int:
    return runtime.head()


def test_invalid_input_is_422_naming_the_field_and_records_nothing(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    before = head(runtime)

    missing = assert_problem(client.post("/v1/channels", json={"platform": "facebook"}, headers=manager), 422)
    bad_url = assert_problem(client.post("/v1/channels", json=FACEBOOK_PAGE | {"url": "www"}, headers=manager), 422)
    bad_platform = client.post("/v1/channels", json=FACEBOOK_PAGE | {"platform": "myspace"}, headers=manager)

    assert {"name", "url", "owning_unit", "responsible", "purpose"} <= {e["field"] for e in missing["errors"]}
    assert bad_url["errors"] == [{"field": "url", "message": bad_url["errors"][0]["message"]}]
    assert assert_problem(bad_platform, 422)["errors"][0]["field"] == "platform"
    assert head(runtime) == before


def test_an_unknown_channel_is_404(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    assert_problem(client.get(f"/v1/channels/{uuid4()}"), 404)
    assert_problem(client.post(f"/v1/channels/{uuid4()}/activate", headers=manager), 404)
    assert_problem(client.get("/v1/organisations/nowhere/channels"), 404)
    assert client.get("/nowhere/sociala-medier").status_code == 404  # a Swedish page: test_html_pages_errors.py


def test_a_stale_write_is_409_and_can_be_retried(client, runtime):
    register_organisation(runtime)
    first, second = issue_token(runtime, name="Anna Chef"), issue_token(runtime, name="Bo Chef")
    channel = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=first).json()
    client.post(f"/v1/channels/{channel['id']}/purpose", json={"purpose": "Annat"}, headers=first)  # version 2
    before = head(runtime)

    stale = client.post(
        f"/v1/channels/{channel['id']}/purpose", json={"purpose": "Mitt"}, headers=second | {"If-Match": '"1"'}
    )
    assert assert_problem(stale, 409)["current_version"] == 2
    assert head(runtime) == before
    retried = client.post(
        f"/v1/channels/{channel['id']}/purpose", json={"purpose": "Mitt"}, headers=second | {"If-Match": '"2"'}
    )
    assert retried.status_code == 200 and retried.json()["version"] == 3


def test_simultaneous_changes_by_two_managers_lose_nothing(client, runtime):
    register_organisation(runtime)
    managers = [issue_token(runtime, name=f"Chef {n}") for n in range(8)]
    channel = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=managers[0]).json()
    start = threading.Barrier(len(managers))
    statuses: list[int] = []

    def change(headers: dict, n: int) -> None:
        start.wait()
        response = client.post(f"/v1/channels/{channel['id']}/purpose", json={"purpose": f"Syfte {n}"}, headers=headers)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=change, args=(m, n)) for n, m in enumerate(managers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(statuses) <= {200, 409}
    stored = runtime.app.get_channel(channel["id"])
    assert stored.version == 1 + statuses.count(200)


def test_an_invalid_transition_is_409(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    channel = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=manager).json()
    body = assert_problem(
        client.post(f"/v1/channels/{channel['id']}/pause", json={"reason": "x"}, headers=manager), 409
    )
    assert "planned channel cannot be paused" in body["detail"]


def test_a_missing_or_wrong_token_is_401(client, runtime):
    register_organisation(runtime)
    missing = assert_problem(client.post("/v1/channels", json=FACEBOOK_PAGE), 401)
    wrong = assert_problem(
        client.post("/v1/channels", json=FACEBOOK_PAGE, headers={"Authorization": "Bearer ka_not-a-token"}), 401
    )
    assert missing["detail"] != wrong["detail"]
    assert client.post("/v1/channels", json=FACEBOOK_PAGE).headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(client, runtime):
    from conftest import OPERATOR

    from kanalarkiv.application.context import acting_as

    register_organisation(runtime)
    manager = issue_token(runtime)
    token_id = runtime.views.access_tokens.tokens_of(runtime.app.organisation_by_slug("valdemarsvik").id)[0]["token_id"]
    with acting_as(OPERATOR):
        revoked = runtime.app.revoke_token(token_id, "Slutat")
    runtime.views.wait_for("access_tokens", revoked.position)
    assert_problem(client.post("/v1/channels", json=FACEBOOK_PAGE, headers=manager), 401)


def test_a_wrong_role_is_403(client, runtime):
    register_organisation(runtime)
    editor = issue_token(runtime, role="editor", name="Erik Redaktör")
    body = assert_problem(client.post("/v1/channels", json=FACEBOOK_PAGE, headers=editor), 403)
    assert "requires the role" in body["detail"]


def test_a_bad_if_match_is_422(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    channel = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=manager).json()
    body = assert_problem(
        client.post(f"/v1/channels/{channel['id']}/activate", headers=manager | {"If-Match": "yesterday"}), 422
    )
    assert body["errors"][0]["field"] == "If-Match"


def test_every_response_carries_a_request_id_errors_included(client, runtime):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    made = client.get("/v1/organisations/nowhere/channels")
    assert given.headers["X-Request-ID"] == "abc-123"
    assert made.status_code == 404 and len(made.headers["X-Request-ID"]) == 32
