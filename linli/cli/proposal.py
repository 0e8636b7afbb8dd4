"""`linli queue ID`, `linli execute ID` and `linli proposal show ID`.

The actions and description that queue and execute must repeat are read back from the proposal's
ProposalCreated event: the chain is the source of truth, no local bookkeeping.
"""
from __future__ import annotations

from datetime import datetime, UTC

import typer

from chain.errors import ChainError
from linli.cli.options import DeploymentFile, Json, Keystore, ProposalId, Rpc, emit_json
from linli.cli.vote import proposal_number
from linli.i18n import t
from linli.names import state_name

app = typer.Typer(help=t("proposal.help"), no_args_is_help=True)


def queue(proposal_id: ProposalId, rpc: Rpc = None, keystore: Keystore = None,
          deployment: DeploymentFile = None) -> None:
    from chain.governor import Governance, ProposalState  # web3 and py-evm load only when the command runs
    from linli.services.proposals import find_proposal, require_state
    from linli.services.session import attached

    pid = proposal_number(proposal_id)
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        proposal, _ = find_proposal(linli, pid)
        require_state(linli, pid, ProposalState.SUCCEEDED, t("proposal.doing.queue"))
        gov = Governance(linli)
        gov.queue(proposal, linli.chain.signers[0])
        typer.echo(t("proposal.queued", pid=pid, when=_when(gov.eta(pid))))


def execute(proposal_id: ProposalId, rpc: Rpc = None, keystore: Keystore = None,
            deployment: DeploymentFile = None) -> None:
    from chain.governor import Governance, ProposalState  # web3 and py-evm load only when the command runs
    from linli.services.proposals import find_proposal, require_state
    from linli.services.session import attached

    pid = proposal_number(proposal_id)
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        proposal, _ = find_proposal(linli, pid)
        require_state(linli, pid, ProposalState.QUEUED, t("proposal.doing.execute"))
        gov = Governance(linli)
        wait = gov.eta(pid) - linli.chain.timestamp()
        if wait > 0:
            raise ChainError(t("proposal.not_yet", pid=pid, wait=wait))
        gov.execute(proposal, linli.chain.signers[0])
        typer.echo(t("proposal.executed", pid=pid, description=proposal.description))


@app.command("show", help=t("proposal.show.help"))
def show(proposal_id: ProposalId, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
         as_json: Json = False) -> None:
    from linli.services.proposals import view  # web3 and py-evm load only when the command runs
    from linli.services.session import attached

    pid = proposal_number(proposal_id)
    with attached(rpc=rpc, keystore=keystore, deployment=deployment, signer_needed=False) as linli:
        v = view(linli, pid)
    if as_json:
        emit_json(v.to_json())
        return
    typer.echo(t("proposal.show.head", pid=pid, description=v.proposal.description, state=state_name(v.state),
                 proposer=v.proposer))
    typer.echo(t("proposal.show.voting", start=_when(v.snapshot), end=_when(v.deadline))
               + (t("proposal.show.eta", when=_when(v.eta)) if v.eta else ""))
    typer.echo(t("proposal.show.tally", for_=v.tally.for_, against=v.tally.against, abstain=v.tally.abstain,
                 quorum=v.quorum))
    for call in v.calls:
        typer.echo(f"  -> {call}")


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
