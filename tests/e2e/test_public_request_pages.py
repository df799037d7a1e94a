"""The public's request as pages: the diary entry and the archived post link to the form with the
record filled in; the form asks for no name; sending it answers the receipt page with the
request's number; bad input answers a Swedish page naming the field; the receipt shows the
requester's words escaped. In headless Chromium: the form is sent from the rendered page."""

from __future__ import annotations

import re

import pytest
from browser import CHROMIUM, chromium, visible_text
from live_server import serving
from request_story import given_a_registered_comment
from test_archive_pages_in_a_browser import JAVA, vnu_errors


def link_to_form(html: str) -> str:
    match = re.search(r'<a href="(/valdemarsvik/begaran\?[^"]+)">Begär ut handling</a>', html)
    assert match, "no 'Begär ut handling' link"
    return match.group(1).replace("&amp;", "&")


def test_an_entry_page_and_an_archived_post_link_to_the_form_with_the_record_filled_in(client, runtime):
    world = given_a_registered_comment(client, runtime)
    runtime.views.wait_for("channel_content", runtime.head())
    runtime.views.wait_for("diary", runtime.head())
    entry_page = client.get(f"/valdemarsvik/diarium/{world.entry['id']}")
    post_page = client.get(f"/valdemarsvik/sociala-medier/{world.town.channel_id}/inlagg/{world.comment['post_id']}")

    from_entry = client.get(link_to_form(entry_page.text))
    from_post = client.get(link_to_form(post_page.text))

    assert from_entry.status_code == 200 and world.entry["diary_number"] in from_entry.text
    assert from_post.status_code == 200 and world.comment["post_id"] in from_post.text
    assert "namn" not in re.sub(r"uppge namn|tala om vem du är", "", from_entry.text.split("<form")[1].lower())


def test_the_form_is_sent_without_a_name_and_answers_the_receipt_page(client, runtime):
    world = given_a_registered_comment(client, runtime)

    receipt = client.post(
        "/valdemarsvik/begaran",
        data={"diarienummer": world.entry["diary_number"], "utlamning": "on_site", "beskrivning": "<b>Protokollet</b>"},
    )

    assert receipt.status_code == 201, receipt.text
    assert receipt.headers["content-type"].startswith("text/html")
    assert '<dd id="nummer">BEG 2026/0001</dd>' in receipt.text
    assert world.entry["diary_number"] in receipt.text and "<b>" not in receipt.text


def test_a_bad_form_answers_a_swedish_page_naming_the_field(client, runtime):
    given_a_registered_comment(client, runtime)

    refused = client.post("/valdemarsvik/begaran", data={"diarienummer": "KS 2026/0001", "utlamning": "email"})

    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("text/html")
    assert "email" in refused.text and "Uppgifterna kunde inte användas" in refused.text


def test_the_form_page_too_answers_429_when_one_address_asks_too_often(client, runtime):
    given_a_registered_comment(client, runtime)
    client.app.state.request_limiter.limit = 1
    client.post("/valdemarsvik/begaran", data={"beskrivning": "Protokollet", "utlamning": "on_site"})

    refused = client.post("/valdemarsvik/begaran", data={"beskrivning": "Protokollet", "utlamning": "on_site"})

    assert refused.status_code == 429 and "För många förfrågningar" in refused.text
    assert int(refused.headers["Retry-After"]) > 0


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_a_request_is_sent_from_the_entry_page_in_a_browser(client, runtime, tmp_path):
    world = given_a_registered_comment(client, runtime)
    runtime.views.wait_for("diary", runtime.head())

    with serving(runtime) as base:
        entry_dom = chromium(tmp_path, "--dump-dom", f"{base}/valdemarsvik/diarium/{world.entry['id']}")
        form_dom = chromium(tmp_path, "--dump-dom", f"{base}{link_to_form(entry_dom)}")
        # The rendered form itself is sent by the browser: the page Chromium rendered, with its
        # address as base, chooses e-mail, fills in the address and presses the button.
        sending = form_dom.replace("<head>", f'<head><base href="{base}/">', 1).replace(
            "</body>",
            "<script>document.getElementById('utlamning-email').checked = true;"
            "document.getElementById('epost').value = 'a@example.se';"
            "document.querySelector('form.begaran button').click();</script></body>",
        )
        page = tmp_path / "form.html"
        page.write_text(sending, encoding="utf-8")
        receipt_dom = chromium(tmp_path, "--virtual-time-budget=10000", "--dump-dom", page.as_uri())

    text = visible_text(receipt_dom)
    assert "Din begäran har kommit in" in text and "BEG 2026/0001" in text
    assert world.entry["diary_number"] in text and "Kopia per e-post" in text
    queue = world.queue(wait=runtime.head())
    assert [(row["number"], row["form"]) for row in queue] == [("BEG 2026/0001", "email")]


def test_the_officers_queue_page_shows_age_and_lateness_and_what_requesters_wrote_as_text(client, runtime):
    world = given_a_registered_comment(client, runtime)
    world.ask(diary_numbers=["<script>alert(1)</script>"])
    receipt = world.ask(diary_numbers=[world.entry["diary_number"]])
    runtime.views.wait_for("public_requests", receipt["position"])
    runtime.app.clock.advance(days=1, hours=8)

    page = client.get("/valdemarsvik/begaranden", headers=world.town.officer.headers)
    anonymous = client.get("/valdemarsvik/begaranden")
    editor = client.get("/valdemarsvik/begaranden", headers=world.town.editor.headers)

    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "BEG 2026/0001" in page.text and "BEG 2026/0002" in page.text
    assert page.text.count("<strong>Sen</strong>") == 2 and "16.0" in page.text
    assert anonymous.status_code == 401 and editor.status_code == 403


@pytest.mark.skipif(JAVA is None, reason="vnu needs Java (apt-get install default-jre-headless)")
def test_the_request_pages_are_valid_html(client, runtime, tmp_path):
    world = given_a_registered_comment(client, runtime)
    receipt = client.post("/valdemarsvik/begaran", data={"beskrivning": "Protokollet", "utlamning": "on_site"})
    runtime.views.wait_for("public_requests", runtime.head())
    runtime.views.wait_for("diary", runtime.head())
    pages = {
        "form": client.get("/valdemarsvik/begaran", params={"diarienummer": world.entry["diary_number"]}).text,
        "receipt": receipt.text,
        "refused": client.post("/valdemarsvik/begaran", data={"utlamning": "email"}).text,
        "queue": client.get("/valdemarsvik/begaranden", headers=world.town.officer.headers).text,
        "entry": client.get(f"/valdemarsvik/diarium/{world.entry['id']}").text,
    }
    assert vnu_errors(pages, tmp_path) == []
