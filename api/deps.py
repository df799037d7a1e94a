"""Dependencies shared by the routes: the running service, and who is calling."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import Unauthenticated
from api.types import Instant
from domain.actors import Actor, Role
from domain.audience import RECORD_READERS, Audience, audience_of
from domain.errors import InvalidValue, NotPermitted
from kanalarkiv.application.context import set_actor
from kanalarkiv.application.outcomes import RecordNotFound
from kanalarkiv.application.records import RecordsApplication, hash_token
from kanalarkiv.readside.views import Views
from kanalarkiv.runtime import Runtime

_bearer = HTTPBearer(auto_error=False, description="A token from `kanalarkiv token create`.")


# The plain look-ups are ``async`` so that FastAPI does not hop to the thread pool for them, and
# each takes the request itself rather than another dependency: FastAPI solves every node of a
# route's dependency tree on every request (a cached node's own sub-tree included), at some tens
# of microseconds each, so the tree of the public reads is kept shallow.
async def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


async def get_application(request: Request) -> RecordsApplication:
    return request.app.state.runtime.app  # type: ignore[no-any-return]


async def get_views(request: Request) -> Views:
    return request.app.state.runtime.views  # type: ignore[no-any-return]


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
AppDep = Annotated[RecordsApplication, Depends(get_application)]
ViewsDep = Annotated[Views, Depends(get_views)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _actor_from(row: dict[str, Any] | None) -> Actor:
    if row is None:
        raise Unauthenticated("the bearer token is unknown or revoked")
    return Actor(id=row["subject_id"], name=row["display_name"], role=Role(row["role"]), org_id=row["org_id"])


def _authenticate(views: Views, token_hash: str) -> Actor:
    return _actor_from(views.active_token(token_hash))


async def _actor_of(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Actor | None:
    """The request's actor, looked up once per request: remembered (``TokenCache``) or read in the thread pool."""
    if credentials is None:
        return None
    scope = request.scope  # the request's own (``state`` may be shared with the server's lifespan)
    actor: Actor | None = scope.get("kanalarkiv.actor")
    if actor is None:
        views: Views = request.app.state.runtime.views
        token_hash = hash_token(credentials.credentials)
        remembered = views.token_cache.get(token_hash)  # a dict look-up: no hop to the thread pool
        if remembered is not None:
            actor = _actor_from(remembered)
        else:
            actor = await run_in_threadpool(_authenticate, views, token_hash)
        scope["kanalarkiv.actor"] = actor
    return actor


# These are ``async`` only so that the actor they set is in the request's context when the
# (synchronous) route runs; the database look-up itself runs in the thread pool.
async def optional_actor(request: Request, credentials: Credentials) -> Actor | None:
    actor = await _actor_of(request, credentials)
    if actor is not None:
        set_actor(actor)
    return actor


async def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise Unauthenticated("this request needs a bearer token (Authorization: Bearer ...)")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
OptionalActor = Annotated[Actor | None, Depends(optional_actor)]


async def expected_version(
    if_match: Annotated[
        str | None,
        Header(description='The version you read (the ETag of GET), e.g. "3"; a newer stored version answers 409.'),
    ] = None,
) -> int | None:
    if if_match is None:
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        from fastapi.exceptions import RequestValidationError

        raise RequestValidationError(
            [{"loc": ("header", "If-Match"), "msg": 'must be a version number such as "3"', "type": "value_error"}]
        )
    return int(raw)


ExpectedVersion = Annotated[int | None, Depends(expected_version)]


WaitFor = Annotated[
    int | None,
    Query(ge=0, description="Wait (up to 5 s) until the view includes this log position, e.g. one a command returned."),
]

# Who may read and do what, beyond what the application's commands check themselves.
SUPERVISORS = RECORD_READERS | {Role.MANAGER}  # a channel's history, response times, compliance
STAFF = SUPERVISORS | {Role.EDITOR, Role.WEBMASTER}
AS_OF_READERS = RECORD_READERS | {Role.OPERATOR}


def own_organisation(actor: Actor, roles: AbstractSet[Role], doing: str) -> UUID:
    """The caller's organisation, when the caller holds one of ``roles`` in it; else 403 in the
    domain's words, naming what was refused, the roles that may do it and the caller's own."""
    if actor.org_id is None:
        raise NotPermitted(f"{doing} is done within one organisation: use a token of that organisation")
    actor.require(roles, actor.org_id, doing)
    return actor.org_id


def reads_records(actor: Actor | None, org_id: UUID) -> bool:
    """Records officers and auditors of the organisation see removed and deleted content."""
    return audience_of(actor, org_id) is Audience.RECORDS


def require_staff_of_channel(
    views: Views, channel_id: UUID, actor: Actor, doing: str, roles: AbstractSet[Role] = STAFF
) -> dict[str, Any]:
    """The channel's register row, when the caller is staff of its organisation in one of ``roles``."""
    channel = views.channel_register.channel(channel_id)
    if channel is None:
        raise RecordNotFound(f"no channel with id {channel_id}")
    actor.require(roles, channel["org_id"], doing)
    return channel


async def as_of_position(
    request: Request,
    credentials: Credentials,
    as_of: Annotated[
        Instant | None, Query(description="Auditors and records officers: read the view as it stood at this instant.")
    ] = None,
    as_of_position: Annotated[
        int | None,
        Query(ge=0, description="Auditors and records officers: read the view as it stood at this log position."),
    ] = None,
) -> int | None:
    """The log position a point-in-time read asks for (as_of or as_of_position), or None for now.
    ``async`` so that an anonymous read of the present (nearly every read) costs no thread-pool
    hop; only the look-ups of a token and of an instant's position go to the thread pool."""
    actor = await optional_actor(request, credentials)  # a bad token answers 401 here too, as_of or not
    if as_of is None and as_of_position is None:
        return None
    if actor is None:
        raise Unauthenticated("reading as of a past instant needs an auditor's or records officer's token")
    if actor.role not in AS_OF_READERS or actor.org_id is None:
        raise NotPermitted("reading as of a past instant is for auditors and records officers")
    if as_of_position is not None:
        head = await run_in_threadpool(request.app.state.runtime.head)
        if as_of_position > head:
            # Not "wait until it is there" (wait_for_position): a past the log has not reached yet.
            raise InvalidValue("as_of_position", f"is beyond the log's head (position {head}): no such past")
        return as_of_position
    assert as_of is not None  # neither given returned None above
    views: Views = request.app.state.runtime.views
    return await run_in_threadpool(views.audit_trail.position_at, actor.org_id, as_of)


AsOf = Annotated[int | None, Depends(as_of_position)]


def require_own_past(actor: Actor | None, org_id: UUID, as_of: int | None, what: str) -> None:
    """A read as of a past instant is of the reader's own organisation only."""
    if as_of is not None and (actor is None or not actor.belongs_to(org_id)):
        raise NotPermitted(f"reading another organisation's {what} as of a past instant")
