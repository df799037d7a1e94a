"""Shared givens for the diary stories: the editorial municipality, with its diary set up in
the series KS by the records officer, and a comment received on a post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from editorial_story import Municipality, given_a_municipality_with_an_active_page


@dataclass
class Diary:
    town: Municipality
    comments: int = 0

    def set_up(self, prefix: str = "KS") -> dict:
        return self.town.client.put("/v1/diary", json={"series_prefix": prefix}, headers=self.town.officer.headers)

    def register_comment(self, comment_id: str, expect: int | None = 201, **body) -> dict:
        response = self.town.post(f"/v1/comments/{comment_id}/registration", body, as_=self.town.officer,
                                  expect=expect)
        return response.json()

    def public(self, wait: int | None = None, slug: str = "valdemarsvik", **params) -> dict:
        return self.town.get(f"/v1/organisations/{slug}/diary", wait=wait, **params).json()

    def officers(self, entry_id: str, wait: int | None = None, as_=None) -> dict:
        return self.town.get(f"/v1/diary/entries/{entry_id}", as_=as_ or self.town.officer, wait=wait).json()

    def comment(self, text: str = "När öppnar simhallen?", author: str = "Kalle Medborgare",
                received_ago: timedelta = timedelta(days=2)) -> dict:
        post = self.town.publish()
        self.comments += 1
        return self.town.capture_comment(post["id"], f"c-{self.comments}", text=text, author=author,
                                         received_ago=received_ago) | {"post_id": post["id"]}


def given_a_municipality_with_a_diary(client, runtime) -> Diary:
    town = given_a_municipality_with_an_active_page(client, runtime)
    diary = Diary(town)
    response = diary.set_up("KS")
    assert response.status_code == 200, response.text
    return diary
