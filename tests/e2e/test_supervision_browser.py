"""The managers' supervision page and its charts as a person sees them: the SVG charts served by
the API and the page they are drawn into, rendered by headless Chromium (Debian's package)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from editorial_story import given_a_municipality_with_an_active_page
from live_server import serving
from PIL import Image
from test_diary_browser import CHROMIUM, HEIGHT, WIDTH, chromium, pixels_like, visible_text

CHART_BLUE = (0x0B, 0x53, 0x94)  # the first series' colour (api/supervision_charts.py)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)"
)


def given_a_month_of_answered_comments(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    runtime.app.clock.advance(days=5)
    town.client.put(
        f"/v1/channels/{town.channel_id}/response-target", json={"working_hours": 8}, headers=town.manager.headers
    ).raise_for_status()
    post = town.publish()
    for n, hours in enumerate((1, 2, 3, 30)):
        comment = town.capture_comment(post["id"], f"c-{n}", received_ago=timedelta(days=4, hours=-n))
        replied = town.now() - timedelta(days=4, hours=-n) + timedelta(hours=hours)
        town.post(
            f"/v1/comments/{comment['id']}/replies", {"text": "Svar", "occurred_at": replied.isoformat()}, expect=201
        )
    return town


def test_a_chart_and_the_managers_page_render_in_a_browser(client, runtime, tmp_path):
    town = given_a_month_of_answered_comments(client, runtime)
    runtime.views.wait_for("supervision", runtime.head())

    with serving(runtime) as base:
        chart = httpx.get(
            f"{base}/v1/channels/{town.channel_id}/supervision/response-times.svg", headers=town.manager.headers
        )
        activity = httpx.get(
            f"{base}/v1/channels/{town.channel_id}/supervision/activity.svg", headers=town.manager.headers
        )
        page = httpx.get(f"{base}/valdemarsvik/uppsikt", headers=town.manager.headers)
        refused = httpx.get(f"{base}/valdemarsvik/uppsikt", headers=town.editor.headers)
    (tmp_path / "svarstider.svg").write_bytes(chart.content)
    (tmp_path / "aktivitet.svg").write_bytes(activity.content)
    (tmp_path / "uppsikt.html").write_text(page.text, encoding="utf-8")
    chromium(tmp_path, f"--screenshot={tmp_path / 'activity.png'}", (tmp_path / "aktivitet.svg").as_uri())
    chromium(tmp_path, f"--screenshot={tmp_path / 'chart.png'}", (tmp_path / "svarstider.svg").as_uri())
    dom = chromium(tmp_path, "--dump-dom", (tmp_path / "uppsikt.html").as_uri())
    chromium(tmp_path, f"--screenshot={tmp_path / 'page.png'}", (tmp_path / "uppsikt.html").as_uri())

    for svg in (chart, activity):
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert len(pixels_like(Image.open(tmp_path / "activity.png"), CHART_BLUE, tolerance=30)) > 100, "comments per day"
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    text = visible_text(dom)
    for expected in ("Uppsikt och svarstider", "Svarsmål: inom 8 arbetstimmar.", "Svarstider per månad – Valdemarsviks kommun",
                     "Aktivitet per dag", "75 %", "Median", "90:e percentilen"):  # fmt: skip
        assert expected in text, expected
    drawn = Image.open(tmp_path / "chart.png")
    assert drawn.size == (WIDTH, HEIGHT)
    assert len(pixels_like(drawn, CHART_BLUE, tolerance=30)) > 500, "the median bars are drawn"
    assert len(pixels_like(Image.open(tmp_path / "page.png"), CHART_BLUE, tolerance=30)) > 500
