"""`linli demo`: the whole story on one chain in one command (the story itself is `linli.demo`)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from linli.cli.options import Json, Keystore, emit_json, note, yuan

if TYPE_CHECKING:
    from linli.demo import DemoResult

app = typer.Typer()


@app.command("demo")
def demo(
    chain_kind: Annotated[str | None, typer.Option(
        "--chain", help="embedded (default) | anvil | ganache (Linli starts the node and stops it after).")] = None,
    rpc: Annotated[str | None, typer.Option(
        "--rpc", help="Run on this dev node instead (it must allow time travel: Anvil, Ganache, Hardhat); "
                      "signer from LINLI_PRIVATE_KEY or --keystore.")] = None,
    keystore: Keystore = None,
    members: Annotated[int, typer.Option("--members", min=10, help="Size of the generated co-op.")] = 200,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write deployment.json, the co-op's CSV files, the month report and the signed record here.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated co-op (same seed, same co-op).")] = 2026,
    as_json: Json = False,
) -> None:
    """Generate a co-op, deploy, mint points, vote new commission rates, close and publish the month with them,
    and verify every member's payout from the chain."""
    from chain.connect import open_chain  # web3 and py-evm load only when the command runs
    from linli.cli.progress import step
    from linli.demo import DemoConfig, run_demo
    from linli.services.admin_key import ADMIN_KEY_ENV

    config = DemoConfig(members=members, seed=seed, out_dir=out, admin_seed=os.environ.get(ADMIN_KEY_ENV) or None)
    with open_chain(chain_kind, rpc_url=rpc, keystore=keystore) as chain:  # type: ignore[arg-type]
        result = run_demo(chain, config, steps=step)
    if as_json:
        emit_json(result.to_json())
    else:
        print_report(result)
    if out is None:
        note(f"files: {result.published.report_path.parent} (pass --out DIR to keep them somewhere)")


def print_report(r: DemoResult) -> None:
    """The short human report: leaderboard, the vote, the rates, the month, the verification."""
    rep = r.report
    typer.echo(f"\nLinli demo on {r.chain}: {r.members} members, period {rep.period}")
    typer.echo("\nTop 10 by points this month")
    for row in r.leaderboard:
        typer.echo(f"  {row['rank']:>2}. {row['member_id']}  {row['level']:<4} {row['points']:>6} pts  "
                   f"commission {yuan(row['commission_cents']):>9}  pool payout {yuan(row['payout_cents']):>8}")
    t = r.tally
    relayed = sum(v.relayed for v in r.votes)
    typer.echo(f"\nProposal {r.proposal.id}\n  {r.proposal.description}")
    typer.echo(f"  {len(r.votes)} voters ({relayed} by relayed EIP-712 signature): for {t.for_}, against "
               f"{t.against}, abstain {t.abstain} (quorum {r.quorum}) -> {r.proposal_state.name.lower()}")
    old, new = r.old_levels_bps, r.new_levels_bps
    typer.echo(f"  commission L1/L2: {old[0]}/{old[1]} bps -> {new[0]}/{new[1]} bps (read back from the RuleBook)")
    met = "met" if rep.gmv_cents >= rep.target_cents else "NOT met"
    typer.echo(f"\nGMV {yuan(rep.gmv_cents)} yuan vs target {yuan(rep.target_cents)}: {met}")
    typer.echo(f"Pool {yuan(rep.pool_cents)} yuan ({rep.pool_rate_bps} bps) = paid {yuan(r.verified.paid_cents)} "
               f"+ undistributed {yuan(rep.undistributed_cents)}")
    typer.echo(f"Published: root {rep.merkle_root}\n           record {rep.record_hash}")
    typer.echo(f"\nverified {len(r.verified.checked_on_chain)}/{r.members} members from the chain")
    typer.echo(f"({r.last_block - r.first_block} blocks, {sum(r.timings.values()):.1f} s)")
