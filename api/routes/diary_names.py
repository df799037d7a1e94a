"""Private persons' names on the web (issue 16, item 3): the public diary page and API show
"privatperson" for a commenter unless the organisation turns publication of names on. The
records officers' view always shows them; the diary itself is unchanged."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AppDep, CurrentActor, ViewsDep, WaitFor, own_organisation
from api.schemas.channels import Recorded
from api.schemas.diary import NamePublication, NamePublicationSetting
from domain.actors import Role
from domain.organisation import NAME_PUBLISHERS

router = APIRouter(tags=["diary"])
READERS = NAME_PUBLISHERS | {Role.AUDITOR}


@router.put("/v1/diary/name-publication", response_model=Recorded, summary="Publish private persons' names or not")
def publish_names(body: NamePublication, actor: CurrentActor, app: AppDep) -> Recorded:
    """A records officer or manager turns publication of private persons' names in the web
    diary on or off (an event on the organisation, with who and when). Off by default."""
    org_id = own_organisation(actor, NAME_PUBLISHERS, "choosing whether the web diary publishes names")
    return Recorded.model_validate(app.publish_diary_names(org_id, body.published), from_attributes=True)


@router.get("/v1/diary/name-publication", response_model=NamePublicationSetting, summary="Whether names are published")
def name_publication(actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> NamePublicationSetting:
    org_id = own_organisation(actor, READERS, "reading the diary's publication of names")
    views.wait_for("diary", wait_for_position)
    row = views.diary.name_publication(org_id)
    if row is None:
        return NamePublicationSetting(published=False, changed_at=None, changed_by_name=None, changed_by_role=None)
    return NamePublicationSetting.model_validate(row)
