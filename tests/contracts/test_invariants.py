"""Stateful invariants of the Linli system: a hypothesis `RuleBasedStateMachine` driving the brownie chain.

Random awards (single and batch), revocations, forbidden moves (transfers, replayed evidence), delegations,
proposals that change the rule book (in and out of its bounds), votes, queue/execute, publications of
distributions and time travel. A plain-Python model follows every step, and the chain must agree with it:

- no double vote: a second vote reverts, each tally is exactly the sum of the weights of the members who voted;
- a vote weighs the voter's delegated points at the proposal snapshot, so tallies never exceed the supply then;
- past votes never change: `getPastVotes` / `getPastTotalSupply` at the timepoints seen so far equal the model's
  history and the first value the chain returned for them;
- the proposal state and deadline (late-quorum extension included) follow the model;
- the rule book only ever holds values within its legal bounds and changes only through executed proposals; a
  proposal with an out-of-bounds value fails at execution with the error naming the bound;
- the payout ledger is append-only: a period is published once and never changes;
- product polls: one ballot per member per poll, each approved candidate's tally and the turnout are exactly the
  snapshot weights approved, never above the supply then; a poll's state follows the model (quorum at the
  snapshot supply, tie at the cut-off, enacted once) and the catalogue holds exactly the winners of the polls
  enacted so far;
- the sum of balances equals the total supply, and so does the sum of votes.

Cost: Ganache answers ~5 ms per contract read, so each step reads what a step can break (balances, votes, rule
book, tallies and states, published periods, the newest past timepoint: ~25 reads in one JSON-RPC batch) and the
end of every example reads everything (every past timepoint, deadlines, delegates, `hasVoted`, every period
tried). A vote that reaches quorum is checked against its `ProposalExtended` event. Time travel calls
`evm_increaseTime` / `evm_mine` directly: brownie's `chain.sleep` / `chain.mine` inspect the whole Python stack
on every call (~60 ms each here). Both nodes stamp blocks with the wall clock plus the slept offset, so a
transaction lands some time after the latest block: a step that could straddle a phase boundary within MARGIN
seconds does nothing rather than guess.

brownie's own `state_machine` wrapper does not run in brownie 1.22.2 (its mypyc build rejects the class it
generates: "_BrownieStateMachine object expected"), so this does what that wrapper does: a chain snapshot after
the set-up, and a revert at the start of every example.
"""

from __future__ import annotations

import bisect
import sys
from collections import Counter
from dataclasses import dataclass, field

import brownie
from brownie import chain, web3
from brownie.test import strategy
from eth_utils import keccak
from hypothesis import Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from contract_helpers import ABSTAIN, ACTIVE, AGAINST, DEFEATED, EXECUTED, FOR, PENDING, QUEUED, SUCCEEDED

MEMBERS = 5
INITIAL_POINTS = 1_000
YEAR = 2026
ZERO = "0x0000000000000000000000000000000000000000"
NO_HASH = "0x" + "00" * 32
# No `target` phase: its Pareto optimisation replays examples (minutes on Ganache) and nothing here is targeted.
SETTINGS = settings(max_examples=20, stateful_step_count=15, deadline=None,
                    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink))
MARGIN = 5  # seconds: the next transaction's timestamp is within [latest block, latest block + MARGIN)

MOVE = strategy("uint8", max_value=3)  # award, revoke, delegate, forbidden move
MEMBER = strategy("uint8", max_value=MEMBERS - 1)
OTHER = strategy("uint8", max_value=MEMBERS)  # MEMBERS stands for the zero address ("back to myself")
VOTERS = strategy("uint8", min_value=1, max_value=2**MEMBERS - 1)  # a bitmask of members
AMOUNT = strategy("uint16", min_value=1, max_value=3_000)
SUPPORT = strategy("uint8", max_value=2)
INDEX = strategy("uint8")  # proposal index, modulo the number of proposals
KIND = strategy("uint8", max_value=2)  # 0 pool rate, 1 and 2 commission level
BPS = strategy("uint16", min_value=50, max_value=2_600)
SECONDS = strategy("uint16", min_value=1, max_value=120)  # `progress` makes the long jumps
TICKS = strategy("uint8", min_value=1, max_value=3)
LEAN = strategy("uint8", max_value=3)  # the first round of votes: for, for, against, abstain
MONTH = strategy("uint8", max_value=13)  # 0 and 13 are not months
GMV = strategy("uint64", max_value=30_000_000)
SELECTION = strategy("uint8", min_value=1, max_value=15)  # a bitmap over the four poll candidates
TOP_N = strategy("uint8", min_value=1, max_value=3)
FLAG = strategy("bool")

