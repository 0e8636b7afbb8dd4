"""chain.polls on the embedded chain and on Anvil: open a product poll, approve directly and by relayed EIP-712
approvals (EOA and ERC-1271 account), enact, read; a poll that misses quorum changes nothing."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from eth_account import Account
from eth_utils import keccak
from hypothesis import given
from hypothesis import strategies as st

from chain.artifacts import Artifacts
from chain.ballots import MalformedBallot
from chain.connect import start_local
from chain.deploy import deploy_linli
from chain.embedded import EmbeddedChain
from chain.errors import ChainError, ContractCustomError
from chain.polls import Candidate, Polls, PollState, SignedApproval, selection_of
from chain.rules import Rules
from chain.system import Linli
from chain_story import award_members

NAMES = ("rice", "tea", "oil", "eggs")
CANDIDATES = [Candidate(keccak(text=f"product:{n}"), keccak(text=f"meta:{n}")) for n in NAMES]
RICE, TEA, OIL, EGGS = (c.product_id for c in CANDIDATES)


def _opened(linli: Linli, amounts: dict[str, int], batch: str) -> tuple[Polls, int]:
    award_members(linli, amounts, batch)
    linli.chain.increase_time(1)  # weight is checkpointed before the poll's snapshot
    polls = Polls(linli)
    poll_id = polls.open(CANDIDATES, 2, "November picks", linli.chain.signers[1])
    polls.advance_to_voting(poll_id)
    return polls, poll_id


def poll_story(linli: Linli) -> None:
    """Direct and relayed approvals, then enact: the two heaviest candidates join the catalogue, once."""
    chain = linli.chain
    alice, bob, relayer = chain.signers[1], chain.signers[2], chain.signers[3]
    carol = Account.create()  # points but no ether: approves only through a relayed signature
    polls, poll_id = _opened(linli, {alice.address: 600, bob.address: 300, carol.address: 500}, "polls-2026-11")
    assert polls.state(poll_id) is PollState.ACTIVE and polls.read(poll_id).quorum == 140  # 10% of 1,400

    polls.approve(poll_id, [RICE, TEA], alice)
    polls.approve(poll_id, [OIL], bob)
    signed = polls.sign_approval(poll_id, [TEA, EGGS], carol)
    assert polls.simulate(signed, relayer.address) == 500
    polls.relay(signed, relayer)
    with pytest.raises(ContractCustomError, match=r"not relayed.*ProductPollInvalidSignature"):
        polls.relay(signed, relayer)  # replay: the nonce moved on
    assert polls.has_voted(poll_id, carol.address) and polls.nonce(carol.address) == 1

    polls.advance_past_deadline(poll_id)
    view = polls.read(poll_id)
    assert [o.weight for o in view.options] == [600, 1100, 300, 500]
    assert (view.state, view.turnout, view.winners, view.enacted) == (PollState.SUCCEEDED, 1400, (TEA, RICE), False)

    enacted = polls.enact(poll_id, relayer)
    assert (enacted.state, enacted.winners, enacted.added) == (PollState.SUCCEEDED, (TEA, RICE), 2)
    assert Rules(linli).products() == {TEA: CANDIDATES[1].metadata_hash, RICE: CANDIDATES[0].metadata_hash}
    assert polls.read(poll_id).enacted
    with pytest.raises(ContractCustomError, match="ProductPollAlreadyEnacted"):
        polls.enact(poll_id, relayer)


def test_poll_story_on_the_embedded_chain(linli: Linli) -> None:
    poll_story(linli)


@pytest.fixture(scope="module")
def anvil_linli() -> Iterator[Linli]:
    with start_local("anvil") as chain:
        yield Linli.attach(chain, deploy_linli(chain))


@pytest.mark.node
def test_poll_story_on_anvil(anvil_linli: Linli) -> None:
    poll_story(anvil_linli)


def test_a_poll_that_misses_quorum_changes_nothing(linli: Linli) -> None:
    chain = linli.chain
    whale, minnow = chain.signers[1], chain.signers[2]
    polls, poll_id = _opened(linli, {whale.address: 1000, minnow.address: 50}, "polls-quorum")
    polls.approve(poll_id, [OIL, EGGS], minnow)  # 50 of a 105 quorum
    polls.advance_past_deadline(poll_id)
    assert polls.read(poll_id).winners == () and polls.state(poll_id) is PollState.DEFEATED
    enacted = polls.enact(poll_id, minnow)
    assert (enacted.state, enacted.winners, enacted.added) == (PollState.DEFEATED, (), 0)
    assert Rules(linli).products() == {} and polls.state(poll_id) is PollState.DEFEATED


def test_an_erc1271_account_approves_by_signature(linli: Linli) -> None:
    chain = linli.chain
    owner, relayer = Account.create(), chain.signers[3]
    account = linli.tx.deploy(Artifacts().get("OwnedAccount"), owner.address, sender=chain.signers[0])
    polls, poll_id = _opened(linli, {account.address: 700}, "polls-1271")
    signed = polls.sign_approval(poll_id, [EGGS], owner, account=account.address)
    polls.relay(signed, relayer)
    assert [o.weight for o in polls.options(poll_id)] == [0, 0, 0, 700]
    stranger = polls.sign_approval(poll_id, [RICE], Account.create(), account=account.address)
    with pytest.raises(ContractCustomError, match="ProductPollInvalidSignature"):
        polls.relay(stranger, relayer)


def test_approving_a_product_the_poll_lacks_is_refused_before_sending(linli: Linli) -> None:
    polls, poll_id = _opened(linli, {linli.chain.signers[1].address: 10}, "polls-stranger")
    with pytest.raises(ChainError, match="not candidates"):
        polls.approve(poll_id, [keccak(text="product:caviar")], linli.chain.signers[1])


@given(st.sets(st.integers(0, 63), min_size=1))
def test_selection_sets_exactly_the_bits_of_the_named_candidates(indexes: set[int]) -> None:
    options = [keccak(text=f"product:{i}") for i in range(64)]
    selection = selection_of(options, [options[i] for i in indexes])
    assert {i for i in range(64) if selection >> i & 1} == indexes and selection < 2**64


@given(st.integers(1, 2**256 - 1), st.integers(1, 2**64 - 1), st.integers(0, 2**256 - 1),
       st.binary(min_size=65, max_size=200))
def test_signed_approval_round_trips_through_json(poll_id: int, selection: int, nonce: int, signature: bytes) -> None:
    approval = SignedApproval(poll_id, selection, "0x" + "Ab" * 20, nonce, signature)
    approval = SignedApproval.from_json(approval.to_json())  # checksums the voter
    assert SignedApproval.from_json(approval.to_json()) == approval


@pytest.mark.parametrize("field, value, message", [
    ("selection", str(2**64), "selection must be between 0 and"),
    ("poll_id", "-1", "poll_id must be between 0"),
    ("voter", "0x12", "voter"),
    ("signature", "abcd", "signature must be 0x-prefixed hex"),
])
def test_malformed_approval_names_the_field(field: str, value: str, message: str) -> None:
    data = SignedApproval(1, 1, "0x" + "ab" * 20, 0, b"\x01" * 65).to_json() | {field: value}
    with pytest.raises(MalformedBallot, match=message):
        SignedApproval.from_json(data)


def test_the_signed_domain_is_the_contracts_erc5267_domain(linli: Linli, chain: EmbeddedChain) -> None:
    domain = Polls(linli).domain()
    assert domain == {"name": "Linli ProductPoll", "version": "1", "chainId": chain.chain_id,
                      "verifyingContract": linli.product_poll.address}
