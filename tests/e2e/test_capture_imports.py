"""Through HTTP: a capture client uploads an export; the records officer asks, in one request,
which comments disappeared from the page since the last capture; a bad file answers 422 naming
the file and the item, and another organisation's service is not disturbed."""

from __future__ import annotations

from capture_story import generic_export, two_comments_gone_and_one_edited
from conftest import FACEBOOK_PAGE, register_organisation, staff
from editorial_story import given_a_municipality_with_an_active_page


def upload(town, path, format_name="generic", as_=None, dry_run=False, expect=200):
    with path.open("rb") as f:
        response = town.client.post(
            f"/v1/channels/{town.channel_id}/captures/imports",
            headers=(as_ or town.capture).headers,
            files={"file": (path.name, f, "application/json")},
            data={"format": format_name, "dry_run": str(dry_run).lower()},
        )
    assert response.status_code == expect, response.text
    return response.json()


def test_which_comments_disappeared_since_the_last_capture_is_one_request(client, runtime, tmp_path):
    town = given_a_municipality_with_an_active_page(client, runtime)
    first = upload(town, generic_export(tmp_path, "januari.json"))
    assert first["counts"]["new"] == 6 and first["dry_run"] is False
    runtime.app.clock.advance(days=7)
    since = town.now().isoformat()
    second = upload(town, generic_export(tmp_path, "februari.json", two_comments_gone_and_one_edited))
    assert (second["counts"]["deletions_observed"], second["counts"]["edited"]) == (2, 1)

    gone = town.get(
        f"/v1/channels/{town.channel_id}/captures/observed-deletions",
        as_=town.officer,
        wait=second["position"],
        since=since,
    )
    assert gone.status_code == 200, gone.text
    assert sorted(d["platform_id"] for d in gone.json()) == ["fb_1_2", "fb_1_3"]
    assert {(d["last_seen_run_id"], d["missing_run_id"]) for d in gone.json()} == {(first["run_id"], second["run_id"])}

    runs = town.get(f"/v1/channels/{town.channel_id}/captures/runs", as_=town.auditor, wait=second["position"]).json()
    assert [r["file_name"] for r in runs] == ["februari.json", "januari.json"]
    assert runs[0]["counts"]["deletions_observed"] == 2 and len(runs[0]["sha256"]) == 64
    assert town.get(f"/v1/channels/{town.channel_id}/captures/runs", as_=town.editor).status_code == 403
    trail = town.get("/v1/audit-trail", as_=town.auditor, wait=second["position"], event_type="DeletionObserved")
    assert len(trail.json()) == 2 and first["run_id"] in trail.json()[0]["summary"]


def test_a_dry_run_upload_records_nothing(client, runtime, tmp_path):
    town = given_a_municipality_with_an_active_page(client, runtime)
    before = runtime.head()
    dry = upload(town, generic_export(tmp_path), dry_run=True)
    assert dry["run_id"] is None and dry["counts"]["new"] == 6
    assert runtime.head() == before


def test_a_bad_file_answers_422_naming_the_file_and_the_item_and_records_only_its_failed_run(client, runtime, tmp_path):
    town = given_a_municipality_with_an_active_page(client, runtime)
    path = generic_export(tmp_path)
    path.write_bytes(path.read_bytes()[:900])
    refused = upload(town, path, expect=422)
    assert refused["errors"][0]["field"] == "file" and "export.json line" in refused["detail"]
    runs = town.get(f"/v1/channels/{town.channel_id}/captures/runs", as_=town.officer, wait=runtime.head()).json()
    assert [r["status"] for r in runs] == ["failed"]
    assert town.get(f"/v1/channels/{town.channel_id}/posts").json() == []
    assert upload(town, generic_export(tmp_path), "myspace", expect=422)["errors"][0]["field"] == "format"
    assert upload(town, generic_export(tmp_path), as_=town.editor, expect=403)


def test_another_organisations_bad_file_does_not_disturb_this_ones_import(client, runtime, tmp_path):
    town = given_a_municipality_with_an_active_page(client, runtime)
    register_organisation(runtime, "norrkoping", "Norrköpings kommun", "212000-0514")
    their_manager = staff(runtime, "norrkoping", "manager", "Nora Chef")
    their_capture = staff(runtime, "norrkoping", "capture_client", "Norrköpings insamlare")
    page = FACEBOOK_PAGE | {"name": "Norrköpings kommun", "url": "https://www.facebook.com/norrkoping"}
    theirs = client.post("/v1/channels", json=page, headers=their_manager.headers).json()["id"]
    client.post(f"/v1/channels/{theirs}/activate", headers=their_manager.headers)
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"posts": [{"platform_post_id": ')
    with bad.open("rb") as f:
        refused = client.post(
            f"/v1/channels/{theirs}/captures/imports",
            headers=their_capture.headers,
            files={"file": ("bad.json", f)},
            data={"format": "generic"},
        )
    assert refused.status_code == 422 and "bad.json line 1" in refused.json()["detail"]
    assert upload(town, bad, as_=their_capture, expect=403)["status"] == 403  # and ours is not theirs
    assert upload(town, generic_export(tmp_path))["counts"]["new"] == 6
