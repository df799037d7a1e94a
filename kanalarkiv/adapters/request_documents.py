"""The documents a request for public records is answered with, as PDF/A-2b like the service's
renderings: the released copy (a cover letter, then each released record on a page of its own,
its masked passages replaced by a box naming the provision) and the written decision on a
refusal (avslagsbeslut) with its reasons, provisions and appeal instructions. The masked text is
never written into the copy: the box holds only the provision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kanalarkiv.adapters.rendering import ASSETS, heading, line, swedish_time

if TYPE_CHECKING:
    from fpdf import FPDF

MAY_ASK_FOR_DECISION = (
    "Du har rätt att få ett skriftligt beslut från myndigheten om det som inte lämnas ut. Beslutet kan "
    "överklagas. Hör av dig till myndigheten och ange begärans nummer om du vill ha ett sådant beslut."
)


@dataclass(frozen=True)
class CopiedRecord:
    """A released record: its heading, its text, and the character ranges masked under ``provision``."""

    heading: str
    text: str
    masks: tuple[tuple[int, int], ...] = ()
    provision: str | None = None


@dataclass(frozen=True)
class RefusedRecord:
    heading: str
    provision: str | None
    reason: str | None


def _document(title: str, organisation: str, made_at: datetime) -> FPDF:
    from fpdf import FPDF  # imported when a document is made: fpdf costs ~27 MB of resident memory

    pdf = FPDF(enforce_compliance="PDF/A-2B")
    pdf.add_font("DejaVu", fname=str(ASSETS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", style="B", fname=str(ASSETS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_author(organisation)
    pdf.set_creator("kanalarkiv")
    pdf.set_lang("sv")
    pdf.set_creation_date(made_at)
    return pdf


def render_release_copy(
    organisation: str, number: str, made_at: datetime, released: list[CopiedRecord], refused: list[RefusedRecord]
) -> tuple[bytes, int]:
    """The answer: its letter, then the copy of the released records; and the number of the copy's
    pages (what the fee is computed from: the letter is not a copy)."""
    pdf = _document(f"Svar på begäran {number}", organisation, made_at)
    pdf.add_page()
    heading(pdf, f"{organisation}: svar på begäran om allmän handling {number}", 13)
    line(pdf, f"Besvarad {swedish_time(made_at)}.")
    pdf.ln(3)
    for record in released:
        masked = f" med maskering enligt {record.provision}" if record.masks else ""
        line(pdf, f"Lämnas ut{masked}: {record.heading}")
    for refusal in refused:
        line(pdf, f"Lämnas inte ut: {refusal.heading}{f' ({refusal.provision})' if refusal.provision else ''}")
    if refused:
        pdf.ln(3)
        line(pdf, MAY_ASK_FOR_DECISION)
    letter_pages = pdf.page
    for record in released:
        pdf.add_page()
        heading(pdf, record.heading, 11)
        _masked_text(pdf, record)
    return bytes(pdf.output()), pdf.pages_count - letter_pages


def _masked_text(pdf: FPDF, record: CopiedRecord) -> None:
    pdf.set_font("DejaVu", size=9)
    shown = 0
    for start, end in sorted(record.masks):
        if start > shown:
            pdf.write(5, record.text[shown:start])
        _box(pdf, f"[maskerat enligt {record.provision}]")
        shown = max(shown, end)
    if shown < len(record.text):
        pdf.write(5, record.text[shown:])
    pdf.ln(6)


def _box(pdf: FPDF, label: str) -> None:
    width = pdf.get_string_width(label) + 2
    if pdf.get_x() + width > pdf.w - pdf.r_margin:
        pdf.ln(5)
    pdf.set_fill_color(0, 0, 0)
    pdf.set_text_color(255, 255, 255)
    pdf.cell(width, 5, label, fill=True)
    pdf.set_text_color(0, 0, 0)


def render_refusal_decision(
    organisation: str,
    number: str,
    decided_at: datetime,
    decided_by: str,
    refused: list[RefusedRecord],
    reasons: str,
    appeal_instructions: str,
) -> bytes:
    pdf = _document(f"Beslut om avslag, begäran {number}", organisation, decided_at)
    pdf.add_page()
    heading(pdf, f"{organisation}: beslut", 13)
    line(pdf, f"Begäran om allmän handling {number}. Beslutet fattat {swedish_time(decided_at)} av {decided_by}.")
    pdf.ln(3)
    heading(pdf, "Beslut", 11)
    line(pdf, "Myndigheten avslår begäran om att få ta del av följande handlingar:")
    for record in refused:
        line(pdf, f"– {record.heading}: sekretess enligt {record.provision or 'ej angiven bestämmelse'}")
    pdf.ln(3)
    heading(pdf, "Skäl", 11)
    line(pdf, reasons)
    for record in refused:
        if record.reason:
            line(pdf, f"{record.heading}: {record.reason}")
    provisions = sorted({r.provision for r in refused if r.provision})
    line(pdf, f"Tillämpliga bestämmelser: {', '.join(provisions) or '–'}.")
    pdf.ln(3)
    heading(pdf, "Hur man överklagar", 11)
    line(pdf, appeal_instructions)
    return bytes(pdf.output())
