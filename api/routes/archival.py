"""The archival package of a channel's records of a period, for transfer to an e-archive
(leverans till e-arkiv, FGS Paketstruktur 2.0 / E-ARK SIP 2.1), as a tar file."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.deps import AppDep, CurrentActor, ViewsDep
from api.types import Day
from domain.period import Period
from kanalarkiv.archival.package import build_package

router = APIRouter(tags=["archival"])


@router.get(
    "/v1/channels/{channel_id}/archival-package",
    response_class=Response,
    summary="An archival package (E-ARK SIP) of a channel's records of a period",
    responses={200: {"content": {"application/x-tar": {}}, "description": "The package as a tar file."}},
)
def archival_package(
    channel_id: UUID,
    actor: CurrentActor,
    app: AppDep,
    views: ViewsDep,
    from_: Annotated[Day, Query(alias="from", description="The period's first day (Swedish time).")],
    to: Annotated[Day, Query(description="The period's last day, included.")],
) -> Response:
    """Records officers and auditors: the posts published and snapshots taken in the period, with
    every event of the log about them, as one tar file unpacking to a single package folder."""
    package = build_package(app, views, channel_id, Period.of(from_, to))
    return Response(
        content=package.tar_bytes(),
        media_type="application/x-tar",
        headers={"Content-Disposition": f'attachment; filename="{package.package_id}.tar"'},
    )
