"""Every value a request carries — body field, form field, query or path parameter, in every
route — is of one of the shared constrained types (api/types.py): a string is Text, an instant
is an Instant, a day is a Day. A new field written as plain ``str`` or ``datetime`` fails here."""

from __future__ import annotations

import enum
import types
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from fastapi.routing import APIRoute
from pydantic import AfterValidator, BaseModel

from api.main import create_app
from api.types import day_in_range, in_range, text

REQUIRED = {str: text, datetime: in_range, date: day_in_range}
HEADERS_ONLY_COMPARED = {"if_match", "if_none_match"}


def leaves(annotation: Any, checks: frozenset = frozenset()):
    """(leaf type, the AfterValidators wrapping it) for every leaf of an annotation."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        found = {m.func for m in metadata if isinstance(m, AfterValidator)}
        yield from leaves(base, checks | found)
    elif origin is Literal:
        return
    elif origin in (Union, types.UnionType, list, dict, tuple, set, frozenset):
        for argument in get_args(annotation):
            yield from leaves(argument, checks)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for field in annotation.model_fields.values():
            yield from field_leaves(field)
    elif annotation is not type(None) and not (isinstance(annotation, type) and issubclass(annotation, enum.Enum)):
        yield annotation, checks


def field_leaves(field: Any):
    found = frozenset(m.func for m in field.metadata if isinstance(m, AfterValidator))
    yield from leaves(field.annotation, found)


def unconstrained(leaf_checks) -> list[str]:
    wrong = []
    for leaf, checks in leaf_checks:
        for kind, check in REQUIRED.items():
            if isinstance(leaf, type) and issubclass(leaf, kind) and check not in checks:
                wrong.append(f"{leaf.__name__} without {check.__name__}")
                break
    return wrong


def params(dependant):
    yield from (*dependant.path_params, *dependant.query_params, *dependant.body_params)
    for header in dependant.header_params:
        if header.name not in HEADERS_ONLY_COMPARED:
            yield header
    for sub in dependant.dependencies:
        yield from params(sub)


def api_routes(routes):
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router, its routes resolved lazily
            yield from api_routes(route.original_router.routes)


def test_every_request_value_is_of_a_constrained_type():
    offenders, seen = [], 0
    for route in api_routes(create_app(runtime=None).routes):
        seen += 1
        for param in params(route.dependant):
            for problem in unconstrained(field_leaves(param.field_info)):
                offenders.append(f"{route.path} {param.name}: {problem}")
    assert seen > 80
    assert offenders == []


def test_the_walk_finds_a_plain_string_and_a_plain_instant():
    class Careless(BaseModel):
        name: str
        when: datetime | None
        items: list[dict[str, Any]]

    found = unconstrained(leaves(Careless))
    assert found == ["str without text", "datetime without in_range", "str without text"]
