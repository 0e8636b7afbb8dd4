"""CommunityGovernor from Python: propose, vote (directly or by relayed EIP-712 ballot), queue, execute.

A proposal is pinned by its id = keccak256(abi.encode(targets, values, calldatas, keccak256(description)));
`Proposal` keeps the actions and description because queue, execute and cancel must repeat them exactly.
The clock is the token's timestamp clock, so `advance_*` move time (not blocks) past each boundary.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3.contract.contract import ContractFunction
from web3.types import TxParams, TxReceipt

from chain.ballots import BallotDomain, SignedBallot, ballot_signer, sign_ballot
from chain.errors import ChainError
from chain.reverts import node_message, revert_data
from chain.system import Linli
from governance.errors import LinliError


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

    def _call(self, fn: ContractFunction) -> object:
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
        return ProposalState(int(self._call(self._fn.state(pid))))  # type: ignore[call-overload]

    def snapshot(self, pid: int) -> int:
        """Timestamp at which voting weight is read; voting opens right after it."""
        return int(self._call(self._fn.proposalSnapshot(pid)))  # type: ignore[call-overload]

    def deadline(self, pid: int) -> int:
        """Timestamp at which voting closes (late-quorum prevention may push it back)."""
        return int(self._call(self._fn.proposalDeadline(pid)))  # type: ignore[call-overload]

    def eta(self, pid: int) -> int:
        """Timestamp from which a queued proposal may execute (0 when not queued)."""
        return int(self._call(self._fn.proposalEta(pid)))  # type: ignore[call-overload]

    def quorum(self, timepoint: int) -> int:
        return int(self._call(self._fn.quorum(timepoint)))  # type: ignore[call-overload]

    def tally(self, pid: int) -> Tally:
        against, for_, abstain = self._call(self._fn.proposalVotes(pid))  # type: ignore[misc]
        return Tally(int(against), int(for_), int(abstain))

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

    def sign_ballot(self, pid: int, support: Support, voter: LocalAccount) -> SignedBallot:
        """The member's signed vote, with its current governor nonce; nothing is sent."""
        nonce = int(self._call(self._fn.nonces(voter.address)))  # type: ignore[call-overload]
        return sign_ballot(self.ballot_domain(), voter, pid, int(support), nonce)

    def relay_ballot(self, ballot: SignedBallot, relayer: LocalAccount) -> TxReceipt:
        """Submit someone's signed ballot, paying the gas; refused locally if the signature is not the voter's."""
        signer = ballot_signer(self.ballot_domain(), ballot)
        if signer.lower() != ballot.voter.lower():
            raise ChainError(f"ballot for {ballot.voter} is signed by {signer}: not relayed")
        fn = self._fn.castVoteBySig(ballot.proposal_id, ballot.support, ballot.voter, ballot.signature)
        return self._linli.tx.send(fn, relayer)

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


class RelayReads:
    """What a relay reads before it pays for a ballot: the proposal's snapshot and the voter's weight there.

    Each is a raw `eth_call` with calldata built by eth_abi from a fixed selector, because web3's contract
    functions look their ABI entry up on every call by hashing the selector of every function in the ABI
    (about 50 keccaks a call, the largest CPU cost of a relay under load). A proposal's snapshot is fixed
    when it is proposed (OpenZeppelin's Governor never moves `voteStart`), so it is read once per proposal
    and process; 0 (no such proposal, yet) is never cached. One instance belongs to one bound `Linli`.
    """

    MAX_CACHED = 4096

    def __init__(self, linli: Linli) -> None:
        self._linli = linli
        self._snapshots: dict[int, int] = {}

    def _read(self, to: str, signature: str, types: list[str], args: list[object]) -> int:
        """The one uint256 that `signature` returns; a revert raises the decoded TransactionReverted."""
        data = keccak(text=signature)[:4] + abi_encode(types, args)
        params: TxParams = {"to": to, "data": data}  # type: ignore[typeddict-item]
        try:
            result = self._linli.chain.w3.eth.call(params, "latest")
        except Exception as exc:
            found = None if isinstance(exc, LinliError) else revert_data(exc)
            if found is None:
                raise
            label = f"{self._linli.tx.names.get(to.lower(), to)}.{signature.split('(')[0]}"
            raise self._linli.tx.decoder.to_error(found, context=label, node_said=node_message(exc)) from exc
        return int(abi_decode(["uint256"], bytes(result))[0])

    def snapshot(self, pid: int) -> int:
        """`proposalSnapshot(pid)`, from the cache once the proposal exists."""
        cached = self._snapshots.get(pid)
        if cached is not None:
            return cached
        snapshot = self._read(self._linli.governor.address, "proposalSnapshot(uint256)", ["uint256"], [pid])
        if snapshot:
            if len(self._snapshots) >= self.MAX_CACHED:
                self._snapshots.clear()
            self._snapshots[pid] = snapshot
        return snapshot

    def past_votes(self, voter: str, timepoint: int) -> int:
        """The token's `getPastVotes(voter, timepoint)`: ERC5805FutureLookup while `timepoint` is not past."""
        return self._read(self._linli.points.address, "getPastVotes(address,uint256)", ["address", "uint256"],
                          [voter, timepoint])
