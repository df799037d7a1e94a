"""Shared givens for the diary stories: the editorial municipality, with its diary set up in
the series KS by the records officer, and a comment received on a post."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote_plus

from editorial_story import Municipality, given_a_municipality_with_an_active_page


@dataclass
class Diary:
    town: Municipality
    comments: int = 0

    def set_up(self, prefix: str = "KS") -> dict:
        return self.town.client.put("/v1/diary", json={"series_prefix": prefix}, headers=self.town.officer.headers)

    def publish_names(self, published: bool = True) -> dict:
        """The organisation publishes private persons' names on the web (off by default, issue 16)."""
        response = self.town.client.put(
            "/v1/diary/name-publication", json={"published": published}, headers=self.town.officer.headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    def register_comment(self, comment_id: str, expect: int | None = 201, **body) -> dict:
        response = self.town.post(f"/v1/comments/{comment_id}/registration", body, as_=self.town.officer, expect=expect)
        return response.json()

    def public(self, wait: int | None = None, slug: str = "valdemarsvik", **params) -> dict:
        return self.town.get(f"/v1/organisations/{slug}/diary", wait=wait, **params).json()

    def officers(self, entry_id: str, wait: int | None = None, as_=None) -> dict:
        return self.town.get(f"/v1/diary/entries/{entry_id}", as_=as_ or self.town.officer, wait=wait).json()

    def case_with_a_snapshot(self) -> tuple[dict, dict]:
        """A case opened by the records officer, and a half-year snapshot registered in it."""
        town = self.town
        case = town.post(
            "/v1/diary/cases",
            {"subject": "Badplatser 2026", "responsible_unit": "Fritid"},
            as_=town.officer,
            expect=201,
        ).json()
        shot = town.post(
            "/v1/diary/entries",
            {
                "record_date": (town.now() - timedelta(days=1)).isoformat(),
                "direction": "drawn_up",
                "record_type": "snapshot",
                "description": "Halvårsskärmdump av Facebooksidan",
                "case_number": case["diary_number"],
                "channel_id": town.channel_id,
            },
            as_=town.officer,
            expect=201,
        ).json()
        return case, shot

    def comment(
        self,
        text: str = "När öppnar simhallen?",
        author: str = "Kalle Medborgare",
        received_ago: timedelta = timedelta(days=2),
    ) -> dict:
        post = self.town.publish()
        self.comments += 1
        return self.town.capture_comment(
            post["id"], f"c-{self.comments}", text=text, author=author, received_ago=received_ago
        ) | {"post_id": post["id"]}


def given_a_municipality_with_a_diary(client, runtime) -> Diary:
    town = given_a_municipality_with_an_active_page(client, runtime)
    diary = Diary(town)
    response = diary.set_up("KS")
    assert response.status_code == 200, response.text
    return diary


def pdf_text(body: bytes) -> str:
    """The text a PDF extract shows: every string drawn in its (deflated) content streams."""
    assert body.startswith(b"%PDF-")
    shown = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            content = zlib.decompress(stream.group(1))
        except zlib.error:
            continue
        for text in re.finditer(rb"\(((?:\\.|[^\\)])*)\) Tj", content):
            shown.append(re.sub(rb"\\(.)", rb"\1", text.group(1)).decode("latin-1"))
    return "\n".join(shown)


def every_public_output(client, slug: str, date_from: str, date_to: str, limit: int = 50, q: str | None = None) -> str:
    """Everything the public can get from the diary for a search: every page of the JSON list,
    each entry and case as JSON and HTML, the HTML list, and the CSV and PDF extracts."""
    outputs, offset, params = [], 0, {"limit": limit} | ({"q": q} if q else {})
    while True:
        page = client.get(f"/v1/organisations/{slug}/diary", params=params | {"offset": offset})
        assert page.status_code == 200, page.text
        outputs.append(page.text)
        entries = page.json()["entries"]
        for entry in entries:
            outputs.append(client.get(entry["url"]).text)
            outputs.append(client.get(entry["page_url"]).text)
            if entry["case_id"]:
                outputs.append(client.get(f"/v1/organisations/{slug}/diary/cases/{entry['case_id']}").text)
        offset += limit
        if offset >= page.json()["total"]:
            break
    searched = client.get(f"/{slug}/diarium", params={"q": q or ""}).text
    if q:  # the form shows the visitor's own words back in its search box and paging links
        searched = searched.replace(f'value="{q}"', 'value=""').replace(f"q={quote_plus(q)}", "q=")
    outputs.append(searched)
    extract = {"from": date_from, "to": date_to}
    outputs.append(client.get(f"/v1/organisations/{slug}/diary/extract", params=extract | {"format": "csv"}).text)
    pdf = client.get(f"/v1/organisations/{slug}/diary/extract", params=extract | {"format": "pdf"})
    outputs.append(pdf_text(pdf.content))
    return "\n".join(outputs)


def all_entries(client, path: str, headers: dict | None = None) -> list[dict]:
    """Every entry of a diary listing, page by page."""
    entries: list[dict] = []
    while True:
        page = client.get(path, params={"limit": 200, "offset": len(entries)}, headers=headers or {}).json()
        entries += page["entries"]
        if len(entries) >= page["total"]:
            return entries
