"""Story 7: the webmaster's half-year snapshot of every channel, kept with its SHA-256 and
checked for fixity; a channel without one for six months is overdue, and seen first."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from conftest import staff
from dateutil.relativedelta import relativedelta
from editorial_story import given_a_municipality_with_an_active_page
from snapshot_story import tiny_png, upload


def test_a_webmaster_uploads_a_snapshot_kept_encrypted_with_its_sha256(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    webmaster = staff(runtime, role="webmaster", name="Wilma Webb")
    png = tiny_png()

    taken = upload(town, webmaster, png)
    listed = town.get(f"/v1/channels/{town.channel_id}/snapshots", as_=webmaster, wait=taken.json()["position"])
    back = town.get(f"/v1/snapshots/{taken.json()['id']}/content", as_=town.auditor)

    assert taken.status_code == 201, taken.text
    [snapshot] = listed.json()
    assert (snapshot["sha256"], snapshot["size"], snapshot["media_type"], snapshot["taken_by"]) == (
        hashlib.sha256(png).hexdigest(),
        len(png),
        "image/png",
        "Wilma Webb",
    )
    assert back.content == png and back.headers["Digest"] == f"sha-256={snapshot['sha256']}"
    stored = list(Path(runtime.app.snapshot_store.root).rglob(f"{taken.json()['id']}.enc"))
    assert len(stored) == 1 and png not in stored[0].read_bytes()
    assert stored[0].parent.name == snapshot["sha256"]


def test_a_file_that_is_not_what_it_claims_is_refused(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    webmaster = staff(runtime, role="webmaster", name="Wilma Webb")
    fake = upload(town, webmaster, b"<html>not a png</html>")
    word = upload(town, webmaster, b"PK\x03\x04...", media_type="application/msword")
    backwards = upload(town, webmaster, tiny_png(), period_start="2026-07-01")
    editor = upload(town, town.editor, tiny_png())
    assert fake.status_code == 422 and fake.json()["errors"][0]["field"] == "file"
    assert word.status_code == 422 and "image, a PDF or a web archive" in word.json()["detail"]
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "period_end"
    assert editor.status_code == 403


def test_fixity_is_checked_on_demand_and_a_damaged_file_is_found(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    webmaster = staff(runtime, role="webmaster", name="Wilma Webb")
    taken = upload(town, webmaster, tiny_png()).json()
    intact = town.post(f"/v1/snapshots/{taken['id']}/fixity", as_=town.auditor).json()

    [stored] = Path(runtime.app.snapshot_store.root).rglob(f"{taken['id']}.enc")
    stored.unlink()
    missing = town.post(f"/v1/snapshots/{taken['id']}/fixity", as_=town.auditor).json()
    listed = town.get(f"/v1/channels/{town.channel_id}/snapshots", as_=webmaster, wait=missing["position"]).json()

    assert intact["intact"] is True and missing["intact"] is False
    assert listed[0]["fixity_intact"] is False


def test_a_channel_is_overdue_at_six_months_and_one_day(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    webmaster = staff(runtime, role="webmaster", name="Wilma Webb")
    taken = upload(town, webmaster, tiny_png()).json()
    clock = runtime.app.clock
    taken_at = clock.now

    six_months = taken_at + relativedelta(months=6)
    clock.now = six_months - timedelta(days=1)
    on_time = town.get("/v1/snapshots/overdue", as_=webmaster, wait=taken["position"]).json()
    clock.now = six_months + timedelta(days=1)
    late = town.get("/v1/snapshots/overdue", as_=webmaster).json()

    assert [(c["name"], c["overdue"]) for c in on_time] == [("Valdemarsviks kommun", False)]
    assert late[0]["overdue"] is True
    assert late[0]["due_at"].startswith(six_months.date().isoformat())


def test_the_service_renders_the_channel_record_as_pdf_a(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish("Årets första inlägg § 1")
    comment = town.capture_comment(post["id"], "c-1", text="Dumheter")
    done = town.post(
        f"/v1/comments/{comment['id']}/moderation", {"action": "hide", "ground": "spam", "justification": "Reklam"}
    ).json()

    rendered = town.post(
        f"/v1/channels/{town.channel_id}/snapshots/rendering",
        {"period_start": "2026-01-01", "period_end": "2026-12-31"},
        as_=town.officer,
        expect=201,
        params={"wait_for_position": done["position"]},
    ).json()
    pdf = town.get(f"/v1/snapshots/{rendered['id']}/content", as_=town.officer)

    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-1.7")
    assert b"pdfaid:part" in pdf.content and b"GTS_PDFA1" in pdf.content  # PDF/A id and sRGB output intent
    assert b"/FontFile2" in pdf.content and b"DejaVu" in pdf.content  # the font is embedded
    assert b"/Lang (sv)" in pdf.content
