"""chain.governor.RelayReads: the relay's raw reads answer what the web3 contract facades answer, a pending
proposal's weight read reverts by name, and a snapshot is cached only once the proposal exists."""
from __future__ import annotations

import pytest
from eth_account import Account

from chain.embedded import EmbeddedChain
from chain.errors import ContractCustomError
from chain.governor import Governance, RelayReads, proposal_id
from chain.points import Points
from chain.rules import Rules
from chain.system import Linli
from chain_story import award_members


def test_reads_equal_the_facades_and_a_future_snapshot_reverts_by_name(linli: Linli, chain: EmbeddedChain) -> None:
    gov, reads, member = Governance(linli), RelayReads(linli), Account.create()
    award_members(linli, {member.address: 70, chain.signers[1].address: 500}, "relay-reads")
    chain.increase_time(1)
    proposal = gov.propose([Rules(linli).set_pool_rate(230)], "relay reads", chain.signers[1])
    assert reads.snapshot(proposal.id) == gov.snapshot(proposal.id) > 0
    with pytest.raises(ContractCustomError) as future:
        reads.past_votes(member.address, reads.snapshot(proposal.id))
    assert future.value.error_name == "ERC5805FutureLookup"
    gov.advance_to_voting(proposal.id)
    snapshot = reads.snapshot(proposal.id)
    assert reads.past_votes(member.address, snapshot) == Points(linli).past_votes(member.address, snapshot) == 70
    assert reads.past_votes(Account.create().address, snapshot) == 0


def test_unknown_proposal_is_not_cached_and_a_known_one_is(linli: Linli, chain: EmbeddedChain) -> None:
    gov, reads, rules = Governance(linli), RelayReads(linli), Rules(linli)
    award_members(linli, {chain.signers[1].address: 500}, "relay-reads-cache")
    chain.increase_time(1)
    actions, description = [rules.set_pool_rate(240)], "proposed after it was asked about"
    pid = proposal_id(actions, description)
    assert reads.snapshot(pid) == 0
    proposal = gov.propose(actions, description, chain.signers[1])
    assert reads.snapshot(pid) == gov.snapshot(proposal.id) > 0
    reads._linli = None  # type: ignore[assignment]  # a cached snapshot needs no call: none could be made
    assert reads.snapshot(pid) == gov.snapshot(proposal.id)
