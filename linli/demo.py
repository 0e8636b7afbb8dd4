"""The whole Linli story on one chain, as `linli demo` and `brownie run scripts/demo.py` tell it.

    generate   a realistic co-op (governance.synthetic): neighbourhoods, referral trees with slide-downs,
               a month of orders with refunds, reviews, shares, check-ins; members get signing keys
    deploy     the six contracts, the RuleBook starting at the rules file's rates
    import     load and check the three files; compute the month's points
    mint       the month's points, in idempotent chunks (they are the voting weight)
    govern     a member proposes new commission rates; members vote (some relayed by EIP-712 signature);
               queued, the timelock waits, executed
    poll       a product poll (选品投票): members approve products, one by a relayed signed approval; enacted,
               its two winners join the RuleBook catalogue (linli.services.demo_poll)
    close      the month closed with the rates the RuleBook holds NOW (the new ones)
    publish    points re-run (nothing minted twice), signed record written, root + record hash published
    verify     every member's payout proven from the chain

The caller owns the chain (it may be embedded, a node Linli started, or brownie's) and closes it; `steps`
lets the caller show progress. Nothing here prints.
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from chain.base import Chain
from chain.deploy import DeployConfig, deploy_linli
from chain.deployment import Deployment
from chain.governor import Governance, Proposal, ProposalState, Support, Tally
from chain.polls import PollState
from chain.rules import Rules as RuleBook
from chain.system import Linli
from governance.errors import LinliError
from governance.loading import load_coop
from governance.month import MemberLine, MonthReport, close_month
from governance.payout_record import SignedRecord
from governance.period import Period
from governance.rules import load_rules
from governance.synthetic import Scale, write_coop
from linli.services.demo_members import fund, give_members_keys
from linli.services.demo_poll import PollStory, tell_poll
from linli.services.polls import product_text
from linli.services.month_publish import PublishResult, admin_sum_secret, mint_period_points, publish_month
from linli.services.rules_source import deploy_overrides, with_terms_in_force
from linli.services.verify import Verified, verify_published

_PACKAGED_EXAMPLES = Path(__file__).resolve().parent / "data" / "examples"  # in a wheel (setup.py)
EXAMPLES = _PACKAGED_EXAMPLES if _PACKAGED_EXAMPLES.is_dir() else Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_RULES = EXAMPLES / "rules.toml"
GAS_MONEY_WEI = 10**17  # 0.1 ether per member who votes directly
TARGET_PER_MEMBER_CENTS = 20_000  # the demo co-op's GMV target: 200 yuan a member (it buys ~260 a month)
Progress = Callable[[int, int], None]


class Steps(Protocol):
    """`with steps("Minting points") as progress: ... progress(done, total)`."""

    def __call__(self, title: str, /) -> AbstractContextManager[Progress]: ...


@contextmanager
def silent(_title: str) -> Iterator[Progress]:
    yield lambda _done, _total: None


@dataclass(frozen=True, slots=True)
class DemoConfig:
    members: int = 200
    period: Period = Period(2026, 11)  # noqa: RUF009 - a frozen value, safe to share
    seed: int = 2026
    rules_path: Path = EXAMPLE_RULES
    out_dir: Path | None = None
    admin_seed: str | None = None  # Ed25519 seed hex; default derived from `seed` (a demo key)
    new_levels_bps: tuple[int, int] = (1200, 600)
    direct_voters: int = 8
    relayed_voters: int = 4
    voting_period_s: int | None = None  # None: the fast profile's; `demo --serve` leaves a vote open longer


def demo_admin_seed(config: DemoConfig) -> str:
    """The Ed25519 seed (hex) that signs the demo's record: the configured one, else a demo key from the seed."""
    return config.admin_seed or keccak(f"linli-demo-admin:{config.seed}".encode()).hex()


@dataclass(frozen=True, slots=True)
class Vote:
    member_id: str
    address: str
    support: str
    weight: int
    relayed: bool


