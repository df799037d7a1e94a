"""Issue 11, items 5, 6 and 16: the service's own PDF/A rendering of a channel's record.

A rendering is made for an audience, with the API's own rule of who sees what: a webmaster's
shows the channel as published (no deleted text, no removed comments), a records officer's the
whole record, and only records officers and auditors may read that one. A rendering is a copy
the service made, so disposal reaches it: it is made again without the disposed record and the
old file's key is destroyed, and the decision names the renderings it reached. Uploaded
screenshots are the webmaster's own records: left alone, but listed. Grounds read in Swedish,
times in Swedish time with the zone."""

from __future__ import annotations

import io
from datetime import date, timedelta
from uuid import UUID, uuid4

import psycopg
import pytest
from conftest import REPO, staff
from editorial_story import given_a_municipality_with_an_active_page
from pypdf import PdfReader
from snapshot_story import tiny_png, upload
from typer.testing import CliRunner

from api.schemas.retention import EXAMPLE_PLAN
from domain.actors import Actor, Role
from kanalarkiv.application.context import acting_as
from kanalarkiv.cli.main import app as cli_app
from retention.snapshots import ChannelSnapshot

MARCH = {"period_start": "2026-03-01", "period_end": "2026-03-31"}
DELETED_TEXT = "Vi bjuder på kaffe på torget i morgon!"
REMOVED_TEXT = "Badvakten Lisa är en idiot"
SECRET_COMMENT = "Min granne Per Persson på Storgatan 3 har skulder"


def pdf_text(content: bytes) -> str:
    """The PDF's text as one line (pypdf, a test dependency), so wrapped lines read as one."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


class Story:
    """A channel's March: a post answered and moderated, a post deleted; a webmaster."""

    def __init__(self, client, runtime):
        town = given_a_municipality_with_an_active_page(client, runtime)
        self.town, self.runtime = town, runtime
        town.post(
            "/v1/records-plan",
            {"classes": EXAMPLE_PLAN, "decision_reference": "KS 2026/0012 § 14"},
            as_=town.officer,
            expect=201,
        )
        self.webmaster = staff(runtime, role="webmaster", name="Wilma Webb")
        self.baths = town.publish("Badplatserna öppnar 8 juni.")
        self.coffee = town.publish(DELETED_TEXT)
        runtime.app.clock.advance(minutes=5)
        town.post(
            f"/v1/posts/{self.coffee['id']}/delete",
            {"ground": "published_by_mistake", "reason": "Fel dag; evenemanget är på lördag."},
        )
        received = timedelta(minutes=1)
        self.question = town.capture_comment(
            self.baths["id"], "c-1", text="Blir det livräddare i år?", received_ago=received
        )
        town.post(f"/v1/comments/{self.question['id']}/replies", {"text": "Ja, alla dagar 10–18. /Erik"}, expect=201)
        self.slur = town.capture_comment(self.baths["id"], "c-2", text=REMOVED_TEXT, received_ago=received)
        town.post(
            f"/v1/comments/{self.slur['id']}/moderation",
            {"action": "remove", "ground": "offensive_personal_data", "justification": "Pekar ut en badvakt."},
        )
        self.gossip = town.capture_comment(self.baths["id"], "c-3", text=SECRET_COMMENT, received_ago=received)
        self.position = runtime.head()

    def render(self, as_, expect: int | None = 201, **body) -> dict:
        answer = self.town.post(
            f"/v1/channels/{self.town.channel_id}/snapshots/rendering",
            MARCH | body,
            as_=as_,
            expect=expect,
            params={"wait_for_position": self.runtime.head()},
        )
        return answer.json()

    def content(self, snapshot_id: str, as_):
        return self.town.get(f"/v1/snapshots/{snapshot_id}/content", as_=as_)

    def text_of(self, snapshot_id: str) -> str:
        answer = self.content(snapshot_id, self.town.auditor)
        assert answer.status_code == 200, answer.text
        return pdf_text(answer.content)

    def snapshots(self) -> dict[str, dict]:
        rows = self.town.get(
            f"/v1/channels/{self.town.channel_id}/snapshots", as_=self.town.auditor, wait=self.runtime.head()
        ).json()
        return {row["snapshot_id"]: row for row in rows}

    def dispose(self, class_code: str, record_id: str, reference: str, **extra) -> dict:
        self.runtime.views.wait_for("retention", self.runtime.head())
        return self.town.post(
            "/v1/disposals",
            {"reference": reference, "class_code": class_code, "record_ids": [record_id]} | extra,
            as_=self.town.officer,
            expect=201,
        ).json()


@pytest.fixture
def story(client, runtime) -> Story:
    return Story(client, runtime)


# Item 5: a role sees in a rendering only what it may see through the API


