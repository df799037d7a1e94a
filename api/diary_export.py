"""A diary extract (utdrag ur diariet) for a date range, as a citizen asks for it: CSV (semicolons
and a byte-order mark, as Swedish spreadsheet programs expect) or PDF. Both are made only from
public entries (``DiaryEntryPublic``), so a marked field cannot reach them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from api.schemas.diary_reads import DiaryEntryPublic
from domain.period import SWEDISH_TIME

HEADINGS = (
    "Diarienummer",
    "Datum",
    "Inkommen/upprättad",
    "Handlingstyp",
    "Avsändare/mottagare",
    "Beskrivning",
    "Ärende",
    "Ärendemening",
    "Status",
    "Registrerad",
)
_PDF_WIDTHS = (27, 19, 22, 30, 38, 70, 24, 33, 16, 18)
# The PDF core font (Helvetica) holds Latin-1: Swedish letters and § are in it, typographic
# dashes and quotes are not, so they are written as their plain forms; anything else as '?'.
_PLAIN = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "})


def cells(entry: DiaryEntryPublic) -> tuple[str, ...]:
    return (
        entry.diary_number,
        entry.record_date.isoformat(),
        entry.direction_label,
        entry.record_type_label,
        entry.counterpart or "",
        entry.description,
        entry.case_number or "",
        entry.case_subject or "",
        "Makulerad" if entry.status == "annulled" else "Registrerad",
        entry.registered_on.isoformat(),
    )


def csv_extract(pages: Iterable[list[DiaryEntryPublic]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow(HEADINGS)
    for page in pages:
        writer.writerows(cells(entry) for entry in page)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _plain(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def pdf_extract(
    organisation: str, date_from: date, date_to: date, entries: list[DiaryEntryPublic], made_at: datetime
) -> bytes:
    from fpdf import FPDF  # imported when a PDF is asked for: fpdf costs ~27 MB of resident memory

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(_plain(f"Utdrag ur diariet, {organisation}"))
    pdf.set_creation_date(made_at)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=14)
    pdf.cell(text=_plain(f"Utdrag ur diariet - {organisation}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    pdf.multi_cell(
        0,
        5,
        _plain(
            f"Handlingar inkomna eller upprättade {date_from.isoformat()} till {date_to.isoformat()}: "
            f"{len(entries)} st. Utdraget visar diariets offentliga uppgifter. Uppgifter som har "
            "sekretessmarkerats är ersatta med en hänvisning till bestämmelsen i offentlighets- och "
            f"sekretesslagen (OSL). Framställt {made_at.astimezone(SWEDISH_TIME):%Y-%m-%d %H:%M}."
        ),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font("helvetica", size=7)
    with pdf.table(col_widths=_PDF_WIDTHS, text_align="LEFT", line_height=3.5, first_row_as_headings=True) as table:
        heading = table.row()
        for text in HEADINGS:
            heading.cell(_plain(text))
        for entry in entries:
            row = table.row()
            for text in cells(entry):
                row.cell(_plain(text))
    return bytes(pdf.output())
