"""Events -> rows. The projections are a pure function of the event log in (block, log index) order.

`Projector.apply` is used both for new blocks and to replay the stored log after a reorg, so both paths give
the same tables. Members touched in a batch are loaded in one query and cached; append-only rows (points
entries, checkpoints, votes, parameter changes) are collected and inserted with one executemany per table,
so a batch award of 200 members costs a handful of statements, not 600 round trips.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from eth_abi import decode as abi_decode
from eth_typing import ABIFunction
from eth_utils import function_abi_to_4byte_selector
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from api import canonical
from api.decoding import contract_abi
from api.models import (
    Distribution, Member, ParameterChange, PointsEntry, Poll, PollApproval, PollOption, Product, Proposal,
    SupplyCheckpoint, Vote, VoteCheckpoint,
)

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
POLL_SUCCEEDED = 4  # IProductPoll.PollState.Succeeded: what PollEnacted reports when winners were listed
RULE_KEYS = {  # event -> (rule key, old argument, new argument)
    "PoolRateChanged": ("pool_rate_bps", "oldBps", "newBps"),
    "GmvTargetChanged": ("gmv_target_cents", "oldCents", "newCents"),
    "MaxRateChangeChanged": ("max_rate_change_bps", "oldBps", "newBps"),
}
GOVERNOR_KEYS = {
    "VotingDelaySet": ("voting_delay", "oldVotingDelay", "newVotingDelay"),
    "VotingPeriodSet": ("voting_period", "oldVotingPeriod", "newVotingPeriod"),
    "ProposalThresholdSet": ("proposal_threshold", "oldProposalThreshold", "newProposalThreshold"),
    "QuorumNumeratorUpdated": ("quorum_numerator", "oldQuorumNumerator", "newQuorumNumerator"),
    "LateQuorumVoteExtensionSet": ("late_quorum_extension", "oldVoteExtension", "newVoteExtension"),
}


@dataclass(frozen=True, slots=True)
class Fact:
    """One stored event as the projections see it."""

    contract: str
    name: str
    args: dict[str, Any]
    block_number: int
    log_index: int
    tx_hash: str
    timestamp: int


class ActionDecoder:
    """Decodes a proposal's calldata against the ABI of the Linli contract it targets."""

    def __init__(self, contracts: Mapping[str, str]) -> None:
        self._by_address: dict[str, tuple[str, dict[bytes, dict[str, Any]]]] = {}
        for address, name in contracts.items():
            functions = {
                function_abi_to_4byte_selector(cast(ABIFunction, entry)): entry
                for entry in contract_abi(name) if entry.get("type") == "function"
            }
            self._by_address[address.lower()] = (name, functions)

    def decode(self, target: str, calldata: str) -> tuple[str | None, str | None, dict[str, Any] | None]:
        """(contract, function signature, arguments by name), Nones when the call is not ours or not valid."""
        known = self._by_address.get(target.lower())
        data = bytes.fromhex(calldata.removeprefix("0x"))
        if known is None or len(data) < 4:
            return (known[0] if known else None), None, None
        name, functions = known
        entry = functions.get(data[:4])
        if entry is None:
            return name, None, None
        types = [i["type"] for i in entry["inputs"]]
        try:
            values = abi_decode(types, data[4:])
        except Exception:  # malformed calldata is legal in a proposal; it just does not decode
            return name, None, None
        signature = f"{entry['name']}({','.join(types)})"
        return name, signature, {i["name"]: canonical.plain(v) for i, v in zip(entry["inputs"], values, strict=True)}


