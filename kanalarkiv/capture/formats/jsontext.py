"""What the JSON-based readers share: bytes decoded as the platforms write them (UTF-8, with or
without a byte-order mark; UTF-16 with one), arrays decoded one element at a time so that a large
export is never held as one parsed tree, and errors that name the file and the line."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from datetime import UTC, datetime
from typing import Any

from kanalarkiv.capture.items import FormatError

_DECODER = json.JSONDecoder()


def decoded(data: bytes, label: str) -> str:
    """The text of a file; an encoding it is not in is refused with the line it fails on."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise FormatError(label, f"is not valid UTF-16 ({error.reason})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FormatError(
            f"{label} line {line}", f"is not UTF-8 (byte {data[error.start]:#04x}); export the file as UTF-8"
        ) from None


def line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def expect(text: str, position: int, char: str, label: str) -> int:
    position = skip_space(text, position)
    if position >= len(text):
        raise FormatError(f"{label} line {line_of(text, position)}", f"ends early: expected {char!r} (truncated?)")
    if text[position] != char:
        raise FormatError(f"{label} line {line_of(text, position)}", f"expected {char!r}, found {text[position]!r}")
    return position + 1


def value_at(text: str, position: int, label: str) -> tuple[Any, int]:
    position = skip_space(text, position)
    try:
        return _DECODER.raw_decode(text, position)
    except json.JSONDecodeError as error:
        early = error.pos >= len(text) or error.msg.startswith("Unterminated") or not text[error.pos :].strip()
        problem = "ends early (truncated?)" if early else f"is not valid JSON: {error.msg}"
        raise FormatError(f"{label} line {line_of(text, error.pos)}", problem) from None


def array_items(text: str, position: int, label: str, end: list[int] | None = None) -> Iterator[tuple[int, Any]]:
    """The elements of the JSON array starting at ``position``, each with its line, one at a time;
    ``end`` (if given) receives the position after the closing bracket."""
    position = expect(text, position, "[", label)
    if skip_space(text, position) < len(text) and text[skip_space(text, position)] == "]":
        if end is not None:
            end[0] = skip_space(text, position) + 1
        return
    line, counted = 1, 0
    while True:
        start = skip_space(text, position)
        line += text.count("\n", counted, start)
        counted = start
        value, position = value_at(text, start, label)
        yield line, value
        position = skip_space(text, position)
        if position >= len(text):
            raise FormatError(
                f"{label} line {line_of(text, position)}", "ends early: the array is not closed (truncated?)"
            )
        if text[position] == "]":
            if end is not None:
                end[0] = position + 1
            return
        position = expect(text, position, ",", label)


def object_elements(text: str, label: str) -> Iterator[tuple[str, int, Any]]:
    """The top-level object's members as ``(key, line, value)``: a member whose value is an array
    is yielded element by element, any other value whole."""
    position = expect(text, 0, "{", label)
    position = skip_space(text, position)
    if position < len(text) and text[position] == "}":
        return
    while True:
        key, position = value_at(text, position, label)
        if not isinstance(key, str):
            raise FormatError(f"{label} line {line_of(text, position)}", "expected a key in quotes")
        position = skip_space(text, expect(text, position, ":", label))
        if position < len(text) and text[position] == "[":
            position = yield from _elements(text, position, label, key)
        else:
            value, position = value_at(text, position, label)
            yield key, line_of(text, position), value
        position = skip_space(text, position)
        if position >= len(text):
            raise FormatError(
                f"{label} line {line_of(text, position)}", "ends early: the object is not closed (truncated?)"
            )
        if text[position] == "}":
            return
        position = expect(text, position, ",", label)


def _elements(text: str, position: int, label: str, key: str) -> Generator[tuple[str, int, Any], None, int]:
    """Yields the array's elements; returns the position after its closing bracket."""
    end = [position]
    for line, value in array_items(text, position, label, end):
        yield key, line, value
    return end[0]


def aware(value: Any, where: str, field: str) -> datetime:
    """An ISO 8601 instant with its offset (``Z`` allowed)."""
    if not isinstance(value, str):
        raise FormatError(where, f"{field} must be a time such as 2026-05-01T09:00:00+02:00")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FormatError(where, f"{field} {value!r} is not a time such as 2026-05-01T09:00:00+02:00") from None
    if parsed.tzinfo is None:
        raise FormatError(where, f"{field} {value!r} has no timezone")
    return parsed.astimezone(UTC)
