"""CommunityGovernor from Python: propose, vote (directly or by relayed EIP-712 ballot), queue, execute.

A proposal is pinned by its id = keccak256(abi.encode(targets, values, calldatas, keccak256(description)));
`Proposal` keeps the actions and description because queue, execute and cancel must repeat them exactly.
The clock is the token's timestamp clock, so `advance_*` move time (not blocks) past each boundary.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from eth_abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from chain.ballots import BallotDomain, SignedBallot, recovery_id_form, sign_ballot
from chain.errors import ChainError, ContractCustomError
from chain.system import Linli


class ProposalState(IntEnum):
    PENDING = 0
    ACTIVE = 1
    CANCELED = 2
    DEFEATED = 3
    SUCCEEDED = 4
    QUEUED = 5
    EXPIRED = 6
    EXECUTED = 7


class Support(IntEnum):
    AGAINST = 0
    FOR = 1
    ABSTAIN = 2


@dataclass(frozen=True, slots=True)
class Action:
    """One call the timelock will make if the proposal passes."""

    target: str
    value: int
    calldata: bytes

    @classmethod
    def of(cls, fn: ContractFunction, value: int = 0) -> Action:
        """The action calling `fn` (e.g. `rule_book.functions.setPoolRate(250)`)."""
        return cls(str(fn.address), value, bytes.fromhex(fn._encode_transaction_data().removeprefix("0x")))


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    actions: tuple[Action, ...]
    description: str

    @property
    def description_hash(self) -> bytes:
        return keccak(self.description.encode("utf-8"))

    def arguments(self) -> tuple[list[str], list[int], list[bytes], bytes]:
        """(targets, values, calldatas, descriptionHash) as queue/execute/cancel take them."""
        return (
            [a.target for a in self.actions],
            [a.value for a in self.actions],
            [a.calldata for a in self.actions],
            self.description_hash,
        )


@dataclass(frozen=True, slots=True)
class Tally:
    against: int
    for_: int
    abstain: int


def proposal_id(actions: Sequence[Action], description: str) -> int:
    """The id the governor will give these actions with this description (OZ `hashProposal`)."""
    encoded = abi_encode(
        ["address[]", "uint256[]", "bytes[]", "bytes32"],
        [[a.target for a in actions], [a.value for a in actions], [a.calldata for a in actions],
         keccak(description.encode("utf-8"))],
    )
    return int.from_bytes(keccak(encoded), "big")


class Governance:
    def __init__(self, linli: Linli) -> None:
        self._linli = linli
        self._fn = linli.governor.functions

    def _call(self, fn: ContractFunction) -> Any:  # an ABI-decoded value
        return self._linli.tx.call(fn)

    def propose(self, actions: Sequence[Action], description: str, proposer: LocalAccount) -> Proposal:
        """Submit a proposal; returns it with its id (checked against the ProposalCreated event)."""
        if not actions:
            raise ChainError("a proposal needs at least one action")
        proposal = Proposal(proposal_id(actions, description), tuple(actions), description)
        targets, values, calldatas, _ = proposal.arguments()
        receipt = self._linli.tx.send(self._fn.propose(targets, values, calldatas, description), proposer)
        created = [e for e in self._linli.events.from_receipt(receipt) if e.name == "ProposalCreated"]
        if not created or created[0].args["proposalId"] != proposal.id:
            raise ChainError(f"governor did not report proposal {proposal.id} as created")
        return proposal

    def state(self, pid: int) -> ProposalState:
        return ProposalState(int(self._call(self._fn.state(pid))))

    def snapshot(self, pid: int) -> int:
        """Timestamp at which voting weight is read; voting opens right after it."""
        return int(self._call(self._fn.proposalSnapshot(pid)))

    def deadline(self, pid: int) -> int:
        """Timestamp at which voting closes (late-quorum prevention may push it back)."""
        return int(self._call(self._fn.proposalDeadline(pid)))

    def eta(self, pid: int) -> int:
        """Timestamp from which a queued proposal may execute (0 when not queued)."""
        return int(self._call(self._fn.proposalEta(pid)))

    def quorum(self, timepoint: int) -> int:
        return int(self._call(self._fn.quorum(timepoint)))

    def tally(self, pid: int) -> Tally:
        votes = self._call(self._fn.proposalVotes(pid))  # (against, for, abstain)
        return Tally(int(votes[0]), int(votes[1]), int(votes[2]))

    def has_voted(self, pid: int, voter: str) -> bool:
        return bool(self._call(self._fn.hasVoted(pid, voter)))

    def cast_vote(self, pid: int, support: Support, voter: LocalAccount, reason: str = "") -> TxReceipt:
        fn = self._fn.castVoteWithReason(pid, int(support), reason) if reason else self._fn.castVote(pid, int(support))
        return self._linli.tx.send(fn, voter)

    def ballot_domain(self) -> BallotDomain:
        """The governor's EIP-712 domain (name and version read from the contract)."""
        return BallotDomain(
            name=str(self._call(self._fn.name())),
            version=str(self._call(self._fn.version())),
            chain_id=self._linli.chain.chain_id,
            governor=self._linli.governor.address,
        )

    def nonce(self, voter: str) -> int:
        """The governor nonce the voter's next ballot must be signed over."""
        return int(self._call(self._fn.nonces(voter)))

    def sign_ballot(self, pid: int, support: Support, voter: LocalAccount, reason: str | None = None) -> SignedBallot:
        """The member's signed vote (with `reason`, an ExtendedBallot), over its current governor nonce; nothing
        is sent."""
        return sign_ballot(self.ballot_domain(), voter, pid, int(support), self.nonce(voter.address), reason)

    def vote_by_sig(self, ballot: SignedBallot) -> ContractFunction:
        """The governor call that casts `ballot`: castVoteBySig, or castVoteWithReasonAndParamsBySig for an
        ExtendedBallot."""
        if ballot.reason is None:
            return self._fn.castVoteBySig(ballot.proposal_id, ballot.support, ballot.voter, ballot.signature)
        return self._fn.castVoteWithReasonAndParamsBySig(ballot.proposal_id, ballot.support, ballot.voter,
                                                         ballot.reason, ballot.params, ballot.signature)

    def simulate_ballot(self, ballot: SignedBallot, relayer: str) -> tuple[SignedBallot, int]:
        """The ballot as the governor takes it and the weight it would count: an eth_call of the exact call a
        relay sends, from `relayer`, on the block estimates run on ("pending" on a node). Nothing is paid.

        The signature is tried as signed; only when the governor refuses it and it is an ECDSA signature with a
        wallet's 0/1 v is its 27/28 form tried too. A refusal raises the decoded ContractCustomError."""
        form, block = recovery_id_form(ballot.signature), self._linli.chain.estimate_block
        try:
            call = self.vote_by_sig(ballot)
            return ballot, int(self._linli.tx.call(call, block=block, sender=relayer))
        except ContractCustomError as exc:
            if form is None or exc.error_name != "GovernorInvalidSignature":
                raise
        return self.simulate_ballot(replace(ballot, signature=form), relayer)

    def relay_ballot(self, ballot: SignedBallot, relayer: LocalAccount) -> TxReceipt:
        """Submit someone's signed ballot, paying the gas; simulated first, so a ballot the governor refuses
        (wrong signer, nonce, state) costs nothing and raises its decoded reason, marked "not relayed"."""
        try:
            accepted, _ = self.simulate_ballot(ballot, relayer.address)
        except ContractCustomError as exc:
            raise ContractCustomError(exc.error_name, exc.error_args, data=exc.data,
                                      context=f"the ballot of {ballot.voter} was not relayed") from exc
        return self._linli.tx.send(self.vote_by_sig(accepted), relayer)

    def queue(self, proposal: Proposal, sender: LocalAccount) -> TxReceipt:
        return self._linli.tx.send(self._fn.queue(*proposal.arguments()), sender)

    def execute(self, proposal: Proposal, sender: LocalAccount) -> TxReceipt:
        value = sum(a.value for a in proposal.actions)
        return self._linli.tx.send(self._fn.execute(*proposal.arguments()), sender, value=value)

    def cancel(self, proposal: Proposal, sender: LocalAccount) -> TxReceipt:
        """Cancel (the proposer while pending, or the guardian until its expiry)."""
        return self._linli.tx.send(self._fn.cancel(*proposal.arguments()), sender)

    def _advance_past(self, timepoint: int) -> None:
        """Mine a block strictly after `timepoint` (dev chains only)."""
        chain = self._linli.chain
        missing = timepoint + 1 - chain.timestamp()
        chain.increase_time(max(missing, 1))

    def advance_to_voting(self, pid: int) -> None:
        """Move time past the snapshot so the proposal is Active."""
        self._advance_past(self.snapshot(pid))

    def advance_past_deadline(self, pid: int) -> None:
        """Move time past the (possibly extended) deadline so the vote is decided."""
        self._advance_past(self.deadline(pid))

    def advance_to_eta(self, pid: int) -> None:
        """Move time to the timelock's eta so a queued proposal can execute."""
        eta = self.eta(pid)
        if eta == 0:
            raise ChainError(f"proposal {pid} is not queued")
        self._advance_past(eta - 1)
