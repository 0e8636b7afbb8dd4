"""`linli vote PROPOSAL_ID for|against|abstain` (or `--sign` a ballot), and `linli vote relay BALLOT.json`.

A member without ether signs an EIP-712 ballot (`--sign --out ballot.json`); anyone with gas money relays it
with `linli vote relay`, and the vote counts for the signer. `vote ID …` is short for `vote cast ID …`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from typer.core import TyperGroup

from chain.errors import ChainError
from governance import bounded_json
from governance.errors import BadInput
from linli.cli.options import DeploymentFile, Json, Keystore, Rpc, emit_json, note

if TYPE_CHECKING:
    from web3.types import TxReceipt

    from chain.system import Linli

BALLOT_MAX_BYTES = 64 * 1024  # a signed ballot is about 400 bytes


class _CastByDefault(TyperGroup):
    """`vote 42 for` means `vote cast 42 for`; `vote relay FILE` stays a sub-command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["cast", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=_CastByDefault, no_args_is_help=True,
                  help="Vote on a proposal: directly, as a signed ballot for a relayer, or relay a ballot.")


def proposal_number(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise BadInput(f"proposal id {text!r} is not a number") from None


@app.command("cast")
def cast(
    proposal_id: Annotated[str, typer.Argument(help="The proposal id `linli propose` printed.")],
    support: Annotated[str, typer.Argument(help="for | against | abstain.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Published with the vote (with --sign, in the "
                                                                "signed ballot).")] = None,
    sign: Annotated[bool, typer.Option("--sign", help="Do not send: write a signed EIP-712 ballot for a relayer.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Where --sign writes the ballot.")] = Path("ballot.json"),
    rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None, as_json: Json = False,
) -> None:
    """Vote with the signer's points (LINLI_PRIVATE_KEY or --keystore), or sign a ballot with --sign."""
    from chain.ballots import MAX_REASON_CHARS  # web3 and py-evm load only when the command runs
    from chain.governor import Governance, ProposalState
    from linli.services.proposals import find_proposal, parse_support, require_state
    from linli.services.session import attached

    pid, choice = proposal_number(proposal_id), parse_support(support)
    if sign and reason is not None and len(reason) > MAX_REASON_CHARS:
        raise BadInput(f"--reason is {len(reason)} characters; a relay takes at most {MAX_REASON_CHARS}")
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        find_proposal(linli, pid)
        gov, voter = Governance(linli), linli.chain.signers[0]
        require_state(linli, pid, ProposalState.ACTIVE, "vote on")
        if gov.has_voted(pid, voter.address):
            raise ChainError(f"{voter.address} has already voted on proposal {pid}")
        if sign:
            ballot = gov.sign_ballot(pid, choice, voter, reason)
            out.write_text(json.dumps(ballot.to_json(), indent=2) + "\n", encoding="utf-8")
            _done({"ballot": str(out), **ballot.to_json()}, f"signed ballot written to {out}; relay it with "
                  f"`linli vote relay {out}`", as_json)
            return
        receipt = gov.cast_vote(pid, choice, voter, reason=reason or "")
        _done(_vote_json(linli, receipt, pid), f"{voter.address} voted {choice.name.lower()} on {pid}", as_json)


@app.command("relay")
def relay(
    ballot_file: Annotated[Path, typer.Argument(help="A ballot written by `linli vote … --sign`.")],
    rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None, as_json: Json = False,
) -> None:
    """Submit someone's signed ballot with castVoteBySig; the relayer (the signer here) pays the gas."""
    from chain.ballots import SignedBallot  # web3 and py-evm load only when the command runs
    from chain.governor import Governance, ProposalState
    from linli.services.proposals import find_proposal, require_state
    from linli.services.session import attached

    try:
        ballot = SignedBallot.from_json(bounded_json.load_file(ballot_file, max_bytes=BALLOT_MAX_BYTES))
    except FileNotFoundError:
        raise BadInput(f"ballot file {ballot_file} not found") from None
    except (ValueError, AttributeError) as exc:
        raise BadInput(f"ballot file {ballot_file}: not a ballot ({exc})") from None
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        find_proposal(linli, ballot.proposal_id)
        gov = Governance(linli)
        require_state(linli, ballot.proposal_id, ProposalState.ACTIVE, "relay a vote on")
        if gov.has_voted(ballot.proposal_id, ballot.voter):
            raise ChainError(f"{ballot.voter} has already voted on proposal {ballot.proposal_id}")
        receipt = gov.relay_ballot(ballot, linli.chain.signers[0])
        _done(_vote_json(linli, receipt, ballot.proposal_id),
              f"relayed the vote of {ballot.voter} on {ballot.proposal_id}", as_json)


def _vote_json(linli: Linli, receipt: TxReceipt, pid: int) -> dict[str, Any]:
    cast = next(e for e in linli.events.from_receipt(receipt) if e.name in ("VoteCast", "VoteCastWithParams")).args
    return {"proposal_id": str(pid), "voter": cast["voter"], "support": ["against", "for", "abstain"][cast["support"]],
            "weight": int(cast["weight"]), "tx": receipt["transactionHash"].to_0x_hex()}


def _done(data: dict[str, Any], sentence: str, as_json: bool) -> None:
    if as_json:
        emit_json(data)
    else:
        typer.echo(sentence + (f" (weight {data['weight']})" if "weight" in data else ""))
    if not as_json and data.get("weight") == 0:
        note("note: weight 0 — the voter held no points at the proposal's snapshot")
