"""The Merkle sum tree from the CLI, over one Anvil node: `linli month close` writes the whole record and the
public one; `linli verify` rebuilds the sum tree from the whole record; `linli month line` cuts a member's line
and `linli verify --member M --line FILE` checks it with the public record and the chain only; a tampered line,
salt, sum proof or public record is refused in one line; a dry run says its salts are public."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chain.connect import open_chain
from chain.deploy import DeployConfig, deploy_linli
from chain.nodes import LocalNode
from dev_keys import dev_key
from governance.payout_record import SignedRecord, canonical_json
from governance.public_record import PublicRecord
from governance.synthetic import Scale, write_coop

pytestmark = pytest.mark.node
ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "examples" / "rules.toml"
ADMIN = "5a" * 32


@pytest.fixture(scope="module")
def closed(anvil: LocalNode, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """24 members' November, deployed and (in the first test) closed on chain by the CLI."""
    tmp = tmp_path_factory.mktemp("sum")
    members, orders, activities = write_coop(tmp / "coop", Scale(members=24))
    with open_chain(rpc_url=anvil.url, env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        config = DeployConfig(profile="fast", overrides={"gmv_target_cents": 100_000})
        deploy_linli(chain, config).save(tmp / "deployment.json")
    env = {"LINLI_RPC_URL": anvil.url, "LINLI_DEPLOYMENT": str(tmp / "deployment.json"),
           "LINLI_PRIVATE_KEY": dev_key(0), "LINLI_ADMIN_KEY": ADMIN}
    files = ("--members", str(members), "--orders", str(orders), "--activities", str(activities), "--rules",
             str(RULES))
    return {"dir": tmp, "env": env, "files": files, "out": tmp / "out"}


def _lines(cli, closed: dict[str, Any]) -> list[dict[str, Any]]:
    record = SignedRecord.load(closed["out"] / "payout-record-2026-11.json")
    out = []
    for m in record.content["members"]:
        path = closed["dir"] / f"line-{m['member_id']}.json"
        run = cli("month", "line", "2026-11", m["member_id"], "--record",
                  str(closed["out"] / "payout-record-2026-11.json"), "--out", str(path))
        assert run.code == 0, run.err
        out.append(json.loads(path.read_text()))
    return out


def _check(cli, closed: dict[str, Any], member: str, line: dict[str, Any], *extra: str):
    path = closed["dir"] / "checked-line.json"
    path.write_bytes(canonical_json(line) + b"\n")
    return cli("verify", "2026-11", "--member", member, "--line", str(path), "--record",
               str(closed["out"] / "public-record-2026-11.json"), *extra, env=closed["env"])


def test_a_close_writes_both_records_and_verify_rebuilds_the_sum_tree(cli, closed: dict[str, Any]) -> None:
    run = cli("month", "close", "2026-11", *closed["files"], "--out", str(closed["out"]), env=closed["env"])
    assert run.code == 0, run.err
    record = SignedRecord.load(closed["out"] / "payout-record-2026-11.json")
    public = PublicRecord.load(closed["out"] / "public-record-2026-11.json")
    assert public.content["sum_root"] == record.content["sum_root"] and public.content["pool_cents"] > 0
    assert public.content["sum_total_cents"] == public.content["pool_cents"]
    ok = cli("verify", "2026-11", "--record", str(closed["out"] / "payout-record-2026-11.json"), "--public",
             str(closed["out"] / "public-record-2026-11.json"), env=closed["env"])
    assert ok.code == 0, ok.err
    assert f"sum root {record.content['sum_root']}: rebuilt from every line and salt" in ok.out
    assert "the same as the whole record gives" in ok.out
    as_json = cli("verify", "2026-11", "--record", str(closed["out"] / "payout-record-2026-11.json"), "--json",
                  env=closed["env"])
    assert json.loads(as_json.out)["sum_root"] == record.content["sum_root"]


def test_a_rerun_of_the_close_rewrites_the_same_bytes(cli, closed: dict[str, Any]) -> None:
    before = [(closed["out"] / f).read_bytes() for f in ("payout-record-2026-11.json", "public-record-2026-11.json")]
    again = cli("month", "close", "2026-11", *closed["files"], "--out", str(closed["out"]), env=closed["env"])
    assert again.code == 0, again.err
    after = [(closed["out"] / f).read_bytes() for f in ("payout-record-2026-11.json", "public-record-2026-11.json")]
    assert after == before


def test_every_members_line_verifies_with_the_public_record_and_the_chain(cli, closed: dict[str, Any]) -> None:
    lines = _lines(cli, closed)
    public = PublicRecord.load(closed["out"] / "public-record-2026-11.json").content
    assert sum(line["payout_cents"] for line in lines) + public["undistributed_cents"] == public["pool_cents"]
    for line in lines[:6]:
        run = _check(cli, closed, line["member_id"], line)
        assert run.code == 0, run.err
        assert f"OK 2026-11: {line['member_id']} {line['address']}" in run.out
    paid = max(lines, key=lambda line: line["payout_cents"])
    by_address = _check(cli, closed, paid["address"].lower(), paid, "--json")
    assert json.loads(by_address.out)["payout_cents"] == paid["payout_cents"] > 0


def _tampered(line: dict[str, Any], what: str) -> dict[str, Any]:
    line = json.loads(json.dumps(line))
    if what == "payout":
        line["payout_cents"] += 1
    elif what == "salt":
        line["salt"] = "0x" + "00" * 32
    elif what == "sum_hash":
        line["sum_proof"][0]["hash"] = "0x" + "ab" * 32
    elif what == "sum_sum":
        line["sum_proof"][0]["sum"] = str(int(line["sum_proof"][0]["sum"]) + 1)
    elif what == "sum_side":
        line["sum_proof"][0]["side"] = "left" if line["sum_proof"][0]["side"] == "right" else "right"
    else:
        line["format"] = "something-else"
    return line


@pytest.mark.parametrize(("what", "says"), [
    ("payout", "fails its Merkle proof"), ("salt", "do not lead to the published sum root"),
    ("sum_hash", "do not lead to the published sum root"), ("sum_sum", "sum"),
    ("sum_side", "do not lead to the published sum root"), ("format", "is not a linli-member-line/1"),
])
def test_a_tampered_line_is_refused_in_one_line(cli, closed: dict[str, Any], what: str, says: str) -> None:
    line = max(_lines(cli, closed)[:8], key=lambda line: line["payout_cents"])
    run = _check(cli, closed, line["member_id"], _tampered(line, what))
    assert run.code == 1 and says in run.error_line and "Traceback" not in run.err


def test_another_members_line_a_forged_public_record_and_bad_calls_are_refused(cli, closed: dict[str, Any]) -> None:
    first, second = _lines(cli, closed)[:2]
    other = _check(cli, closed, second["member_id"], first)
    assert other.code == 1 and f"the line is {first['member_id']}'s, not {second['member_id']}'s" in other.error_line
    public_path = closed["out"] / "public-record-2026-11.json"
    original = public_path.read_bytes()
    try:
        forged = PublicRecord.load(public_path)
        content = dict(forged.content, sum_root="0x" + "cd" * 32)
        public_path.write_bytes(PublicRecord(content, forged.signature, forged.public_key).to_bytes())
        run = _check(cli, closed, first["member_id"], first)
        assert run.code == 1 and "signature does not match the public record" in run.error_line
    finally:
        public_path.write_bytes(original)
    two = cli("verify", "2026-11", "--member", "a", "--member", "b", "--line", str(public_path), env=closed["env"])
    assert two.code == 1 and "pass exactly one --member" in two.error_line
    missing = cli("verify", "2026-11", "--member", "a", "--line", str(closed["dir"] / "nope.json"), "--record",
                  str(public_path), env=closed["env"])
    assert missing.code == 1 and "no such member line file" in missing.error_line
    nobody = cli("month", "line", "2026-11", "nobody", "--record", str(closed["out"] / "payout-record-2026-11.json"))
    assert nobody.code == 1 and "neither a member id nor an address" in nobody.error_line


def test_a_dry_run_says_its_salts_are_public(cli, closed: dict[str, Any]) -> None:
    run = cli("month", "close", "2026-11", *closed["files"], "--dry-run", env=closed["env"])
    assert run.code == 0 and "salts come from a fixed public secret" in run.err
    assert "sum root 0x" in run.out
