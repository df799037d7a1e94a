"""The channels' public archive pages in Swedish (OSL 5 kap. 1 §: the records kept in order): a
channel's posts by month, searchable by words and dates, and each post with its public comments
and replies and its edits as versions compared word by word. A deleted post and a hidden or
removed comment are shown as such, never with their content."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import pairwise
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import ViewsDep
from api.diary_answers import organisation_of
from api.html import templates
from api.supervision_answers import user_information
from api.types import Day, Text
from domain.comment import Visibility
from domain.grounds import Ground
from domain.period import SWEDISH_TIME
from domain.text_changes import text_changes
from kanalarkiv.application.outcomes import RecordNotFound

router = APIRouter(tags=["public pages"])

PAGE = 25
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
ARCHIVED = ("active", "paused", "closed")  # a closed channel's records stay public; a planned one has none


@router.get("/{slug}/sociala-medier/{channel_id}", response_class=HTMLResponse, summary="En kanals arkiv (HTML)")
def channel_archive_page(
    slug: Text,
    channel_id: UUID,
    request: Request,
    views: ViewsDep,
    q: Annotated[Text | None, Query(max_length=200, description="Ord i inläggens text.")] = None,
    fran: Annotated[Day | None, Query(description="Publicerade från och med denna dag.")] = None,
    till: Annotated[Day | None, Query(description="Publicerade till och med denna dag.")] = None,
    sida: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    organisation, channel = _channel(views, slug, channel_id)
    start = datetime.combine(fran, time.min, SWEDISH_TIME) if fran else None
    end = datetime.combine(till + timedelta(days=1), time.min, SWEDISH_TIME) if till else None
    rows, total = views.channel_content.archive_page(channel_id, q, start, end, PAGE, (sida - 1) * PAGE)
    context = {
        "organisation": organisation["name"],
        "slug": slug,
        "channel": channel,
        "months": _by_month(rows),
        "total": total,
        "page": sida,
        "pages": max(1, -(-total // PAGE)),
        "query": {"q": q or "", "fran": fran or "", "till": till or ""},
        "info": user_information(views, channel, organisation["name"]),  # BBS-lagen 3 §
    }
    return templates.TemplateResponse(request, "arkiv_kanal.html", context)


@router.get(
    "/{slug}/sociala-medier/{channel_id}/inlagg/{post_id}",
    response_class=HTMLResponse,
    summary="Ett inlägg i arkivet, med kommentarer och versioner (HTML)",
)
def post_archive_page(slug: Text, channel_id: UUID, post_id: UUID, request: Request, views: ViewsDep) -> HTMLResponse:
    organisation, channel = _channel(views, slug, channel_id)
    post = views.channel_content.post(post_id)
    if post is None or post["channel_id"] != channel_id:
        raise RecordNotFound(f"no post with id {post_id} in this channel")
    deleted = post["deleted_at"] is not None
    versions = [] if deleted else views.channel_content.post_versions(post_id)
    context = {
        "organisation": organisation["name"],
        "slug": slug,
        "channel": channel,
        "post": {
            "published_at": _swedish(post["published_at"]),
            "author_name": post["author_name"],
            "deleted": deleted,
            "text": None if deleted else post["text"],
        },
        "versions": _compared(versions),
        "comments": _comments(views, post_id),
    }
    return templates.TemplateResponse(request, "arkiv_inlagg.html", context)


def _channel(views: ViewsDep, slug: str, channel_id: UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    organisation = organisation_of(views, slug)
    channel = views.channel_register.channel(channel_id)
    if channel is None or channel["org_id"] != organisation["org_id"] or channel["status"] not in ARCHIVED:
        raise RecordNotFound(f"no channel with id {channel_id} in {slug}'s register")
    return organisation, channel


def _by_month(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    months: list[dict[str, Any]] = []
    for row in rows:
        moment = row["published_at"].astimezone(SWEDISH_TIME)
        label = f"{MONTHS[moment.month - 1].capitalize()} {moment.year}"
        if not months or months[-1]["label"] != label:
            months.append({"label": label, "posts": []})
        months[-1]["posts"].append(row | {"published": _swedish(row["published_at"])})
    return months


def _compared(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each version after the first with what changed from the one before it."""
    return [
        {
            "number": number,
            "changed_at": _swedish(later["changed_at"]),
            "changes": text_changes(earlier["text"], later["text"]),
        }
        for number, (earlier, later) in enumerate(pairwise(versions), start=2)
    ]


def _comments(views: ViewsDep, post_id: UUID) -> list[dict[str, Any]]:
    rows = views.channel_content.comments_on(post_id, visible_only=False)
    replies: dict[UUID, list[dict[str, Any]]] = {}
    visible = [row["comment_id"] for row in rows if row["visibility"] == Visibility.VISIBLE]
    for reply in views.channel_content.replies_to(visible) if visible else []:
        replies.setdefault(reply["comment_id"], []).append(reply | {"replied": _swedish(reply["replied_at"])})
    return [_comment(row, replies.get(row["comment_id"], [])) for row in rows]


def _comment(row: dict[str, Any], replies: list[dict[str, Any]]) -> dict[str, Any]:
    shown = row["visibility"] == Visibility.VISIBLE
    ground = row["moderation_ground"]
    return {
        "received": _swedish(row["received_at"]),
        "visibility": row["visibility"],
        "text": row["text"] if shown else None,
        "author_name": row["author_name"] if shown else None,
        "ground": Ground(ground).label_sv if ground else None,
        "case": row["case_diary_number"] if row["moved_to_case"] else None,
        "moved_to_case": row["moved_to_case"],
        "replies": replies if shown else [],
    }


def _swedish(moment: datetime) -> str:
    local = moment.astimezone(SWEDISH_TIME)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} kl. {local:%H.%M}"
