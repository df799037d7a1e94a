"""Who is acting and what time it is: set once at the boundary (HTTP auth, CLI), read by the
application when it calls the domain, which takes both as plain arguments."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from domain.actors import Actor


class NoActor(RuntimeError):
    """A command was called outside any actor's context: a programming error at a boundary."""


_current_actor: ContextVar[Actor | None] = ContextVar("kanalarkiv_actor", default=None)


def current_actor() -> Actor:
    actor = _current_actor.get()
    if actor is None:
        raise NoActor("no actor is set: commands must run inside acting_as(...)")
    return actor


def set_actor(actor: Actor) -> None:
    """Set the actor for the rest of this context (an HTTP request's task)."""
    _current_actor.set(actor)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)


Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)