def test_a_webmaster_s_rendering_shows_the_channel_as_published(story):
    town = story.town
    rendered = story.render(story.webmaster)
    pdf = story.content(rendered["id"], story.webmaster)
    post = town.get(f"/v1/posts/{story.coffee['id']}", as_=story.webmaster).json()

    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-1.7")
    text = pdf_text(pdf.content)
    assert "Badplatserna öppnar 8 juni." in text and "Blir det livräddare i år?" in text
    assert "Ja, alla dagar 10–18. /Erik" in text and SECRET_COMMENT in text
    assert post["text"] is None and DELETED_TEXT not in text  # what the API shows the webmaster
    assert "Inlägget är borttaget" in text
    assert REMOVED_TEXT not in text and "Kränkande personuppgifter" not in text  # not in the public list either
    assert story.snapshots()[rendered["id"]]["audience"] == "public"


def test_a_records_officer_s_rendering_holds_the_whole_record_for_records_officers_and_auditors_only(story):
    town = story.town
    whole = story.render(town.officer)
    by_webmaster = story.content(whole["id"], story.webmaster)
    by_auditor = story.content(whole["id"], town.auditor)
    public = story.render(town.officer, audience="public")
    refused = story.render(story.webmaster, expect=403, audience="records")

    assert by_webmaster.status_code == 403
    assert "records_officer" in by_webmaster.json()["detail"]
    text = pdf_text(by_auditor.content)
    assert DELETED_TEXT in text and REMOVED_TEXT in text
    assert story.snapshots()[whole["id"]]["audience"] == "records"
    assert story.content(public["id"], story.webmaster).status_code == 200
    assert "audience" in refused["detail"]


def a_rendering_of_the_old_kind(story, content: bytes) -> str:
    """A rendering recorded before renderings named their audience (only ChannelSnapshot.Taken)."""
    app, town = story.runtime.app, story.town
    channel = app.get_channel(UUID(town.channel_id))
    officer = Actor(town.officer.id, town.officer.name, Role.RECORDS_OFFICER, channel.org_id)
    snapshot_id = uuid4()
    with acting_as(officer):
        sha256 = app.snapshot_store.put(channel.org_id, snapshot_id, content)
        snapshot = ChannelSnapshot.take(
            snapshot_id,
            channel,
            date(2026, 3, 1),
            date(2026, 3, 31),
            sha256,
            len(content),
            "application/pdf",
            "gammal.pdf",
            True,
            None,
            by=officer,
            at=app.clock(),
        )
        app._recorded(snapshot)
    return str(snapshot_id)


def test_a_rendering_made_before_renderings_named_their_audience_is_for_records_readers_only(story):
    old = a_rendering_of_the_old_kind(story, b"%PDF-1.4 " + DELETED_TEXT.encode())
    assert story.content(old, story.webmaster).status_code == 403
    assert story.content(old, story.town.auditor).status_code == 200


# Item 16: Swedish labels and Swedish time


def test_renderings_show_grounds_by_their_swedish_labels_and_times_in_swedish_time_with_the_zone(story):
    text = story.text_of(story.render(story.town.officer)["id"])

    assert "Publicerad av misstag" in text and "Kränkande personuppgifter" in text
    assert "published_by_mistake" not in text and "offensive_personal_data" not in text
    assert "Inlägg 2026-03-02 10:00 CET" in text  # published 09:00 UTC
    assert "UTC" not in text


# Item 6: disposal reaches renderings


def test_a_disposal_remakes_each_rendering_holding_the_record_and_destroys_the_old_one(story):
    town = story.town
    whole, public = story.render(town.officer), story.render(story.webmaster)
    spring = upload(town, story.webmaster, tiny_png()).json()  # 2026-01-01 – 2026-06-30
    autumn = upload(town, story.webmaster, tiny_png(), period_start="2025-07-01", period_end="2025-12-31").json()
    before = story.snapshots()

    done = story.dispose("comment", story.gossip["id"], "KS 2026/0300", assessment="Inaktuell")

    remade = {r["snapshot_id"]: r["remade_as"] for r in done["renderings_remade"]}
    assert set(remade) == {whole["id"], public["id"]}
    assert [u["snapshot_id"] for u in done["uploaded_snapshots"]] == [spring["id"]]
    assert autumn["id"] not in str(done)
    for old, new in remade.items():
        gone = story.content(old, town.auditor)
        assert gone.status_code == 410 and f"KS 2026/0300; it was made again without it, as snapshot {new}" in gone.text
        text = story.text_of(new)
        assert SECRET_COMMENT not in text and "[Gallrad enligt beslut KS 2026/0300" in text
        assert "Blir det livräddare i år?" in text
    assert DELETED_TEXT in story.text_of(remade[whole["id"]])  # the whole record, as before
    assert story.content(remade[public["id"]], story.webmaster).status_code == 200
    with psycopg.connect(story.runtime.database_url) as conn:
        wrapped = conn.execute(
            "SELECT key_id, wrapped FROM record_keys WHERE key_id = ANY(%s)", ([f"record:{old}" for old in remade],)
        ).fetchall()
    assert sorted(wrapped) == sorted((f"record:{old}", None) for old in remade)
    assert story.content(spring["id"], town.auditor).content == tiny_png()  # the webmaster's own record

    after = story.snapshots()
    for old, new in remade.items():
        assert after[old]["remade_as"] == new and after[new]["remakes"] == old
        assert (
            after[new]["period_start"],
            after[new]["period_end"],
            after[new]["taken_at"],
            after[new]["audience"],
        ) == (before[old]["period_start"], before[old]["period_end"], before[old]["taken_at"], before[old]["audience"])
    [entry] = [
        d
        for d in town.get("/v1/disposals", as_=town.auditor, wait=done["position"]).json()
        if d["reference"] == "KS 2026/0300"
    ]
    assert sorted((r["snapshot_id"], r["remade_as"]) for r in entry["renderings"]) == sorted(remade.items())


