"""deploy_linli on the embedded chain: addresses, wiring, deployment.json, and refusing a foreign deployment."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from chain.artifacts import Artifacts
from chain.deploy import DeployConfig, deploy_linli, load_params
from chain.deployment import CONTRACT_NAMES, Deployment
from chain.embedded import EmbeddedChain
from chain.errors import ArtifactMissing, DeploymentError
from chain.plan import GRANTS, STEPS, arguments
from chain.rules import Rules
from chain.system import Linli


def test_deploy_wires_roles_and_gives_up_admin(linli: Linli, chain: EmbeddedChain) -> None:
    timelock, me = linli.timelock.functions, chain.accounts[0]
    governor = linli.governor.address
    for role in ("PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"):
        assert timelock.hasRole(getattr(timelock, role)().call(), governor).call()
    assert not timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE().call(), me).call()
    points = linli.points.functions
    assert points.hasRole(points.DEFAULT_ADMIN_ROLE().call(), linli.timelock.address).call()
    assert points.hasRole(points.ISSUER_ROLE().call(), me).call()
    assert linli.rule_book.functions.timelock().call() == linli.timelock.address
    assert linli.ledger.functions.ruleBook().call() == linli.rule_book.address
    assert linli.governor.functions.timelock().call() == linli.timelock.address
    assert linli.governor.functions.token().call() == linli.points.address


def test_product_poll_is_deployed_and_may_only_add_poll_winners(linli: Linli, chain: EmbeddedChain) -> None:
    poll, book = linli.product_poll.functions, linli.rule_book.functions
    assert linli.deployment.address("ProductPoll") == linli.product_poll.address
    assert (poll.token().call(), poll.ruleBook().call(), poll.timelock().call()) == (
        linli.points.address, linli.rule_book.address, linli.timelock.address)
    assert poll.quorumNumerator().call() == load_params("fast")["poll_quorum_numerator"]
    assert book.hasRole(book.POLL_ROLE().call(), linli.product_poll.address).call()
    admin = book.DEFAULT_ADMIN_ROLE().call()
    assert book.hasRole(admin, linli.timelock.address).call()
    assert not book.hasRole(admin, chain.accounts[0]).call()  # the deployer's setup power is renounced


def test_the_plan_fits_every_compiled_constructor() -> None:
    artifacts, deployed = Artifacts(), {step.contract: "0x" + "11" * 20 for step in STEPS}
    accounts = dict.fromkeys(("deployer", "issuer", "publisher", "guardian"), "0x" + "22" * 20)
    params = load_params("default")
    for step in STEPS:
        assert len(arguments(step, artifacts.get(step.contract).abi, params, accounts, deployed, 1)) == len(step.args)
    assert {g.holder for g in GRANTS} <= set(deployed)


def test_a_plan_out_of_step_with_the_contract_names_both_sides() -> None:
    rule_book = next(s for s in STEPS if s.contract == "RuleBook")
    abi = [{"type": "constructor", "inputs": [{"name": "timelock_"}, {"name": "renamed"}]}]
    with pytest.raises(DeploymentError, match=r"missing \['renamed'\].*unknown \['gmvTargetCents'"):
        arguments(rule_book, abi, load_params(), {"deployer": "0x" + "22" * 20}, {"TimelockController": "0x"}, 1)


def test_deploy_uses_profile_parameters(linli: Linli) -> None:
    fast = load_params("fast")
    assert linli.governor.functions.votingDelay().call() == fast["voting_delay"]
    assert linli.governor.functions.votingPeriod().call() == fast["voting_period"]
    assert linli.timelock.functions.getMinDelay().call() == fast["timelock_min_delay"]
    rules = Rules(linli).read()
    assert (rules.level1_bps, rules.level2_bps, rules.pool_rate_bps) == (
        fast["level1_bps"], fast["level2_bps"], fast["pool_rate_bps"]
    )
    assert rules.gmv_target_cents == fast["gmv_target_cents"] and rules.products == {}


def test_overrides_reach_the_constructors(chain: EmbeddedChain) -> None:
    deployment = deploy_linli(chain, DeployConfig(overrides={"pool_rate_bps": 150, "voting_period": 1234}))
    linli = Linli.attach(chain, deployment)
    assert Rules(linli).pool_rate() == 150
    assert linli.governor.functions.votingPeriod().call() == 1234
    assert deployment.params["pool_rate_bps"] == 150


def test_unknown_override_is_refused() -> None:
    with pytest.raises(DeploymentError, match="unknown deploy parameter"):
        load_params("fast", {"pool_rate": 150})


def test_deployment_json_round_trip(linli: Linli, chain: EmbeddedChain, tmp_path: Path) -> None:
    path = linli.deployment.save(tmp_path / "deployment.json")
    data = json.loads(path.read_text())
    assert set(data["contracts"]) == set(CONTRACT_NAMES)
    assert data["chain_id"] == chain.chain_id and data["rpc"] == "embedded"
    assert 0 < data["block"] <= chain.block_number()
    loaded = Deployment.load(path)
    assert loaded == linli.deployment
    assert Linli.attach(chain, loaded).points.address == linli.points.address


def test_malformed_deployment_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "deployment.json"
    path.write_text(json.dumps({"chain_id": 1, "rpc": "x", "block": 0, "contracts": {"RuleBook": "0x12"}}))
    with pytest.raises(DeploymentError, match=r"contracts\.TimelockController"):
        Deployment.load(path)
    without_poll = {name: "0x" + "11" * 20 for name in CONTRACT_NAMES if name != "ProductPoll"}
    path.write_text(json.dumps({"chain_id": 1, "rpc": "x", "block": 0, "contracts": without_poll}))
    with pytest.raises(DeploymentError, match=r"contracts\.ProductPoll .*redeploy"):
        Deployment.load(path)
    with pytest.raises(DeploymentError, match="not found"):
        Deployment.load(tmp_path / "missing.json")


def test_deployment_of_another_chain_is_refused(linli: Linli, chain: EmbeddedChain) -> None:
    foreign = replace(linli.deployment, chain_id=chain.chain_id + 1)
    with pytest.raises(DeploymentError, match="deployment is for chain"):
        Linli.attach(chain, foreign)


def test_deployment_without_code_is_refused(linli: Linli) -> None:
    with EmbeddedChain(accounts=1) as fresh, pytest.raises(DeploymentError, match="no contract code"):
        Linli.attach(fresh, replace(linli.deployment, chain_id=fresh.chain_id))


def test_missing_artifacts_say_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(ArtifactMissing, match=r"toolchain/bootstrap\.sh"):
        Artifacts(tmp_path / "build" / "contracts").get("RuleBook")
    (tmp_path / "contracts").mkdir()
    with pytest.raises(ArtifactMissing, match=r"no artifact for RuleBook.*bootstrap"):
        Artifacts(tmp_path / "contracts").get("RuleBook")
