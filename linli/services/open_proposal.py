"""A proposal left *active* after the demo, so that a member can still vote on it (in the browser, say).

The demo's own proposal ends executed; this second one stops half way: the top point holder proposes a higher
pool rate and votes for it, the runner-up only signs a ballot (kept, not relayed), and the other members of the
leaderboard have not voted yet. `linli demo --serve` and the dashboard's test stage both start from here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount

from chain.ballots import SignedBallot
from chain.base import Chain
from chain.governor import Governance, Proposal, Support
from chain.rules import Rules
from chain.system import Linli
from linli.demo import DemoResult
from linli.services.demo_members import give_members_keys

OPEN_PROPOSAL = "分红比例 2% → 2.5%（提高会员分红）"
OPEN_POOL_RATE_BPS = 250


@dataclass(frozen=True, slots=True)
class OpenProposal:
    proposal: Proposal
    ballot: SignedBallot  # the runner-up's AGAINST ballot, signed and not yet relayed
    voters: dict[str, LocalAccount]  # member id -> key, leaderboard order: members who have not voted


def open_proposal(chain: Chain, demo: DemoResult, coop: Path, seed: int) -> OpenProposal:
    """Propose, vote once, sign one ballot; `coop` is the demo's data folder and `seed` its DemoConfig.seed
    (the members' keys derive from it)."""
    linli = Linli.attach(chain, demo.deployment)
    gov, keys = Governance(linli), give_members_keys(coop / "members.csv", seed)
    first, second = (keys[row["member_id"]] for row in demo.leaderboard[:2])
    proposal = gov.propose([Rules(linli).set_pool_rate(OPEN_POOL_RATE_BPS)], OPEN_PROPOSAL, first)
    gov.advance_to_voting(proposal.id)
    gov.cast_vote(proposal.id, Support.FOR, first, reason="多分给会员")
    others = {row["member_id"]: keys[row["member_id"]] for row in demo.leaderboard[2:]}
    return OpenProposal(proposal, gov.sign_ballot(proposal.id, Support.AGAINST, second), others)
