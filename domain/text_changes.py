"""What changed between two versions of a text, word by word: the comparison the public archive
shows for an edited post and the API answers (``GET /v1/posts/{id}/versions/compare``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

ChangeKind = Literal["same", "removed", "added"]

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    text: str


def text_changes(before: str, after: str) -> list[Change]:
    """The runs of ``before`` kept, removed and added to make ``after``; joining the ``same`` and
    ``removed`` runs gives ``before``, the ``same`` and ``added`` runs give ``after``."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            _add(changes, "same", "".join(old[i1:i2]))
            continue
        _add(changes, "removed", "".join(old[i1:i2]))
        _add(changes, "added", "".join(new[j1:j2]))
    return changes


def _add(changes: list[Change], kind: ChangeKind, text: str) -> None:
    if not text:
        return
    if changes and changes[-1].kind == kind:
        changes[-1] = Change(kind, changes[-1].text + text)
    else:
        changes.append(Change(kind, text))
