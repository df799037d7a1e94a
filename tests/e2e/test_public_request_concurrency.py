"""Request numbers stay gap-free and unique when many ask at once, through two application
instances (as two processes would be) sharing one log; every request names the same comment and
places its hold on the organisation's one register of holds, so the instances' saves collide and
are tried again."""

from __future__ import annotations

import threading

from request_story import given_a_registered_comment

from domain.actors import Actor
from domain.request_rules import Contact
from kanalarkiv.application.context import acting_as
from retention.holds import DisposalHolds

ASKERS, EACH = 6, 10


def test_requests_made_at_once_on_two_instances_get_gap_free_unique_numbers_and_each_its_hold(
    client, runtime, open_runtime
):
    world = given_a_registered_comment(client, runtime)
    other = open_runtime(False)
    org_id = runtime.app.organisation_by_slug("valdemarsvik").id
    numbers: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(ASKERS)

    def asker(n: int) -> None:
        app = (runtime if n % 2 else other).app
        start.wait()
        try:
            with acting_as(Actor.public(org_id)):
                for _ in range(EACH):
                    contact = Contact.checked("on_site", None, None, False)
                    numbers.append(app.receive_request(org_id, [], [], [world.comment["id"]], None, contact).number)
        except BaseException as failure:  # noqa: BLE001 - reported below
            failures.append(failure)

    threads = [threading.Thread(target=asker, args=(n,)) for n in range(ASKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(numbers) == [f"BEG 2026/{n:04d}" for n in range(1, ASKERS * EACH + 1)]
    holds = runtime.app.repository.get(DisposalHolds.id_for(org_id)).holds.values()
    assert len([h for h in holds if h.target == world.comment["id"] and not h.lifted]) == ASKERS * EACH
