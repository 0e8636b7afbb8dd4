"""POST /votes/relay: a member's EIP-712 ballot is simulated on the chain, then sent with castVoteBySig at the
relayer's expense. Chain state is restored after each test (Anvil snapshot). Each refusal has its own status:
422 a malformed ballot (naming the field and its bound) or a signature the governor refused (explained), 409
not active or already voted (also when a race is only caught by the governor at send time), 502 a refusal by
the chain at send time (the governor's decoded reason, or the node's), 503 an unreachable chain."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from api.indexer import Indexer
from api.relay import RelayRefused, send
from api.schemas import BallotIn
from api.source import ChainSource
from chain.ballots import MAX_UINT256, SECP256K1_N, BallotDomain, SignedBallot, ballot_signer, sign_ballot
from chain.governor import Governance, Support
from chain.nodes import LocalNode
from chain.retry import RetryPolicy
from chain.rpc import RpcChain
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
    short = relay_client.post("/votes/relay", json={**ballot, "signature": "0x12"})
    assert short.status_code == 422 and "65 bytes" in short.json()["detail"], short.text
    assert relay_client.post("/votes/relay", json={**ballot, "signature": "0x123"}).status_code == 422  # odd hex


def test_the_bodys_nonce_is_not_sent(relay_client: TestClient, world: World) -> None:
    """castVoteBySig takes no nonce: the governor checks the signature over the voter's current nonce, so a
    body naming another nonce beside a signature over the current one is a ballot the chain accepts."""
    response = relay_client.post("/votes/relay", json={**_ballot(world, world.dave), "nonce": "7"})
    assert response.status_code == 200, response.text
    assert Governance(world.linli).has_voted(world.active.id, world.dave.address)


def test_relaying_off_without_a_relayer_key(make_app: MakeApp, backend: str, world: World) -> None:
    with TestClient(make_app(backend, synced=False, relayer_key=None)) as client:
        response = client.post("/votes/relay", json=_ballot(world, world.dave))
        assert response.status_code == 503 and "LINLI_PRIVATE_KEY" in response.json()["detail"]


def _with_v(ballot: dict[str, Any], v: int) -> dict[str, Any]:
    return {**ballot, "signature": ballot["signature"][:-2] + f"{v:02x}"}


def _high_s(ballot: dict[str, Any]) -> dict[str, Any]:
    """The same signature in its other valid ECDSA form (s' = n - s, v flipped): refused by OZ's ECDSA."""
    raw = bytes.fromhex(ballot["signature"][2:])
    s = SECP256K1_N - int.from_bytes(raw[32:64], "big")
    return {**ballot, "signature": "0x" + (raw[:32] + s.to_bytes(32, "big") + bytes([55 - raw[64]])).hex()}


MALFORMED = {
    "proposal id 2^256": (lambda b: {**b, "proposal_id": str(2**256)}, "proposal_id", "2^256-1"),
    "negative proposal id": (lambda b: {**b, "proposal_id": "-1"}, "proposal_id", "pattern"),
    "79-digit proposal id": (lambda b: {**b, "proposal_id": "9" * 79}, "proposal_id", "pattern"),
    "nonce 2^256": (lambda b: {**b, "nonce": str(2**256)}, "nonce", "2^256-1"),
    "support 3": (lambda b: {**b, "support": 3}, "support", "2"),
    "support -1": (lambda b: {**b, "support": -1}, "support", "0"),
    "signature past 1024 bytes": (lambda b: {**b, "signature": "0x" + "ab" * 1025}, "signature", "pattern"),
    "reason past 1000 characters": (lambda b: {**b, "reason": "x" * 1001}, "reason", "1000 characters"),
    "params without reason": (lambda b: {**b, "params": "0x01"}, "params", "only with a reason"),
    "params past 1024 bytes": (lambda b: {**b, "reason": "", "params": "0x" + "00" * 1025}, "params", "pattern"),
    "unknown field": (lambda b: {**b, "reasons": "typo"}, "reasons", "Extra inputs are not permitted"),
}

# Signatures only the chain can judge (a contract account might accept any of them): simulated, refused by
# the governor, and explained for the EOA voter they name.
REFUSED_SIGNATURES = {
    "v 29": (lambda b: _with_v(b, 29), "v must be 27 or 28"),
    "v 2": (lambda b: _with_v(b, 2), "v must be 27 or 28"),
    "high s": (_high_s, "half the secp256k1 order"),
    "r zero": (lambda b: {**b, "signature": "0x" + "00" * 32 + b["signature"][66:]}, "signature r"),
    "empty": (lambda b: {**b, "signature": "0x"}, "65 bytes"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_ballot_is_422_naming_field_and_bound(relay_client: TestClient, world: World, case: str) -> None:
    change, field, bound = MALFORMED[case]
    response = relay_client.post("/votes/relay", json=change(_ballot(world, world.dave)))
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", field] and bound in error["msg"], error
    assert not Governance(world.linli).has_voted(world.active.id, world.dave.address)


@pytest.mark.parametrize("case", REFUSED_SIGNATURES, ids=list(REFUSED_SIGNATURES))
def test_signature_the_governor_refuses_is_422_explained_and_free(relay_client: TestClient, world: World,
                                                                  relayer: Linli, case: str) -> None:
    change, why = REFUSED_SIGNATURES[case]
    relayer_address = relayer.chain.signers[0].address
    eth = world.chain.w3.eth
    before = (eth.get_balance(relayer_address), eth.get_transaction_count(relayer_address))
    response = relay_client.post("/votes/relay", json=change(_ballot(world, world.dave)))
    assert response.status_code == 422 and why in response.json()["detail"], response.text
    after = (world.chain.w3.eth.get_balance(relayer_address), world.chain.w3.eth.get_transaction_count(relayer_address))
    assert after == before


def test_signature_recovering_no_key_is_422(relay_client: TestClient, world: World) -> None:
    ballot = _ballot(world, world.dave)
    no_point = {**ballot, "signature": "0x" + (5).to_bytes(32, "big").hex() + ballot["signature"][66:]}
    response = relay_client.post("/votes/relay", json=no_point)
    assert response.status_code == 422 and "recovers no key" in response.json()["detail"], response.text


def test_recovery_id_as_v_is_accepted(relay_client: TestClient, world: World) -> None:
    ballot = _ballot(world, world.dave, support=Support.ABSTAIN)
    v = int(ballot["signature"][-2:], 16)
    response = relay_client.post("/votes/relay", json=_with_v(ballot, v - 27))
    assert response.status_code == 200, response.text
    assert Governance(world.linli).has_voted(world.active.id, world.dave.address)
    assert Governance(world.linli).tally(world.active.id).abstain == 100


KEYS = st.integers(min_value=1, max_value=SECP256K1_N - 1).map(lambda k: Account.from_key(k.to_bytes(32, "big")))


@settings(max_examples=25)
@given(voter=KEYS, proposal_id=st.integers(0, MAX_UINT256), support=st.integers(0, 2), nonce=st.integers(0, 2**64))
def test_both_forms_of_v_read_as_one_signature_of_the_voter(voter: LocalAccount, proposal_id: int, support: int,
                                                            nonce: int) -> None:
    fixed = BallotDomain("CommunityGovernor", "1", 31337, "0x" + "ab" * 20)  # no chain needed
    signed = sign_ballot(fixed, voter, proposal_id, support, nonce).to_json()
    recovery_id = _with_v(signed, int(signed["signature"][-2:], 16) - 27)
    for form in (signed, recovery_id):
        read = SignedBallot.from_json(BallotIn.model_validate(form).model_dump())
        assert read.signature.hex() == form["signature"][2:]  # kept as signed: only the chain judges it
        assert ballot_signer(fixed, read) == voter.address


def test_node_refusal_at_send_is_502_with_its_reason(relay_client: TestClient, world: World, relayer: Linli) -> None:
    world.chain.w3.provider.make_request("anvil_setBalance", [relayer.chain.accounts[0], "0x0"])  # type: ignore[arg-type]
    response = relay_client.post("/votes/relay", json=_ballot(world, world.dave))
    assert response.status_code == 502 and "insufficient funds" in response.json()["detail"].lower(), response.text
    assert not Governance(world.linli).has_voted(world.active.id, world.dave.address)


def test_ballot_over_another_nonce_is_422(relay_client: TestClient, world: World) -> None:
    """Signed by the voter, but over a nonce the governor does not expect: refused by the governor when
    estimated (no gas spent), then explained."""
    gov = Governance(world.linli)
    nonce = int(world.linli.tx.call(world.linli.governor.functions.nonces(world.dave.address)))
    ahead = sign_ballot(gov.ballot_domain(), world.dave, world.active.id, int(Support.FOR), nonce + 1)
    response = relay_client.post("/votes/relay", json=ahead.to_json())
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == f"ballot nonce {nonce + 1} is not the voter's current governor nonce {nonce}"


def test_governor_revert_at_send_is_502_with_decoded_reason(relay_client: TestClient, world: World,
                                                            relayer: Linli) -> None:
    """A ballot the governor refuses for none of the reasons the chain can be asked about: here a support
    value of 3, signed by the voter over its current nonce (the API's body refuses it before `relay`, so `send`
    is called directly): the governor's own error, by name."""
    gov = Governance(relayer)
    nonce = int(relayer.tx.call(relayer.governor.functions.nonces(world.dave.address)))
    ballot = sign_ballot(gov.ballot_domain(), world.dave, world.active.id, 3, nonce)
    with pytest.raises(RelayRefused) as refused:
        send(relayer, ballot)
    assert refused.value.status == 502, refused.value.reason
    assert "GovernorInvalidVoteType" in refused.value.reason, refused.value.reason
    assert not gov.has_voted(world.active.id, world.dave.address)


def test_governor_revert_after_a_race_is_409(relay_client: TestClient, world: World, relayer: Linli) -> None:
    """The same ballot again after it was counted (two relays racing past the checks): the governor refuses
    it at send time, and the chain, asked again, says why: already voted."""
    ballot = _ballot(world, world.dave)
    assert relay_client.post("/votes/relay", json=ballot).status_code == 200
    with pytest.raises(RelayRefused) as refused:
        send(relayer, SignedBallot.from_json(ballot))
    assert refused.value.status == 409 and "already voted" in refused.value.reason, refused.value.reason


def test_unreachable_chain_is_503(make_app: MakeApp, backend: str, world: World) -> None:
    """A node holding the world's state (dumped and loaded) that stops after the API has started."""
    state = world.chain.w3.provider.make_request("anvil_dumpState", [])["result"]  # type: ignore[arg-type]
    node = LocalNode("anvil").start()
    try:
        copy = RpcChain(node.url, [world.chain.signers[6]], name="copy", retry=RetryPolicy(attempts=2, base_delay=0.05))
        copy.w3.provider.make_request("anvil_loadState", [state])  # type: ignore[arg-type]
        linli = Linli.attach(copy, world.linli.deployment)
        with TestClient(make_app(backend, linli=linli)) as client:
            node.stop()
            response = client.post("/votes/relay", json=_ballot(world, world.dave))
    finally:
        node.stop()
    assert response.status_code == 503 and node.url in response.json()["detail"], response.text
