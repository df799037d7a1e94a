"""Shared givens for the stories of requests for public records: the municipality with its diary,
a comment registered in it, and the public's request for it."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from diary_story import Diary, given_a_municipality_with_a_diary

REQUESTS = "/v1/organisations/valdemarsvik/requests"


@dataclass
class RequestWorld:
    diary: Diary
    comment: dict
    entry: dict

    @property
    def town(self):
        return self.diary.town

    def ask(self, expect: int = 201, **body) -> dict:
        """An anonymous request: no token, no name."""
        response = self.town.client.post(REQUESTS, json={"form": "email", "email": "a@example.se"} | body)
        assert response.status_code == expect, response.text
        return response.json()

    def queue(self, status: str = "open", wait: int | None = None) -> list[dict]:
        response = self.town.get("/v1/requests", as_=self.town.officer, wait=wait, status=status)
        assert response.status_code == 200, response.text
        return response.json()["requests"]

    def request_id(self, number: str, wait: int) -> str:
        return next(row["id"] for row in self.queue("all", wait=wait) if row["number"] == number)

    def assess(self, request_id: str, item: int, expect: int = 200, **body) -> dict:
        return self.town.post(
            f"/v1/requests/{request_id}/items/{item}/assessment", body, as_=self.town.officer, expect=expect
        ).json()

    def answer(self, request_id: str, expect: int = 200) -> dict:
        return self.town.post(f"/v1/requests/{request_id}/answer", as_=self.town.officer, expect=expect).json()


def given_a_registered_comment(client, runtime, text: str = "När öppnar simhallen?", author: str = "Kalle Medborgare"):
    diary = given_a_municipality_with_a_diary(client, runtime)
    comment = diary.comment(text=text, author=author)
    entry = diary.register_comment(comment["id"], description="Fråga om simhallen")
    return RequestWorld(diary, comment, entry)


def pdf_text(content: bytes) -> str:
    """The text of a PDF as a reader extracts it (pypdf)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(content)).pages)


def pdf_pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(content)).pages)
