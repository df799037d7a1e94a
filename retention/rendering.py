"""The service's own rendering of a channel's record for a period, as PDF/A-2b (RA-FS 2009:2):
fonts embedded, sRGB output intent, XMP identification — fpdf2 enforces the rules it can."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF

ASSETS = Path(__file__).resolve().parent / "assets"
VISIBILITY_SV = {"visible": "synlig", "hidden": "dold", "removed": "borttagen"}


def render_channel_record(organisation: str, channel: dict[str, Any], period_start: date, period_end: date,
                          posts: list[dict[str, Any]], comments: dict[Any, list[dict[str, Any]]],
                          rendered_at: datetime) -> bytes:
    from fpdf import FPDF  # imported when a rendering is asked for: fpdf costs ~27 MB of resident memory

    pdf = FPDF(enforce_compliance="PDF/A-2B")
    pdf.add_font("DejaVu", fname=str(ASSETS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", style="B", fname=str(ASSETS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{channel['name']} {period_start}–{period_end}")
    pdf.set_author(organisation)
    pdf.set_creator("kanalarkiv")
    pdf.set_lang("sv")
    pdf.set_creation_date(rendered_at)
    pdf.add_page()
    heading(pdf, f"{organisation}: {channel['name']}", 14)
    line(pdf, f"{channel['platform']} · {channel['url']}")
    line(pdf, f"Period {period_start} – {period_end}. Återgiven av kanalarkiv {rendered_at:%Y-%m-%d %H:%M} UTC.")
    pdf.ln(4)
    if not posts:
        line(pdf, "Inga inlägg under perioden.")
    for post in posts:
        heading(pdf, f"Inlägg {post['published_at']:%Y-%m-%d %H:%M} – {post['author_name']}", 11)
        if post["deleted_at"] is not None:
            line(pdf, f"[Borttaget {post['deleted_at']:%Y-%m-%d}, skäl: {post['delete_ground']}]")
        line(pdf, post["text"])
        for comment in comments.get(post["post_id"], []):
            marker = VISIBILITY_SV.get(comment["visibility"], comment["visibility"])
            case = f", flyttad till ärende {comment['case_diary_number'] or '(nytt)'}" if comment["moved_to_case"] else ""
            text = comment["text"] if comment["visibility"] == "visible" else f"[{marker}: {comment['moderation_ground']}]"
            line(pdf, f"    Kommentar {comment['received_at']:%Y-%m-%d %H:%M} ({marker}{case}): {text}")
        pdf.ln(2)
    return bytes(pdf.output())


def heading(pdf: FPDF, text: str, size: int) -> None:
    pdf.set_font("DejaVu", style="B", size=size)
    pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")


def line(pdf: FPDF, text: str) -> None:
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
