"""The managers' SVG charts, drawn with pygal: response times per month (median and 90th
percentile in working hours, against the target) and activity per day (comments received and
first replies). pygal writes SVG itself, in pure Python, in a few milliseconds, with no font or
image machinery; matplotlib (the bench's plotting library) would bring numpy and a rendering
back end into every API process for two bar charts."""

from __future__ import annotations

from typing import Any

import pygal
from pygal.style import Style

SVG = "image/svg+xml"
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#767676",
    colors=("#0b5394", "#e69138", "#38761d"),
    opacity="1",
    opacity_hover="1",
    font_family="DejaVu Sans, Liberation Sans, Arial, sans-serif",
    title_font_size=18,
    label_font_size=12,
    legend_font_size=13,
)


def _chart(kind: type[Any], title: str, y_title: str) -> Any:
    # js=[]: no script from elsewhere; the chart is a plain, self-contained SVG document.
    return kind(
        style=STYLE,
        title=title,
        y_title=y_title,
        js=[],
        width=800,
        height=400,
        legend_at_bottom=True,
        print_values=False,
        show_minor_x_labels=True,
        x_label_rotation=0,
        no_data_text="Inga kommentarer ännu",
    )


def response_times_chart(months: list[dict[str, Any]], target_hours: float | None, channel: str) -> bytes:
    chart = _chart(pygal.Bar, f"Svarstider per månad – {channel}", "Arbetstimmar till första svar")
    chart.x_labels = [row["month"] for row in months]
    chart.add("Median", [_hours(row["median_working_hours"]) for row in months])
    chart.add("90:e percentilen", [_hours(row["p90_working_hours"]) for row in months])
    if target_hours is not None and months:
        chart.add("Svarsmål", [target_hours] * len(months), stroke_style={"dasharray": "6,4"})
    return bytes(chart.render())


def activity_chart(days: list[dict[str, Any]], channel: str) -> bytes:
    chart = _chart(pygal.Bar, f"Aktivitet per dag – {channel}", "Antal")
    chart.x_labels = [f"{row['day']:%d/%m}" for row in days]
    chart.x_labels_major_every = max(1, len(days) // 10)
    chart.add("Kommentarer", [row["received"] for row in days])
    chart.add("Besvarade", [row["answered"] for row in days])
    return bytes(chart.render())


def inline(svg: bytes) -> str:
    """The SVG as markup to put inside an HTML page (without its XML declaration)."""
    text = svg.decode()
    return text[text.index("<svg") :]


def _hours(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None
