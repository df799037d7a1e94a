"""The platforms' webhooks, one callback URL per organisation and platform: each public body
registers its own Meta app and LinkedIn app, whose secret signs its deliveries, and the app's one
callback URL serves all the body's pages. Unauthenticated (the platform calls them): a delivery
is taken only when its signature over the raw body is one of the organisation's connected
sources' app secrets; it is kept in the inbox before it is answered 200."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from api.deps import AppDep, RuntimeDep
from api.errors import problem
from api.schemas.webhooks import LinkedInValidation, WebhookReceived
from api.types import Text
from kanalarkiv.application.webhook_receipt import Receipt
from kanalarkiv.capture.live.webhooks import LARGEST_BODY, Refusal, WebhookRefused

router = APIRouter(tags=["webhooks"])

TITLES = {400: "Bad request", 401: "Unauthenticated", 403: "Forbidden", 413: "Content too large"}
DELIVERY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The platform's delivery, exactly as it signed it (at most 1 MiB).",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
SUBSCRIPTION = {
    200: {"description": "The `hub.challenge`, echoed", "content": {"text/plain": {"schema": {"type": "string"}}}},
    400: {"description": "Not a subscription request (`hub.mode=subscribe` with a `hub.challenge`)"},
    403: {"description": "`hub.verify_token` is none of the organisation's Meta sources'"},
}
DELIVERY = {
    400: {"description": "Not JSON, an unknown `object`/`type`, or a malformed delivery (after the signature)"},
    401: {"description": "The signature header is missing"},
    403: {"description": "The signature is not of the organisation's app secret"},
    413: {"description": "The body is over 1 MiB"},
}


class TooLarge(Exception):
    pass


async def raw_body(request: Request) -> bytes:
    """The body as sent, read block by block and refused as soon as it passes the limit (before
    the rest is read), whatever Content-Length says."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > LARGEST_BODY:
        raise WebhookRefused(Refusal.TOO_LARGE, f"the body is over {LARGEST_BODY} bytes")
    blocks, size = [], 0
    async for block in request.stream():
        size += len(block)
        if size > LARGEST_BODY:
            raise WebhookRefused(Refusal.TOO_LARGE, f"the body is over {LARGEST_BODY} bytes")
        blocks.append(block)
    return b"".join(blocks)


RawBody = Annotated[bytes, Depends(raw_body)]


def refusal(request: Request, refused: Exception) -> JSONResponse:
    """A refused webhook request as problem+json (installed as the app's handler), counted by reason."""
    assert isinstance(refused, WebhookRefused)
    request.app.state.runtime.app.webhook_inbox.tally.add("refused", refused.reason.value)
    status = refused.status
    return problem(status, TITLES.get(status, "Bad request"), f"{refused.reason.value}: {refused.detail}")


def received(runtime: Any, outcome: Receipt) -> WebhookReceived:
    if outcome.stored and runtime.webhook_worker is not None:
        runtime.webhook_worker.notify()
    return WebhookReceived(**vars(outcome))


@router.get(
    "/v1/webhooks/meta/{org_slug}",
    response_class=PlainTextResponse,
    responses=SUBSCRIPTION,  # type: ignore[arg-type]
    summary="Meta's subscription handshake (verify token, echo hub.challenge)",
)
def meta_subscription(
    org_slug: Text,
    app: AppDep,
    mode: Annotated[Text | None, Query(alias="hub.mode", description="`subscribe`")] = None,
    verify_token: Annotated[Text | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[Text | None, Query(alias="hub.challenge")] = None,
) -> Any:
    """Meta verifies the callback URL when the app's webhook is set up: the verify token must be
    one of the organisation's connected Facebook Page or Instagram sources' (compared in constant time)."""
    query = {k: v for k, v in (("hub.mode", mode), ("hub.verify_token", verify_token), ("hub.challenge", challenge))
             if v is not None}  # fmt: skip
    return PlainTextResponse(app.meta_subscription(org_slug, query))


@router.post(
    "/v1/webhooks/meta/{org_slug}",
    response_model=WebhookReceived,
    responses=DELIVERY,  # type: ignore[arg-type]
    openapi_extra=DELIVERY_BODY,
    summary="A Meta delivery (Facebook Page feed, Instagram comments), signed X-Hub-Signature-256",
)
def meta_delivery(
    org_slug: Text,
    app: AppDep,
    runtime: RuntimeDep,
    body: RawBody,
    signature: Annotated[
        Text | None,
        Header(
            alias="X-Hub-Signature-256", description="`sha256=` + hex HMAC-SHA256 of the raw body under the app secret."
        ),
    ] = None,
) -> Any:
    """The signature is checked on the raw body before anything of it is read; each entry is routed
    by its Page or Instagram account id to the organisation's source connected to it and kept in the
    inbox before the answer. Entries for an account no channel of the organisation is connected to
    are answered 200 too (Meta would otherwise retry them for hours), counted, and not stored."""
    return received(runtime, app.receive_meta_delivery(org_slug, body, signature))


@router.get(
    "/v1/webhooks/linkedin/{org_slug}",
    response_model=LinkedInValidation,
    responses={
        400: {"description": "No `challengeCode`"},
        403: {"description": "The organisation has no LinkedIn source with a client secret"},
    },
    summary="LinkedIn's endpoint validation (challengeCode → HMAC)",
)
def linkedin_validation(
    org_slug: Text,
    app: AppDep,
    challenge_code: Annotated[Text | None, Query(alias="challengeCode")] = None,
) -> Any:
    """LinkedIn validates the URL when the webhook is registered, and again every two hours."""
    return LinkedInValidation(**app.linkedin_validation(org_slug, challenge_code or ""))


@router.post(
    "/v1/webhooks/linkedin/{org_slug}",
    response_model=WebhookReceived,
    responses=DELIVERY,  # type: ignore[arg-type]
    openapi_extra=DELIVERY_BODY,
    summary="A LinkedIn delivery (organization social action notifications), signed X-LI-Signature",
)
def linkedin_delivery(
    org_slug: Text,
    app: AppDep,
    runtime: RuntimeDep,
    body: RawBody,
    signature: Annotated[
        Text | None,
        Header(
            alias="X-LI-Signature",
            description="Hex HMAC-SHA256 of `hmacsha256=` + the raw body under the client secret.",
        ),
    ] = None,
) -> Any:
    """COMMENT, COMMENT_EDIT and COMMENT_DELETE are read; other actions are answered and skipped."""
    return received(runtime, app.receive_linkedin_delivery(org_slug, body, signature))
