"""Proposals as the CLI sees them: rule-change actions by name, a proposal re-read from the chain, and
the checks that turn a doomed vote into one clear sentence instead of a revert.

The chain is the source of truth: queue and execute need the exact actions and description, and both are
in the governor's ProposalCreated event, so nothing is kept in local files.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_utils import keccak

from chain.errors import ChainError
from chain.governor import Action, Governance, Proposal, ProposalState, Support, Tally
from chain.system import Linli
from governance.errors import BadInput
from linli.i18n import t
from linli.names import state_name

SUPPORT_NAMES = {"for": Support.FOR, "against": Support.AGAINST, "abstain": Support.ABSTAIN}


class UnknownProposal(ChainError):
    """No proposal with this id was created on this deployment."""


def product_id(text: str) -> bytes:
    """A product's bytes32 id: its UTF-8 name, right-padded (readable on chain), at most 32 bytes."""
    raw = text.encode("utf-8")
    if not raw or len(raw) > 32:
        raise BadInput(t("propose.bad_product_id", text=text))
    return raw.ljust(32, b"\0")


def metadata_hash(text: str) -> bytes:
    """keccak256 of the product's metadata (JSON or any text the co-op publishes elsewhere)."""
    return keccak(text.encode("utf-8"))


def parse_support(word: str) -> Support:
    try:
        return SUPPORT_NAMES[word.lower()]
    except KeyError:
        raise BadInput(t("vote.bad_support", word=word)) from None


@dataclass(frozen=True, slots=True)
class ProposalView:
    """Everything `linli proposal show` prints."""

    proposal: Proposal
    proposer: str
    state: ProposalState
    snapshot: int
    deadline: int
    eta: int
    quorum: int
    tally: Tally
    calls: tuple[str, ...]  # each action decoded, e.g. "RuleBook.setCommissionRate(level=1, rateBps=1200)"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.proposal.id),
            "description": self.proposal.description,
            "proposer": self.proposer,
            "state": self.state.name.lower(),
            "snapshot": self.snapshot,
            "deadline": self.deadline,
            "eta": self.eta,
            "quorum": self.quorum,
            "votes": {"for": self.tally.for_, "against": self.tally.against, "abstain": self.tally.abstain},
            "actions": list(self.calls),
        }


def find_proposal(linli: Linli, pid: int) -> tuple[Proposal, str]:
    """The proposal and its proposer, from its ProposalCreated event; UnknownProposal if there is none."""
    events = linli.events
    logs = linli.log_fetcher().fetch(
        linli.deployment.block,
        linli.chain.block_number(),
        address=linli.governor.address,
        topics=[events.topic("ProposalCreated").to_0x_hex()],
    )
    for event in events.decode_all(logs):
        if event.name == "ProposalCreated" and int(event.args["proposalId"]) == pid:
            a = event.args
            actions = tuple(Action(str(t), int(v), bytes(c))
                            for t, v, c in zip(a["targets"], a["values"], a["calldatas"], strict=True))
            return Proposal(pid, actions, str(a["description"])), str(a["proposer"])
    raise UnknownProposal(t("proposal.unknown", pid=pid, governor=linli.governor.address))


def describe_action(linli: Linli, action: Action) -> str:
    """`Contract.function(arg=value, …)` for actions on Linli's own contracts, else the raw call."""
    for contract, name in ((linli.rule_book, "RuleBook"), (linli.governor, "CommunityGovernor"),
                           (linli.points, "ContributionPoints"), (linli.ledger, "PayoutLedger")):
        if contract.address.lower() == action.target.lower():
            fn, args = contract.decode_function_input(action.calldata)
            shown = ", ".join(f"{k}={_show(v)}" for k, v in args.items())
            return f"{name}.{fn.fn_name}({shown})"
    return f"{action.target} value={action.value} calldata=0x{action.calldata.hex()}"


def _show(value: object) -> str:
    if isinstance(value, bytes):
        text = value.rstrip(b"\0")
        readable = text and text.isascii() and text.decode().isprintable()
        return repr(text.decode("utf-8")) if readable else "0x" + value.hex()
    return str(value)


def view(linli: Linli, pid: int) -> ProposalView:
    proposal, proposer = find_proposal(linli, pid)
    gov = Governance(linli)
    snapshot = gov.snapshot(pid)
    return ProposalView(
        proposal=proposal,
        proposer=proposer,
        state=gov.state(pid),
        snapshot=snapshot,
        deadline=gov.deadline(pid),
        eta=gov.eta(pid),
        quorum=gov.quorum(snapshot) if snapshot < linli.chain.timestamp() else 0,
        tally=gov.tally(pid),
        calls=tuple(describe_action(linli, a) for a in proposal.actions),
    )


def require_state(linli: Linli, pid: int, wanted: ProposalState, doing: str) -> None:
    """Refuse `doing` with a sentence saying why, unless the proposal is in state `wanted`."""
    gov = Governance(linli)
    state = gov.state(pid)
    if state is wanted:
        return
    now = linli.chain.timestamp()
    hint = ""
    if state is ProposalState.PENDING:
        hint = t("proposal.opens_in", seconds=gov.snapshot(pid) + 1 - now)
    elif state is ProposalState.ACTIVE:
        hint = t("proposal.closes_in", seconds=gov.deadline(pid) + 1 - now)
    elif state is ProposalState.QUEUED:
        hint = t("proposal.releases_in", seconds=max(0, gov.eta(pid) - now))
    raise ChainError(t("proposal.wrong_state", doing=doing, pid=pid, state=state_name(state), hint=hint))

