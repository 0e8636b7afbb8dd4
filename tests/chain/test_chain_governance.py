"""Governance through the adapter on the embedded chain: a rule change end to end, relayed ballots, and
reverts decoded by name (from a call, a gas estimate, and a proposal whose execution breaks a bound)."""
from __future__ import annotations

import pytest
from eth_account import Account
from eth_utils import keccak

from chain.embedded import EmbeddedChain
from chain.errors import ChainError, ContractCustomError
from chain.governor import Governance, Proposal, ProposalState, Support, Tally, proposal_id
from chain.rules import Rules
from chain.system import Linli
from chain_story import award_members, smoke_story


def _voting_proposal(linli: Linli, chain: EmbeddedChain, actions: list, description: str) -> Proposal:
    """Members 1 and 2 hold points; a proposal by member 1, already in its voting period."""
    award_members(linli, {chain.accounts[1]: 600, chain.accounts[2]: 300}, description)
    chain.increase_time(1)
    gov = Governance(linli)
    proposal = gov.propose(actions, description, chain.signers[1])
    gov.advance_to_voting(proposal.id)
    return proposal


def test_rule_change_end_to_end() -> None:
    with EmbeddedChain() as chain:
        story = smoke_story(chain)
        gov = Governance(story.linli)
        assert story.pool_rate_after == story.pool_rate_before + 50
        assert gov.state(story.proposal.id) is ProposalState.EXECUTED
        assert gov.tally(story.proposal.id) == Tally(against=300, for_=1100, abstain=0)
        assert gov.has_voted(story.proposal.id, story.relayed_voter)
        changed = [e for e in story.linli.events.decode_all(
            chain.w3.eth.get_logs({"fromBlock": 0, "toBlock": "latest", "address": story.linli.rule_book.address})
        ) if e.name == "PoolRateChanged"]
        assert changed[-1].args == {"oldBps": story.pool_rate_before, "newBps": story.pool_rate_after}


def test_proposal_id_is_computed_like_the_governor(linli: Linli) -> None:
    rules = Rules(linli)
    actions = [rules.set_pool_rate(250), rules.set_gmv_target(123_456)]
    local = proposal_id(actions, "two changes")
    targets, values, calldatas = [a.target for a in actions], [a.value for a in actions], [a.calldata for a in actions]
    on_chain = linli.governor.functions.hashProposal(targets, values, calldatas, keccak(b"two changes")).call()
    assert local == on_chain


def test_relayed_ballot_counts_for_the_signer_not_the_relayer(linli: Linli, chain: EmbeddedChain) -> None:
    member = Account.create()
    award_members(linli, {member.address: 400, chain.accounts[1]: 100}, "relay")
    chain.increase_time(1)
    gov, rules = Governance(linli), Rules(linli)
    proposal = gov.propose([rules.set_pool_rate(210)], "relay test", chain.signers[1])
    gov.advance_to_voting(proposal.id)
    relayer = chain.signers[7]
    ballot = gov.sign_ballot(proposal.id, Support.AGAINST, member)
    receipt = gov.relay_ballot(ballot, relayer)
    assert receipt["from"] == relayer.address
    assert chain.w3.eth.get_balance(member.address) == 0  # the member paid nothing
    assert gov.has_voted(proposal.id, member.address) and not gov.has_voted(proposal.id, relayer.address)
    assert gov.tally(proposal.id).against == 400
    cast = next(e for e in linli.events.from_receipt(receipt) if e.name == "VoteCast")
    assert cast.args["voter"] == member.address and cast.args["weight"] == 400


def test_tampered_ballot_is_not_relayed(linli: Linli, chain: EmbeddedChain) -> None:
    member = Account.create()
    proposal = _voting_proposal(linli, chain, [Rules(linli).set_pool_rate(220)], "tamper test")
    gov = Governance(linli)
    ballot = gov.sign_ballot(proposal.id, Support.AGAINST, member)
    forged = type(ballot)(ballot.proposal_id, int(Support.FOR), ballot.voter, ballot.nonce, ballot.signature)
    with pytest.raises(ChainError, match="not relayed"):
        gov.relay_ballot(forged, chain.signers[7])


def test_replayed_ballot_is_refused_on_chain_by_name(linli: Linli, chain: EmbeddedChain) -> None:
    proposal = _voting_proposal(linli, chain, [Rules(linli).set_pool_rate(230)], "replay test")
    gov = Governance(linli)
    ballot = gov.sign_ballot(proposal.id, Support.FOR, chain.signers[2])
    gov.relay_ballot(ballot, chain.signers[7])
    with pytest.raises(ContractCustomError) as caught:
        gov.relay_ballot(ballot, chain.signers[8])  # nonce used: the signature no longer matches
    assert caught.value.error_name == "GovernorInvalidSignature"
    assert caught.value.error_args == {"voter": chain.accounts[2]}


def test_voting_twice_is_refused_by_name(linli: Linli, chain: EmbeddedChain) -> None:
    proposal = _voting_proposal(linli, chain, [Rules(linli).set_pool_rate(240)], "twice")
    gov = Governance(linli)
    gov.cast_vote(proposal.id, Support.FOR, chain.signers[1])
    with pytest.raises(ContractCustomError, match=r"CommunityGovernor\.castVote: reverted with "
                       r"GovernorAlreadyCastVote\(voter=0x70997970C51812dc3A010C7d01b50e0d17dc79C8\)"):
        gov.cast_vote(proposal.id, Support.AGAINST, chain.signers[1])


def test_out_of_bound_rule_reverts_at_execution_with_its_bound(linli: Linli, chain: EmbeddedChain) -> None:
    rules = Rules(linli)
    # level 2 is 500 bps, so level 1 may be at most 2500: 2600 passes the vote but not the rule book
    proposal = _voting_proposal(linli, chain, [rules.set_commission_rate(1, 2600)], "too generous")
    gov = Governance(linli)
    gov.cast_vote(proposal.id, Support.FOR, chain.signers[1])
    gov.advance_past_deadline(proposal.id)
    gov.queue(proposal, chain.signers[0])
    gov.advance_to_eta(proposal.id)
    with pytest.raises(ContractCustomError) as caught:
        gov.execute(proposal, chain.signers[0])
    assert caught.value.signature == "RuleBookRateAboveBound(level=1, rateBps=2600, maxBps=2500)"
    assert "CommunityGovernor.execute" in str(caught.value)
    assert rules.commission_rate(1) == 1000 and gov.state(proposal.id) is ProposalState.QUEUED


def test_mined_revert_is_decoded_from_the_receipt(linli: Linli, chain: EmbeddedChain) -> None:
    """With a fixed gas limit nothing is estimated: the transaction is mined with status 0 and replayed."""
    with pytest.raises(ContractCustomError) as caught:
        linli.tx.send(linli.rule_book.functions.setPoolRate(250), chain.signers[0], gas=200_000)
    assert caught.value.error_name == "RuleBookUnauthorized"
    assert caught.value.error_args == {"caller": chain.accounts[0]}
    assert caught.value.tx_hash is not None
    receipt = chain.w3.eth.get_transaction_receipt(caught.value.tx_hash)
    assert receipt["status"] == 0


def test_call_revert_is_decoded(linli: Linli) -> None:
    with pytest.raises(ContractCustomError) as caught:
        linli.tx.call(linli.rule_book.functions.commissionRate(3))
    assert caught.value.signature == "RuleBookInvalidLevel(level=3)"