CANDIDATES = [keccak(text=f"invariants-product-{i}") for i in range(4)]
CANDIDATE_METADATA = [keccak(text=f"invariants-metadata-{i}") for i in range(4)]
# IProductPoll.PollState
POLL_PENDING, POLL_ACTIVE, POLL_DEFEATED, POLL_TIED, POLL_SUCCEEDED, POLL_ENACTED = range(6)

OUTCOMES: Counter = Counter()  # what the run exercised; printed at the end (`-s`) and on failure


def event(label: str) -> None:
    OUTCOMES[label] += 1


@dataclass
class Proposal:
    """What the model knows of one proposal: its single rule-book action and every vote cast."""

    id: int
    action: tuple[str, int, int]  # ("pool", 0, bps) | ("commission", level, bps)
    call: tuple  # (targets, values, calldatas, description_hash)
    snapshot: int
    deadline: int
    votes: dict = field(default_factory=dict)  # voter -> (support, weight)
    extended: bool = False
    queued: bool = False
    eta: int = 0
    executed: bool = False
    refused: bool = False  # defeated and refused queueing, or queued and refused execution by the rule book

    def tally(self) -> list[int]:
        sums = [0, 0, 0]  # against, for, abstain
        for support, weight in self.votes.values():
            sums[support] += weight
        return sums


@dataclass
class Poll:
    """What the model knows of one product poll: every approval cast, and whether it was enacted."""

    id: int
    top_n: int
    snapshot: int
    deadline: int
    approvals: dict = field(default_factory=dict)  # voter -> (selection, weight)
    enacted: bool = False

    def tallies(self) -> list[int]:
        return [sum(w for sel, w in self.approvals.values() if sel >> i & 1) for i in range(len(CANDIDATES))]

    def turnout(self) -> int:
        return sum(w for _, w in self.approvals.values())

    def outcome(self, supply_at_snapshot: int, numerator: int) -> tuple[int, list[int]]:
        """(state, winner indexes) once ended: quorum of the snapshot supply, then the top N unless the N-th and
        the (N+1)-th weigh the same (a tie enacts nothing); zero weight never wins; heavier first, then earlier."""
        if self.turnout() == 0 or self.turnout() < supply_at_snapshot * numerator // 100:
            return POLL_DEFEATED, []
        tallies = self.tallies()
        ranked = sorted((i for i, w in enumerate(tallies) if w > 0), key=lambda i: (-tallies[i], i))
        if len(ranked) > self.top_n and tallies[ranked[self.top_n]] == tallies[ranked[self.top_n - 1]]:
            return POLL_TIED, []
        return POLL_SUCCEEDED, ranked[: self.top_n]


@dataclass
class Context:
    """What every example starts from: the deployed system after the initial award (a chain snapshot)."""

    linli: object
    admin: object
    members: list
    initial_timestamp: int
    rules: dict  # the rule book's values at the snapshot
    quorum_fraction: tuple[int, int]  # (numerator, denominator)
    poll_quorum_numerator: int


def now() -> int:
    """Timestamp of the latest block: what `clock()` returns in a read."""
    return web3.eth.get_block("latest")["timestamp"]


def travel(seconds: int) -> None:
    """Move the node's clock `seconds` on and mine a block."""
    if seconds > 0:
        web3.provider.make_request("evm_increaseTime", [seconds])
    web3.provider.make_request("evm_mine", [])


def read(calls: dict) -> dict:
    """`calls`: key -> (brownie ContractCall, args). All `eth_call`s at the latest block in one JSON-RPC batch.

    brownie encodes and decodes (web3's ContractFunction re-validates the whole ABI on every call: ~10 ms).
    """
    requests = [("eth_call", [{"to": fn._address, "data": fn.encode_input(*args)}, "latest"])
                for fn, args in calls.values()]
    responses = web3.provider.make_batch_request(requests)
    assert isinstance(responses, list), responses
    results = {}
    for (key, (fn, _)), response in zip(calls.items(), responses, strict=True):
        assert "result" in response, f"{key}: {response.get('error')}"  # a read that reverted is a failure
        results[key] = fn.decode_output(response["result"])
    return results


