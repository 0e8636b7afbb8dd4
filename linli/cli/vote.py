"""`linli vote PROPOSAL_ID for|against|abstain` (or `--sign` a ballot), and `linli vote relay BALLOT.json`.

A member without ether signs an EIP-712 ballot (`--sign --out ballot.json`); anyone with gas money relays it
with `linli vote relay`, and the vote counts for the signer. `vote ID …` is short for `vote cast ID …`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from chain.errors import ChainError
from governance import bounded_json
from governance.errors import BadInput
from linli.cli.options import DeploymentFile, Json, Keystore, ProposalId, Rpc, emit_json, note
from linli.i18n import t
from linli.names import choice_name

if TYPE_CHECKING:
    from typer._click.core import Context
    from web3.types import TxReceipt

    from chain.system import Linli

BALLOT_MAX_BYTES = 64 * 1024  # a signed ballot is about 400 bytes


class _CastByDefault(TyperGroup):
    """`vote 42 for` means `vote cast 42 for`; `vote relay FILE` stays a sub-command."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["cast", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=_CastByDefault, no_args_is_help=True, help=t("vote.help"))


def proposal_number(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise BadInput(t("vote.bad_id", text=text)) from None


@app.command("cast", help=t("vote.cast.help"))
def cast(
    proposal_id: ProposalId,
    support: Annotated[str, typer.Argument(help=t("vote.cast.support"))],
    reason: Annotated[str | None, typer.Option("--reason", help=t("vote.cast.reason"))] = None,
    sign: Annotated[bool, typer.Option("--sign", help=t("vote.cast.sign"))] = False,
    out: Annotated[Path, typer.Option("--out", help=t("vote.cast.out"))] = Path("ballot.json"),
    rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None, as_json: Json = False,
) -> None:
    from chain.ballots import MAX_REASON_CHARS  # web3 and py-evm load only when the command runs
    from chain.governor import Governance, ProposalState
    from linli.services.proposals import find_proposal, parse_support, require_state
    from linli.services.session import attached

    pid, choice = proposal_number(proposal_id), parse_support(support)
    if sign and reason is not None and len(reason) > MAX_REASON_CHARS:
        raise BadInput(t("vote.reason_too_long", length=len(reason), most=MAX_REASON_CHARS))
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        find_proposal(linli, pid)
        gov, voter = Governance(linli), linli.chain.signers[0]
        require_state(linli, pid, ProposalState.ACTIVE, t("proposal.doing.vote"))
        if gov.has_voted(pid, voter.address):
            raise ChainError(t("vote.already_voted", voter=voter.address, pid=pid))
        if sign:
            ballot = gov.sign_ballot(pid, choice, voter, reason)
            out.write_text(json.dumps(ballot.to_json(), indent=2) + "\n", encoding="utf-8")
            _done({"ballot": str(out), **ballot.to_json()}, t("vote.ballot_written", out=out), as_json)
            return
        receipt = gov.cast_vote(pid, choice, voter, reason=reason or "")
        voted = t("vote.voted", voter=voter.address, choice=choice_name(choice), pid=pid)
        _done(_vote_json(linli, receipt, pid), voted, as_json)


@app.command("relay", help=t("vote.relay.help"))
def relay(
    ballot_file: Annotated[Path, typer.Argument(help=t("vote.relay.file"))],
    rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None, as_json: Json = False,
) -> None:
    from chain.ballots import SignedBallot  # web3 and py-evm load only when the command runs
    from chain.governor import Governance, ProposalState
    from linli.services.proposals import find_proposal, require_state
    from linli.services.session import attached

    try:
        ballot = SignedBallot.from_json(bounded_json.load_file(ballot_file, max_bytes=BALLOT_MAX_BYTES))
    except FileNotFoundError:
        raise BadInput(t("vote.ballot_missing", file=ballot_file)) from None
    except (ValueError, AttributeError) as exc:
        raise BadInput(t("vote.ballot_bad", file=ballot_file, reason=exc)) from None
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        find_proposal(linli, ballot.proposal_id)
        gov = Governance(linli)
        require_state(linli, ballot.proposal_id, ProposalState.ACTIVE, t("proposal.doing.relay"))
        if gov.has_voted(ballot.proposal_id, ballot.voter):
            raise ChainError(t("vote.already_voted", voter=ballot.voter, pid=ballot.proposal_id))
        receipt = gov.relay_ballot(ballot, linli.chain.signers[0])
        _done(_vote_json(linli, receipt, ballot.proposal_id),
              t("vote.relayed", voter=ballot.voter, pid=ballot.proposal_id), as_json)


def _vote_json(linli: Linli, receipt: TxReceipt, pid: int) -> dict[str, Any]:
    cast = next(e for e in linli.events.from_receipt(receipt) if e.name in ("VoteCast", "VoteCastWithParams")).args
    return {"proposal_id": str(pid), "voter": cast["voter"], "support": ["against", "for", "abstain"][cast["support"]],
            "weight": int(cast["weight"]), "tx": receipt["transactionHash"].to_0x_hex()}


def _done(data: dict[str, Any], sentence: str, as_json: bool) -> None:
    if as_json:
        emit_json(data)
    else:
        typer.echo(sentence + (t("vote.weight", weight=data["weight"]) if "weight" in data else ""))
    if not as_json and data.get("weight") == 0:
        note(t("vote.weight_zero"))
