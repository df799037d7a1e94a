"""A records officer looks after the webhook changes that could not be captured: a comment that
came before its post fails; she lists it (why, when, from where; what it says only when she asks),
retries it once the post is recorded and it is captured (a retry of what the record holds records
nothing twice); she dismisses another with a reason, recorded in the log on its source; captured
and dismissed changes are pruned after some days, by the worker and on command. The CLI does the
same at the server, without ever showing what the public wrote."""

from __future__ import annotations

import json

import orjson
import pytest
from conftest import staff
from problems import assert_problem, refused
from typer.testing import CliRunner
from waiting import eventually
from webhook_story import PAGE, delivery, given_a_connected_source, meta_headers

from kanalarkiv.adapters.webhook_inbox import InboxChange
from kanalarkiv.cli.main import app as cli_app

URL = "/v1/webhooks/meta/valdemarsvik"
FAILED = "/v1/capture/webhooks/failed"


def post(client, body: bytes):
    answer = client.post(URL, content=body, headers=meta_headers(body))
    assert answer.status_code == 200, answer.text


def an_orphan() -> bytes:
    """A comment on a post the record will never have."""
    orphan = json.loads(delivery("meta_comment_added"))
    value = orphan["entry"][0]["changes"][0]["value"]
    value |= {"post_id": f"{PAGE}_299999999999999", "parent_id": f"{PAGE}_299999999999999", "comment_id": "2999_1"}
    return orjson.dumps(orphan)


def metric(client, name: str) -> float:
    lines = [line for line in client.get("/metrics").text.splitlines() if line.startswith(name + " ")]
    return float(lines[0].rsplit(" ", 1)[1]) if lines else 0.0


def officer_of(runtime):
    return staff(runtime, role="records_officer", name="Rita Registrator")


def given_a_comment_that_came_before_its_post(client, runtime, clock):
    page = given_a_connected_source(runtime, clock)
    post(client, delivery("meta_comment_added"))
    assert page.drained() == {"failed": 1}
    return page


def test_a_comment_before_its_post_fails_is_listed_and_once_retried_is_captured(client, runtime, clock):
    page = given_a_comment_that_came_before_its_post(client, runtime, clock)
    officer = officer_of(runtime)

    [failed] = client.get(FAILED, headers=officer.headers).json()
    assert failed["platform"] == "facebook" and failed["source_id"] == str(page.source_id)
    assert "not recorded" in failed["reason"] or "post" in failed["reason"]
    assert failed["received_at"] and failed["change"] is None  # not what it says, unless asked
    [shown] = client.get(FAILED, params={"content": "true"}, headers=officer.headers).json()
    assert shown["change"]["text"] == "Vad fint! Blir det längre öppettider på helgerna?"

    post(client, delivery("meta_status_added"))  # the post comes after all
    page.drained()
    retried = client.post(f"{FAILED}/{failed['id']}/retry", headers=officer.headers)
    assert retried.status_code == 200 and retried.json() == {"retried": [failed["id"]]}
    assert page.drained() == {"processed": 2}
    assert runtime.app.get_comment(page.comment_id()).text.startswith("Vad fint!")
    assert client.get(FAILED, headers=officer.headers).json() == []
    assert_problem(client.post(f"{FAILED}/{failed['id']}/retry", headers=officer.headers), 409)  # captured now


def test_a_retried_change_the_record_already_holds_records_nothing_twice(client, runtime, clock):
    page = given_a_comment_that_came_before_its_post(client, runtime, clock)
    officer = officer_of(runtime)
    post(client, delivery("meta_status_added"))
    page.drained()
    [failed] = runtime.app.webhook_care.failed(page.org_id, content=True)
    # Meanwhile the comment reached the record another way (as a poll would bring it).
    again = InboxChange(page.source_id, page.channel_id, "facebook", "by-another-way", failed.change)
    runtime.app.webhook_inbox.store(page.org_id, "0" * 64, clock(), [again])
    assert page.drained() == {"processed": 2, "failed": 1}
    head = runtime.head()

    assert client.post(f"{FAILED}/retry", headers=officer.headers).json() == {"retried": [failed.id]}
    assert page.drained() == {"processed": 3}
    assert runtime.head() == head  # no run, no event: the record held it already


def test_a_dismissal_is_recorded_on_the_source_with_who_and_why(client, runtime, clock):
    page = given_a_connected_source(runtime, clock)
    officer = officer_of(runtime)
    post(client, an_orphan())
    page.drained()
    [failed] = client.get(FAILED, headers=officer.headers).json()

    refused(client.post(f"{FAILED}/{failed['id']}/dismiss", json={"reason": ""}, headers=officer.headers), "reason")
    answer = client.post(f"{FAILED}/{failed['id']}/dismiss", json={"reason": "Inlägget finns inte längre."},
                         headers=officer.headers)  # fmt: skip
    assert answer.status_code == 200, answer.text
    dismissed = answer.json()
    assert dismissed["source_id"] == str(page.source_id) and client.get(FAILED, headers=officer.headers).json() == []
    runtime.views.wait_for("audit_trail", dismissed["position"])
    [event] = [e for e in runtime.views.audit_trail.history(page.source_id) if "dismissed" in e["summary"]]
    assert "Inlägget finns inte längre." in event["summary"] and event["actor_name"] == "Rita Registrator"
    assert_problem(client.post(f"{FAILED}/{failed['id']}/dismiss", json={"reason": "igen"}, headers=officer.headers),
                   409)  # fmt: skip
    assert metric(client, "kanalarkiv_webhook_changes_dismissed_total") == 1
    assert metric(client, "kanalarkiv_webhook_changes_failed_total") == 1


