"""What the chain accepts, the relay accepts: reason ballots (ExtendedBallot), a smart-contract account's ballot
(ERC-1271, tests' OwnedAccount) and delegations by signature (POST /delegations/relay). What the chain refuses
is refused before anything is sent: the relayer's balance and nonce stay as they were."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from web3.contract import Contract

from chain.artifacts import Artifacts
from chain.ballots import MAX_UINT256, SECP256K1_N, BallotDomain, _message, ballot_digest, ballot_signer, sign_ballot
from chain.delegations import SignedDelegation, sign_delegation
from chain.governor import Governance, Proposal, Support
from chain.points import Award, Points, evidence_id
from chain.rules import Rules
from chain.system import Linli
from api_world import World
from test_api_relay import relay_client  # noqa: F401  (the fixture: a client, the chain reverted after)

KEYS = st.integers(min_value=1, max_value=SECP256K1_N - 1).map(lambda k: Account.from_key(k.to_bytes(32, "big")))


@settings(max_examples=40)
@given(voter=KEYS, proposal_id=st.integers(0, MAX_UINT256), support=st.integers(0, 255),
       nonce=st.integers(0, MAX_UINT256), reason=st.text(max_size=60), params=st.binary(max_size=40))
def test_extended_ballot_digest_is_eth_accounts(voter: LocalAccount, proposal_id: int, support: int, nonce: int,
                                                reason: str, params: bytes) -> None:
    domain = BallotDomain("Linli CommunityGovernor", "1", 31337, "0x" + "ab" * 20)
    library = voter.sign_message(_message(domain, proposal_id, support, voter.address, nonce, reason, params))
    ballot = sign_ballot(domain, voter, proposal_id, support, nonce, reason, params)
    assert ballot_digest(domain, ballot) == bytes(library.message_hash)
    assert ballot_signer(domain, ballot) == voter.address


def _spent(world: World, relayer: Linli) -> Callable[[], tuple[int, int]]:
    """The relayer's (balance, nonce) now, to compare after a refusal."""
    address = relayer.chain.signers[0].address
    return lambda: (world.chain.w3.eth.get_balance(address), world.chain.w3.eth.get_transaction_count(address))


def _cast(world: World, tx_hash: str) -> Any:
    receipt = world.chain.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
    [cast] = [e for e in world.linli.events.from_receipt(receipt) if e.name in ("VoteCast", "VoteCastWithParams")]
    return cast


@pytest.mark.parametrize("params, event", [(b"", "VoteCast"), (b"\x01\x02", "VoteCastWithParams")])
def test_reason_ballot_is_relayed_with_its_reason(relay_client: TestClient, world: World,  # noqa: F811
                                                  params: bytes, event: str) -> None:
    gov = Governance(world.linli)
    ballot = sign_ballot(gov.ballot_domain(), world.dave, world.active.id, int(Support.FOR),
                         gov.nonce(world.dave.address), "local suppliers first ✓", params)
    response = relay_client.post("/votes/relay", json=ballot.to_json())
    assert response.status_code == 200, response.text
    cast = _cast(world, response.json()["tx_hash"])
    assert cast.name == event and cast.args["reason"] == "local suppliers first ✓"
    assert cast.args["voter"] == world.dave.address and cast.args["weight"] == 100 == response.json()["weight"]
    assert bytes(cast.args.get("params", b"")) == params


def test_reason_ballot_with_a_changed_reason_is_refused_free(relay_client: TestClient, world: World,  # noqa: F811
                                                             relayer: Linli) -> None:
    gov, spent = Governance(world.linli), _spent(world, relayer)
    signed = gov.sign_ballot(world.active.id, Support.FOR, world.dave, "as signed").to_json()
    before = spent()
    response = relay_client.post("/votes/relay", json={**signed, "reason": "as relayed"})
    assert response.status_code == 422 and "signed by" in response.json()["detail"], response.text
    assert spent() == before and not gov.has_voted(world.active.id, world.dave.address)


@pytest.fixture
def account(relay_client: TestClient, world: World) -> tuple[Contract, LocalAccount, Proposal]:  # noqa: F811
    """An OwnedAccount (ERC-1271) owned by a fresh key, holding 70 points, and an Active proposal whose snapshot
    counts them (inside relay_client: reverted after)."""
    owner = Account.create()
    contract = world.linli.tx.deploy(Artifacts().get("OwnedAccount"), owner.address, sender=world.chain.signers[0])
    Points(world.linli).award(Award(contract.address, 70, evidence_id(f"account:{contract.address}")))
    world.chain.increase_time(1)
    gov = Governance(world.linli)
    proposal = gov.propose([Rules(world.linli).set_gmv_target(13_000_000)], f"for {contract.address}", world.alice)
    gov.advance_to_voting(proposal.id)
    return contract, owner, proposal


