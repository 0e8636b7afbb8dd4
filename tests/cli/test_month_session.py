"""`linli month close` on chain and `linli verify`, over one Anvil node: bad input publishes nothing, a close
that fails half-way is simply run again (minted chunks are skipped, nothing is minted twice), a period is
published once, and verification fails loudly on a tampered record or a wrong on-chain root."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from eth_utils import keccak

from chain.connect import open_chain
from chain.deploy import DeployConfig, deploy_linli
from chain.deployment import Deployment
from chain.keys import dev_signers
from chain.ledger import Ledger
from chain.nodes import LocalNode
from chain.points import Points
from chain.system import Linli
from dev_keys import dev_key
from governance.loading import load_coop
from governance.month import close_month
from governance.payout_record import sign_record
from governance.period import Period
from governance.rules import load_rules
from governance.synthetic import Scale, write_coop

pytestmark = pytest.mark.node
ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "examples" / "rules.toml"
ADMIN = "11" * 32
TARGET = 500_000  # the chain's GMV target: lower than the rules file's, so the chain's value must win


@pytest.fixture(scope="module")
def coop(anvil: LocalNode, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    """30 members' month on disk; Linli deployed with dev account 0 as issuer and dev account 1 as publisher."""
    tmp = tmp_path_factory.mktemp("month")
    members, orders, activities = write_coop(tmp / "coop", Scale(members=30))
    issuer, publisher = dev_signers(2)
    with open_chain(rpc_url=anvil.url, env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        config = DeployConfig(profile="fast", overrides={"gmv_target_cents": TARGET},
                              issuer=issuer.address, publisher=publisher.address)
        deploy_linli(chain, config).save(tmp / "deployment.json")
    return {"dir": tmp, "members": members, "orders": orders, "activities": activities, "url": anvil.url}


def _env(coop: dict, key: int, **extra: str) -> dict[str, str]:
    return {"LINLI_RPC_URL": str(coop["url"]), "LINLI_DEPLOYMENT": str(coop["dir"] / "deployment.json"),
            "LINLI_PRIVATE_KEY": dev_key(key), "LINLI_ADMIN_KEY": ADMIN, **extra}


def _close(cli, coop: dict, key: int, period: str = "2026-11", orders: Path | None = None, **extra: str):
    return cli("month", "close", period, "--members", str(coop["members"]), "--orders", str(orders or coop["orders"]),
               "--activities", str(coop["activities"]), "--rules", str(RULES), "--out", str(coop["dir"] / "out"),
               env=_env(coop, key, **extra))


def _linli(coop: dict):
    chain = open_chain(rpc_url=str(coop["url"]), env={"LINLI_PRIVATE_KEY": dev_key(1)})
    return chain, Linli.attach(chain, Deployment.load(coop["dir"] / "deployment.json"))


def test_bad_input_publishes_nothing(cli, coop: dict, tmp_path: Path) -> None:
    missing = _close(cli, coop, 0, orders=tmp_path / "nope.csv")
    assert missing.code == 1 and "nope.csv" in missing.error_line
    bad = tmp_path / "orders.csv"
    lines = Path(coop["orders"]).read_text().splitlines()
    lines[3] = lines[3].replace(",paid,", ",paid-ish,", 1)
    bad.write_text("\n".join(lines) + "\n")
    malformed = _close(cli, coop, 0, orders=bad)
    assert malformed.code == 1
    assert "orders.csv:4: status" in malformed.error_line and "file refused" in malformed.error_line
    assert "2026-13" in _close(cli, coop, 0, period="2026-13").error_line
    no_admin = _close(cli, coop, 0, LINLI_ADMIN_KEY="")
    assert no_admin.code == 1 and "no admin signing key: set LINLI_ADMIN_KEY" in no_admin.error_line
    assert "64 hex digits" in _close(cli, coop, 0, LINLI_ADMIN_KEY="not-hex").error_line
    not_issuer = _close(cli, coop, 5)
    assert not_issuer.code == 1 and "AccessControlUnauthorizedAccount" in not_issuer.error_line
    chain, linli = _linli(coop)
    with chain:
        assert not Ledger(linli).is_published("2026-11") and Points(linli).total_supply() == 0


def test_a_close_that_fails_at_publication_is_simply_run_again(cli, coop: dict) -> None:
    first = _close(cli, coop, 0)  # dev 0 may mint but not publish
    assert first.code == 1
    assert "PayoutLedger.publish" in first.error_line and "AccessControlUnauthorizedAccount" in first.error_line
    chain, linli = _linli(coop)
    with chain:
        minted = Points(linli).total_supply()
        assert minted > 0 and not Ledger(linli).is_published("2026-11")
    again = _close(cli, coop, 1, "2026-11")  # dev 1 publishes; the minted chunk is seen and skipped
    assert again.code == 0, again.err
    assert "minted 0 of 1 point batch(es) (1 already on chain)" in again.err
    assert "GMV target: file 1000000 cents, chain 500000 cents" in again.err
    chain, linli = _linli(coop)
    with chain:
        assert Points(linli).total_supply() == minted and Ledger(linli).is_published("2026-11")
    twice = _close(cli, coop, 1)  # the same input again: nothing to mint or publish, the files rewritten
    assert twice.code == 0 and "found already published with this same record" in twice.err
    chain, linli = _linli(coop)
    with chain:
        assert Points(linli).total_supply() == minted
    changed = _close(cli, coop, 1, orders=_one_order_more(coop))
    assert changed.code == 1 and "period 2026-11 is already published" in changed.error_line
    assert "the ledger is append-only" in changed.error_line


def _one_order_more(coop: dict) -> Path:
    """The orders file with one more paid order of the first member (its points and the pool change)."""
    path = coop["dir"] / "orders-more.csv"
    lines = Path(coop["orders"]).read_text().splitlines()
    first = lines[1].split(",")
    first[0], first[2], first[4], first[5] = "EXTRA-1", "12345", "paid", ""
    path.write_text("\n".join([*lines, ",".join(first)]) + "\n")
    return path


def test_verify_a_published_month(cli, coop: dict) -> None:
    env = _env(coop, 1)
    record = str(coop["dir"] / "out" / "payout-record-2026-11.json")
    ok = cli("verify", "2026-11", "--record", record, env=env)
    assert ok.code == 0 and ok.out.startswith("OK 2026-11") and "(30 members)" in ok.out
    report = json.loads((coop["dir"] / "out" / "month-report-2026-11.json").read_text())
    assert report["target_cents"] == TARGET and report["pool_cents"] == report["gmv_cents"] * 200 // 10_000 > 0
    assert sum(m["payout_cents"] for m in report["members"]) + report["undistributed_cents"] == report["pool_cents"]
    richest = max(report["members"], key=lambda m: m["payout_cents"])
    one = cli("verify", "2026-11", "--record", record, "--member", richest["address"].lower(), "--json",
              env={k: v for k, v in env.items() if k != "LINLI_PRIVATE_KEY"})  # verifying needs no key
    assert one.code == 0, one.err
    data = json.loads(one.out)
    assert data["members_verified_on_chain"] == [
        {"member_id": richest["member_id"], "address": richest["address"], "payout_cents": richest["payout_cents"]}]
    assert data["paid_cents"] + report["undistributed_cents"] == data["pool_cents"] == report["pool_cents"]
    by_id = cli("verify", "2026-11", "--record", record, "--member", richest["member_id"], "--json", env=env)
    assert by_id.code == 0, by_id.err
    assert json.loads(by_id.out)["members_verified_on_chain"] == data["members_verified_on_chain"]
    stranger = cli("verify", "2026-11", "--record", record, "--member", dev_signers(9)[8].address, env=env)
    assert stranger.code == 1 and "neither a member id nor an address in the published record" in stranger.error_line
    wrong_admin = cli("verify", "2026-11", "--record", record, "--admin-public-key", "0x" + "ab" * 32, env=env)
    assert wrong_admin.code == 1 and "not by the expected admin key" in wrong_admin.error_line


def test_verify_fails_loudly_on_a_tampered_record(cli, coop: dict, tmp_path: Path) -> None:
    env = _env(coop, 1)
    original = coop["dir"] / "out" / "payout-record-2026-11.json"
    edited = tmp_path / "edited.json"
    text = original.read_text()
    payout = json.loads(text)["content"]["members"][0]["payout_cents"]
    edited.write_text(text.replace(f'"payout_cents":{payout}', f'"payout_cents":{payout + 100}', 1))
    run = cli("verify", "2026-11", "--record", str(edited), env=env)
    assert run.code == 1 and run.error_line.startswith("error: payout record file is not in canonical form")
    # re-signed by someone else after the edit: the signature holds, the chain's record hash does not
    content = json.loads(text)["content"]
    content["members"][0]["payout_cents"] += 100
    content["undistributed_cents"] -= 100 if content["undistributed_cents"] >= 100 else 0
    resigned = tmp_path / "resigned.json"
    sign_record(content, "22" * 32).save(resigned)
    run = cli("verify", "2026-11", "--record", str(resigned), env=env)
    assert run.code == 1 and "differs from the on-chain hash" in run.error_line
    shutil.copy(original, tmp_path / "copy.json")
    # a period no test publishes (test_verify_fails_loudly_on_a_wrong_root publishes 2026-10 on this node)
    other = cli("verify", "2025-01", "--record", str(tmp_path / "copy.json"), env=env)
    assert other.code == 1 and "period 2025-01 is not published" in other.error_line


def test_verify_fails_loudly_on_a_wrong_root(cli, coop: dict, tmp_path: Path) -> None:
    """An admin publishes October with the right record hash but another root: verification must refuse."""
    report = close_month(Period(2026, 10), load_coop(coop["members"], coop["orders"], coop["activities"]),
                         load_rules(RULES))
    record = sign_record(report.record(), ADMIN)
    record.save(tmp_path / "october.json")
    chain, linli = _linli(coop)
    with chain:
        Ledger(linli).publish("2026-10", gmv_cents=report.gmv_cents, pool_cents=0, member_count=len(report.members),
                              merkle_root=keccak(b"not the tree"), record_hash=bytes.fromhex(record.record_hash[2:]))
    run = cli("verify", "2026-10", "--record", str(tmp_path / "october.json"), env=_env(coop, 1))
    assert run.code == 1 and "differs from the on-chain root" in run.error_line


def test_verify_bad_arguments(cli, coop: dict, tmp_path: Path) -> None:
    env = _env(coop, 1)
    assert "no payout record at" in cli("verify", "2026-11", "--record", str(tmp_path / "x.json"), env=env).error_line
    assert "2026-13" in cli("verify", "2026-13", "--record", str(tmp_path / "x.json"), env=env).error_line
    nowhere = {**env, "LINLI_RPC_URL": "", "LINLI_DEPLOYMENT": str(tmp_path / "none.json")}
    record = coop["dir"] / "out" / "payout-record-2026-11.json"
    assert "not found: run `linli chain deploy` first" in cli("verify", "2026-11", "--record", str(record),
                                                             env=nowhere).error_line
