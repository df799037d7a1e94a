"""A channel with a history for its public archive: a post edited, a post deleted, a comment answered and a comment removed."""

from __future__ import annotations

from editorial_story import given_a_municipality_with_an_active_page

SECRET = "Grannen Per Persson på Storgatan 3 är en tjuv"


def given_a_channel_with_history(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    kept = town.publish("Öppet hus på biblioteket kl. 14 på lördag.")
    town.post(f"/v1/posts/{kept['id']}/edit", {"text": "Öppet hus på biblioteket kl. 15 på söndag."})
    gone = town.publish("Fel datum för kommunfullmäktige.")
    town.post(
        f"/v1/posts/{gone['id']}/delete",
        {"ground": "published_by_mistake", "reason": "Fel datum angavs."},
    )
    question = town.capture_comment(kept["id"], "c-1", text="Finns det parkering?", author="Karin Kommenterare")
    town.post(f"/v1/comments/{question['id']}/replies", {"text": "Ja, vid stationen."}, expect=201)
    rude = town.capture_comment(kept["id"], "c-2", text=SECRET, author="Arg Granne")
    done = town.post(
        f"/v1/comments/{rude['id']}/moderation",
        {"action": "remove", "ground": "offensive_personal_data", "justification": "Pekar ut en person."},
    ).json()
    return town, kept, gone, done["position"]
