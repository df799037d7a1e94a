"""A token is remembered between requests (no look-up each time), and a revocation is heard by
every process: the token is refused once the token view has it, without anyone waiting for it;
while the process cannot hear revocations it remembers nothing."""

from __future__ import annotations

import psycopg
from conftest import OPERATOR, issue_token, register_organisation
from problems import assert_problem
from waiting import eventually

from kanalarkiv.application.context import acting_as
from kanalarkiv.application.records import hash_token

QUEUE = "/v1/supervision/queue"


def _token_id(runtime):
    org_id = runtime.app.organisation_by_slug("valdemarsvik").id
    return runtime.views.access_tokens.tokens_of(org_id)[0]["token_id"]


def _hash(headers: dict) -> str:
    return hash_token(headers["Authorization"].removeprefix("Bearer "))


def test_a_token_is_remembered_and_refused_once_its_revocation_is_heard(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    cache = runtime.views.token_cache
    eventually(lambda: cache.trusted)
    assert client.get(QUEUE, headers=manager).status_code == 200
    assert cache.get(_hash(manager)) is not None  # the next request needs no look-up

    with acting_as(OPERATOR):
        runtime.app.revoke_token(_token_id(runtime), "Slutat")
    # Nobody waits for the token view here: the projection's notification empties the cache.
    eventually(lambda: client.get(QUEUE, headers=manager).status_code == 401)
    assert cache.get(_hash(manager)) is None
    assert_problem(client.get(QUEUE, headers=manager), 401)


def test_while_revocations_cannot_be_heard_nothing_is_remembered(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    cache = runtime.views.token_cache
    eventually(lambda: cache.trusted)
    client.get(QUEUE, headers=manager)

    with psycopg.connect(runtime.database_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND query LIKE 'LISTEN %%token_revocations%%'"
        )
    eventually(lambda: not cache.trusted)
    assert cache.get(_hash(manager)) is None
    assert client.get(QUEUE, headers=manager).status_code == 200  # looked up, and not kept
    if not cache.trusted:
        assert cache.get(_hash(manager)) is None

    eventually(lambda: cache.trusted)  # the listener is back: tokens are remembered again
    client.get(QUEUE, headers=manager)
    assert cache.get(_hash(manager)) is not None
