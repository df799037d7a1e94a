"""The service's own rendering of a channel's record for a period, as PDF/A-2b (RA-FS 2009:2):
fonts embedded, sRGB output intent, XMP identification — fpdf2 enforces the rules it can.
Grounds read by their Swedish labels, times in Swedish time with the zone ("2026-03-02 10:00 CET")."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from domain.audience import Audience
from domain.grounds import Ground
from retention.rendering_document import RenderedComment, RenderedPost, RenderingDocument

if TYPE_CHECKING:
    from fpdf import FPDF

ASSETS = Path(__file__).resolve().parent / "assets"
SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
VISIBILITY_SV = {"visible": "synlig", "hidden": "dold", "removed": "borttagen"}
AUDIENCE_SV = {
    Audience.PUBLIC: "kanalen som den publicerades (för alla)",
    Audience.RECORDS: "hela handlingen, med borttaget innehåll (för registrator och revisor)",
}


def swedish_time(value: datetime) -> str:
    return f"{value.astimezone(SWEDISH_TIME):%Y-%m-%d %H:%M %Z}"


def ground_label(value: str | None) -> str:
    if value is None:
        return Ground.NOT_STATED.label_sv
    try:
        return Ground(value).label_sv
    except ValueError:
        return value or Ground.NOT_STATED.label_sv


def render_channel_record(document: RenderingDocument, rendered_at: datetime) -> bytes:
    from fpdf import FPDF  # imported when a rendering is asked for: fpdf costs ~27 MB of resident memory

    channel, period = document.channel, document.period
    pdf = FPDF(enforce_compliance="PDF/A-2B")
    pdf.add_font("DejaVu", fname=str(ASSETS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", style="B", fname=str(ASSETS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{channel['name']} {period.start}–{period.end}")
    pdf.set_author(document.organisation)
    pdf.set_creator("kanalarkiv")
    pdf.set_lang("sv")
    pdf.set_creation_date(rendered_at)
    pdf.add_page()
    heading(pdf, f"{document.organisation}: {channel['name']}", 14)
    line(pdf, f"{channel['platform']} · {channel['url']}")
    line(pdf, f"Period {period.start} – {period.end} (svensk tid). Visar {AUDIENCE_SV[document.audience]}.")
    line(pdf, f"Återgiven av kanalarkiv {swedish_time(rendered_at)} ur loggen vid position {document.position}.")
    if document.remade:
        line(
            pdf,
            f"Gjord på nytt efter gallringsbeslut {document.remade['reference']}; ersätter återgivningen "
            f"{document.remade['snapshot_id']}.",
        )
    pdf.ln(4)
    if not document.posts:
        line(pdf, "Inga inlägg under perioden.")
    for post in document.posts:
        _post(pdf, post)
    return bytes(pdf.output())


def _post(pdf: FPDF, post: RenderedPost) -> None:
    heading(pdf, f"Inlägg {swedish_time(post.published_at)} – {post.author_name}", 11)
    if post.deletion is not None:
        deletion = post.deletion
        line(
            pdf,
            f"[Borttaget {swedish_time(deletion['deleted_at'])} av {deletion['by']}, skäl: "
            f"{ground_label(deletion['ground'])}: {deletion['reason']}]",
        )
    if post.text.text is None:
        line(pdf, "[Inlägget är borttaget]")
    else:
        line(
            pdf,
            post.text.text + (f" (redigerat {post.edits} gång{'er' if post.edits > 1 else ''})" if post.edits else ""),
        )
    for comment in post.comments:
        _comment(pdf, comment)
    pdf.ln(2)


def _comment(pdf: FPDF, comment: RenderedComment) -> None:
    marks = []
    if comment.visibility != "visible":
        provision = f" ({comment.provision})" if comment.provision else ""
        marks.append(
            f"{VISIBILITY_SV.get(comment.visibility, comment.visibility)}: "
            f"{ground_label(comment.ground)}{provision}; {comment.justification}"
        )
    if comment.moved_to_case:
        marks.append(f"flyttad till ärende {comment.case or '(nytt ärende)'}")
    marked = f" [{'; '.join(marks)}]" if marks else ""
    line(pdf, f"    Kommentar {swedish_time(comment.received_at)}{marked}: {comment.text.text}")
    for reply in comment.replies:
        line(pdf, f"        Svar {swedish_time(reply.replied_at)} – {reply.author_name}: {reply.text.text}")


def heading(pdf: FPDF, text: str, size: int) -> None:
    pdf.set_font("DejaVu", style="B", size=size)
    pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")


def line(pdf: FPDF, text: str) -> None:
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
