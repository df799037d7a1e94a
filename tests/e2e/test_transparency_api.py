"""Tamper evidence over HTTP: anyone reads the public key, the signed heads and proofs; records
officers and auditors sign a head on demand; every proof checks offline against a signed head."""

from __future__ import annotations

import base64

from conftest import FACEBOOK_PAGE, issue_token, register_organisation

from kanalarkiv.transparency import merkle
from kanalarkiv.transparency.offline import check_proof
from kanalarkiv.transparency.signing import TreeHead, load_public_key


def a_channel_with_history(client, runtime) -> tuple[dict, str, list[int]]:
    register_organisation(runtime)
    manager = issue_token(runtime)
    created = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=manager).json()
    positions = [created["position"]]
    for n in range(4):
        done = client.post(f"/v1/channels/{created['id']}/purpose", json={"purpose": f"Syfte {n}"}, headers=manager)
        positions.append(done.json()["position"])
    runtime.views.wait_for("log_hashes", runtime.head())
    return manager, created["id"], positions


def test_anyone_reads_the_public_key_and_the_signed_heads(client, runtime):
    a_channel_with_history(client, runtime)
    runtime.transparency.sign_head()

    key = client.get("/v1/transparency/public-key").json()
    heads = client.get("/v1/transparency/heads").json()
    latest = client.get("/v1/transparency/heads/latest").json()

    public_key = load_public_key(key["public_key"])
    assert load_public_key(key["pem"]) == public_key and key["algorithm"] == "Ed25519"
    assert heads == [latest] and latest["tree_size"] == runtime.head()
    TreeHead.from_json(latest).verify(public_key)


def test_an_auditor_or_records_officer_signs_a_head_on_demand_and_a_manager_may_not(client, runtime):
    manager, _, _ = a_channel_with_history(client, runtime)
    auditor = issue_token(runtime, role="auditor", name="Revisor Rut")

    signed = client.post("/v1/transparency/heads", headers=auditor)
    refused = client.post("/v1/transparency/heads", headers=manager)
    anonymous = client.post("/v1/transparency/heads")

    assert signed.status_code == 201 and signed.json()["tree_size"] == runtime.head()
    assert refused.status_code == 403 and "requires the role auditor, records_officer" in refused.json()["detail"]
    assert anonymous.status_code == 401
    assert [h["tree_size"] for h in client.get("/v1/transparency/heads").json()] == [runtime.head()]


def test_an_auditor_proves_an_event_is_in_the_log_and_checks_the_proof_offline(client, runtime):
    _, _, positions = a_channel_with_history(client, runtime)
    runtime.transparency.sign_head()
    public_key = load_public_key(client.get("/v1/transparency/public-key").json()["pem"])

    proof = client.get(f"/v1/transparency/proofs/inclusion?position={positions[2]}").json()

    assert proof["position"] == positions[2] and proof["tree_size"] == runtime.head()
    assert proof["signed_head"]["root_hash"] == proof["root_hash"]
    assert "is leaf" in check_proof(proof, public_key) and "is signed" in check_proof(proof, public_key)
    forged = proof | {"path": [proof["path"][0], "00" * 32, *proof["path"][2:]]}
    try:
        check_proof(forged, public_key)
    except merkle.ProofError:
        pass
    else:
        raise AssertionError("a proof with a changed node must not check")


def test_an_auditor_proves_the_head_they_kept_is_a_prefix_of_the_latest(client, runtime):
    manager, channel_id, _ = a_channel_with_history(client, runtime)
    kept = client.post("/v1/transparency/heads", headers=issue_token(runtime, role="records_officer")).json()
    more = client.post(f"/v1/channels/{channel_id}/purpose", json={"purpose": "Nytt"}, headers=manager)
    runtime.views.wait_for("log_hashes", more.json()["position"])
    runtime.transparency.sign_head()
    public_key = load_public_key(client.get("/v1/transparency/public-key").json()["public_key"])

    proof = client.get(f"/v1/transparency/proofs/consistency?first={kept['tree_size']}").json()

    assert proof["first_head"] == kept and proof["second"] == runtime.head()
    assert "is a prefix of" in check_proof(proof, public_key)
    merkle.verify_consistency(
        proof["first"],
        proof["second"],
        bytes.fromhex(kept["root_hash"]),
        bytes.fromhex(proof["second_root"]),
        [bytes.fromhex(p) for p in proof["path"]],
    )
    assert base64.b64decode(kept["signature"])


def test_bad_proof_requests_name_the_field_or_are_not_found(client, runtime):
    no_head_yet = client.get("/v1/transparency/proofs/inclusion?position=1")
    a_channel_with_history(client, runtime)
    runtime.transparency.sign_head()
    size = runtime.head()

    cases = {
        "position=0": (422, "position"),
        "position=x": (422, "position"),
        f"position={size + 50}": (404, f"log position {size + 50}"),
        f"position=1&tree_size={size + 1}": (404, f"has {size} leaves"),
    }
    for query, (status, says) in cases.items():
        response = client.get(f"/v1/transparency/proofs/inclusion?{query}")
        assert response.status_code == status and says in response.json()["detail"], (query, response.json())
        assert response.headers["content-type"] == "application/problem+json"
    backwards = client.get(f"/v1/transparency/proofs/consistency?first={size}&second=2")
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "first"
    assert client.get("/v1/transparency/proofs/consistency?first=0").json()["errors"][0]["field"] == "first"
    assert no_head_yet.status_code == 404 and "no tree head" in no_head_yet.json()["detail"]
