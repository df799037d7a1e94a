"""A channel under the records plan whose first post and comment have aged past their period."""

from __future__ import annotations

from editorial_story import given_a_municipality_with_an_active_page

from api.schemas.retention import EXAMPLE_PLAN

SECRET_POST = "Hemlig plan: Lycksele akutmottagning stängs 2026-07-01"


SECRET_COMMENT = "Min granne Per Persson på Storgatan 3 har skulder"


COMMENTER = "Karin Kommenterare"


def given_an_aged_channel_under_a_plan(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    plan = town.post(
        "/v1/records-plan",
        {"classes": EXAMPLE_PLAN, "decision_reference": "KS 2026/0012 § 14"},
        as_=town.officer,
        expect=201,
    ).json()
    old_post = town.publish(SECRET_POST)
    comment = town.capture_comment(old_post["id"], "c-1", text=SECRET_COMMENT, author=COMMENTER)
    runtime.app.clock.advance(days=2 * 366)
    new_post = town.publish("Välkommen till sommarens evenemang!")
    runtime.views.wait_for("retention", runtime.head())
    return town, old_post, new_post, comment, plan
