"""How every ``kanalarkiv`` command fails: ``error: …`` on standard error and exit status 2, never
a traceback (``verify``, ``verify-export``, ``proof check`` and ``retention check-keys`` exit 1
when what they check does not hold). One handler, around the whole command tree, so that no
command needs its own ``try``; ``KANALARKIV_LOG_LEVEL=debug`` adds the traceback of an
unexpected error."""

from __future__ import annotations

import os
import traceback
from typing import Any

import typer
from eventsourcing.persistence import IntegrityError, OperationalError
from psycopg import OperationalError as ConnectionFailed
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup
from typer.exceptions import TyperException

from domain.errors import DomainError
from kanalarkiv.adapters.availability import DatabaseUnavailable
from kanalarkiv.config import ConfigurationError
from retention.crypto.keystore import KeyMissing

err = Console(stderr=True, soft_wrap=True)
PASSED_ON = (typer.Exit, typer.Abort, TyperException, KeyboardInterrupt, SystemExit)
"""Typer's and click's own exits and usage errors: they already print and exit as they should."""
REFUSALS = (DomainError, IntegrityError, ConfigurationError, KeyMissing)
"""Errors whose message says what is wrong and what to do."""


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def message_for(error: Exception) -> str:
    if isinstance(error, REFUSALS):
        return str(error) or type(error).__name__
    if isinstance(error, OperationalError | ConnectionFailed | DatabaseUnavailable):
        return f"the database is unreachable or refused the request: {str(error).strip()}"
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror or error}{where}"
    return (
        f"unexpected {type(error).__name__}: {error} — a fault in kanalarkiv, please report it "
        "(KANALARKIV_LOG_LEVEL=debug shows where)"
    )


class ReportingGroup(TyperGroup):
    """The root command group: whatever a command raises is reported as ``error: …``, exit 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PASSED_ON:
            raise
        except Exception as error:  # noqa: BLE001 - every error reaches the operator as one line and exit 2
            if os.environ.get("KANALARKIV_LOG_LEVEL", "").lower() == "debug":
                err.print("".join(traceback.format_exception(error)), highlight=False, markup=False)
            raise fail(message_for(error)) from None
