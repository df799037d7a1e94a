"""What flagging costs beside a bulk capture (issue 17, item 6). Flags are raised by the
supervision projection when it reaches a comment or reply, not by the capture command, so the
cost is measured there: the supervision projection alone applies the events one capture wrote,
and the time spent in its flagging (the lexicon in force, ``flags_in`` and the flag rows) is
summed call by call. Their ratio to the capture's own time is what flagging adds to it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from kanalarkiv.readside.runner import Projector

PROJECTION = "supervision"


@dataclass(frozen=True)
class FlaggingCost:
    events: int
    projection_seconds: float
    """The supervision projection applying the capture's events (reading and decoding included)."""
    flagging_seconds: float
    """Of which raising flags."""
    texts: int


def catch_up_supervision(runtime: Any, batch_size: int) -> None:
    """Bring the supervision view to the head before a capture (the bench's own set-up events)."""
    Projector(runtime.app, runtime.views.projection(PROJECTION), batch_size).catch_up()


def flagging_cost(runtime: Any, batch_size: int) -> FlaggingCost:
    """The supervision projection alone from its position to the head, flagging timed inside it."""
    projection = runtime.views.projection(PROJECTION)
    spent, texts = [0.0], [0]
    raise_flags = projection._raise_flags

    def timed(*args: Any) -> int:
        began = time.perf_counter()
        try:
            return int(raise_flags(*args))
        finally:
            spent[0] += time.perf_counter() - began
            texts[0] += 1

    projector = Projector(runtime.app, projection, batch_size)
    projection._raise_flags = timed  # the instance's attribute, for this catch-up only
    try:
        began = time.perf_counter()
        events = projector.catch_up()
        seconds = time.perf_counter() - began
    finally:
        del projection._raise_flags
    return FlaggingCost(events, seconds, spent[0], texts[0])
