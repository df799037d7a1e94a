"""A request finds the route it found before the route index, only sooner: every documented
route of the service is chosen through the index exactly as FastAPI's own search of every route
chooses it, and what FastAPI answers when nothing matches (404, 405, the redirect to the slashed
path) and what a route may ask of the whole router (url_for) are unchanged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient
from starlette.routing import Match

from api.main import create_app
from api.route_index import RouteIndex, index_routes, path_key

SAMPLE = "00000000-0000-4000-8000-000000000001"  # a UUID, a slug and a number's worth of text all at once


def _first_match(routes: list[Any], method: str, path: str) -> Any:
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "query_string": b"", "headers": []}
    for route in routes:
        match, _ = route.matches(dict(scope))
        if match == Match.FULL:
            return route
    return None


def test_every_documented_route_is_found_through_the_index_as_fastapi_finds_it() -> None:
    app = create_app(runtime=object())  # type: ignore[arg-type]  # routes only: nothing is served
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    checked = 0
    for template, operations in app.openapi()["paths"].items():
        path = re.sub(r"\{[^}]+\}", SAMPLE, template)
        narrowed = index.router_for(path_key(path))
        for method in operations:
            expected = _first_match(app.router.routes, method.upper(), path)
            assert expected is not None, f"{method} {path}"
            chosen = expected if narrowed is None else _first_match(narrowed.routes, method.upper(), path)
            assert chosen is expected, f"{method.upper()} {template}"
            checked += 1
    assert checked > 100  # the service's whole surface, not a sample


def test_a_path_is_indexed_by_its_first_two_segments() -> None:
    assert path_key("/v1/organisations/valdemarsvik/diary") == ("v1", "organisations")
    assert path_key("/v1/organisations/") == ("v1", "organisations")
    assert path_key("/healthz") == ("healthz", "")
    assert path_key("/") == ("", "")


def _small_app() -> FastAPI:
    app = FastAPI()
    first, second = APIRouter(prefix="/v1/letters"), APIRouter(prefix="/v1/parcels")

    @first.get("/{letter_id}", name="letter")
    def letter(letter_id: str) -> dict[str, str]:
        return {"letter": letter_id}

    @second.get("/{parcel_id}", name="parcel")
    def parcel(parcel_id: str, request: Request) -> dict[str, str]:
        return {"parcel": parcel_id, "its_letter": str(request.url_for("letter", letter_id=parcel_id))}

    @second.post("/{parcel_id}/sent")
    def sent(parcel_id: str) -> dict[str, str]:
        return {"sent": parcel_id}

    @app.get("/{town}/post-office")
    def post_office(town: str) -> dict[str, str]:  # leading segment a parameter: a candidate for every path
        return {"town": town}

    @app.get("/{area}/parcels/{parcel_id}/customs")
    def customs(area: str, parcel_id: str) -> dict[str, str]:  # found under a key that another router names
        return {"customs": f"{area}/{parcel_id}"}

    app.include_router(first)
    app.include_router(second)
    index_routes(app)
    return app


@pytest.fixture
def small() -> TestClient:
    return TestClient(_small_app(), follow_redirects=False)


def test_routes_of_every_router_and_of_none_are_reached(small: TestClient) -> None:
    assert small.get("/v1/parcels/p1").json()["parcel"] == "p1"
    assert small.get("/v1/letters/l1").json() == {"letter": "l1"}
    assert small.get("/valdemarsvik/post-office").json() == {"town": "valdemarsvik"}
    assert small.post("/v1/parcels/p1/sent").json() == {"sent": "p1"}
    assert small.get("/v1/parcels/p1/customs").json() == {"customs": "v1/p1"}


def test_a_route_may_still_name_a_route_of_another_router(small: TestClient) -> None:
    assert small.get("/v1/parcels/p2").json()["its_letter"] == "http://testserver/v1/letters/p2"


def test_what_matches_nothing_is_answered_as_fastapi_answers_it(small: TestClient) -> None:
    assert small.get("/v1/unknown/x").status_code == 404  # a key no route names: the whole router
    assert small.get("/v1/parcels/p1/nothing").status_code == 404  # a named key, no route
    assert small.get("/v1/parcels/p1/sent").status_code == 405  # the path is there, the method is not
    redirect = small.get("/v1/parcels/p3/")
    assert redirect.status_code == 307 and redirect.headers["location"].endswith("/v1/parcels/p3")


def test_a_route_added_after_the_first_request_is_reached(small: TestClient) -> None:
    assert small.get("/v1/stamps/s1").status_code == 404

    @small.app.get("/v1/stamps/{stamp_id}")  # type: ignore[attr-defined]
    def stamp(stamp_id: str) -> dict[str, str]:
        return {"stamp": stamp_id}

    assert small.get("/v1/stamps/s1").json() == {"stamp": "s1"}
