"""A multi-command governance session against one Anvil node, as a co-op would run it: deploy, propose,
vote directly and by relayed ballot, queue, execute — and every way of getting it wrong, each one clear line
and exit 1. The session's state lives on the node; the commands share only --rpc and deployment.json."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chain.connect import open_chain
from chain.deploy import DeployConfig, deploy_linli
from chain.deployment import Deployment
from chain.keys import dev_signers
from chain.nodes import LocalNode
from chain.points import Award, Points, evidence_id
from chain.rules import Rules
from chain.system import Linli
from dev_keys import dev_key

pytestmark = pytest.mark.node
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def session(anvil: LocalNode, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Linli deployed on the node, dev accounts 1..3 holding points; the environment every command gets."""
    out = tmp_path_factory.mktemp("session")
    with open_chain(rpc_url=anvil.url, env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        deployment = deploy_linli(chain, DeployConfig(profile="fast"))
        deployment.save(out / "deployment.json")
        linli = Linli.attach(chain, deployment)
        members = [s.address for s in dev_signers(4)[1:]]
        awards = [Award(m, p, evidence_id(f"session:{m}")) for m, p in zip(members, (600, 300, 500), strict=True)]
        Points(linli).award_batch(awards, batch_id=evidence_id("session"))
        chain.increase_time(1)
    return {"LINLI_RPC_URL": anvil.url, "LINLI_DEPLOYMENT": str(out / "deployment.json"), "dir": str(out)}


def _env(session: dict[str, str], key: int) -> dict[str, str]:
    return {"LINLI_RPC_URL": session["LINLI_RPC_URL"], "LINLI_DEPLOYMENT": session["LINLI_DEPLOYMENT"],
            "LINLI_PRIVATE_KEY": dev_key(key)}


def test_deploy_on_a_node_writes_deployment_json(cli, anvil: LocalNode, tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    run = cli("chain", "deploy", "--rpc", anvil.url, "--out", str(out), "--rules", str(ROOT / "examples/rules.toml"),
              "--json", env={"LINLI_PRIVATE_KEY": dev_key(0)})
    assert run.code == 0, run.err
    data = json.loads(out.read_text())
    assert data == json.loads(run.out)
    assert data["rpc"] == anvil.url and set(data["contracts"]) == {
        "ContributionPoints", "CommunityGovernor", "TimelockController", "RuleBook", "PayoutLedger", "ProductPoll"}
    assert data["params"]["gmv_target_cents"] == 1_000_000  # from the rules file, not the deploy defaults


def test_a_rule_change_session(cli, session: dict[str, str], tmp_path: Path) -> None:
    proposer, voter, signer, relayer = (_env(session, k) for k in (1, 1, 2, 3))
    run = cli("propose", "commission", "--level", "1", "--bps", "1200", "--description", "L1 to 12%", env=proposer)
    assert run.code == 0, run.err
    pid = run.out.strip()
    assert pid.isdigit()

    early = cli("vote", pid, "for", env=voter)  # voting opens after the 10 s voting delay
    assert early.code == 1 and "it is pending: voting opens in" in early.error_line

    assert cli("chain", "advance", "11", env=voter).code == 0
    shown = cli("proposal", "show", pid, "--json", env=voter)
    data = json.loads(shown.out)
    assert data["state"] == "active" and data["actions"] == ["RuleBook.setCommissionRate(level=1, rateBps=1200)"]

    assert cli("vote", pid, "for", "--reason", "members asked", env=voter).code == 0
    twice = cli("vote", pid, "against", env=voter)
    assert twice.code == 1 and "has already voted on proposal" in twice.error_line

    ballot = tmp_path / "ballot.json"
    signed = cli("vote", pid, "against", "--sign", "--out", str(ballot), env=signer)
    assert signed.code == 0 and json.loads(ballot.read_text())["voter"] == dev_signers(3)[2].address
    relayed = cli("vote", "relay", str(ballot), "--json", env=relayer)
    assert relayed.code == 0, relayed.err
    cast = json.loads(relayed.out)
    assert cast["voter"] == dev_signers(3)[2].address and cast["weight"] == 300 and cast["support"] == "against"
    again = cli("vote", "relay", str(ballot), env=relayer)
    assert again.code == 1 and "has already voted" in again.error_line

    early_queue = cli("queue", pid, env=relayer)
    assert early_queue.code == 1
    assert "cannot queue proposal" in early_queue.error_line and "active" in early_queue.error_line

    assert cli("chain", "advance", "700", env=voter).code == 0
    late = cli("vote", pid, "for", env=_env(session, 4))
    assert late.code == 1 and "cannot vote on proposal" in late.error_line and "succeeded" in late.error_line

    assert cli("queue", pid, env=relayer).code == 0
    too_soon = cli("execute", pid, env=relayer)
    assert too_soon.code == 1 and "the timelock releases it in" in too_soon.error_line
    assert cli("chain", "advance", "61", env=voter).code == 0
    done = cli("execute", pid, env=relayer)
    assert done.code == 0 and "L1 to 12%" in done.out

    final = json.loads(cli("proposal", "show", pid, "--json", env=voter).out)
    assert final["state"] == "executed" and final["votes"] == {"for": 600, "against": 300, "abstain": 0}
    with open_chain(rpc_url=session["LINLI_RPC_URL"], env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        linli = Linli.attach(chain, Deployment.load(Path(session["LINLI_DEPLOYMENT"])))
        assert Rules(linli).commission_rate(1) == 1200


def test_unknown_proposal(cli, session: dict[str, str]) -> None:
    for args in (("queue", "12345"), ("execute", "12345"), ("proposal", "show", "12345"), ("vote", "12345", "for")):
        run = cli(*args, env=_env(session, 1))
        assert run.code == 1 and "no proposal 12345 on this deployment" in run.error_line, args


def test_bad_vote_words_and_ballots(cli, session: dict[str, str], tmp_path: Path) -> None:
    assert "say for, against or abstain" in cli("vote", "1", "maybe", env=_env(session, 1)).error_line
    assert "is not a number" in cli("vote", "abc", "for", env=_env(session, 1)).error_line
    assert "not found" in cli("vote", "relay", str(tmp_path / "missing.json"), env=_env(session, 1)).error_line
    (tmp_path / "bad.json").write_text('{"proposal_id": "1"}')
    assert "malformed ballot" in cli("vote", "relay", str(tmp_path / "bad.json"), env=_env(session, 1)).error_line


def test_out_of_bounds_and_keys(cli, session: dict[str, str]) -> None:
    no_key = {k: v for k, v in _env(session, 1).items() if k != "LINLI_PRIVATE_KEY"}
    run = cli("propose", "pool-rate", "--bps", "250", env=no_key)
    assert run.code == 1 and "no signing key: set LINLI_PRIVATE_KEY" in run.error_line
    bad_key = {**no_key, "LINLI_PRIVATE_KEY": "0x1234"}
    refused = cli("propose", "pool-rate", "--bps", "250", env=bad_key)
    assert "LINLI_PRIVATE_KEY is not a valid private key" in refused.error_line
    missing = {**_env(session, 1), "LINLI_DEPLOYMENT": "/nonexistent/deployment.json"}
    assert "not found: run `linli chain deploy` first" in cli("proposal", "show", "1", env=missing).error_line
    long_id = cli("propose", "product-add", "--product", "x" * 40, "--metadata", "{}", env=_env(session, 1))
    assert long_id.code == 1 and "1 to 32 bytes" in long_id.error_line
