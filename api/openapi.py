"""The OpenAPI document states every status an operation can answer, derived in one place from
what its route depends on: a token can be refused (401) or not allow it (403), a path names a
record that may not exist (404), a command can conflict (409), input can be refused (422), the
database or a view can be unavailable (503). Errors are the one ``Problem`` schema, as
``application/problem+json`` (the pages: a Swedish HTML page). A route answering something
special says so in its ``responses=``; its description there wins, the content is filled in here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer

from api.deps import as_of_position, current_actor, expected_version, get_application, get_runtime, get_views
from api.errors import PROBLEM_JSON, Problem
from api.html import serves_html
from api.rate_limit import public_write_limits
from api.schemas.capture import Captured

SCHEMAS = "#/components/schemas/"
COMMANDS = {"POST", "PUT", "PATCH", "DELETE"}
NO_TOKEN: dict[str, list[str]] = {}  # the empty security alternative: no token needed

RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before asking again.", "schema": {"type": "integer"}}}
BEARER_CHALLENGE = {"WWW-Authenticate": {"description": 'Bearer realm="kanalarkiv"', "schema": {"type": "string"}}}


def document_answers(app: FastAPI) -> None:
    """Install the document's completion; the routes themselves are left as declared."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        if "Problem" not in document.get("components", {}).get("schemas", {}):
            _complete(document, app)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def api_routes(app: FastAPI) -> list[Any]:
    """The app's API routes as served: with their routers' prefixes and dependencies."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # a FastAPI that includes routers eagerly: the app's routes are the routes
        return [route for route in app.routes if isinstance(route, APIRoute)]
    return [context for context in iter_route_contexts(app.routes) if isinstance(context.original_route, APIRoute)]


def _complete(document: dict[str, Any], app: FastAPI) -> None:
    for route in api_routes(app):
        if route.include_in_schema:
            for method in route.methods:
                _document(document["paths"][route.path_format][method.lower()], route)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for default in ("HTTPValidationError", "ValidationError"):
        schemas.pop(default, None)
    schemas.update(_problem_schemas())


def _document(operation: dict[str, Any], route: Any) -> None:
    calls = set(_calls(route.dependant))
    uses_token = any(isinstance(call, HTTPBearer) for call in calls)
    if current_actor not in calls:
        operation["security"] = [*operation.get("security", []), NO_TOKEN]
    responses = operation["responses"]
    if route.response_model is Captured:
        responses.setdefault(
            "200",
            {
                "description": "Captured before: the existing record; nothing new is recorded.",
                "content": {"application/json": {"schema": {"$ref": SCHEMAS + "Captured"}}},
            },
        )
    answers = _answers(route, calls, uses_token)
    declared = {
        int(status)
        for status, answer in responses.items()
        if status.isdigit() and int(status) >= 400 and not _fastapi_validation_error(answer)
    }
    for status in sorted(answers.keys() | declared):
        if status not in declared:
            responses[str(status)] = {"description": "; ".join(answers[status])}
        answer = responses[str(status)]
        answer.setdefault("content", _error_content(route))
        if status == 401:
            answer.setdefault("headers", BEARER_CHALLENGE)
        if status in (429, 503):
            answer.setdefault("headers", RETRY_AFTER)
    operation["responses"] = dict(sorted(responses.items()))


def _answers(route: Any, calls: set[Callable[..., Any]], uses_token: bool) -> dict[int, list[str]]:
    """Each status the route can answer, with why."""
    answers: dict[int, list[str]] = {}

    def add(status: int, why: str) -> None:
        answers.setdefault(status, []).append(why)

    if current_actor in calls:
        add(401, "No bearer token, or one that is unknown or revoked")
        add(403, "The token's role or organisation may not do this")
    elif uses_token:
        add(401, "A bearer token was sent that is unknown or revoked (none is needed)")
    if as_of_position in calls:
        if current_actor not in calls:
            add(401, "as_of or as_of_position without a token")
        add(403, "as_of or as_of_position by another than an auditor or records officer of the organisation")
    if "{" in route.path_format:
        add(404, "No such record, or none the caller may see")
    if route.methods & COMMANDS and get_application in calls:
        add(409, "The record's state refuses the command, or it was changed at the same moment")
    if expected_version in calls:
        add(409, "If-Match names an older version than the one stored (`current_version`)")
    if route.body_field is not None:
        add(400, "The body could not be parsed: not UTF-8 JSON, or broken multipart form data")
    if _params(route) or route.body_field is not None:
        add(422, "Invalid input: `errors` names each field")
    if public_write_limits in calls:
        add(413, "The body is longer than the public's limit")
        add(429, "Too many requests from this client address: wait `Retry-After` seconds")
    if calls & {get_runtime, get_application, get_views} or uses_token:
        add(503, "The database is unavailable, or a view has not reached the position asked for")
    return answers


def _fastapi_validation_error(answer: dict[str, Any]) -> bool:
    """FastAPI's own 422, whose body this API never answers."""
    return "HTTPValidationError" in str(answer.get("content"))


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _params(route: Any) -> list[Any]:
    return get_flat_params(route.dependant)


def _error_content(route: Any) -> dict[str, Any]:
    if serves_html(route):
        return {"text/html": {"schema": {"type": "string"}}}
    return {PROBLEM_JSON: {"schema": {"$ref": SCHEMAS + "Problem"}}}


def _problem_schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template=SCHEMAS + "{model}")
    return {**schema.pop("$defs", {}), "Problem": schema}
