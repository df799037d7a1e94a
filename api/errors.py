"""Every error as application/problem+json (RFC 9457), mapped from exceptions in one place."""

from __future__ import annotations

from typing import Any

import structlog
from eventsourcing.persistence import IntegrityError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import InvalidTransition, InvalidValue, NotPermitted, StaleVersion
from kanalarkiv.adapters.availability import DATABASE_ERRORS
from kanalarkiv.application.outcomes import AlreadyExists, RecordNotFound
from kanalarkiv.readside.views import ProjectionFailed, ProjectionLagging
from retention.crypto.keystore import KeyMissing

log = structlog.get_logger("kanalarkiv.api")

PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    field: str = Field(
        description="The field refused, as the request names it: `text`, `posts.0.published_at`, `If-Match`."
    )
    message: str


class Problem(BaseModel):
    """How every error is answered (RFC 9457, ``application/problem+json``)."""

    type: str = Field("about:blank", description="Always about:blank: the status and title say what happened.")
    title: str
    status: int
    detail: str = Field(description="What was wrong, for a person to read.")
    errors: list[FieldError] | None = Field(None, description="422: each field refused and why.")
    current_version: int | None = Field(None, description="409 on a stale If-Match: the version stored now.")
    position: int | None = Field(None, description="503 while a view catches up: the position it has reached.")
    request_id: str | None = Field(None, description="500: the request's id in the service's log.")
    model_config = ConfigDict(extra="allow", title="Problem")


class Unauthenticated(Exception):
    """No bearer token, or one that is unknown or revoked."""


class TooManyRequests(Exception):
    """A client asked more often than the public's limit allows."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many requests from this address: try again in {retry_after} seconds")
        self.retry_after = retry_after


class BodyTooLarge(Exception):
    """A body longer than the route takes."""


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _field_of(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(part) for part in location)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field_of(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Invalid input", detail, errors=errors)

    @app.exception_handler(InvalidValue)
    def invalid_value(request: Request, exc: InvalidValue) -> JSONResponse:
        return problem(422, "Invalid input", str(exc), errors=[{"field": exc.field, "message": exc.message}])

    @app.exception_handler(RecordNotFound)
    def not_found(request: Request, exc: RecordNotFound) -> JSONResponse:
        return problem(404, "Not found", str(exc))

    @app.exception_handler(StaleVersion)
    def stale(request: Request, exc: StaleVersion) -> JSONResponse:
        return problem(409, "Conflict", str(exc), current_version=exc.actual)

    @app.exception_handler(IntegrityError)
    def concurrent_write(request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("write_conflict", path=request.url.path, error=str(exc))
        return problem(
            409,
            "Conflict",
            "someone else changed this record at the same moment; nothing of yours was recorded: read it again and retry",
        )

    @app.exception_handler(AlreadyExists)
    def exists(request: Request, exc: AlreadyExists) -> JSONResponse:
        return problem(409, "Conflict", str(exc))

    @app.exception_handler(InvalidTransition)
    def transition(request: Request, exc: InvalidTransition) -> JSONResponse:
        return problem(409, "Conflict", str(exc))

    @app.exception_handler(NotPermitted)
    def forbidden(request: Request, exc: NotPermitted) -> JSONResponse:
        return problem(403, "Forbidden", str(exc))

    @app.exception_handler(Unauthenticated)
    def unauthenticated(request: Request, exc: Unauthenticated) -> JSONResponse:
        response = problem(401, "Unauthorized", str(exc))
        response.headers["WWW-Authenticate"] = 'Bearer realm="kanalarkiv"'
        return response

    @app.exception_handler(TooManyRequests)
    def too_many(request: Request, exc: TooManyRequests) -> JSONResponse:
        response = problem(429, "Too Many Requests", str(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(BodyTooLarge)
    def too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return problem(413, "Content Too Large", str(exc))

    @app.exception_handler(ProjectionLagging)
    def lagging(request: Request, exc: ProjectionLagging) -> JSONResponse:
        response = problem(503, "Projection not yet up to date", str(exc), position=exc.reached)
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(ProjectionFailed)
    def projection_failed(request: Request, exc: ProjectionFailed) -> JSONResponse:
        response = problem(
            503,
            "Projection failed",
            str(exc),
            projection=exc.projection,
            position=exc.reached,
            failed_position=exc.failed_position,
            error=exc.error,
        )
        response.headers["Retry-After"] = "30"
        return response

    def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database_unavailable", path=request.url.path, error=str(exc))
        response = problem(
            503,
            "Database unavailable",
            "the database cannot be reached just now; nothing was recorded: try again shortly",
        )
        response.headers["Retry-After"] = "5"
        return response

    for database_error in DATABASE_ERRORS:
        app.add_exception_handler(database_error, database_unavailable)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = problem(exc.status_code, _reason(exc.status_code), str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(KeyMissing)
    def key_missing(request: Request, exc: KeyMissing) -> JSONResponse:
        log.error("key_missing", path=request.url.path, error=str(exc))
        return problem(500, "Key store incomplete", str(exc))

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path)
        request_id = getattr(request.state, "request_id", None)
        return problem(
            500,
            "Internal error",
            "the service failed; nothing was recorded unless a position was returned",
            request_id=request_id,
        )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
