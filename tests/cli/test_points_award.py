"""`linli points award` on a real Anvil (the issuer gives weight; everything else is one line, exit 1 or 2),
and the error boundary's line for a member without ether who votes directly."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chain.keys import dev_signers
from dev_keys import dev_key

MEMBER = dev_signers(2)[1].address


@pytest.fixture(scope="module")
def deployed(anvil, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from chain.deploy import DeployConfig, deploy_linli
    from chain.rpc import RpcChain

    path = tmp_path_factory.mktemp("points") / "deployment.json"
    with RpcChain(anvil.url, dev_signers(1), name="rpc") as chain:
        deploy_linli(chain, DeployConfig(profile="fast")).save(path)
    return {"LINLI_RPC_URL": anvil.url, "LINLI_PRIVATE_KEY": dev_key(0), "LINLI_DEPLOYMENT": str(path)}


def test_the_issuer_awards_once_per_evidence(cli, deployed: dict[str, str]) -> None:
    first = cli("points", "award", MEMBER.lower(), "600", "--evidence", "welcome:one", "--json", env=deployed)
    assert first.code == 0, first.err
    assert json.loads(first.out) | {"tx": None} == {"member": MEMBER, "amount": 600, "evidence": "welcome:one",
                                                   "balance": 600, "tx": None}
    again = cli("points", "award", MEMBER, "5", "--evidence", "welcome:one", env=deployed)
    assert again.code == 1 and "already used" in again.error_line
    more = cli("points", "award", MEMBER, "5", "--evidence", "welcome:two", env=deployed)
    assert more.code == 0 and "(balance 605)" in more.out


def test_only_the_issuer_awards(cli, deployed: dict[str, str]) -> None:
    member_key = dev_key(1)
    refused = cli("points", "award", MEMBER, "5", "--evidence", "self-service", env={**deployed,
                                                                                     "LINLI_PRIVATE_KEY": member_key})
    assert refused.code == 1 and "ISSUER_ROLE" in refused.error_line


@pytest.mark.parametrize(("args", "code", "says"), [
    (("0x12", "5"), 1, "is not an address"),
    (("not-an-address", "5"), 1, "is not an address"),
    ((MEMBER, "0"), 2, "amount"),
    ((MEMBER, "-3"), 2, "No such option: -3"),  # click reads a leading dash as an option
    ((MEMBER, "1000000000000001"), 2, "amount"),
    ((MEMBER, "many"), 2, "amount"),
])
def test_bad_input_is_one_line(cli, deployed: dict[str, str], args: tuple[str, str], code: int, says: str) -> None:
    run = cli("points", "award", *args, "--evidence", "x", env=deployed)
    assert run.code == code and says in run.error_line


TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(evidence=st.one_of(st.text(alphabet=" \t\n", max_size=5), st.text(TEXT, min_size=129, max_size=300)))
def test_an_empty_or_overlong_evidence_is_refused_before_the_chain(cli, evidence: str) -> None:
    # a port nothing listens on: the bound is checked first, so the command never gets as far as the chain
    run = cli("points", "award", MEMBER, "5", "--evidence", evidence, env={"LINLI_RPC_URL": "http://127.0.0.1:9"})
    assert run.code == 1 and "--evidence must be" in run.error_line


def test_a_member_without_ether_is_told_to_sign(cli, anvil, deployed: dict[str, str], tmp_path: Path) -> None:
    poor = Account.create()
    key = "0x" + bytes(poor.key).hex()
    assert cli("points", "award", poor.address, "50", "--evidence", f"poor:{poor.address}", env=deployed).code == 0
    proposed = cli("propose", "pool-rate", "--bps", "250", "--description", f"pool for {poor.address}", env=deployed)
    assert proposed.code == 0, proposed.err
    pid = proposed.out.strip().splitlines()[0]
    assert cli("chain", "advance", "11", env=deployed).code == 0
    voted = cli("vote", pid, "for", env={**deployed, "LINLI_PRIVATE_KEY": key})
    assert voted.code == 1 and "no ether" in voted.error_line and "--sign" in voted.error_line
    signed = cli("vote", pid, "for", "--sign", "--out", str(tmp_path / "b.json"), env={**deployed,
                                                                                      "LINLI_PRIVATE_KEY": key})
    assert signed.code == 0 and cli("vote", "relay", str(tmp_path / "b.json"), env=deployed).code == 0
