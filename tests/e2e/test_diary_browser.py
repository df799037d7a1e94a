"""The public diary pages as a person sees them: served by a real uvicorn on the loopback
address and rendered by headless Chromium (Debian's package; .ci/run installs it when it can).
The rendered DOM holds the expected texts and never the marked ones; the screenshot shows the
table, and the marked fields in the secrecy style."""

from __future__ import annotations

from collections import Counter

import pytest
from browser import CHROMIUM, HEIGHT, WIDTH, chromium, visible_text
from diary_story import given_a_municipality_with_a_diary
from live_server import serving
from PIL import Image

SECRECY_BROWN = (0x6B, 0x2A, 0x00)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium); .ci/run installs it"
)


def pixels_like(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 40) -> list[tuple[int, int]]:
    rgb = image.convert("RGB")
    width, height = rgb.size
    data = rgb.load()
    return [
        (x, y)
        for y in range(0, height, 2)
        for x in range(0, width, 2)
        if all(abs(a - b) <= tolerance for a, b in zip(data[x, y], colour, strict=True))
    ]


def test_the_diary_page_renders_in_a_browser_without_the_marked_fields(client, runtime, tmp_path):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    plain = diary.register_comment(
        diary.comment(text="När öppnar simhallen?")["id"], description="Fråga om simhallens öppettider"
    )
    secret = diary.register_comment(
        diary.comment(author="Sara Förälder")["id"], description="Begäran om stöd för sonen med diagnos"
    )
    marked = town.post(
        f"/v1/diary/entries/{secret['id']}/secrecy",
        {"provision": "26:1", "fields": ["counterpart", "description"]},
        as_=town.officer,
    ).json()
    runtime.views.wait_for("diary", marked["position"])

    with serving(runtime) as base:
        dom = chromium(tmp_path, "--dump-dom", f"{base}/valdemarsvik/diarium")
        chromium(tmp_path, f"--screenshot={tmp_path / 'diarium.png'}", f"{base}/valdemarsvik/diarium")
        entry_dom = chromium(tmp_path, "--dump-dom", f"{base}/valdemarsvik/diarium/{secret['id']}")
        chromium(tmp_path, f"--screenshot={tmp_path / 'handling.png'}", f"{base}/valdemarsvik/diarium/{secret['id']}")

    text, entry_text = visible_text(dom), visible_text(entry_dom)
    for expected in (
        "Diarium – Valdemarsviks kommun",
        "2 handlingar",
        plain["diary_number"],
        secret["diary_number"],
        "Fråga om simhallens öppettider",
        "privatperson",  # the commenter's name is not published on the web by default
        "Sekretess enligt OSL 26 kap. 1 §",
        "Handlingar som hålls ordnade",
        "Hämta som PDF",
    ):
        assert expected in text, expected
    assert "Diarienummer KS 2026/0002" in entry_text and "Sekretessmarkering" in entry_text
    for never in ("Sara Förälder", "diagnos", "Kalle Medborgare"):
        assert never not in dom and never not in entry_dom

    page, entry_page = Image.open(tmp_path / "diarium.png"), Image.open(tmp_path / "handling.png")
    assert page.size == entry_page.size == (WIDTH, HEIGHT)
    ink = pixels_like(page, (0x1A, 0x1A, 0x1A), tolerance=60)
    brown = pixels_like(page, SECRECY_BROWN)
    form_grey = pixels_like(page, (0xF6, 0xF6, 0xF6), tolerance=2)
    assert len(ink) > 2000, "the page shows text"
    assert len(form_grey) > 5000, "the search form is drawn"
    assert len(brown) > 40, "the marked fields are drawn in the secrecy style"
    per_row = Counter(y for _, y in form_grey)
    form_rows = [y for y, count in per_row.items() if count > WIDTH // 4]  # the form's grey band
    assert min(y for _, y in brown) > max(form_rows), "…in the table, below the search form"
    assert len(pixels_like(entry_page, SECRECY_BROWN)) > 20
