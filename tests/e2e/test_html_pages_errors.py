"""A person following a link to a public page that does not exist gets a Swedish page saying so,
not a JSON document; programs asking the API still get problem+json."""

from __future__ import annotations

import re
import uuid

from conftest import register_organisation

from api.html import serves_html
from api.openapi import api_routes


def assert_swedish_page(response, status: int, heading: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert re.search(r'<html lang="sv">', response.text)
    assert f"<h1>{heading}</h1>" in response.text


def test_an_unknown_organisation_s_diary_and_register_pages_answer_a_swedish_not_found_page(client, runtime):
    register_organisation(runtime)

    for path in (
        "/nosuchorg/diarium",
        "/nosuchorg/sociala-medier",
        f"/nosuchorg/diarium/{uuid.uuid4()}",
        f"/valdemarsvik/diarium/{uuid.uuid4()}",
    ):
        assert_swedish_page(client.get(path), 404, "Sidan finns inte")


def test_every_html_page_route_answers_an_unknown_organisation_with_the_swedish_page(client):
    pages = [route for route in api_routes(client.app) if serves_html(route)]
    assert len(pages) >= 3

    for route in pages:
        path = route.path_format.replace("{slug}", "nosuchorg")
        path = re.sub(r"\{[a-z_]+\}", str(uuid.uuid4()), path)
        assert_swedish_page(client.get(path), 404, "Sidan finns inte")


def test_a_page_asked_with_a_bad_form_value_answers_a_swedish_page_naming_the_field(client, runtime):
    register_organisation(runtime)

    response = client.get("/valdemarsvik/diarium", params={"from": "31 mars"})

    assert_swedish_page(response, 422, "Uppgifterna kunde inte användas")
    assert "<strong>from</strong>" in response.text


def test_the_api_still_answers_an_unknown_organisation_with_problem_json(client):
    for path in ("/v1/organisations/nosuchorg/channels", "/v1/organisations/nosuchorg/diary"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["title"] == "Not found"
