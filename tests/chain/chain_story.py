"""The smoke story every backend must pass: deploy, award, propose → vote (direct and relayed) → queue → execute."""
from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account

from chain.base import Chain
from chain.deploy import deploy_linli
from chain.governor import Governance, Proposal, ProposalState, Support
from chain.points import Award, Points, evidence_id
from chain.rules import Rules
from chain.system import Linli


@dataclass
class StoryResult:
    linli: Linli
    proposal: Proposal
    pool_rate_before: int
    pool_rate_after: int
    relayed_voter: str


def deployed(chain: Chain) -> Linli:
    return Linli.attach(chain, deploy_linli(chain))


def award_members(linli: Linli, amounts: dict[str, int], batch: str, chunk_size: int = 200) -> None:
    awards = [Award(m, a, evidence_id(f"{batch}:{m}")) for m, a in amounts.items()]
    Points(linli).award_batch(awards, batch_id=evidence_id(batch), chunk_size=chunk_size)


def smoke_story(chain: Chain) -> StoryResult:
    """Runs the whole governance path through the adapter and returns what the test should check."""
    linli = deployed(chain)
    gov, rules = Governance(linli), Rules(linli)
    alice, bob, relayer = chain.signers[1], chain.signers[2], chain.signers[3]
    carol = Account.create()  # holds points but no ether: votes only through a relayed ballot
    award_members(linli, {alice.address: 600, bob.address: 300, carol.address: 500}, "2026-11")
    chain.increase_time(1)  # weight must be checkpointed before the proposal's snapshot

    before = rules.pool_rate()
    proposal = gov.propose([rules.set_pool_rate(before + 50)], "Raise the pool rate by 0.5 pt", alice)
    gov.advance_to_voting(proposal.id)
    assert gov.state(proposal.id) is ProposalState.ACTIVE
    gov.cast_vote(proposal.id, Support.FOR, alice, reason="more for members")
    gov.cast_vote(proposal.id, Support.AGAINST, bob)
    gov.relay_ballot(gov.sign_ballot(proposal.id, Support.FOR, carol), relayer)
    gov.advance_past_deadline(proposal.id)
    assert gov.state(proposal.id) is ProposalState.SUCCEEDED
    gov.queue(proposal, relayer)
    gov.advance_to_eta(proposal.id)
    gov.execute(proposal, relayer)
    return StoryResult(linli, proposal, before, rules.pool_rate(), carol.address)