def test_only_the_organisations_records_officers_and_managers_see_and_act_on_its_failures(client, runtime, clock):
    page = given_a_comment_that_came_before_its_post(client, runtime, clock)
    change_id = runtime.app.webhook_care.failed(page.org_id)[0].id
    editor = staff(runtime, role="editor", name="Erik Redaktör")
    assert_problem(client.get(FAILED, headers=editor.headers), 403)
    assert_problem(client.post(f"{FAILED}/{change_id}/retry", headers=editor.headers), 403)
    given_a_connected_source(runtime, clock, {"url": "https://www.facebook.com/soderkoping"}, account="104000000000777",
                             organisation=("soderkoping", "Söderköpings kommun", "212000-0100"))  # fmt: skip
    stranger = staff(runtime, "soderkoping", "records_officer", "Sam Främling")
    assert client.get(FAILED, headers=stranger.headers).json() == []
    assert_problem(client.post(f"{FAILED}/{change_id}/retry", headers=stranger.headers), 404)
    assert_problem(client.post(f"{FAILED}/{change_id}/dismiss", json={"reason": "x"}, headers=stranger.headers), 404)
    manager = staff(runtime, role="manager", name="Anna Chef")
    assert len(client.get(FAILED, headers=manager.headers).json()) == 1


def test_captured_and_dismissed_changes_are_pruned_after_some_days_on_command_and_by_the_worker(client, runtime, clock):
    page = given_a_connected_source(runtime, clock)
    officer = officer_of(runtime)
    post(client, delivery("meta_status_added"))
    post(client, an_orphan())
    page.drained()
    [failed] = client.get(FAILED, headers=officer.headers).json()
    client.post(f"{FAILED}/{failed['id']}/dismiss", json={"reason": "Skräp."}, headers=officer.headers)
    refused(client.post("/v1/capture/webhooks/prune", params={"older_than_days": 0}, headers=officer.headers),
            "older_than_days")  # fmt: skip

    assert client.post("/v1/capture/webhooks/prune", headers=officer.headers).json() == {
        "pruned": 0, "older_than_days": 7}  # fmt: skip
    clock.advance(days=8)
    post(client, delivery("meta_comment_added"))  # a change of today: it stays
    page.drained()
    assert client.post("/v1/capture/webhooks/prune", params={"older_than_days": 7},
                       headers=officer.headers).json()["pruned"] == 2  # fmt: skip
    clock.advance(days=8)
    runtime.webhook_worker.prune_every = 0.0  # the worker's hourly turn, now
    runtime.webhook_worker.notify()
    eventually(lambda: runtime.app.webhook_inbox.states()["counts"] == {})


@pytest.fixture
def cli(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KANALARKIV_RUN_POLLER", "false")
    runner = CliRunner()
    return lambda *args: runner.invoke(cli_app, list(args))


def test_the_operator_lists_retries_dismisses_and_prunes_at_the_server(client, runtime, clock, cli):
    page = given_a_comment_that_came_before_its_post(client, runtime, clock)
    post(client, an_orphan())
    page.drained()
    first, orphan = (row.id for row in runtime.app.webhook_care.failed(page.org_id))

    listed = cli("capture", "webhooks", "failed")
    assert listed.exit_code == 0, listed.output
    assert "valdemarsvik" in listed.stdout and str(orphan) in listed.stdout and "Vad fint" not in listed.stdout
    assert cli("capture", "webhooks", "failed", "--org", "nowhere").exit_code == 2

    bad = cli("capture", "webhooks", "retry", "not-an-id")
    assert bad.exit_code == 2 and "not a change's id" in bad.output
    assert cli("capture", "webhooks", "retry").exit_code == 2  # neither an id nor --all
    post(client, delivery("meta_status_added"))
    page.drained()
    retried = cli("capture", "webhooks", "retry", str(first))
    assert retried.exit_code == 0 and "1 change(s) pending again" in retried.stdout
    assert page.drained() == {"processed": 2, "failed": 1}

    no_reason = cli("capture", "webhooks", "dismiss", str(orphan), "--reason", " ")
    assert no_reason.exit_code == 2 and "reason" in no_reason.output
    dismissed = cli("capture", "webhooks", "dismiss", str(orphan), "--reason", "Inlägget är borta.")
    assert dismissed.exit_code == 0 and f"source {page.source_id}" in dismissed.stdout
    assert cli("capture", "webhooks", "dismiss", str(orphan), "--reason", "igen").exit_code == 2  # not failed now

    assert cli("capture", "webhooks", "prune", "--older-than-days", "0").exit_code == 2
    # The CLI's clock is the real one: the captures of March lie months back, its own dismissal not.
    pruned = cli("capture", "webhooks", "prune")
    assert pruned.exit_code == 0 and "pruned 2" in pruned.stdout, pruned.output
    assert runtime.app.webhook_inbox.states()["counts"] == {"dismissed": 1}
