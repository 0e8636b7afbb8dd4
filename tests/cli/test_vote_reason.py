"""`linli vote ID SUPPORT --sign --reason TEXT` signs an ExtendedBallot; `linli vote relay` sends it with
castVoteWithReasonAndParamsBySig and the reason is the one on chain. A reason past the relay's bound is one
clear line and exit 1, before any chain call."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chain.connect import open_chain
from chain.deployment import Deployment
from chain.keys import dev_signers
from chain.system import Linli
from dev_keys import dev_key
from test_governance_session import _env, session  # noqa: F401  (the module's deployed session, its own node)

pytestmark = pytest.mark.node


def test_a_signed_ballot_carries_its_reason_to_the_chain(cli, session: dict[str, str],  # noqa: F811
                                                         tmp_path: Path) -> None:
    proposer, signer, relayer = (_env(session, k) for k in (1, 2, 3))
    pid = cli("propose", "pool-rate", "--bps", "240", "--description", "pool 2.4%", env=proposer).out.strip()
    assert pid.isdigit() and cli("chain", "advance", "11", env=proposer).code == 0

    ballot = tmp_path / "ballot.json"
    signed = cli("vote", pid, "for", "--sign", "--reason", "fair prices ✓", "--out", str(ballot), env=signer)
    assert signed.code == 0, signed.err
    written = json.loads(ballot.read_text(encoding="utf-8"))
    assert written["reason"] == "fair prices ✓" and written["params"] == "0x"

    relayed = cli("vote", "relay", str(ballot), "--json", env=relayer)
    assert relayed.code == 0, relayed.err
    tx = json.loads(relayed.out)["tx"]
    with open_chain(rpc_url=session["LINLI_RPC_URL"], env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        linli = Linli.attach(chain, Deployment.load(Path(session["LINLI_DEPLOYMENT"])))
        receipt = chain.w3.eth.get_transaction_receipt(tx)
        [cast] = [e for e in linli.events.from_receipt(receipt) if e.name == "VoteCast"]
    assert cast.args["voter"] == dev_signers(3)[2].address and cast.args["reason"] == "fair prices ✓"


def test_a_reason_past_the_relays_bound_is_refused(cli, session: dict[str, str],  # noqa: F811
                                                   tmp_path: Path) -> None:
    run = cli("vote", "1", "for", "--sign", "--reason", "x" * 1001, "--out", str(tmp_path / "b.json"),
              env=_env(session, 2))
    assert run.code == 1 and "at most 1000" in run.error_line and not (tmp_path / "b.json").exists()
