"""`linli queue ID`, `linli execute ID` and `linli proposal show ID`.

The actions and description that queue and execute must repeat are read back from the proposal's
ProposalCreated event: the chain is the source of truth, no local bookkeeping.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

import typer

from chain.errors import ChainError
from linli.cli.options import DeploymentFile, Json, Keystore, Rpc, emit_json
from linli.cli.vote import proposal_number

app = typer.Typer(help="Look at proposals.", no_args_is_help=True)
ProposalId = Annotated[str, typer.Argument(help="The proposal id `linli propose` printed.")]


def queue(proposal_id: ProposalId, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None) -> None:
    """Queue a proposal that passed; the timelock then holds it for its delay."""
    from chain.governor import Governance, ProposalState  # web3 and py-evm load only when the command runs
    from linli.services.proposals import find_proposal, require_state
    from linli.services.session import attached

    pid = proposal_number(proposal_id)
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        proposal, _ = find_proposal(linli, pid)
        require_state(linli, pid, ProposalState.SUCCEEDED, "queue")
        gov = Governance(linli)
        gov.queue(proposal, linli.chain.signers[0])
        typer.echo(f"queued {pid}; executable from {_when(gov.eta(pid))}")


def execute(proposal_id: ProposalId, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None) -> None:
    """Execute a queued proposal once the timelock delay has passed."""
    from chain.governor import Governance, ProposalState  # web3 and py-evm load only when the command runs
    from linli.services.proposals import find_proposal, require_state
    from linli.services.session import attached

    pid = proposal_number(proposal_id)
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        proposal, _ = find_proposal(linli, pid)
        require_state(linli, pid, ProposalState.QUEUED, "execute")
        gov = Governance(linli)
        wait = gov.eta(pid) - linli.chain.timestamp()
        if wait > 0:
            raise ChainError(f"cannot execute proposal {pid} yet: the timelock releases it in {wait} s")
        gov.execute(proposal, linli.chain.signers[0])
        typer.echo(f"executed {pid}: {proposal.description}")


@app.command("show")
def show(proposal_id: ProposalId, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
         as_json: Json = False) -> None:
    """State, votes, quorum, timings and decoded actions of a proposal."""
    from linli.services.proposals import view  # web3 and py-evm load only when the command runs
    from linli.services.session import attached

    pid = proposal_number(proposal_id)
    with attached(rpc=rpc, keystore=keystore, deployment=deployment, signer_needed=False) as linli:
        v = view(linli, pid)
    if as_json:
        emit_json(v.to_json())
        return
    typer.echo(f"proposal {pid}\n  {v.proposal.description}\n  state {v.state.name.lower()}, by {v.proposer}")
    typer.echo(f"  voting {_when(v.snapshot)} .. {_when(v.deadline)}" + (f", executable from {_when(v.eta)}" if v.eta else ""))
    typer.echo(f"  for {v.tally.for_}  against {v.tally.against}  abstain {v.tally.abstain}  (quorum {v.quorum})")
    for call in v.calls:
        typer.echo(f"  -> {call}")


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
