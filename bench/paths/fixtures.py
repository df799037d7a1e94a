"""Small fixtures shared by paths 2, 5 and 6: an organisation of their own and an active channel."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from uuid import UUID, uuid4

from domain.actors import Actor
from domain.channel import Channel
from kanalarkiv.application.context import acting_as
from kanalarkiv.runtime import Runtime


def luhn_number(base9: str) -> str:
    """``base9`` (nine digits) completed with its Luhn check digit, as NNNNNN-NNNN."""
    for check in "0123456789":
        digits = base9 + check
        total = 0
        for index, char in enumerate(digits):
            product = int(char) * (2 if index % 2 == 0 else 1)
            total += product - 9 if product > 9 else product
        if total % 10 == 0:
            return f"{digits[:6]}-{digits[6:]}"
    raise ValueError(base9)


def organisation(runtime: Runtime, slug: str, base9: str) -> UUID:
    """A new organisation for this run: its slug and number made unique (``base9``'s first four
    digits kept), so that a kept world (``--reuse-database``) can be measured again."""
    unique = uuid4().int
    slug, number = f"{slug}-{unique % 16**6:06x}", luhn_number(f"{base9[:4]}{unique % 10**5:05d}")
    with acting_as(Actor.operator("bench")):
        return runtime.app.register_organisation(slug, f"Provkommun {slug}", number).id


def active_channel(runtime: Runtime, manager: Actor, name: str) -> UUID:
    now = datetime.now(UTC)
    channel = Channel.register(
        uuid4(),
        manager.org_id,
        name=name,
        url=f"https://www.facebook.com/{name}",  # type: ignore[arg-type]
        platform="facebook",
        owning_unit="Kommunikationsenheten",
        responsible="Kommunikationschef",
        purpose="Provkanal för mätningar.",
        by=manager,
        at=now,
    )
    channel.activate(manager, now)
    runtime.app.save(channel)
    return channel.id


def wait_for_projection(runtime: Runtime, name: str, head: int, timeout: float) -> float:
    """Wait until the supervisor's worker ``name`` reaches ``head``; the seconds it took."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        status = runtime.supervisor.statuses().get(name)
        if status and status["position"] >= head:
            return time.perf_counter() - began
        time.sleep(0.02)
    raise TimeoutError(f"{name} did not reach {head} within {timeout:.0f} s")
