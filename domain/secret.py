"""A secret value — a platform's access token, an app secret — that never shows itself: not in
``repr`` or ``str`` (so not in a log line, a traceback's locals or an error message), not in
equality. Only ``reveal()`` gives it, at the one place that sends it."""

from __future__ import annotations

from typing import Final, NoReturn

from domain.errors import InvalidValue

HIDDEN: Final = "Secret('********')"


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str):
        if not value or not value.strip():
            raise InvalidValue("secret", "must not be empty")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return HIDDEN

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret is not pickled: seal it (kanalarkiv.adapters.credentials)")