def test_contract_account_ballot_is_relayed_and_counted(relay_client: TestClient, world: World,  # noqa: F811
                                                        account: tuple[Contract, LocalAccount, Proposal]) -> None:
    contract, owner, proposal = account
    gov = Governance(world.linli)
    ballot = sign_ballot(gov.ballot_domain(), owner, proposal.id, int(Support.AGAINST), gov.nonce(contract.address),
                         account=contract.address)
    response = relay_client.post("/votes/relay", json=ballot.to_json())
    assert response.status_code == 200, response.text
    assert response.json()["weight"] == 70 and response.json()["voter"] == contract.address
    assert gov.has_voted(proposal.id, contract.address) and gov.tally(proposal.id).against == 70


def test_contract_account_ballot_not_signed_by_its_owner_is_refused_free(
        relay_client: TestClient, world: World, relayer: Linli,  # noqa: F811
        account: tuple[Contract, LocalAccount, Proposal]) -> None:
    contract, _, proposal = account
    gov, spent = Governance(world.linli), _spent(world, relayer)
    ballot = sign_ballot(gov.ballot_domain(), world.erin, proposal.id, int(Support.FOR), gov.nonce(contract.address),
                         account=contract.address)
    before = spent()
    response = relay_client.post("/votes/relay", json=ballot.to_json())
    assert response.status_code == 422 and "contract account" in response.json()["detail"], response.text
    assert spent() == before and not gov.has_voted(proposal.id, contract.address)


def _over_nonce(world: World, step: int) -> dict[str, Any]:
    gov = Governance(world.linli)
    return sign_ballot(gov.ballot_domain(), world.dave, world.active.id, 1, gov.nonce(world.dave.address) + step
                       ).to_json()


REFUSED: dict[str, tuple[Callable[[World], dict[str, Any]], int, str]] = {
    "another key": (lambda w: {**_over_nonce(w, 0), "voter": w.erin.address}, 422, "signed by"),
    "a future nonce": (lambda w: _over_nonce(w, 1), 422, "not the voter's current governor nonce"),
    "a closed proposal": (lambda w: Governance(w.linli).sign_ballot(w.executed.id, Support.FOR, w.dave).to_json(),
                          409, "executed, not active"),
    "an unknown proposal": (lambda w: Governance(w.linli).sign_ballot(777, Support.FOR, w.dave).to_json(),
                            404, "no proposal 777"),
    "no weight": (lambda w: Governance(w.linli).sign_ballot(w.active.id, Support.FOR, Account.create()).to_json(),
                  403, "no voting weight"),
}


def test_replayed_ballot_is_409_and_free(relay_client: TestClient, world: World,  # noqa: F811
                                         relayer: Linli) -> None:
    ballot = Governance(world.linli).sign_ballot(world.active.id, Support.FOR, world.dave, "once").to_json()
    spent = _spent(world, relayer)
    assert relay_client.post("/votes/relay", json=ballot).status_code == 200
    before = spent()
    response = relay_client.post("/votes/relay", json=ballot)
    assert response.status_code == 409 and "already voted" in response.json()["detail"], response.text
    assert spent() == before


def _delegation(world: World, delegator: LocalAccount, delegatee: str, *, nonce_step: int = 0,
                expires_in: int = 3600) -> SignedDelegation:
    points = Points(world.linli)
    return sign_delegation(points.domain(), delegator, delegatee, points.nonce(delegator.address) + nonce_step,
                           world.chain.timestamp() + expires_in)


def _body(d: SignedDelegation) -> dict[str, Any]:
    return {"delegator": d.delegator, "delegatee": d.delegatee, "nonce": str(d.nonce), "expiry": d.expiry,
            "v": d.v, "r": "0x" + d.r.hex(), "s": "0x" + d.s.hex()}


