"""Shared givens for the supervision stories: the municipality's page with comments that hold a
personnummer, a threat, an invoice number and a number whose check digit is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from editorial_story import Municipality, given_a_municipality_with_an_active_page

PERSONNUMMER = "811218-9876"
"""Valid: a real date and a right check digit (Luhn)."""
LUHN_INVALID = "811218-9875"
INVOICE = "4711081522"


@dataclass
class SupervisedPage:
    town: Municipality
    post_id: str
    comments: dict[str, str]
    """Comment ids by what they hold."""

    def queue(self, as_=None, **params) -> list[dict]:
        response = self.town.get(
            "/v1/supervision/queue", as_=as_ or self.town.editor, wait=self.town.runtime.head(), **params
        )
        assert response.status_code == 200, response.text
        return response.json()


def given_a_page_with_comments_to_supervise(client, runtime) -> SupervisedPage:
    town = given_a_municipality_with_an_active_page(client, runtime)
    runtime.app.clock.advance(days=5)  # the page was registered before the comments came in
    post = town.publish()
    texts = {
        "personnummer": f"Jag heter Kalle och mitt personnummer är {PERSONNUMMER}, kan ni kolla min ansökan?",
        "threat": "Om ni stänger badet ska jag mörda er allihop.",
        "invoice": f"Fakturan {INVOICE} är betald sedan länge.",
        "luhn invalid": f"Ärendenummer {LUHN_INVALID} från förra året.",
    }
    comments = {
        name: town.capture_comment(post["id"], f"c-{n}", text=text, received_ago=timedelta(hours=30 - n))["id"]
        for n, (name, text) in enumerate(texts.items())
    }
    return SupervisedPage(town, post["id"], comments)