def test_a_disposal_reaches_only_the_renderings_holding_the_record_s_content(story):
    public, whole = story.render(story.webmaster), story.render(story.town.officer)
    story.runtime.app.clock.advance(days=366)  # a removed comment is kept a year after its removal

    done = story.dispose("removed_comment", story.slur["id"], "KS 2027/0010")

    assert [(r["snapshot_id"]) for r in done["renderings_remade"]] == [whole["id"]]
    assert story.content(public["id"], story.webmaster).status_code == 200
    assert REMOVED_TEXT not in story.text_of(done["renderings_remade"][0]["remade_as"])


def test_a_rendering_made_before_renderings_named_their_records_is_reached_too(story):
    old = a_rendering_of_the_old_kind(story, b"%PDF-1.4 " + SECRET_COMMENT.encode())

    done = story.dispose("comment", story.gossip["id"], "KS 2026/0301", assessment="Inaktuell")

    [reached] = done["renderings_remade"]
    assert reached["snapshot_id"] == old and story.content(old, story.town.auditor).status_code == 410
    assert SECRET_COMMENT not in story.text_of(reached["remade_as"])


def test_a_restored_key_store_has_the_old_rendering_s_key_destroyed_again(story, monkeypatch):
    whole = story.render(story.town.officer)
    key = f"record:{whole['id']}"
    with psycopg.connect(story.runtime.database_url, autocommit=True) as conn:
        backup = conn.execute("SELECT * FROM record_keys WHERE key_id = %s", (key,)).fetchone()
        story.dispose("comment", story.gossip["id"], "KS 2026/0302", assessment="Inaktuell")
        conn.execute("DELETE FROM record_keys WHERE key_id = %s", (key,))
        conn.execute("INSERT INTO record_keys VALUES (%s, %s, %s, %s, %s, %s, %s)", backup)  # the restore
    story.runtime.views.wait_for("retention", story.runtime.head())
    monkeypatch.setenv("DATABASE_URL", story.runtime.database_url)
    monkeypatch.setenv("KANALARKIV_DATA_DIR", str(REPO / "var"))

    reapplied = CliRunner().invoke(cli_app, ["retention", "reapply-disposals"])

    assert reapplied.exit_code == 0, reapplied.output
    assert "destroyed 1 key(s)" in reapplied.output
    assert story.content(whole["id"], story.town.auditor).status_code == 410


def test_a_rendering_cannot_be_read_once_a_record_it_holds_loses_its_key_even_before_it_is_made_again(story):
    public = story.render(story.webmaster)
    app = story.runtime.app
    app.keystore.destroy(
        [f"record:{story.gossip['id']}"], uuid4(), "KS 2026/0303", app.clock()
    )  # a disposal's first step

    gone = story.content(public["id"], story.webmaster)

    assert gone.status_code == 410
    assert "the rendering holds content disposed of under decision KS 2026/0303" in gone.text


def test_a_disposal_interrupted_before_its_renderings_were_made_again_is_completed_by_reapply(story, monkeypatch):
    whole = story.render(story.town.officer)
    runtime, town = story.runtime, story.town
    runtime.views.wait_for("retention", runtime.head())
    officer = Actor(
        town.officer.id, town.officer.name, Role.RECORDS_OFFICER, runtime.app.get_channel(UUID(town.channel_id)).org_id
    )
    with acting_as(officer):  # the decision executed, then the process stopped
        records = runtime.views.retention.candidates(
            officer.org_id, "comment", runtime.app.clock(), [UUID(story.gossip["id"])], None
        )
        runtime.app.dispose(officer.org_id, "KS 2026/0304", "comment", records, {}, "Inaktuell")
    runtime.supervisor.stop()
    monkeypatch.setenv("DATABASE_URL", runtime.database_url)
    monkeypatch.setenv("KANALARKIV_DATA_DIR", str(REPO / "var"))

    reapplied = CliRunner().invoke(cli_app, ["retention", "reapply-disposals"])

    assert reapplied.exit_code == 0, reapplied.output
    assert "made 1 rendering(s) again" in reapplied.output
    snapshot = runtime.app.get_snapshot(UUID(whole["id"]))
    assert snapshot.remade_as is not None
    with acting_as(officer):
        _remade, content = runtime.app.snapshot_content(snapshot.remade_as)
    assert SECRET_COMMENT not in pdf_text(content) and "KS 2026/0304" in pdf_text(content)
