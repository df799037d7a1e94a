"""Reading the diary as the public does (JO: "at any time, without difficulty"): search by words
(Swedish full-text search), dates, number, case and record type, page by page; every entry at a
stable address; an extract for a date range as CSV or PDF. The view rebuilds to the same rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import psycopg
from diary_story import given_a_municipality_with_a_diary, pdf_text

from kanalarkiv.readside.runner import Projector


def given_a_diary_with_some_entries(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    swim = diary.register_comment(
        diary.comment(received_ago=timedelta(days=20))["id"], description="Frågor om simhallens öppettider"
    )
    snow = diary.register_comment(
        diary.comment(author="Karin Svensson", received_ago=timedelta(days=3))["id"],
        description="Klagomål på snöröjningen vid skolan",
    )
    case, shot = diary.case_with_a_snapshot()
    runtime.views.wait_for("diary", runtime.head())
    return diary, swim, snow, case, shot


def numbers(page: dict) -> list[str]:
    return [e["diary_number"] for e in page["entries"]]


def test_the_public_finds_entries_by_words_dates_number_case_and_type(client, runtime):
    diary, _swim, _snow, _case, _shot = given_a_diary_with_some_entries(client, runtime)

    assert numbers(diary.public(q="simhall")) == ["KS 2026/0001"]  # Swedish stemming: simhallens
    assert diary.public(q="Svensson")["total"] == 0  # a commenter's name is not published (issue 16)
    assert numbers(diary.public(q="badplatser")) == ["KS 2026/0003-1"]  # the case's subject
    assert numbers(diary.public(**{"from": "2026-02-25", "to": "2026-03-01"})) == ["KS 2026/0003-1", "KS 2026/0002"]
    assert numbers(diary.public(diary_number="ks 2026/2")) == ["KS 2026/0002"]
    assert numbers(diary.public(case="KS 2026/0003")) == ["KS 2026/0003-1"]
    assert numbers(diary.public(record_type="snapshot")) == ["KS 2026/0003-1"]
    assert diary.public(q="snöröjning", record_type="snapshot")["total"] == 0


def test_the_diary_is_read_page_by_page_newest_registration_first(client, runtime):
    diary, *_ = given_a_diary_with_some_entries(client, runtime)
    first, second = diary.public(limit=2), diary.public(limit=2, offset=2)
    html = client.get("/valdemarsvik/diarium").text

    assert numbers(first) + numbers(second) == ["KS 2026/0003-1", "KS 2026/0002", "KS 2026/0001"]
    assert first["total"] == second["total"] == 3
    assert "3 handlingar" in html and 'href="/valdemarsvik/diarium/' in html


def test_every_entry_has_a_stable_address_as_json_and_as_a_page(client, runtime):
    diary, swim, *_ = given_a_diary_with_some_entries(client, runtime)
    [entry] = diary.public(q="simhall")["entries"]

    as_json = client.get(entry["url"])
    as_page = client.get(entry["page_url"])
    unknown = client.get(f"/v1/organisations/valdemarsvik/diary/entries/{diary.town.channel_id}")

    assert entry["url"] == f"/v1/organisations/valdemarsvik/diary/entries/{swim['id']}"
    assert as_json.json() == entry
    assert as_page.status_code == 200 and "Frågor om simhallens öppettider" in as_page.text
    assert unknown.status_code == 404


def test_a_citizen_gets_an_extract_for_a_date_range_as_csv_and_pdf(client, runtime):
    _diary, *_ = given_a_diary_with_some_entries(client, runtime)
    extract = "/v1/organisations/valdemarsvik/diary/extract"

    as_csv = client.get(extract, params={"from": "2026-02-25", "to": "2026-03-02", "format": "csv"})
    as_pdf = client.get(extract, params={"from": "2026-02-25", "to": "2026-03-02", "format": "pdf"})
    backwards = client.get(extract, params={"from": "2026-03-02", "to": "2026-02-25"})

    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert rows[0][:4] == ["Diarienummer", "Datum", "Inkommen/upprättad", "Handlingstyp"]
    assert [(r[0], r[1], r[2], r[5]) for r in rows[1:]] == [
        ("KS 2026/0002", "2026-02-27", "Inkommen", "Klagomål på snöröjningen vid skolan"),
        ("KS 2026/0003-1", "2026-03-01", "Upprättad", "Halvårsskärmdump av Facebooksidan"),
    ]
    text = pdf_text(as_pdf.content)
    assert as_pdf.headers["content-type"] == "application/pdf"
    assert "Utdrag ur diariet - Valdemarsviks kommun" in text and "KS 2026/0003-1" in text
    assert "Klagomål på snöröjningen vid skolan" in text and "KS 2026/0001" not in text
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "to"


def test_the_diary_view_rebuilds_from_zero_to_the_same_rows(client, runtime):
    diary, swim, *_ = given_a_diary_with_some_entries(client, runtime)
    town = diary.town
    town.post(
        f"/v1/diary/entries/{swim['id']}/corrections",
        {"description": "Fråga om simhallen", "reason": "Kortare"},
        as_=town.officer,
    )
    town.post(
        f"/v1/diary/entries/{swim['id']}/secrecy", {"provision": "26:1", "fields": ["counterpart"]}, as_=town.officer
    )
    runtime.views.wait_for("diary", runtime.head())
    tables = ("diary_entries", "diary_readings", "diary_markings", "diary_cases", "diary_settings", "diary_transfers")
    before = {table: _rows(runtime, table) for table in tables}

    runtime.supervisor.stop()
    runtime.views.view("diary").reset(runtime.app.name)
    Projector(runtime.app, runtime.views.projection("diary"), batch_size=3).catch_up()

    assert {table: _rows(runtime, table) for table in tables} == before
    assert len(before["diary_readings"]) == 4  # three registrations and one correction


def _rows(runtime, table: str) -> list[tuple]:
    with psycopg.connect(runtime.database_url) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