@dataclass(frozen=True, slots=True)
class DemoResult:
    chain: str
    deployment: Deployment
    members: int
    proposal: Proposal
    proposal_state: ProposalState
    tally: Tally
    quorum: int
    votes: tuple[Vote, ...]
    old_levels_bps: tuple[int, int]
    new_levels_bps: tuple[int, int]
    poll: PollStory
    report: MonthReport
    published: PublishResult
    verified: Verified
    admin_public_key: str
    first_block: int
    last_block: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def leaderboard(self) -> list[dict[str, Any]]:
        """Top 10 by the month's points (ties: member id), with level and pool payout."""
        top = sorted(self.report.members, key=lambda m: (-m.points, m.member_id))[:10]
        return [{"rank": i, "member_id": m.member_id, "address": m.address, "points": m.points, "level": m.level,
                 "commission_cents": m.commission_cents, "payout_cents": m.payout_cents}
                for i, m in enumerate(top, start=1)]

    def to_json(self) -> dict[str, Any]:
        r = self.report
        return {
            "chain": self.chain,
            "deployment": self.deployment.to_json(),
            "members": self.members,
            "period": r.period,
            "leaderboard": self.leaderboard,
            "proposal": {
                "id": str(self.proposal.id),
                "description": self.proposal.description,
                "state": self.proposal_state.name.lower(),
                "votes": {"for": self.tally.for_, "against": self.tally.against, "abstain": self.tally.abstain},
                "quorum": self.quorum,
                "voters": [{"member_id": v.member_id, "support": v.support, "weight": v.weight, "relayed": v.relayed}
                           for v in self.votes],
            },
            "commission_bps": {"old": list(self.old_levels_bps), "new": list(self.new_levels_bps)},
            "poll": self._poll_json(),
            "gmv_cents": r.gmv_cents,
            "target_cents": r.target_cents,
            "pool_rate_bps": r.pool_rate_bps,
            "pool_cents": r.pool_cents,
            "paid_cents": self.verified.paid_cents,
            "undistributed_cents": r.undistributed_cents,
            "merkle_root": r.merkle_root,
            "record_hash": r.record_hash,
            "admin_public_key": self.admin_public_key,
            "verified_members": len(self.verified.checked_on_chain),
            "points_chunks_minted": self.published.mint.chunks,
            "files": {"month_report": str(self.published.report_path),
                      "payout_record": str(self.published.record_path)},
            "blocks": [self.first_block, self.last_block],
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }


    def _poll_json(self) -> dict[str, Any]:
        p, v = self.poll, self.poll.view
        return {
            "id": str(v.id),
            "description": p.description,
            "state": v.state.name.lower(),
            "top_n": v.top_n,
            "options": [{"product_id": "0x" + o.product_id.hex(), "name": product_text(o.product_id),
                         "weight": o.weight} for o in v.options],
            "turnout": v.turnout,
            "quorum": v.quorum,
            "voters": [{"member_id": a.member_id, "products": list(a.products), "weight": a.weight,
                        "relayed": a.relayed} for a in p.approvals],
            "winners": [product_text(w) for w in v.winners],
            "added": p.added,
            "catalogue": [product_text(c) for c in p.catalogue],
        }


class DemoFailed(LinliError):
    """The story did not end as it must (a vote defeated, a payout not verified)."""


def run_demo(chain: Chain, config: DemoConfig = DemoConfig(), steps: Steps = silent) -> DemoResult:
    """Tell the whole story on `chain`; with `config.out_dir`, the files stay there (else a temp dir)."""
    timings: dict[str, float] = {}
    first_block = chain.block_number()
    out = Path(config.out_dir) if config.out_dir else Path(tempfile.mkdtemp(prefix="linli-demo-"))
    out.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def step(key: str, title: str) -> Iterator[Progress]:
        started = time.perf_counter()
        with steps(title) as progress:
            yield progress
        timings[key] = time.perf_counter() - started

    with step("generate", f"Generating a co-op of {config.members} members") as progress:
        data_dir = out / "coop"
        members_csv, orders_csv, activities_csv = write_coop(data_dir, Scale(members=config.members),
                                                             config.period, config.seed)
        keys = give_members_keys(members_csv, config.seed)
        progress(1, 1)
    file_rules = load_rules(config.rules_path)
    overrides = {**deploy_overrides(file_rules), "gmv_target_cents": TARGET_PER_MEMBER_CENTS * config.members}
    if config.voting_period_s is not None:
        overrides["voting_period"] = config.voting_period_s

    with step("deploy", f"Deploying Linli on {chain.name}") as progress:
        deployment = deploy_linli(chain, DeployConfig(profile="fast", overrides=overrides))
        linli = Linli.attach(chain, deployment)
        if config.out_dir:
            deployment.save(out / "deployment.json")
        progress(1, 1)

    with step("import", "Importing members, orders and activities") as progress:
        data = load_coop(members_csv, orders_csv, activities_csv)
        book = RuleBook(linli)
        before = with_terms_in_force(file_rules, book.read())
        first = close_month(config.period, data, before)
        progress(1, 1)

    with step("mint", "Minting the month's points") as progress:
        mint_period_points(linli, first, progress=progress)
        chain.increase_time(1)  # weight is checkpointed before the proposal's snapshot

    with step("govern", "Proposal: new commission rates") as progress:
        old = (before.commission.levels_bps[0], before.commission.levels_bps[1])
        proposal, votes, quorum = _govern(linli, first, keys, config, old, progress)
    gov = Governance(linli)
    state, tally = gov.state(proposal.id), gov.tally(proposal.id)
    if state is not ProposalState.EXECUTED:
        raise DemoFailed(f"the proposal ended {state.name.lower()} (for {tally.for_}, against {tally.against})")

    with step("poll", "Product poll: members pick two of five products") as progress:
        poll = _pick_products(linli, first, keys, config)
        progress(1, 1)
    if poll.view.state is not PollState.ENACTED:
        raise DemoFailed(f"the product poll ended {poll.view.state.name.lower()} (turnout {poll.view.turnout}, "
                         f"quorum {poll.view.quorum})")

    with step("close", "Closing the month with the rules in force on chain") as progress:
        terms = book.read()
        after = with_terms_in_force(file_rules, terms)
        report = close_month(config.period, data, after, sum_secret=admin_sum_secret(demo_admin_seed(config)))
        progress(1, 1)

    admin_seed = demo_admin_seed(config)
    with step("publish", "Publishing the pool") as progress:
        published = publish_month(linli, report, admin_seed=admin_seed, out_dir=out, progress=progress)

    with step("verify", "Verifying every member's payout from the chain") as progress:
        record = SignedRecord.load(published.record_path)
        verified = verify_published(linli, str(config.period), record, progress=progress)
    if len(verified.checked_on_chain) != len(report.members):
        raise DemoFailed(f"verified {len(verified.checked_on_chain)} of {len(report.members)} members")

    return DemoResult(
        chain=chain.name, deployment=deployment, members=len(report.members), proposal=proposal,
        proposal_state=state, tally=tally, quorum=quorum, votes=tuple(votes), poll=poll, old_levels_bps=old,
        new_levels_bps=(terms.level1_bps, terms.level2_bps), report=report, published=published,
        verified=verified, admin_public_key=record.public_key, first_block=first_block,
        last_block=chain.block_number(), timings=timings,
    )


