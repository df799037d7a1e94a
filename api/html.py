"""What the Swedish public pages share: their templates, and the error page they answer where
every other route answers problem+json."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from api.errors import PROBLEM_JSON

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")

HEADINGS = {
    400: "Felaktig begäran",
    401: "Inloggning krävs",
    403: "Åtkomst nekad",
    404: "Sidan finns inte",
    413: "För mycket text",
    422: "Uppgifterna kunde inte användas",
    429: "För många förfrågningar",
    503: "Tjänsten är tillfälligt otillgänglig",
}
EXPLANATIONS = {
    404: "Det finns ingen sida på den här adressen. Kontrollera adressen, eller gå till myndighetens webbplats "
    "och följ länken därifrån.",
    422: "Någon av uppgifterna i sökningen gick inte att använda. Ändra den och sök igen.",
    413: "Texten är för lång. Korta den och skicka igen.",
    429: "Det har kommit många förfrågningar från din adress. Vänta en stund och försök igen.",
    503: "Tjänsten kan inte svara just nu. Försök igen om en stund.",
}
KEPT_HEADERS = ("retry-after", "www-authenticate")


def serves_html(route: Any) -> bool:
    """A route that answers HTML (``response_class=HTMLResponse``): a page for people, not for programs."""
    response_class = getattr(route, "response_class", None)
    return isinstance(response_class, type) and issubclass(response_class, HTMLResponse)


def answer_pages_in_html(app: FastAPI) -> None:
    """Every error handler answers a page route with a Swedish HTML page of the same status.
    Call once every handler is installed."""
    for key, handler in list(app.exception_handlers.items()):
        app.exception_handlers[key] = _on_pages_in_html(handler)


def error_page(request: Request, problem: dict[str, Any], headers: dict[str, str] | None = None) -> HTMLResponse:
    status = problem["status"]
    return templates.TemplateResponse(
        request,
        "fel.html",
        {
            "status": status,
            "heading": HEADINGS.get(status, "Något gick fel"),
            "explanation": EXPLANATIONS.get(status, "Sidan kunde inte visas. Försök igen om en stund."),
            "errors": problem.get("errors") or [],
        },
        status_code=status,
        headers=headers,
    )


def _on_pages_in_html(handler: Callable[..., Any]) -> Callable[..., Any]:
    def as_page(request: Request, response: Response) -> Response:
        if not serves_html(request.scope.get("route")) or response.media_type != PROBLEM_JSON:
            return response
        kept = {k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
        return error_page(request, orjson.loads(response.body), kept)

    if inspect.iscoroutinefunction(handler):

        async def handle_async(request: Request, exc: Exception) -> Response:
            return as_page(request, await handler(request, exc))

        return handle_async

    def handle(request: Request, exc: Exception) -> Response:
        return as_page(request, handler(request, exc))

    return handle
