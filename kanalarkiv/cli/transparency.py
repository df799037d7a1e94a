"""The auditors' commands: ``verify`` the log from the database, ``export`` an organisation's log
with proofs, ``verify-export`` offline, and the signed tree heads and proofs (``heads``, ``proof``).

``verify``, ``verify-export`` and ``proof check`` exit with 1 when something fails to verify
(and 2, like every command, on an error such as a missing file)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from kanalarkiv.application.log_export import export_organisation
from kanalarkiv.cli.common import caught_up, fail, opened, out, progress
from kanalarkiv.transparency.merkle import ProofError
from kanalarkiv.transparency.offline import check_proof
from kanalarkiv.transparency.offline import verify_export as check
from kanalarkiv.transparency.signing import BadSignature, TreeHead, load_public_key, public_key_pem
from kanalarkiv.transparency.verification import verify_log

transparency_app = typer.Typer()
heads_app = typer.Typer(
    help="Signed tree heads: the log's size and root, signed (signerade trädhuvuden).", no_args_is_help=True
)
proof_app = typer.Typer(help="Inclusion and consistency proofs (bevis).", no_args_is_help=True)
transparency_app.add_typer(heads_app, name="heads")
transparency_app.add_typer(proof_app, name="proof")

PublicKeys = Annotated[
    list[str] | None,
    typer.Option(
        "--public-key",
        help="A public key heads may be signed with: a PEM file or the base64 of the raw "
        "key (repeatable). Default: the server's own key.",
    ),
]


def _public_keys(values: list[str]) -> list[Any]:
    try:
        return [load_public_key(value) for value in values]
    except ValueError as error:
        raise fail(str(error)) from None


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


@transparency_app.command()
def verify(
    public_key: PublicKeys = None,
    heads: Annotated[
        Path | None,
        typer.Option(
            help="Signed heads you kept (JSON Lines, as `heads list --json` "
            "or the API gives them) to check the log against too."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Recompute the hash tree from the stored events; check it against the stored tree and every signed head."""
    keys = _public_keys(public_key or [])
    kept = _kept_heads(heads) if heads else []
    with opened() as runtime:
        keys = keys or [runtime.transparency.signer.public_key]
        with progress("verifying the log") as update:
            report = verify_log(runtime.database_url, runtime.app.events_table_name, keys, kept, on_batch=update)
    if as_json:
        _print_json(report.as_json())
    else:
        out.print(
            f"read {report.events} events and {report.leaves} leaves, checked {report.heads} signed heads "
            f"in {report.seconds:.2f} s ({report.rate:,.0f} events/s); {report.unhashed} events not yet hashed",
            highlight=False,
        )
        if report.ok:
            out.print(
                "OK: every event is the one that was hashed, and every signed head matches the log", highlight=False
            )
        else:
            first = report.first
            assert first is not None, "a failed report names where it failed"
            out.print(
                f"FAILED at tree index {first.tree_index}"
                + (f"..{first.last_index}" if first.last_index != first.tree_index else "")
                + (f" (log position {first.position})" if first.position else "")
                + f": {first.detail}",
                highlight=False,
            )
            for failure in report.failures:
                out.print(
                    f"  {failure.kind}: {report.counts[failure.kind]} time(s), first: {failure.detail}", highlight=False
                )
    if not report.ok:
        raise typer.Exit(1)


def _kept_heads(path: Path) -> list[TreeHead]:
    try:
        lines = [line for line in path.read_text().splitlines() if line.strip()]
        return [TreeHead.from_json(orjson.loads(line)) for line in lines]
    except (OSError, ValueError) as error:
        raise fail(f"{path}: {error}") from None


@transparency_app.command()
def export(
    org: Annotated[str, typer.Option(help="The organisation's slug.")],
    target: Annotated[Path, typer.Option("--out", help="The file to write (JSON Lines).")],
) -> None:
    """Export an organisation's log: its events as stored, each with an inclusion proof to a signed head."""
    with opened() as runtime:
        caught_up(runtime, "log_hashes")
        runtime.transparency.sign_if_grown()
        with target.open("wb") as file, progress(f"exporting {org}", unit="events scanned") as update:
            summary = export_organisation(
                runtime.app,
                runtime.transparency,
                runtime.database_url,
                org,
                file,
                on_batch=update,
            )
    out.print(
        f"exported {summary.events} events of {org} to {target}, each with its inclusion proof to the signed head of size "
        f"{summary.head.tree_size} (root {summary.head.root_hash.hex()}, key {summary.head.key_id})",
        highlight=False,
    )


