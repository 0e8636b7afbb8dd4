"""`linli demo`: the whole story on one chain in one command (the story itself is `linli.demo`)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from linli.cli.options import Json, Keystore, emit_json, note, yuan
from linli.i18n import t
from linli.names import state_name

if TYPE_CHECKING:
    from linli.demo import DemoResult

app = typer.Typer()


@app.command("demo", help=t("demo.help"))
def demo(
    chain_kind: Annotated[str | None, typer.Option("--chain", help=t("demo.chain"))] = None,
    rpc: Annotated[str | None, typer.Option("--rpc", help=t("demo.rpc"))] = None,
    keystore: Keystore = None,
    members: Annotated[int, typer.Option("--members", min=10, help=t("demo.members"))] = 200,
    out: Annotated[Path | None, typer.Option("--out", help=t("demo.out"))] = None,
    seed: Annotated[int, typer.Option("--seed", help=t("demo.seed"))] = 2026,
    serve: Annotated[bool, typer.Option("--serve", help=t("demo.serve"))] = False,
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help=t("demo.port"))] = None,
    as_json: Json = False,
) -> None:
    from chain.connect import open_chain  # web3 and py-evm load only when the command runs
    from linli.cli.progress import step
    from linli.demo import DemoConfig, run_demo
    from linli.services.admin_key import ADMIN_KEY_ENV

    config = DemoConfig(members=members, seed=seed, out_dir=out, admin_seed=os.environ.get(ADMIN_KEY_ENV) or None)
    if serve:
        from linli.cli.demo_serve import serve_demo

        serve_demo(chain_kind, rpc, keystore, config, port)
        return
    if port is not None:
        raise typer.BadParameter(t("demo.port_without_serve"), param_hint="--port")
    # mypy: typer gives str; open_chain checks the kind and refuses others in one line
    with open_chain(chain_kind, rpc_url=rpc, keystore=keystore) as chain:  # type: ignore[arg-type]
        result = run_demo(chain, config, steps=step)
    if as_json:
        emit_json(result.to_json())
    else:
        print_report(result)
    if out is None:
        note(t("demo.files", dir=result.published.report_path.parent))


def print_report(r: DemoResult) -> None:
    """The short human report: leaderboard, the vote, the rates, the product poll, the month, the verification."""
    rep = r.report
    typer.echo(t("demo.title", chain=r.chain, members=r.members, period=rep.period))
    typer.echo(t("demo.top"))
    for row in r.leaderboard:
        typer.echo(t("demo.row", rank=row["rank"], member=row["member_id"], level=row["level"], points=row["points"],
                     commission=yuan(row["commission_cents"]), payout=yuan(row["payout_cents"])))
    tally = r.tally
    typer.echo(t("demo.proposal", id=r.proposal.id, description=r.proposal.description))
    typer.echo(t("demo.votes", voters=len(r.votes), relayed=sum(v.relayed for v in r.votes), for_=tally.for_,
                 against=tally.against, abstain=tally.abstain, quorum=r.quorum, state=state_name(r.proposal_state)))
    (old1, old2), (new1, new2) = r.old_levels_bps, r.new_levels_bps
    typer.echo(t("demo.rates", old1=old1, old2=old2, new1=new1, new2=new2))
    print_poll(r)
    met = t("demo.met") if rep.gmv_cents >= rep.target_cents else t("demo.not_met")
    typer.echo(t("demo.gmv", gmv=yuan(rep.gmv_cents), target=yuan(rep.target_cents), met=met))
    typer.echo(t("demo.pool", pool=yuan(rep.pool_cents), bps=rep.pool_rate_bps, paid=yuan(r.verified.paid_cents),
                 undistributed=yuan(rep.undistributed_cents)))
    typer.echo(t("demo.published", root=rep.merkle_root, record=rep.record_hash))
    typer.echo(t("demo.verified", checked=len(r.verified.checked_on_chain), members=r.members))
    typer.echo(t("demo.took", blocks=r.last_block - r.first_block, seconds=sum(r.timings.values())))


def print_poll(r: DemoResult) -> None:
    """The product poll like the proposal: who approved, the weights, the winners, the catalogue read back."""
    from linli.services.polls import product_text

    p, v = r.poll, r.poll.view
    typer.echo(t("demo.poll", id=v.id, description=p.description))
    typer.echo(t("demo.poll_voters", voters=len(p.approvals), relayed=sum(a.relayed for a in p.approvals),
                 turnout=v.turnout, quorum=v.quorum, top=v.top_n, state=v.state.name.lower()))
    for option in sorted(v.options, key=lambda o: -o.weight):
        typer.echo(t("demo.poll_option", weight=option.weight, product=product_text(option.product_id)))
    typer.echo(t("demo.poll_winners", winners=", ".join(product_text(w) for w in v.winners), added=p.added))
    typer.echo(t("demo.catalogue", products=", ".join(product_text(c) for c in p.catalogue)))
