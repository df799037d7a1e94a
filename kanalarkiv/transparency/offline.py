"""What an auditor checks with nothing but a file and the public key: an export of an
organisation's log (``kanalarkiv export``), or one inclusion or consistency proof as the API or
``kanalarkiv proof`` gives it. No database, no network, no kanalarkiv server.

An export is JSON Lines: an ``export`` line (format, organisation, public key), a ``tree_head``
line (the signed head every proof leads to), one ``event`` line per stored event of the
organisation, and an ``end`` line with the count of events.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kanalarkiv.transparency.merkle import ProofError, hash_event, verify_consistency, verify_inclusion
from kanalarkiv.transparency.signing import BadSignature, TreeHead, key_id

FORMAT = "kanalarkiv-log-export/1"
_KEPT_PROBLEMS = 100


@dataclass
class ExportReport:
    organisation: str | None = None
    head: TreeHead | None = None
    events: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, what is wrong)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def problem(self, line: int, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < _KEPT_PROBLEMS:
            self.problems.append((line, message))


class _Stop(Exception):
    pass


def verify_export(lines: Iterable[bytes | str], public_key: Ed25519PublicKey) -> ExportReport:
    """Check every line of an export against the signed head, and the head against ``public_key``."""
    report = ExportReport()
    numbered = enumerate(lines, start=1)
    try:
        _header(numbered, public_key, report)
        head = _head(numbered, public_key, report)
        _events(numbered, head, report)
    except _Stop:
        pass
    return report


def _next(numbered: Any, kind: str, report: ExportReport) -> tuple[int, dict[str, Any]]:
    try:
        number, line = next(numbered)
    except StopIteration:
        report.problem(0, f"the file ends before its {kind} line")
        raise _Stop from None
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        report.problem(number, "not a JSON line")
        raise _Stop from None
    if not isinstance(data, dict) or data.get("kind") != kind:
        report.problem(number, f"expected the {kind} line")
        raise _Stop
    return number, data


def _header(numbered: Any, public_key: Ed25519PublicKey, report: ExportReport) -> None:
    number, header = _next(numbered, "export", report)
    if header.get("format") != FORMAT:
        report.problem(number, f"the format is {header.get('format')!r}, not {FORMAT!r}")
        raise _Stop
    report.organisation = (header.get("organisation") or {}).get("slug")
    named = (header.get("public_key") or {}).get("key_id")
    if named != key_id(public_key):
        report.problem(
            number, f"the export names signing key {named}, but the public key given is {key_id(public_key)}"
        )


def _head(numbered: Any, public_key: Ed25519PublicKey, report: ExportReport) -> TreeHead:
    number, data = _next(numbered, "tree_head", report)
    try:
        head = TreeHead.from_json(data)
        head.verify(public_key)
    except (ValueError, BadSignature) as error:
        report.problem(
            number,
            f"the tree head is not signed by the public key given: {error}; nothing in the export can be trusted",
        )
        raise _Stop from None
    report.head = head
    return head


def _events(numbered: Any, head: TreeHead, report: ExportReport) -> None:
    last_index = last_position = -1
    versions: dict[str, int] = {}
    for number, line in numbered:
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError:
            report.problem(number, "not a JSON line")
            continue
        if not isinstance(data, dict):
            report.problem(number, "not an event line")
            continue
        if data.get("kind") == "end":
            if data.get("events") != report.events:
                report.problem(number, f"the end line counts {data.get('events')} events, the file has {report.events}")
            return
        report.events += 1
        try:
            index, position = int(data["tree_index"]), int(data["position"])
            leaf_hash = hash_event(
                position,
                UUID(data["originator_id"]),
                int(data["originator_version"]),
                data["topic"],
                base64.b64decode(data["state"], validate=True),
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as error:
            report.problem(number, f"not an event line: {error}")
            continue
        if data.get("leaf_hash") != leaf_hash.hex():
            report.problem(number, f"the event at log position {position} does not hash to the leaf hash it gives")
        try:
            verify_inclusion(
                index, head.tree_size, leaf_hash, [bytes.fromhex(p) for p in data["inclusion_proof"]], head.root_hash
            )
        except (ProofError, ValueError, KeyError) as error:
            report.problem(
                number, f"the event at log position {position} (tree index {index}) is not in the signed log: {error}"
            )
        if index <= last_index or position <= last_position:
            report.problem(number, f"the event at log position {position} is out of log order")
        last_index, last_position = index, position
        _check_version(data["originator_id"], int(data["originator_version"]), versions, number, report)
    report.problem(0, "the file ends without its end line: it is cut short")


def _check_version(record: str, version: int, versions: dict[str, int], number: int, report: ExportReport) -> None:
    expected = versions.get(record, 0) + 1
    if version != expected:
        report.problem(
            number,
            f"record {record} jumps from version {expected - 1} to {version}: events of it are missing from the export",
        )
    versions[record] = version


def check_proof(document: dict[str, Any], public_key: Ed25519PublicKey) -> str:
    """Check an inclusion or consistency proof (as the API gives it) and the signed heads it
    names; return what it proves. Raises ProofError or BadSignature."""
    if document.get("kind") == "inclusion":
        head = _signed(document.get("signed_head"), document["tree_size"], document["root_hash"], public_key)
        verify_inclusion(
            document["leaf_index"],
            document["tree_size"],
            bytes.fromhex(document["leaf_hash"]),
            [bytes.fromhex(p) for p in document["path"]],
            bytes.fromhex(document["root_hash"]),
        )
        return (
            f"the leaf {document['leaf_hash']} (log position {document['position']}) is leaf "
            f"{document['leaf_index']} of the log of size {document['tree_size']}" + _signed_note(head)
        )
    if document.get("kind") == "consistency":
        first = _signed(document.get("first_head"), document["first"], document["first_root"], public_key)
        second = _signed(document.get("second_head"), document["second"], document["second_root"], public_key)
        verify_consistency(
            document["first"],
            document["second"],
            bytes.fromhex(document["first_root"]),
            bytes.fromhex(document["second_root"]),
            [bytes.fromhex(p) for p in document["path"]],
        )
        return (
            f"the log of size {document['first']} is a prefix of the log of size {document['second']}"
            + _signed_note(first, "first")
            + _signed_note(second, "second")
        )
    raise ProofError("not an inclusion or consistency proof")


def _signed(
    head_json: dict[str, Any] | None, size: int, root_hex: str, public_key: Ed25519PublicKey
) -> TreeHead | None:
    if head_json is None:
        return None
    head = TreeHead.from_json(head_json)
    head.verify(public_key)
    if head.tree_size != size or head.root_hash.hex() != root_hex:
        raise ProofError(
            f"the signed head is for size {head.tree_size} and root {head.root_hash.hex()}, "
            f"not for the size {size} and root {root_hex} the proof uses"
        )
    return head


def _signed_note(head: TreeHead | None, which: str = "") -> str:
    label = f"the {which} root" if which else "the root"
    if head is None:
        return f"; {label} is not covered by a signed head in this document: compare it with a published head"
    return f"; {label} is signed (key {head.key_id}, {head.signed_at:%Y-%m-%d %H:%M:%S} UTC)"