@transparency_app.command("verify-export")
def verify_export(
    file: Annotated[Path, typer.Argument(help="The export (JSON Lines).")],
    public_key: Annotated[
        str,
        typer.Option(
            help="The log's public key: a PEM file or the base64 of the raw key. "
            "Get it from where the organisation publishes it, not from the file."
        ),
    ],
) -> None:
    """Verify an export offline, with nothing but the file and the public key."""
    key = _public_keys([public_key])[0]
    try:
        with file.open("rb") as lines:
            report = check(lines, key)
    except OSError as error:
        raise fail(f"{file}: {error.strerror}") from None
    if report.ok:
        head = report.head
        assert head is not None, "an export checks out only once its signed head was read"
        out.print(
            f"OK: {report.events} events of {report.organisation} are in the log of size {head.tree_size}, "
            f"whose head (root {head.root_hash.hex()}) was signed at {head.signed_at:%Y-%m-%d %H:%M:%S} UTC "
            f"by key {head.key_id}",
            highlight=False,
        )
        return
    out.print(f"FAILED: {report.problem_count} problem(s) in {file}", highlight=False)
    for line, message in report.problems:
        out.print(f"  line {line}: {message}" if line else f"  {message}", highlight=False)
    raise typer.Exit(1)


@heads_app.command("sign")
def heads_sign() -> None:
    """Sign a tree head now (after hashing every event recorded so far)."""
    with opened() as runtime:
        caught_up(runtime, "log_hashes")
        head = runtime.transparency.sign_head()
    out.print(
        f"signed the head of size {head.tree_size}: root {head.root_hash.hex()}, "
        f"at {head.signed_at:%Y-%m-%d %H:%M:%S} UTC, key {head.key_id}",
        highlight=False,
    )


@heads_app.command("list")
def heads_list(
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 20,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON Lines, to keep and check later with verify --heads.")
    ] = False,
) -> None:
    """The signed tree heads, newest first."""
    with opened() as runtime:
        heads = runtime.transparency.heads(limit)
    if as_json:
        for head in heads:
            print(json.dumps(head.as_json()))
        return
    table = Table("size", "root", "signed at (UTC)", "key")
    for head in heads:
        table.add_row(str(head.tree_size), head.root_hash.hex(), f"{head.signed_at:%Y-%m-%d %H:%M:%S}", head.key_id)
    out.print(table)


@heads_app.command("public-key")
def heads_public_key() -> None:
    """Print the public key that signs the heads (PEM), to publish and to give to auditors."""
    with opened() as runtime:
        print(public_key_pem(runtime.transparency.signer.public_key), end="")


@proof_app.command("inclusion")
def proof_inclusion(
    position: Annotated[int, typer.Argument(min=1, help="The event's log position (what a command returned).")],
    tree_size: Annotated[
        int | None, typer.Option(min=1, help="The tree size; default: the latest signed head's.")
    ] = None,
) -> None:
    """Prove that the event at a log position is in the log of a given size (JSON)."""
    with opened() as runtime:
        _print_json(runtime.transparency.inclusion_proof(position, tree_size).as_json())


@proof_app.command("consistency")
def proof_consistency(
    first: Annotated[int, typer.Argument(min=1, help="The older tree size.")],
    second: Annotated[
        int | None, typer.Argument(min=1, help="The newer size; default: the latest signed head's.")
    ] = None,
) -> None:
    """Prove that the log of one size is a prefix of the log of a larger size (JSON)."""
    with opened() as runtime:
        _print_json(runtime.transparency.consistency_proof(first, second).as_json())


@proof_app.command("check")
def proof_check(
    file: Annotated[
        Path, typer.Argument(help="A proof as JSON (from `proof inclusion|consistency` or the API); - for stdin.")
    ],
    public_key: Annotated[str, typer.Option(help="The log's public key: a PEM file or the base64 of the raw key.")],
) -> None:
    """Check a proof offline: every node, the sizes, and the signature of each head it names."""
    key = _public_keys([public_key])[0]
    try:
        document = orjson.loads(sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        raise fail(f"{file}: {error}") from None
    try:
        proven = check_proof(document, key)
    except (ProofError, BadSignature, KeyError, TypeError, ValueError) as error:
        out.print(f"FAILED: {error}", highlight=False)
        raise typer.Exit(1) from None
    out.print(f"OK: {proven}", highlight=False)
