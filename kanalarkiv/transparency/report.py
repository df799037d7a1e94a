"""What ``kanalarkiv verify`` found: every kind of failure at the first place it occurs, and how
often it occurs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# The precise kinds name one tree index; the others a range of them.
PRECISE = ("altered", "deleted", "inserted", "leaf_missing")


@dataclass(frozen=True)
class Failure:
    """Something in the database that does not match what was hashed or signed."""

    kind: str
    tree_index: int  # the first tree index affected
    last_index: int  # the last tree index it could be (the same as tree_index when located exactly)
    position: int | None  # the log position (notification id), when one is known
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "tree_index": self.tree_index,
            "last_index": self.last_index,
            "position": self.position,
            "detail": self.detail,
        }


@dataclass
class VerificationReport:
    events: int = 0
    leaves: int = 0
    unhashed: int = 0
    heads: int = 0
    seconds: float = 0.0
    passes: int = 1  # 2 when the first pass found a difference and the second located it
    failures: list[Failure] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def first(self) -> Failure | None:
        """The first failing place: the earliest exactly located failure if there is one, else the
        narrowest range that holds a failure (a subtree's, or the span between two signed heads)."""
        if not self.failures:
            return None
        precise = [f for f in self.failures if f.kind in PRECISE]
        if precise:
            return min(precise, key=lambda f: f.tree_index)
        return min(self.failures, key=lambda f: (f.kind == "signature", f.last_index - f.tree_index, f.tree_index))

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def fail(
        self, kind: str, tree_index: int, detail: str, position: int | None = None, last_index: int | None = None
    ) -> None:
        self.counts[kind] += 1
        if self.counts[kind] == 1:
            self.failures.append(
                Failure(kind, tree_index, tree_index if last_index is None else last_index, position, detail)
            )

    def as_json(self) -> dict[str, Any]:
        first = self.first
        return {
            "ok": self.ok,
            "events": self.events,
            "leaves": self.leaves,
            "unhashed": self.unhashed,
            "heads": self.heads,
            "seconds": round(self.seconds, 3),
            "events_per_second": round(self.rate),
            "passes": self.passes,
            "first_failure": first.as_json() if first else None,
            "failures": [f.as_json() | {"count": self.counts[f.kind]} for f in self.failures],
        }
