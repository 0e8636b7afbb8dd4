"""POST /votes/relay: a member's EIP-712 ballot is checked against the chain, then sent with castVoteBySig
at the relayer's expense. Chain state is restored after each test (Anvil snapshot)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from eth_account import Account
from fastapi.testclient import TestClient

from api.indexer import Indexer
from api.source import ChainSource
from chain.governor import Governance, Support
from chain.system import Linli
from api_support import MakeApp
from api_world import World


@pytest.fixture
def relay_client(make_app: MakeApp, backend: str, world: World, relayer: Linli) -> Iterator[TestClient]:
    snapshot = world.chain.snapshot()
    with TestClient(make_app(backend)) as c:
        yield c
    world.chain.revert(snapshot)
    relayer.chain.nonces.forget()  # the relayer's own connection cached the nonces of the reverted blocks


def _ballot(world: World, voter, proposal_id: int | None = None, support: Support = Support.FOR) -> dict:  # type: ignore[no-untyped-def]
    gov = Governance(world.linli)
    return gov.sign_ballot(proposal_id or world.active.id, support, voter).to_json()


def test_relayed_ballot_is_counted_and_mirrored(relay_client: TestClient, world: World) -> None:
    response = relay_client.post("/votes/relay", json=_ballot(world, world.dave, support=Support.AGAINST))
    assert response.status_code == 200, response.text
    assert response.json()["weight"] == 100
    assert Governance(world.linli).has_voted(world.active.id, world.dave.address)
    app = relay_client.app
    Indexer(app.state.sessions, ChainSource(world.linli), confirmations=0).sync()  # type: ignore[attr-defined]
    votes = relay_client.get(f"/proposals/{world.active.id}/votes").json()
    assert (world.dave.address, 0, 100) in [(v["voter"], v["support"], v["weight"]) for v in votes]


def test_ballot_signed_by_someone_else_refused(relay_client: TestClient, world: World) -> None:
    ballot = _ballot(world, world.dave)
    ballot["voter"] = world.erin.address
    response = relay_client.post("/votes/relay", json=ballot)
    assert response.status_code == 422 and "signed by" in response.json()["detail"]


def test_ballot_for_a_closed_proposal_refused(relay_client: TestClient, world: World) -> None:
    response = relay_client.post("/votes/relay", json=_ballot(world, world.dave, world.executed.id))
    assert response.status_code == 409 and "executed, not active" in response.json()["detail"]


def test_second_ballot_refused(relay_client: TestClient, world: World) -> None:
    response = relay_client.post("/votes/relay", json=_ballot(world, world.alice))
    assert response.status_code == 409 and "already voted" in response.json()["detail"]


def test_ballot_without_weight_refused(relay_client: TestClient, world: World) -> None:
    stranger = Account.create()
    response = relay_client.post("/votes/relay", json=_ballot(world, stranger))
    assert response.status_code == 403 and "no voting weight" in response.json()["detail"]


def test_unknown_proposal_and_malformed_ballots(relay_client: TestClient, world: World) -> None:
    assert relay_client.post("/votes/relay", json=_ballot(world, world.dave, 12345)).status_code == 404
    ballot = _ballot(world, world.dave)
    assert relay_client.post("/votes/relay", json={**ballot, "support": 3}).status_code == 422
    assert relay_client.post("/votes/relay", json={**ballot, "signature": "0x12"}).status_code == 422
    assert relay_client.post("/votes/relay", json={**ballot, "nonce": "7"}).status_code == 422


def test_relaying_off_without_a_relayer_key(make_app: MakeApp, backend: str, world: World) -> None:
    with TestClient(make_app(backend, synced=False, relayer_key=None)) as client:
        response = client.post("/votes/relay", json=_ballot(world, world.dave))
        assert response.status_code == 503 and "LINLI_PRIVATE_KEY" in response.json()["detail"]
