"""Server-rendered public pages in Swedish, for a municipality's website to link to."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ViewsDep
from api.html import templates
from api.routes.organisations import public_register
from api.supervision_answers import user_information
from api.types import Text

router = APIRouter(tags=["public pages"])

STATUS_SV = {"active": "Aktiv", "paused": "Pausad", "closed": "Avslutad"}


@router.get("/{slug}/sociala-medier", response_class=HTMLResponse, summary="Förteckning över sociala medier (HTML)")
def channel_register_page(slug: Text, request: Request, views: ViewsDep) -> HTMLResponse:
    register = public_register(views, slug, ("active", "paused"))
    # BBS-lagen 3 §: what each channel tells its users, shown beside the register.
    informed = {c.id: user_information(views, c.model_dump(), register.organisation) for c in register.channels}
    return templates.TemplateResponse(
        request, "sociala_medier.html", {"register": register, "status_sv": STATUS_SV, "user_information": informed}
    )