class Projector:
    """Applies facts to the session. One per batch (its caches live as long as the batch)."""

    def __init__(self, session: Session, actions: ActionDecoder) -> None:
        self.session, self.actions = session, actions
        self._members: dict[str, Member] = {}
        self._absent: set[str] = set()  # prefetched and not in the database yet
        self._proposals: dict[int, Proposal] = {}
        self._polls: dict[int, tuple[Poll, list[PollOption]]] = {}
        self._products: dict[str, Product] = {}  # added in this batch: pending, so session.get cannot see them
        self._rows: dict[type, list[dict[str, Any]]] = {}
        self._supply: int | None = None
        self._handlers: dict[str, Callable[[Fact], None]] = {
            "PointsAwarded": self._points,
            "PointsRevoked": self._points,
            "DelegateChanged": self._delegate_changed,
            "DelegateVotesChanged": self._votes_changed,
            "ProposalCreated": self._proposal_created,
            "VoteCast": self._vote_cast,
            "VoteCastWithParams": self._vote_cast,
            "ProposalQueued": self._proposal_queued,
            "ProposalExecuted": self._proposal_flag,
            "ProposalCanceled": self._proposal_flag,
            "ProposalExtended": self._proposal_extended,
            "CommissionRateChanged": self._rule_changed,
            "PoolRateChanged": self._rule_changed,
            "GmvTargetChanged": self._rule_changed,
            "MaxRateChangeChanged": self._rule_changed,
            "ProductAdded": self._product,
            "ProductRemoved": self._product,
            "DistributionPublished": self._distribution,
            "PollCreated": self._poll_created,
            "ApprovalCast": self._approval_cast,
            "PollEnacted": self._poll_enacted,
            "PollQuorumUpdated": self._poll_quorum,
            **{name: self._governor_setting for name in GOVERNOR_KEYS},
        }

    def apply(self, facts: Iterable[Fact]) -> None:
        with self.session.no_autoflush:
            for fact in facts:
                handler = self._handlers.get(fact.name)
                if handler is not None:
                    handler(fact)
        self.session.flush()
        for model, rows in self._rows.items():
            self.session.execute(insert(model), rows)
        self._rows.clear()

    def _append(self, model: type, **row: Any) -> None:
        self._rows.setdefault(model, []).append(row)

    def prefetch_members(self, addresses: Iterable[str]) -> None:
        """Load the members a batch touches in one query (one per 500)."""
        wanted = {a for a in addresses if a not in self._members}
        for chunk in _chunks(sorted(wanted), 500):
            for member in self.session.scalars(select(Member).where(Member.address.in_(chunk))):
                self._members[member.address] = member
        self._absent |= wanted - set(self._members)

    def _member(self, address: str, fact: Fact) -> Member:
        member = self._members.get(address)
        if member is None:
            member = None if address in self._absent else self.session.get(Member, address)
            if member is None:
                member = Member(address=address, points=0, awarded=0, revoked=0, votes=0, delegate=None,
                                first_block=fact.block_number, first_log=fact.log_index)
                self.session.add(member)
            self._members[address] = member
        return member

    def _proposal(self, pid: int) -> Proposal | None:
        if pid not in self._proposals:
            found = self.session.get(Proposal, pid)
            if found is None:
                return None
            self._proposals[pid] = found
        return self._proposals[pid]

    def _points(self, fact: Fact) -> None:
        a = fact.args
        member, amount = self._member(a["member"], fact), int(a["amount"])
        if self._supply is None:
            last = self.session.scalars(select(SupplyCheckpoint).order_by(SupplyCheckpoint.id.desc()).limit(1)).first()
            self._supply = last.supply if last else 0
        if fact.name == "PointsAwarded":
            kind, member.points, member.awarded = "awarded", member.points + amount, member.awarded + amount
            self._supply += amount
        else:
            kind, member.points, member.revoked = "revoked", member.points - amount, member.revoked + amount
            self._supply -= amount
        self._append(PointsEntry, block_number=fact.block_number, log_index=fact.log_index, timestamp=fact.timestamp,
                     member=member.address, kind=kind, amount=amount, evidence=a["evidence"], batch_id=a["batchId"])
        self._append(SupplyCheckpoint, timestamp=fact.timestamp, supply=self._supply)

    def _delegate_changed(self, fact: Fact) -> None:
        to = fact.args["toDelegate"]
        self._member(fact.args["delegator"], fact).delegate = None if to == ZERO_ADDRESS else to

    def _votes_changed(self, fact: Fact) -> None:
        member, votes = self._member(fact.args["delegate"], fact), int(fact.args["newVotes"])
        member.votes = votes
        self._append(VoteCheckpoint, block_number=fact.block_number, log_index=fact.log_index,
                     timestamp=fact.timestamp, delegate=member.address, votes=votes)

    def _proposal_created(self, fact: Fact) -> None:
        a = fact.args
        pid = int(a["proposalId"])
        actions = []
        for target, value, calldata in zip(a["targets"], a["values"], a["calldatas"], strict=True):
            contract, function, arguments = self.actions.decode(target, calldata)
            actions.append({"target": target, "value": int(value), "calldata": calldata, "contract": contract,
                            "function": function, "arguments": arguments})
        proposal = Proposal(
            id=pid, proposer=a["proposer"], description=a["description"], vote_start=int(a["voteStart"]),
            vote_end=int(a["voteEnd"]), votes_for=0, votes_against=0, votes_abstain=0, eta=None, queued=False,
            executed=False, canceled=False, created_block=fact.block_number, created_log=fact.log_index,
            created_tx=fact.tx_hash, actions=canonical.dumps(actions),
        )
        self.session.add(proposal)
        self._proposals[pid] = proposal

    def _vote_cast(self, fact: Fact) -> None:
        a = fact.args
        pid, support, weight = int(a["proposalId"]), int(a["support"]), int(a["weight"])
        self._append(Vote, proposal_id=pid, voter=a["voter"], support=support, weight=weight, reason=a["reason"],
                     block_number=fact.block_number, log_index=fact.log_index, timestamp=fact.timestamp,
                     tx_hash=fact.tx_hash)
        proposal = self._proposal(pid)
        if proposal is None:
            return
        if support == 0:
            proposal.votes_against += weight
        elif support == 1:
            proposal.votes_for += weight
        else:
            proposal.votes_abstain += weight

    def _proposal_queued(self, fact: Fact) -> None:
        proposal = self._proposal(int(fact.args["proposalId"]))
        if proposal is not None:
            proposal.queued, proposal.eta = True, int(fact.args["etaSeconds"])

    def _proposal_flag(self, fact: Fact) -> None:
        proposal = self._proposal(int(fact.args["proposalId"]))
        if proposal is not None:
            setattr(proposal, "executed" if fact.name == "ProposalExecuted" else "canceled", True)

    def _proposal_extended(self, fact: Fact) -> None:
        proposal = self._proposal(int(fact.args["proposalId"]))
        if proposal is not None:
            proposal.vote_end = int(fact.args["extendedDeadline"])

    def _change(self, fact: Fact, key: str, old: int, new: int) -> None:
        self._append(ParameterChange, contract=fact.contract, key=key, old=int(old), new=int(new),
                     block_number=fact.block_number, log_index=fact.log_index, timestamp=fact.timestamp,
                     tx_hash=fact.tx_hash)

    def _rule_changed(self, fact: Fact) -> None:
        a = fact.args
        if fact.name == "CommissionRateChanged":
            self._change(fact, f"level{int(a['level'])}_bps", a["oldBps"], a["newBps"])
            return
        key, old, new = RULE_KEYS[fact.name]
        self._change(fact, key, a[old], a[new])

    def _governor_setting(self, fact: Fact) -> None:
        key, old, new = GOVERNOR_KEYS[fact.name]
        self._change(fact, key, fact.args[old], fact.args[new])

    def _product(self, fact: Fact) -> None:
        pid = fact.args["productId"]
        product = self._product_row(pid)
        if fact.name == "ProductAdded":
            if product is None:
                product = Product(product_id=pid, metadata_hash="", added_block=0, removed_block=None)
                self.session.add(product)
                self._products[pid] = product
            product.metadata_hash, product.added_block, product.removed_block = (
                fact.args["newMetadataHash"], fact.block_number, None)
            product.added_tx, product.added_by_poll = fact.tx_hash, None
        elif product is not None:
            product.removed_block = fact.block_number

    def _product_row(self, pid: str) -> Product | None:
        return self._products.get(pid) or self.session.get(Product, pid)

    def _distribution(self, fact: Fact) -> None:
        a = fact.args
        self.session.add(Distribution(
            period=int(a["period"]), merkle_root=a["merkleRoot"], record_hash=a["recordHash"],
            gmv_cents=int(a["gmvCents"]), target_cents=int(a["targetCents"]), pool_rate_bps=int(a["poolRateBps"]),
            pool_cents=int(a["poolCents"]), member_count=int(a["memberCount"]), block_number=fact.block_number,
            timestamp=fact.timestamp, tx_hash=fact.tx_hash,
        ))


    def _poll(self, pid: int) -> tuple[Poll, list[PollOption]] | None:
        if pid not in self._polls:
            found = self.session.get(Poll, pid)
            if found is None:
                return None
            options = self.session.scalars(select(PollOption).where(PollOption.poll_id == pid)
                                           .order_by(PollOption.position))
            self._polls[pid] = (found, list(options))
        return self._polls[pid]

    def _poll_created(self, fact: Fact) -> None:
        a = fact.args
        pid = int(a["pollId"])
        poll = Poll(
            id=pid, creator=a["creator"], description=a["description"], top_n=int(a["topN"]),
            snapshot=int(a["snapshot"]), deadline=int(a["deadline"]), quorum_numerator=int(a["quorumNumerator"]),
            turnout=0, created_block=fact.block_number, created_log=fact.log_index, created_tx=fact.tx_hash,
            enacted_state=None, winners=None, added=None, enacted_block=None, enacted_tx=None,
        )
        options = [PollOption(poll_id=pid, position=i, product_id=product, metadata_hash=meta, weight=0)
                   for i, (product, meta) in enumerate(zip(a["productIds"], a["metadataHashes"], strict=True))]
        self.session.add_all([poll, *options])
        self._polls[pid] = (poll, options)

    def _approval_cast(self, fact: Fact) -> None:
        """The voter's weight goes to every candidate in the selection once, and to the turnout once."""
        a = fact.args
        pid, selection, weight = int(a["pollId"]), int(a["selection"]), int(a["weight"])
        self._append(PollApproval, poll_id=pid, voter=a["voter"], selection=selection, weight=weight,
                     block_number=fact.block_number, log_index=fact.log_index, timestamp=fact.timestamp,
                     tx_hash=fact.tx_hash)
        known = self._poll(pid)
        if known is None:
            return
        poll, options = known
        poll.turnout += weight
        for option in options:
            if selection >> option.position & 1:
                option.weight += weight

    def _poll_enacted(self, fact: Fact) -> None:
        """The last enactment's outcome; the winners RuleBook listed in this same transaction are the poll's."""
        a = fact.args
        known = self._poll(int(a["pollId"]))
        if known is None:
            return
        poll = known[0]
        poll.enacted_state, poll.winners, poll.added = int(a["state"]), canonical.dumps(a["winners"]), int(a["added"])
        poll.enacted_block, poll.enacted_tx = fact.block_number, fact.tx_hash
        if poll.enacted_state != POLL_SUCCEEDED:
            return
        for winner in a["winners"]:
            product = self._product_row(winner)
            if product is not None and product.added_tx == fact.tx_hash:
                product.added_by_poll = poll.id

    def _poll_quorum(self, fact: Fact) -> None:
        self._change(fact, "poll_quorum_numerator", fact.args["oldNumerator"], fact.args["newNumerator"])


def touched_members(facts: Iterable[Fact]) -> set[str]:
    """Addresses a batch will update (for `Projector.prefetch_members`)."""
    keys = ("member", "delegate", "delegator")
    return {f.args[k] for f in facts if f.contract == "ContributionPoints" for k in keys if k in f.args}


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
