"""Numbers stay gap-free and unique under concurrent registration: eight clients register 200
records each over HTTP, against two running services (two application instances, as two
processes would be) sharing one log; some registrations go into one shared case. The services
run without projection workers, which would only compete for this one test process's CPU; the
views are brought up to date before they are read."""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
from conftest import OPERATOR, Staff, register_organisation
from live_server import serving

from kanalarkiv.application.context import acting_as
from kanalarkiv.readside.runner import Projector

CLIENTS, EACH, EVERY_NTH_IN_CASE = 8, 200, 10


def test_eight_clients_registering_at_once_get_gap_free_unique_numbers(open_runtime, clock):
    first, second = open_runtime(False), open_runtime(False)
    register_organisation(first)
    with acting_as(OPERATOR):
        issued = first.app.issue_token("valdemarsvik", "records_officer", "Rita Registrator")
    caught_up(first, "access_tokens")
    officer = Staff(f"actor:{issued.token_id}", "Rita Registrator", {"Authorization": f"Bearer {issued.secret}"})
    with serving(first) as one, serving(second) as other:
        with httpx.Client(base_url=one, headers=officer.headers) as setup:
            assert setup.put("/v1/diary", json={"series_prefix": "KS"}).status_code == 200
            case = setup.post("/v1/diary/cases", json={"subject": "Gemensamt ärende", "responsible_unit": "Kansliet"})
        case_number = case.json()["diary_number"]
        numbers: list[str] = []
        failures: list[str] = []
        start = threading.Barrier(CLIENTS)

        def client(n: int) -> None:
            with httpx.Client(base_url=one if n < 6 else other, headers=officer.headers, timeout=60) as http:
                start.wait()
                for i in range(EACH):
                    body = {
                        "record_date": clock.now.isoformat(),
                        "direction": "received",
                        "record_type": "other",
                        "counterpart": f"Klient {n}",
                        "description": f"Handling {i} från klient {n}",
                    }
                    if i % EVERY_NTH_IN_CASE == 0:
                        body["case_number"] = case_number
                    response = http.post("/v1/diary/entries", json=body)
                    if response.status_code == 201:
                        numbers.append(response.json()["diary_number"])
                    else:
                        failures.append(response.text)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began

    in_case = sorted(int(n.rsplit("-", 1)[1]) for n in numbers if n.startswith(f"{case_number}-"))
    own = sorted(int(n.split("/")[1]) for n in numbers if "-" not in n)
    retries = first.app.numbering_conflicts["retries"] + second.app.numbering_conflicts["retries"]
    print(
        f"\n{CLIENTS} clients x {EACH} registrations over HTTP in {elapsed:.1f} s "
        f"({CLIENTS * EACH / elapsed:.0f}/s), {retries} numbers found taken at save and retried"
    )

    assert failures == []
    assert len(numbers) == len(set(numbers)) == CLIENTS * EACH
    assert in_case == list(range(1, CLIENTS * EACH // EVERY_NTH_IN_CASE + 1))
    assert own == list(range(2, len(own) + 2))  # 1 is the case's own number
    caught_up(first, "diary")
    listed = Counter(
        row["diary_number"] for row in first.views.diary.fetch_all("SELECT diary_number FROM diary_entries")
    )
    assert len(listed) == CLIENTS * EACH and max(listed.values()) == 1


def caught_up(runtime, name: str) -> None:
    Projector(runtime.app, runtime.views.projection(name), batch_size=250).catch_up()