def prepare(linli, admin, members) -> Context:
    """Once per test: every member gets the same initial points, then the snapshot every example reverts to."""
    members = list(members[:MEMBERS])
    tx = linli.points.awardBatch(
        keccak(text="invariants-initial"), members, [INITIAL_POINTS] * MEMBERS,
        [keccak(text=f"invariants-initial-{i}") for i in range(MEMBERS)], {"from": admin},
    )
    travel(1)
    chain.snapshot()
    level1, level2, _ = linli.rule_book.commissionRates()
    rate, target = linli.rule_book.poolTerms()
    rules = {"level1": level1, "level2": level2, "pool": rate, "target": target,
             "max_change": linli.rule_book.maxRateChange()}
    gov = linli.governor
    return Context(linli, admin, members, tx.timestamp, rules, (gov.quorumNumerator(), gov.quorumDenominator()),
                   linli.product_poll.quorumNumerator())


class LinliInvariants(RuleBasedStateMachine):
    def __init__(self, ctx: Context):
        super().__init__()
        chain.revert()
        event("example")
        self.admin, self.members = ctx.admin, ctx.members
        linli = ctx.linli
        self.points, self.gov, self.rule_book, self.ledger = linli.points, linli.governor, linli.rule_book, linli.ledger
        self.product_poll, self.poll_quorum_numerator = linli.product_poll, ctx.poll_quorum_numerator
        self.polls: list[Poll] = []
        self.catalogue: set[str] = set()  # product ids (hex) the enacted polls listed
        self.p = linli.params
        self.quorum_numerator, self.quorum_denominator = ctx.quorum_fraction
        self.balance = {m.address: INITIAL_POINTS for m in self.members}
        self.delegate_of = {m.address: m.address for m in self.members}
        self.history = [(0, {m.address: 0 for m in self.members}, 0)]
        self.history.append((ctx.initial_timestamp, self._votes(), self._supply()))
        self.seen = {}  # (account or None for the supply, timepoint) -> first value the chain returned
        self.proposals: list[Proposal] = []
        self.rules = dict(ctx.rules)
        self.last_rule_change = 0  # timestamp of the last executed rule change
        self.published = {}  # period -> (merkle root, record hash)
        self.tried_periods = set()
        self.nonce = 0
        self.last_evidence = None
        self.checks = 0

    # ------------------------------------------------------------------ model

    def _supply(self) -> int:
        return sum(self.balance.values())

    def _votes(self) -> dict:
        votes = {m.address: 0 for m in self.members}
        for holder, amount in self.balance.items():
            votes[self.delegate_of[holder]] += amount
        return votes

    def _record(self, tx) -> None:
        self.history.append((tx.timestamp, self._votes(), self._supply()))

    def _at(self, timepoint: int) -> tuple[dict, int]:
        """Model votes and supply at `timepoint`: the last entry at or before it (same-second entries overwrite)."""
        index = bisect.bisect_right([ts for ts, _, _ in self.history], timepoint) - 1
        _, votes, supply = self.history[index]
        return votes, supply

    def _id(self, label: str) -> bytes:
        self.nonce += 1
        return keccak(text=f"invariants-{label}-{self.nonce}")

    def _quorum_reached(self, p: Proposal) -> bool:
        """OZ simple counting: for + abstain reach the quorum fraction of the supply at the snapshot."""
        _, yes, abstain = p.tally()
        return self._at(p.snapshot)[1] * self.quorum_numerator // self.quorum_denominator <= yes + abstain

    def _expected_state(self, p: Proposal, now: int) -> int:
        if p.executed:
            return EXECUTED
        if p.queued:
            return QUEUED
        if now <= p.snapshot:
            return PENDING
        if now <= p.deadline:
            return ACTIVE
        against, yes, _ = p.tally()
        return SUCCEEDED if self._quorum_reached(p) and yes > against else DEFEATED

    def _state_for_next_tx(self, p: Proposal, latest: int) -> int | None:
        """The state the next transaction will see, or None when a phase boundary falls within MARGIN."""
        first, last = self._expected_state(p, latest), self._expected_state(p, latest + MARGIN)
        return first if first == last else None

    def _sleep_until(self, timestamp: int) -> None:
        travel(timestamp - now())

    # ------------------------------------------------------------------ points

    @rule(move=MOVE, member=MEMBER, other=OTHER, amount=AMOUNT, batch=FLAG)
    def points_move(self, move, member, other, amount, batch):
        """One rule for every points move, so governance steps are drawn as often as points steps."""
        if move == 0:
            self._award(member, amount, batch)
        elif move == 1:
            self._revoke(member, amount)
        elif move == 2:
            self._delegate(member, other)
        else:
            self._forbidden_moves(member, other, amount)

    def _award(self, member: int, amount: int, batch: bool) -> None:
        if batch:
            chosen = [self.members[member], self.members[(member + 2) % MEMBERS]]
            amounts = [amount, amount // 3 + 1]
            evidence = [self._id("evidence") for _ in chosen]
            tx = self.points.awardBatch(self._id("batch"), chosen, amounts, evidence, {"from": self.admin})
        else:
            chosen, amounts, evidence = [self.members[member]], [amount], [self._id("evidence")]
            tx = self.points.award(chosen[0], amount, evidence[0], {"from": self.admin})
            self.last_evidence = (chosen[0], evidence[0])
        for account, points in zip(chosen, amounts, strict=True):
            self.balance[account.address] += points
        self._record(tx)

    def _revoke(self, member: int, amount: int) -> None:
        account = self.members[member]
        if amount > self.balance[account.address]:
            with brownie.reverts(revert_pattern=r"ERC20InsufficientBalance.*"):
                self.points.revoke(account, amount, self._id("refund"), {"from": self.admin})
            return
        tx = self.points.revoke(account, amount, self._id("refund"), {"from": self.admin})
        self.balance[account.address] -= amount
        self._record(tx)

    def _forbidden_moves(self, member: int, other: int, amount: int) -> None:
        """Points cannot move between members, and an evidence id pays once."""
        with brownie.reverts(revert_pattern=r"ContributionPointsNonTransferable.*"):
            self.points.transfer(self.members[other % MEMBERS], amount, {"from": self.members[member]})
        if self.last_evidence is not None:
            account, evidence = self.last_evidence
            with brownie.reverts(revert_pattern=r"ContributionPointsIdAlreadyUsed.*"):
                self.points.award(account, amount, evidence, {"from": self.admin})

    def _delegate(self, member: int, other: int) -> None:
        account = self.members[member]
        target = ZERO if other == MEMBERS else self.members[other].address
        tx = self.points.delegate(target, {"from": account})
        self.delegate_of[account.address] = account.address if target == ZERO else target
        self._record(tx)

    # ------------------------------------------------------------------ governance

    @initialize(member=MEMBER, kind=KIND, bps=BPS, voters=VOTERS, lean=LEAN)
    def open_vote(self, member, kind, bps, voters, lean):
        """Every example starts with one proposal open for voting and a first round of votes, mostly for."""
        p = self._propose(member, kind, bps)
        self._sleep_until(p.snapshot + 1)
        for i, voter in enumerate(self.members):
            if voters >> i & 1:
                self._vote(p, ACTIVE, voter, (FOR, FOR, AGAINST, ABSTAIN)[lean])

    @rule(member=MEMBER, kind=KIND, bps=BPS)
    def propose(self, member, kind, bps):
        self._propose(member, kind, bps)

    def _propose(self, member: int, kind: int, bps: int) -> Proposal:
        if kind == 0:
            action = ("pool", 0, bps // 8)  # 6..325 bps: in and out of [100, 300]
            calldata = self.rule_book.setPoolRate.encode_input(action[2])
        else:
            action = ("commission", kind, bps)
            calldata = self.rule_book.setCommissionRate.encode_input(kind, bps)
        description = f"invariants proposal {len(self.proposals)}: {action}"
        call = ([self.rule_book.address], [0], [calldata], keccak(text=description))
        tx = self.gov.propose(call[0], call[1], call[2], description, {"from": self.members[member]})
        snapshot = tx.timestamp + self.p["voting_delay"]
        p = Proposal(tx.events["ProposalCreated"]["proposalId"], action, call, snapshot,
                     snapshot + self.p["voting_period"])
        assert self.gov.proposalSnapshot(p.id) == p.snapshot
        self.proposals.append(p)
        return p

    @rule(voters=VOTERS, index=INDEX, support=SUPPORT, mixed=FLAG)
    def vote(self, voters, index, support, mixed):
        """The members in the `voters` bitmask vote `support` (or each a different way when `mixed`) on one of the
        proposals open for voting, or on any proposal (and must be refused) when none is."""
        latest = now()
        states = [(p, self._state_for_next_tx(p, latest)) for p in self.proposals]
        choices = [(p, state) for p, state in states if state == ACTIVE] or states
        p, state = choices[index % len(choices)]
        if state is None:
            return
        for i, voter in enumerate(self.members):
            if voters >> i & 1:
                self._vote(p, state, voter, (support + i) % 3 if mixed else support)

    def _vote(self, p: Proposal, state: int, voter, support: int) -> None:
        if state != ACTIVE:
            with brownie.reverts(revert_pattern=r"GovernorUnexpectedProposalState.*"):
                self.gov.castVote(p.id, support, {"from": voter})
            return
        if voter.address in p.votes:
            with brownie.reverts(revert_pattern=r"GovernorAlreadyCastVote.*"):
                self.gov.castVote(p.id, support, {"from": voter})
            event("double vote refused")
            return
        tx = self.gov.castVote(p.id, support, {"from": voter})
        weight = self._at(p.snapshot)[0][voter.address]
        assert tx.events["VoteCast"]["weight"] == weight
        p.votes[voter.address] = (support, weight)
        event("vote cast")
        extended = None
        if not p.extended and self._quorum_reached(p):  # late-quorum prevention: the first vote reaching quorum
            p.extended = True
            if tx.timestamp + self.p["late_quorum_extension"] > p.deadline:
                extended = p.deadline = tx.timestamp + self.p["late_quorum_extension"]
        reported = tx.events["ProposalExtended"]["extendedDeadline"] if "ProposalExtended" in tx.events else None
        assert reported == extended

    @rule(ticks=TICKS)
    def progress(self, ticks):
        """Up to three ticks; each does what is due (queue, execute, refuse a defeated proposal) for every
        proposal, then jumps to the next phase boundary (voting opens, voting closes, timelock ready)."""
        for _ in range(ticks):
            latest = now()
            for p in self.proposals:
                state = self._expected_state(p, latest)
                if state == SUCCEEDED or (state == DEFEATED and not p.refused):
                    self._queue(p, state)
                elif state == QUEUED and latest >= p.eta and not p.refused:
                    self._execute(p)
            boundaries = [b for p in self.proposals if not (p.executed or p.refused)
                          for b in ((p.eta,) if p.queued else (p.snapshot + 1, p.deadline + 1)) if b > latest]
            boundaries += [b for q in self.polls for b in (q.snapshot + 1, q.deadline + 1) if b > latest]
            if not boundaries:
                return
            self._sleep_until(min(boundaries))

    @rule(seconds=SECONDS)
    def sleep(self, seconds):
        travel(seconds)

    def _queue(self, p: Proposal, state: int) -> None:
        targets, values, calldatas, description_hash = p.call
        if state != SUCCEEDED:
            with brownie.reverts(revert_pattern=r"GovernorUnexpectedProposalState.*"):
                self.gov.queue(targets, values, calldatas, description_hash, {"from": self.admin})
            p.refused = True
            event("defeated proposal refused")
            return
        tx = self.gov.queue(targets, values, calldatas, description_hash, {"from": self.admin})
        p.queued, p.eta = True, tx.timestamp + self.p["timelock_min_delay"]
        assert self.gov.proposalEta(p.id) == p.eta
        event("proposal queued")

    def _execute(self, p: Proposal) -> None:
        """Execute a queued, ready proposal; the model decides beforehand whether the rule book must refuse it."""
        targets, values, calldatas, description_hash = p.call
        kind, level, bps = p.action
        if self.last_rule_change == now():  # a new second opens a new RuleBook change window
            self._sleep_until(self.last_rule_change + 1)
        error = self._rule_book_error(kind, level, bps)
        event(f"execute: {error or 'rule changed'}")
        if error:
            with brownie.reverts(revert_pattern=rf"{error}.*"):
                self.gov.execute(targets, values, calldatas, description_hash, {"from": self.admin})
            p.refused = True  # stays Queued; the same values would be refused again
            return
        tx = self.gov.execute(targets, values, calldatas, description_hash, {"from": self.admin})
        self.last_rule_change = tx.timestamp
        self.rules["pool" if kind == "pool" else f"level{level}"] = bps
        p.executed = True

    def _rule_book_error(self, kind: str, level: int, bps: int) -> str | None:
        """The RuleBook error an execution in a new second must revert with, or None when it must succeed."""
        if kind == "pool":
            if not 100 <= bps <= 300:
                return "RuleBookPoolRateOutOfBounds"
            old = self.rules["pool"]
        else:
            if bps > 3000 - self.rules["level2" if level == 1 else "level1"]:
                return "RuleBookRateAboveBound"
            old = self.rules[f"level{level}"]
        return "RuleBookRateChangeAboveBound" if abs(bps - old) > self.rules["max_change"] else None

    # ------------------------------------------------------------------ product polls

    def _poll_state(self, q: Poll, at: int) -> int:
        if at <= q.snapshot:
            return POLL_PENDING
        if at <= q.deadline:
            return POLL_ACTIVE
        if q.enacted:
            return POLL_ENACTED
        return q.outcome(self._at(q.snapshot)[1], self.poll_quorum_numerator)[0]

    def _poll_state_for_next_tx(self, q: Poll, latest: int) -> int | None:
        first, last = self._poll_state(q, latest), self._poll_state(q, latest + MARGIN)
        return first if first == last else None

    def _pick_poll(self, index: int, wanted: tuple[int, ...]) -> tuple[Poll, int | None] | None:
        """A poll in one of the `wanted` states for the next transaction if any, else any poll (to be refused)."""
        latest = now()
        states = [(q, self._poll_state_for_next_tx(q, latest)) for q in self.polls]
        choices = [(q, state) for q, state in states if state in wanted] or states
        return choices[index % len(choices)] if choices else None

    @initialize(member=MEMBER, top_n=TOP_N, voters=VOTERS, selection=SELECTION)
    def open_poll_and_approve(self, member, top_n, voters, selection):
        """Every example also starts with a poll open for voting and a first round of approvals (the i-th voter's
        selection is `selection` rotated by i, so the candidates' weights differ and sometimes tie)."""
        self.open_poll(member, top_n)
        q = self.polls[-1]
        for i, voter in enumerate(self.members):
            if voters >> i & 1:
                rotated = (selection << i | selection >> (4 - i % 4)) & 15 or selection
                self._approve(q, POLL_ACTIVE, voter, rotated)

    @rule(member=MEMBER, top_n=TOP_N)
    def open_poll(self, member, top_n):
        """Open a poll and move to its voting window (its delay is seconds long)."""
        tx = self.product_poll.createPoll(CANDIDATES, CANDIDATE_METADATA, top_n, f"poll {len(self.polls)}",
                                          {"from": self.members[member]})
        snapshot = tx.timestamp + self.p["voting_delay"]
        self.polls.append(Poll(tx.return_value, top_n, snapshot, snapshot + self.p["voting_period"]))
        self._sleep_until(snapshot + 1)
        event("poll opened")

    @rule(voters=VOTERS, index=INDEX, selection=SELECTION)
    def approve(self, voters, index, selection):
        """The members in `voters` approve `selection` in a poll open for voting (or in any poll, refused)."""
        picked = self._pick_poll(index, (POLL_ACTIVE,))
        if picked is None or picked[1] is None:
            return
        q, state = picked
        for i, voter in enumerate(self.members):
            if voters >> i & 1:
                self._approve(q, state, voter, selection)

    def _approve(self, q: Poll, state: int, voter, selection: int) -> None:
        if state != POLL_ACTIVE:
            with brownie.reverts(revert_pattern=r"ProductPollNotActive.*"):
                self.product_poll.approve(q.id, selection, {"from": voter})
            event("approval outside the window refused")
        elif voter.address in q.approvals:
            with brownie.reverts(revert_pattern=r"ProductPollAlreadyVoted.*"):
                self.product_poll.approve(q.id, selection, {"from": voter})
            event("second approval refused")
        else:
            tx = self.product_poll.approve(q.id, selection, {"from": voter})
            weight = self._at(q.snapshot)[0][voter.address]
            assert tx.events["ApprovalCast"]["weight"] == weight
            q.approvals[voter.address] = (selection, weight)
            event("approval cast")

    @rule(index=INDEX)
    def enact(self, index):
        """Enact an ended poll: its winners join the catalogue once; a defeated or tied one changes nothing."""
        picked = self._pick_poll(index, (POLL_DEFEATED, POLL_TIED, POLL_SUCCEEDED))
        if picked is None or picked[1] is None:
            return
        q, state = picked
        if state in (POLL_PENDING, POLL_ACTIVE):
            with brownie.reverts(revert_pattern=r"ProductPollNotFinished.*"):
                self.product_poll.enact(q.id, {"from": self.admin})
            return
        if state == POLL_ENACTED:
            with brownie.reverts(revert_pattern=r"ProductPollAlreadyEnacted.*"):
                self.product_poll.enact(q.id, {"from": self.admin})
            event("second enact refused")
            return
        _, winners = q.outcome(self._at(q.snapshot)[1], self.poll_quorum_numerator)
        ids = ["0x" + CANDIDATES[i].hex() for i in winners]
        tx = self.product_poll.enact(q.id, {"from": self.admin})
        new = [i for i in ids if i not in self.catalogue]
        assert tx.events["PollEnacted"] == {"pollId": q.id, "state": state, "winners": ids, "added": len(new)}
        q.enacted = state == POLL_SUCCEEDED
        self.catalogue |= set(ids)
        event(f"poll enacted: {['defeated', 'tied', 'succeeded'][state - POLL_DEFEATED]}")

    # ------------------------------------------------------------------ ledger

    @rule(month=MONTH, gmv=GMV, honest=FLAG)
    def publish(self, month, gmv, honest):
        period = YEAR * 100 + month
        self.tried_periods.add(period)
        expected_pool = gmv * self.rules["pool"] // 10_000 if gmv >= self.rules["target"] else 0
        root, record = self._id("root"), self._id("record")
        args = (period, gmv, expected_pool if honest else expected_pool + 1, 7, root, record, {"from": self.admin})
        if not 1 <= month <= 12:
            error = "PayoutLedgerInvalidPeriod"
        elif period in self.published:
            error = "PayoutLedgerPeriodAlreadyPublished"
        elif not honest:
            error = "PayoutLedgerPoolMismatch"
        else:
            self.ledger.publish(*args)
            self.published[period] = ("0x" + root.hex(), "0x" + record.hex())
            event("distribution published")
            return
        with brownie.reverts(revert_pattern=rf"{error}.*"):
            self.ledger.publish(*args)
        event(f"publish refused: {error}")

    # ------------------------------------------------------------------ invariants

    @invariant()
    def chain_matches_model(self):
        """After every step: what a step can break, and past votes at the newest past timepoint."""
        self.checks += 1
        latest = now()
        self._check(latest, self._past_timepoints(latest)[-1:], everything=False)

    def teardown(self):
        """At the end of every example: every past timepoint, deadline, delegate, `hasVoted` and tried period."""
        OUTCOMES["steps checked"] += self.checks
        if sys.exc_info()[0] is not None:  # the example already failed: report that failure, not a consequence
            return
        latest = now()
        self._check(latest, self._past_timepoints(latest), everything=True)

    def _past_timepoints(self, latest: int) -> list[int]:
        points = {t for ts, _, _ in self.history[1:] for t in (ts - 1, ts)}
        points |= {p.snapshot for p in self.proposals}
        return sorted(t for t in points if t < latest)

    def _check(self, latest: int, timepoints: list[int], everything: bool) -> None:
        points, gov, rule_book, ledger = self.points, self.gov, self.rule_book, self.ledger
        members, calls = [m.address for m in self.members], {}
        for i, m in enumerate(members):
            calls[("balance", i)], calls[("votes", i)] = (points.balanceOf, [m]), (points.getVotes, [m])
            if everything:
                calls[("delegate", i)] = (points.delegates, [m])
        calls["supply"] = (points.totalSupply, [])
        for t in timepoints:
            calls[("past supply", t)] = (points.getPastTotalSupply, [t])
            for i, m in enumerate(members):
                calls[("past votes", t, i)] = (points.getPastVotes, [m, t])
        for j, p in enumerate(self.proposals):
            calls[("tally", j)], calls[("state", j)] = (gov.proposalVotes, [p.id]), (gov.state, [p.id])
            if everything:
                calls[("deadline", j)] = (gov.proposalDeadline, [p.id])
                for i, m in enumerate(members):
                    calls[("voted", j, i)] = (gov.hasVoted, [p.id, m])
        calls["rates"], calls["terms"] = (rule_book.commissionRates, []), (rule_book.poolTerms, [])
        calls["max change"] = (rule_book.maxRateChange, [])
        for period in self.tried_periods if everything else self.published:
            calls[("distribution", period)] = (ledger.distribution, [period])
            if everything:
                calls[("published", period)] = (ledger.isPublished, [period])
        poll = self.product_poll
        for k, q in enumerate(self.polls):
            calls[("poll tallies", k)], calls[("poll turnout", k)] = (poll.tallies, [q.id]), (poll.turnout, [q.id])
            calls[("poll state", k)] = (poll.state, [q.id])
            if everything:
                for i, m in enumerate(members):
                    calls[("approved", k, i)] = (poll.hasVoted, [q.id, m])
        calls["catalogue"] = (rule_book.products, [])
        got = read(calls)

        # Points: exact balances; sum of balances == supply == sum of votes.
        balances = [got[("balance", i)] for i in range(MEMBERS)]
        assert balances == [self.balance[m] for m in members]
        assert got["supply"] == sum(balances) == self._supply()
        current, votes = self._votes(), [got[("votes", i)] for i in range(MEMBERS)]
        assert votes == [current[m] for m in members]
        assert sum(votes) == got["supply"]

        # Past votes and supply never change: the model's history, and the first value the chain returned.
        for t in timepoints:
            model_votes, model_supply = self._at(t)
            past = [got[("past votes", t, i)] for i in range(MEMBERS)]
            assert past == [model_votes[m] for m in members], f"past votes at {t}"
            assert got[("past supply", t)] == model_supply, f"past supply at {t}"
            for account, value in zip([*members, None], [*past, got[("past supply", t)]], strict=True):
                assert self.seen.setdefault((account, t), value) == value, f"{account} at {t} changed"

        # Votes: tallies are exactly the weights cast, never above the supply at the snapshot.
        for j, p in enumerate(self.proposals):
            assert list(got[("tally", j)]) == p.tally()
            assert sum(p.tally()) <= self._at(p.snapshot)[1]
            assert got[("state", j)] == self._expected_state(p, latest)
            if everything:
                assert got[("deadline", j)] == p.deadline
                assert [got[("voted", j, i)] for i in range(MEMBERS)] == [m in p.votes for m in members]

        # Rule book: what the executed proposals set, always within the legal bounds.
        (level1, level2, total), (pool_rate, target) = list(got["rates"]), list(got["terms"])
        assert (level1, level2, pool_rate, target, got["max change"]) == (
            self.rules["level1"], self.rules["level2"], self.rules["pool"], self.rules["target"],
            self.rules["max_change"])
        assert total == level1 + level2 <= 3000
        assert 100 <= pool_rate <= 300 and 1 <= got["max change"] <= 3000

        # Ledger: append-only; a published period keeps its first root and record hash.
        for period in self.tried_periods if everything else self.published:
            root, record = got[("distribution", period)]
            assert (str(root), str(record)) == self.published.get(period, (NO_HASH, NO_HASH)), period
            if everything:
                assert got[("published", period)] == (period in self.published), period

        # Product polls: exact tallies and turnout of snapshot weights, states, and a catalogue of enacted winners.
        for k, q in enumerate(self.polls):
            assert list(got[("poll tallies", k)]) == q.tallies() and got[("poll turnout", k)] == q.turnout()
            assert max(got[("poll tallies", k)]) <= got[("poll turnout", k)] <= self._at(q.snapshot)[1]
            assert got[("poll state", k)] == self._poll_state(q, latest), f"poll {q.id}"
            if everything:
                assert [got[("approved", k, i)] for i in range(MEMBERS)] == [m in q.approvals for m in members]
        assert {str(i) for i in got["catalogue"]} == self.catalogue

        if everything:
            assert [str(got[("delegate", i)]) for i in range(MEMBERS)] == [self.delegate_of[m] for m in members]


def test_invariants(linli, admin, members):
    ctx = prepare(linli, admin, members)
    OUTCOMES.clear()
    try:
        run_state_machine_as_test(lambda: LinliInvariants(ctx), settings=SETTINGS)
    finally:
        print(f"\ninvariants exercised: {dict(sorted(OUTCOMES.items()))}")
