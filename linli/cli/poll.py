"""`linli poll …`: binding product polls (ProductPoll). Open one over candidate products, approve several of
them (directly, or `--sign` an EIP-712 approval that anyone relays with `linli poll relay`), and after the
deadline `linli poll enact`: the top-N winners join the RuleBook catalogue when turnout reached the quorum.

Product ids are typed as text (the catalogue's bytes32 rule, as `linli propose product-add`); how a candidate's
metadata hash is chosen is in `linli.services.polls`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from governance import bounded_json
from governance.errors import BadInput
from linli.cli.options import DeploymentFile, Json, Keystore, Rpc, emit_json, note
from linli.cli.proposal import _when
from linli.i18n import t

if TYPE_CHECKING:
    from web3.types import TxReceipt

    from chain.polls import PollView
    from chain.system import Linli
    from linli.services.polls import Opened

APPROVAL_MAX_BYTES = 64 * 1024  # a signed approval is about 400 bytes
MAX_TOP_N = 64

app = typer.Typer(help=t("poll.help"), no_args_is_help=True)

PollId = Annotated[str, typer.Argument(help=t("poll.id"))]


def poll_number(text: str) -> int:
    try:
        number = int(text, 10)
    except ValueError:
        raise BadInput(t("poll.bad_id", text=text)) from None
    if number < 1:
        raise BadInput(t("poll.bad_id", text=text))
    return number


@app.command("open", help=t("poll.open.help"))
def open_poll(
    products: Annotated[str, typer.Option("--products", help=t("poll.open.products"))],
    top: Annotated[int, typer.Option("--top", min=1, max=MAX_TOP_N, help=t("poll.open.top"))],
    description: Annotated[str, typer.Option("--description", help=t("poll.open.description"))],
    metadata: Annotated[Path | None, typer.Option("--metadata", help=t("poll.open.metadata"))] = None,
    rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None, as_json: Json = False,
) -> None:
    from chain.polls import Polls  # web3 and py-evm load only when the command runs
    from linli.services.polls import MIN_CANDIDATES, candidates, parse_products
    from linli.services.session import attached

    chosen = parse_products([products], least=MIN_CANDIDATES)
    if top > len(chosen):
        raise BadInput(t("poll.top_too_big", top=top, count=len(chosen)))
    if not description.strip():
        raise BadInput(t("poll.no_description"))
    offered = candidates(chosen, metadata)
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        poll_id = Polls(linli).open(offered, top, description, linli.chain.signers[0])
    if as_json:
        emit_json({"id": str(poll_id), "description": description, "products": [p.name for p in chosen],
                   "top_n": top})
    else:
        note(t("poll.opened", description=description, count=len(chosen), top=top))
        typer.echo(str(poll_id))


@app.command("list", help=t("poll.list.help"))
def list_polls(rpc: Rpc = None, deployment: DeploymentFile = None, as_json: Json = False) -> None:
    from chain.polls import Polls  # web3 and py-evm load only when the command runs
    from linli.services.polls import opened, poll_json
    from linli.services.session import attached

    with attached(rpc=rpc, deployment=deployment, signer_needed=False) as linli:
        polls, about = Polls(linli), opened(linli)
        views = [polls.read(i) for i in range(1, polls.count() + 1)]
    if as_json:
        emit_json([poll_json(v, about.get(v.id)) for v in views])
        return
    if not views:
        typer.echo(t("poll.list.none"))
    for v in views:
        known = about.get(v.id)
        typer.echo(t("poll.list.row", poll=v.id, state=v.state.name.lower(), top=v.top_n, count=len(v.options),
                     turnout=v.turnout, description=known.description if known else ""))


@app.command("show", help=t("poll.show.help"))
def show(poll_id: PollId, rpc: Rpc = None, deployment: DeploymentFile = None, as_json: Json = False) -> None:
    from chain.polls import Polls  # web3 and py-evm load only when the command runs
    from linli.services.polls import find_poll, opened, poll_json
    from linli.services.session import attached

    number = poll_number(poll_id)
    with attached(rpc=rpc, deployment=deployment, signer_needed=False) as linli:
        polls = Polls(linli)
        find_poll(polls, number)
        view, about = polls.read(number), opened(linli).get(number)
    if as_json:
        emit_json(poll_json(view, about))
    else:
        _print_poll(view, about)


def _print_poll(v: PollView, about: Opened | None) -> None:
    from linli.services.polls import product_text

    typer.echo(t("poll.show.head", poll=v.id, description=about.description if about else "",
                 state=v.state.name.lower(), top=v.top_n))
    typer.echo(t("poll.show.window", start=_when(v.snapshot), end=_when(v.deadline)))
    quorum = "-" if v.quorum is None else str(v.quorum)
    typer.echo(t("poll.show.turnout", turnout=v.turnout, quorum=quorum))
    for option in sorted(v.options, key=lambda o: -o.weight):
        typer.echo(f"  {option.weight:>10}  {product_text(option.product_id)}")
    if v.winners:
        typer.echo(t("poll.show.winners", winners=", ".join(product_text(w) for w in v.winners)))


@app.command("vote", help=t("poll.vote.help"))
def vote(
    poll_id: PollId,
    products: Annotated[list[str], typer.Argument(help=t("poll.vote.products"))],
    sign: Annotated[bool, typer.Option("--sign", help=t("poll.vote.sign"))] = False,
    out: Annotated[Path, typer.Option("--out", help=t("poll.vote.out"))] = Path("approval.json"),
    rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None, as_json: Json = False,
) -> None:
    from chain.polls import Polls  # web3 and py-evm load only when the command runs
    from linli.services.polls import chosen_ids, parse_products, require_active, require_new_voter
    from linli.services.session import attached

    number, chosen = poll_number(poll_id), parse_products(products, least=1)
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        polls, voter = Polls(linli), linli.chain.signers[0]
        require_active(linli, number, t("poll.doing.vote"))
        require_new_voter(polls, number, voter.address)
        ids = chosen_ids(polls, number, chosen)
        if sign:
            approval = polls.sign_approval(number, ids, voter)
            out.write_text(json.dumps(approval.to_json(), indent=2) + "\n", encoding="utf-8")
            _done({"approval": str(out), **approval.to_json()}, t("poll.approval_written", out=out), as_json)
            return
        receipt = polls.approve(number, ids, voter)
        _done(_approval_json(linli, receipt),
              t("poll.voted", voter=voter.address, poll=number, products=", ".join(p.name for p in chosen)), as_json)


@app.command("relay", help=t("poll.relay.help"))
def relay(
    approval_file: Annotated[Path, typer.Argument(help=t("poll.relay.file"))],
    rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None, as_json: Json = False,
) -> None:
    from chain.polls import Polls, SignedApproval  # web3 and py-evm load only when the command runs
    from linli.services.polls import check_signed, require_active, require_new_voter
    from linli.services.session import attached

    try:
        approval = SignedApproval.from_json(bounded_json.load_file(approval_file, max_bytes=APPROVAL_MAX_BYTES))
    except FileNotFoundError:
        raise BadInput(t("poll.approval_missing", file=approval_file)) from None
    except (ValueError, AttributeError, TypeError) as exc:
        raise BadInput(t("poll.approval_bad", file=approval_file, reason=exc)) from None
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        polls = Polls(linli)
        require_active(linli, approval.poll_id, t("poll.doing.relay"))
        require_new_voter(polls, approval.poll_id, approval.voter)
        check_signed(linli, approval, approval_file)
        receipt = polls.relay(approval, linli.chain.signers[0])
        _done(_approval_json(linli, receipt), t("poll.relayed", voter=approval.voter, poll=approval.poll_id),
              as_json)


@app.command("enact", help=t("poll.enact.help"))
def enact(poll_id: PollId, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
          as_json: Json = False) -> None:
    from chain.errors import ChainError
    from chain.polls import Polls, PollState  # web3 and py-evm load only when the command runs
    from linli.services.polls import find_poll, product_text
    from linli.services.session import attached

    number = poll_number(poll_id)
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        polls = Polls(linli)
        find_poll(polls, number)
        view = polls.read(number)
        if view.state in (PollState.PENDING, PollState.ACTIVE):
            wait = view.deadline + 1 - linli.chain.timestamp()
            raise ChainError(t("poll.not_ended", poll=number, state=view.state.name.lower(), seconds=wait))
        if view.state is PollState.ENACTED:
            raise ChainError(t("poll.already_enacted", poll=number))
        outcome = polls.enact(number, linli.chain.signers[0])
    names = [product_text(w) for w in outcome.winners]
    if as_json:
        emit_json({"id": str(number), "state": outcome.state.name.lower(), "winners": names, "added": outcome.added,
                   "turnout": view.turnout, "quorum": view.quorum,
                   "tx": outcome.receipt["transactionHash"].to_0x_hex()})
    elif outcome.state is PollState.SUCCEEDED:
        typer.echo(t("poll.enacted", poll=number, winners=", ".join(names), added=outcome.added))
    elif outcome.state is PollState.TIED:
        typer.echo(t("poll.enacted_tied", poll=number))
    else:
        typer.echo(t("poll.enacted_defeated", poll=number, turnout=view.turnout, quorum=view.quorum))


def _approval_json(linli: Linli, receipt: TxReceipt) -> dict[str, Any]:
    cast = next(e for e in linli.events.from_receipt(receipt) if e.name == "ApprovalCast").args
    return {"poll_id": str(cast["pollId"]), "voter": cast["voter"], "selection": str(cast["selection"]),
            "weight": int(cast["weight"]), "tx": receipt["transactionHash"].to_0x_hex()}


def _done(data: dict[str, Any], sentence: str, as_json: bool) -> None:
    if as_json:
        emit_json(data)
        return
    typer.echo(sentence + (t("vote.weight", weight=data["weight"]) if "weight" in data else ""))
    if data.get("weight") == 0:
        note(t("poll.weight_zero"))
