"""Tamper evidence for anyone (insyn i loggens integritet): the public key, the signed tree heads,
and inclusion and consistency proofs. Proofs and heads hold only hashes, sizes and times, never
content, so they are public; publishing the heads is what lets outsiders detect a forked log.
Signing a head on demand needs a records officer's or an auditor's token."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field
from pydantic.config import JsonDict

from api.deps import CurrentActor, RuntimeDep
from domain.audience import RECORD_READERS
from domain.errors import NotPermitted
from kanalarkiv.application.transparency import Transparency
from kanalarkiv.transparency.signing import TreeHead, public_key_pem, raw_public_key

router = APIRouter(prefix="/v1/transparency", tags=["tamper evidence"])
HEX: JsonDict = {"pattern": "^[0-9a-f]{64}$"}


def get_transparency(runtime: RuntimeDep) -> Transparency:
    return runtime.transparency


TransparencyDep = Annotated[Transparency, Depends(get_transparency)]


class PublicKey(BaseModel):
    algorithm: str = Field(description="Always Ed25519.")
    key_id: str = Field(description="The first 16 hex digits of SHA-256 over the raw public key; heads name it.")
    public_key: str = Field(description="The raw 32-byte public key, base64.")
    pem: str = Field(description="The same key as PEM (SubjectPublicKeyInfo).")


class SignedTreeHead(BaseModel):
    """The log of ``tree_size`` events had root ``root_hash`` at ``signed_at`` (signerat trädhuvud).
    The signature covers the UTF-8 text ``kanalarkiv tree head v1\\n{tree_size}\\n{root_hash}\\n{signed_at}\\n``."""

    tree_size: int
    root_hash: str = Field(json_schema_extra=HEX)
    signed_at: str = Field(description="UTC, as signed: YYYY-MM-DDTHH:MM:SS.ffffffZ.")
    key_id: str
    signature: str = Field(description="Ed25519 signature, base64.")

    @classmethod
    def of(cls, head: TreeHead) -> SignedTreeHead:
        return cls.model_validate(head.as_json())


class InclusionProofPublic(BaseModel):
    """The event at log ``position`` is leaf ``leaf_index`` of the log of ``tree_size`` events."""

    kind: str = "inclusion"
    position: int
    leaf_index: int = Field(description="Its index in the tree (log positions may have gaps; tree indexes do not).")
    tree_size: int
    leaf_hash: str = Field(json_schema_extra=HEX)
    root_hash: str = Field(json_schema_extra=HEX)
    path: list[str] = Field(description="RFC 9162 inclusion path, from the leaf upwards (hex).")
    signed_head: SignedTreeHead | None = Field(description="The signed head of this size, if one was signed.")


class ConsistencyProofPublic(BaseModel):
    """The log of ``first`` events is a prefix of the log of ``second`` events."""

    kind: str = "consistency"
    first: int
    second: int
    first_root: str = Field(json_schema_extra=HEX)
    second_root: str = Field(json_schema_extra=HEX)
    path: list[str] = Field(description="RFC 9162 consistency proof (hex).")
    first_head: SignedTreeHead | None
    second_head: SignedTreeHead | None


@router.get("/public-key", response_model=PublicKey, summary="The key that signs the tree heads")
def public_key(transparency: TransparencyDep) -> PublicKey:
    """Public. Auditors check heads, proofs and exports with it (`kanalarkiv verify-export --public-key`)."""
    key = transparency.signer.public_key
    return PublicKey(
        algorithm="Ed25519",
        key_id=transparency.signer.key_id,
        public_key=base64.b64encode(raw_public_key(key)).decode(),
        pem=public_key_pem(key),
    )


@router.get("/heads", response_model=list[SignedTreeHead], summary="Signed tree heads, newest first")
def heads(
    transparency: TransparencyDep, limit: Annotated[int, Query(ge=1, le=1000, description="How many.")] = 100
) -> list[SignedTreeHead]:
    """Public: keep them. A head you kept that this log cannot prove consistent with is evidence of a rewrite."""
    return [SignedTreeHead.of(head) for head in transparency.heads(limit)]


@router.get(
    "/heads/latest",
    response_model=SignedTreeHead,
    summary="The latest signed tree head",
    responses={404: {"description": "No tree head has been signed yet"}},
)
def latest_head(transparency: TransparencyDep) -> SignedTreeHead:
    return SignedTreeHead.of(transparency.latest_head())


@router.post(
    "/heads", status_code=status.HTTP_201_CREATED, response_model=SignedTreeHead, summary="Sign a tree head now"
)
def sign_head(actor: CurrentActor, transparency: TransparencyDep, runtime: RuntimeDep) -> SignedTreeHead:
    """Records officers and auditors: sign the tree over every event recorded until now (the
    hashing worker is waited for, up to 5 s)."""
    if actor.role not in RECORD_READERS:
        raise NotPermitted(
            f"signing a tree head requires the role auditor, records_officer; you act as {actor.role.value}"
        )
    runtime.views.wait_for("log_hashes", runtime.head())
    return SignedTreeHead.of(transparency.sign_head())


@router.get(
    "/proofs/inclusion",
    response_model=InclusionProofPublic,
    summary="Inclusion proof (inklusionsbevis)",
    responses={404: {"description": "The position or the tree size is not in the hash tree (yet)"}},
)
def inclusion_proof(
    transparency: TransparencyDep,
    position: Annotated[int, Query(ge=1, description="The event's log position (what a command returned).")],
    tree_size: Annotated[int | None, Query(ge=1, description="Default: the latest signed head's size.")] = None,
) -> InclusionProofPublic:
    """Public. Check it with `kanalarkiv proof check`, or any RFC 9162 verifier, against a signed head."""
    return InclusionProofPublic.model_validate(transparency.inclusion_proof(position, tree_size).as_json())


@router.get(
    "/proofs/consistency",
    response_model=ConsistencyProofPublic,
    summary="Consistency proof (konsistensbevis)",
    responses={404: {"description": "A tree size larger than the hash tree (yet)"}},
)
def consistency_proof(
    transparency: TransparencyDep,
    first: Annotated[int, Query(ge=1, description="The older tree size.")],
    second: Annotated[int | None, Query(ge=1, description="The newer size; default: the latest signed head's.")] = None,
) -> ConsistencyProofPublic:
    """Public. Proves the log of ``first`` events is a prefix of the log of ``second``: nothing was changed."""
    return ConsistencyProofPublic.model_validate(transparency.consistency_proof(first, second).as_json())