def _govern(linli: Linli, report: MonthReport, keys: dict[str, LocalAccount], config: DemoConfig,
            old: tuple[int, int], progress: Progress) -> tuple[Proposal, list[Vote], int]:
    """The top point holders decide: the biggest proposes, some vote directly, others sign and a relayer
    submits their ballots; then queue, the timelock delay, execute. Returns proposal, votes, quorum."""
    chain, gov, book = linli.chain, Governance(linli), RuleBook(linli)
    ranked = _ranked(report)
    direct = ranked[: config.direct_voters]
    relayed = ranked[config.direct_voters : config.direct_voters + config.relayed_voters]
    total = len(direct) + len(relayed) + 4  # + propose, queue, execute, funding
    fund(chain, [m.address for m in direct], GAS_MONEY_WEI)
    progress(1, total)
    new1, new2 = config.new_levels_bps
    description = (f"Commission {old[0] / 100:g}% / {old[1] / 100:g}% -> {new1 / 100:g}% / {new2 / 100:g}% "
                   f"(L1 / L2), from {config.period}")
    proposer = keys[direct[0].member_id]
    changes = [book.set_commission_rate(1, new1), book.set_commission_rate(2, new2)]
    proposal = gov.propose(changes, description, proposer)
    progress(2, total)
    gov.advance_to_voting(proposal.id)
    pattern = (Support.FOR, Support.FOR, Support.AGAINST, Support.FOR, Support.ABSTAIN, Support.FOR)
    votes: list[Vote] = []
    relayer = _relayer(chain)
    for i, line in enumerate(direct + relayed):
        support, voter = pattern[i % len(pattern)], keys[line.member_id]
        if i < len(direct):
            gov.cast_vote(proposal.id, support, voter, reason="demo vote")
        else:
            gov.relay_ballot(gov.sign_ballot(proposal.id, support, voter), relayer)
        votes.append(Vote(line.member_id, line.address, support.name.lower(), line.points, i >= len(direct)))
        progress(3 + i, total)
    quorum = gov.quorum(gov.snapshot(proposal.id))
    gov.advance_past_deadline(proposal.id)
    if gov.state(proposal.id) is ProposalState.SUCCEEDED:
        gov.queue(proposal, relayer)
        gov.advance_to_eta(proposal.id)
        gov.execute(proposal, relayer)
    progress(total, total)
    return proposal, votes, quorum


def _ranked(report: MonthReport) -> list[MemberLine]:
    """Members holding points, the biggest first (ties: member id)."""
    return sorted((m for m in report.members if m.points > 0), key=lambda m: (-m.points, m.member_id))


def _relayer(chain: Chain) -> LocalAccount:
    return chain.signers[1 % len(chain.signers)]


def _pick_products(linli: Linli, report: MonthReport, keys: dict[str, LocalAccount], config: DemoConfig) -> PollStory:
    """The voters who voted directly on the proposal (they hold ether) approve directly; the next one signs."""
    ranked = _ranked(report)
    direct, signer = ranked[: config.direct_voters], ranked[config.direct_voters]
    return tell_poll(linli, [(m.member_id, keys[m.member_id]) for m in direct],
                     (signer.member_id, keys[signer.member_id]), _relayer(linli.chain))
