"""A command sent without If-Match did not ask for optimistic concurrency: when a simultaneous
write to the same record wins the race, the service reads the record again, decides again and
saves — the command lands unless the rules refuse it. A command sent with If-Match asked to act
only on the version it read, and a stale one stays 409."""

from __future__ import annotations

import threading
from collections.abc import Callable

from conftest import FACEBOOK_PAGE, issue_token, register_organisation, staff
from editorial_story import given_a_municipality_with_an_active_page


def at_once(count: int, act: Callable[[int], object]) -> list:
    """Run ``act(n)`` for n in 0..count-1 in threads released together; their results in order."""
    start, results = threading.Barrier(count), [None] * count

    def run(n: int) -> None:
        start.wait()
        results[n] = act(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_sixteen_managers_changing_one_channel_at_once_all_land(client, runtime):
    register_organisation(runtime)
    managers = [issue_token(runtime, name=f"Chef {n}") for n in range(16)]
    channel = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=managers[0]).json()

    responses = at_once(
        16,
        lambda n: client.post(
            f"/v1/channels/{channel['id']}/purpose", json={"purpose": f"Syfte {n}"}, headers=managers[n]
        ),
    )

    assert [r.status_code for r in responses] == [200] * 16, [r.text for r in responses if r.status_code != 200]
    assert sorted(r.json()["version"] for r in responses) == list(range(2, 18))
    assert runtime.app.get_channel(channel["id"]).version == 1 + 16


def test_a_blind_write_the_rules_refuse_after_the_race_is_refused_not_retried_forever(client, runtime):
    register_organisation(runtime)
    managers = [issue_token(runtime, name=f"Chef {n}") for n in range(6)]
    channel = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=managers[0]).json()
    client.post(f"/v1/channels/{channel['id']}/activate", headers=managers[0])

    responses = at_once(
        6,
        lambda n: client.post(
            f"/v1/channels/{channel['id']}/close", json={"reason": f"Nedlagd {n}"}, headers=managers[n]
        ),
    )

    assert sorted(r.status_code for r in responses) == [200] + [409] * 5
    assert all("closed channel cannot be closed" in r.json()["detail"] for r in responses if r.status_code == 409)
    assert runtime.app.get_channel(channel["id"]).version == 3


def test_with_if_match_simultaneous_writes_of_one_version_land_once_and_the_others_get_409(client, runtime):
    register_organisation(runtime)
    managers = [issue_token(runtime, name=f"Chef {n}") for n in range(8)]
    channel = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=managers[0]).json()

    responses = at_once(
        8,
        lambda n: client.post(
            f"/v1/channels/{channel['id']}/purpose",
            json={"purpose": f"Syfte {n}"},
            headers=managers[n] | {"If-Match": '"1"'},
        ),
    )

    assert sorted(r.status_code for r in responses) == [200] + [409] * 7
    assert runtime.app.get_channel(channel["id"]).version == 2


def test_a_stale_if_match_is_409_and_records_nothing(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    channel = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=manager).json()
    client.post(f"/v1/channels/{channel['id']}/purpose", json={"purpose": "Annat"}, headers=manager)
    head = runtime.head()

    stale = client.post(
        f"/v1/channels/{channel['id']}/purpose", json={"purpose": "Mitt"}, headers=manager | {"If-Match": '"1"'}
    )

    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert runtime.head() == head


def test_records_officers_placing_holds_at_once_all_land_in_the_one_register_of_holds(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    officers = [staff(runtime, role="records_officer", name=f"Registrator {n}") for n in range(8)]

    responses = at_once(
        8,
        lambda n: client.post(
            "/v1/retention/holds",
            headers=officers[n].headers,
            json={"scope": "channel", "target": town.channel_id, "reason": f"Begäran {n}"},
        ),
    )

    assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses if r.status_code != 201]
    holds = town.get("/v1/retention/holds", as_=town.officer, wait=runtime.head()).json()
    assert sorted(h["reason"] for h in holds) == [f"Begäran {n}" for n in range(8)]