def test_delegation_is_relayed_and_moves_the_weight(relay_client: TestClient, world: World,  # noqa: F811
                                                    relayer: Linli) -> None:
    points = Points(world.linli)
    bob_before = points.votes(world.bob.address)
    response = relay_client.post("/delegations/relay", json=_body(_delegation(world, world.dave, world.bob.address)))
    assert response.status_code == 200, response.text
    assert response.json()["delegator"] == world.dave.address and response.json()["delegatee"] == world.bob.address
    assert points.delegates(world.dave.address) == world.bob.address
    assert points.votes(world.bob.address) == bob_before + 100 and points.votes(world.dave.address) == 0
    receipt = world.chain.w3.eth.get_transaction_receipt(response.json()["tx_hash"])
    assert receipt["from"] == relayer.chain.signers[0].address


def test_delegation_with_v_as_recovery_id_is_relayed(relay_client: TestClient, world: World) -> None:  # noqa: F811
    body = _body(_delegation(world, world.dave, world.bob.address))
    response = relay_client.post("/delegations/relay", json={**body, "v": body["v"] - 27})
    assert response.status_code == 200, response.text
    assert Points(world.linli).delegates(world.dave.address) == world.bob.address


DELEGATIONS_REFUSED: dict[str, tuple[Callable[[World], dict[str, Any]], int, str]] = {
    "expired": (lambda w: _body(_delegation(w, w.dave, w.bob.address, expires_in=-1)), 422, "expired"),
    "another key": (lambda w: {**_body(_delegation(w, w.erin, w.bob.address)), "delegator": w.dave.address}, 422,
                    "signed by"),
    "a future nonce": (lambda w: _body(_delegation(w, w.dave, w.bob.address, nonce_step=1)), 422,
                       "not the delegator's current token nonce"),
    "a high s": (lambda w: _high_s(_body(_delegation(w, w.dave, w.bob.address))), 422, "ECDSAInvalidSignatureS"),
}


def _high_s(body: dict[str, Any]) -> dict[str, Any]:
    """The same signature in its other ECDSA form (s' = n - s, v flipped): recovers the same key, refused by OZ."""
    s = SECP256K1_N - int(body["s"], 16)
    return {**body, "s": "0x" + s.to_bytes(32, "big").hex(), "v": 55 - body["v"]}


REFUSALS = {**{f"ballot: {k}": ("/votes/relay", *v) for k, v in REFUSED.items()},
            **{f"delegation: {k}": ("/delegations/relay", *v) for k, v in DELEGATIONS_REFUSED.items()}}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_refusal_costs_the_relayer_nothing(relay_client: TestClient, world: World,  # noqa: F811
                                           relayer: Linli, case: str) -> None:
    route, make, status, why = REFUSALS[case]
    body, spent = make(world), _spent(world, relayer)
    before = spent()
    response = relay_client.post(route, json=body)
    assert response.status_code == status and why in response.json()["detail"], response.text
    assert spent() == before
    assert not Governance(world.linli).has_voted(world.active.id, world.dave.address)
    assert Points(world.linli).delegates(world.dave.address) == world.dave.address


def test_replayed_delegation_is_409_and_free(relay_client: TestClient, world: World,  # noqa: F811
                                             relayer: Linli) -> None:
    body, spent = _body(_delegation(world, world.dave, world.bob.address)), _spent(world, relayer)
    assert relay_client.post("/delegations/relay", json=body).status_code == 200
    before = spent()
    response = relay_client.post("/delegations/relay", json=body)
    assert response.status_code == 409 and "already used" in response.json()["detail"], response.text
    assert spent() == before


@pytest.mark.parametrize("change, field", [
    ({"delegatees": "0x" + "00" * 20}, "delegatees"),
    ({"v": 29}, "v"),
    ({"nonce": str(2**256)}, "nonce"),
    ({"expiry": -1}, "expiry"),
    ({"r": "0x12"}, "r"),
], ids=["unknown field", "v 29", "nonce 2^256", "negative expiry", "short r"])
def test_malformed_delegation_is_422_naming_the_field(relay_client: TestClient, world: World,  # noqa: F811
                                                      change: dict[str, Any], field: str) -> None:
    body = {**_body(_delegation(world, world.dave, world.bob.address)), **change}
    response = relay_client.post("/delegations/relay", json=body)
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", field], error
    assert to_checksum_address(Points(world.linli).delegates(world.dave.address)) == world.dave.address


def test_delegation_relay_is_off_without_a_relayer_key(make_app: Any, backend: str, world: World) -> None:
    with TestClient(make_app(backend, synced=False, relayer_key=None)) as client:
        response = client.post("/delegations/relay", json=_body(_delegation(world, world.dave, world.bob.address)))
    assert response.status_code == 503 and "LINLI_PRIVATE_KEY" in response.json()["detail"]

