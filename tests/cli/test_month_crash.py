"""A month close killed at each of its steps, on a real Anvil: the real `linli month close` runs as a
subprocess with LINLI_FAULT_AT=<step> (it SIGKILLs itself exactly there, `linli.services.faults`), then
is run again. Run again on an edited orders file, it refuses in one line and publishes nothing; run again
on the original files, it completes: every member's points on chain equal the published report and
`linli verify --all` is OK. A published report whose points differ from the chain fails `linli verify`."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from chain.connect import open_chain
from chain.deployment import Deployment
from chain.ledger import Ledger
from chain.nodes import LocalNode
from chain.points import Points
from chain.rules import Rules as RuleBook
from chain.system import Linli
from dev_keys import dev_key
from month_support import ADMIN, close_env, fresh_deployment
from governance.loading import load_coop
from governance.month import close_month
from governance.payout_record import sign_record
from governance.period import Period
from governance.rules import load_rules
from governance.synthetic import Scale, write_coop
from linli.services.month_publish import mint_period_points
from linli.services.rules_source import with_terms_in_force

pytestmark = pytest.mark.node
ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "examples" / "rules.toml"
LINLI = str(Path(sys.executable).with_name("linli"))  # the console script installed beside this Python
CHUNK = "7"  # 30 members: several award chunks, so a kill after the first lands between two of them


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """30 members' month, and the same month with every order 1 yuan dearer (the "fixed" orders file)."""
    tmp = tmp_path_factory.mktemp("crash")
    members, orders, activities = write_coop(tmp / "coop", Scale(members=30))
    lines = orders.read_text().splitlines()
    head = lines[0].split(",")
    amount = head.index("amount_cents")
    edited = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[amount] = str(int(cells[amount]) + 100)
        edited.append(",".join(cells))
    (tmp / "orders-edited.csv").write_text("\n".join(edited) + "\n")
    return {"members": members, "orders": orders, "activities": activities, "edited": tmp / "orders-edited.csv"}




def _args(files: dict[str, Path], out: Path, orders: Path) -> list[str]:
    return ["month", "close", "2026-11", "--members", str(files["members"]), "--orders", str(orders),
            "--activities", str(files["activities"]), "--rules", str(RULES), "--out", str(out), "--chunk-size", CHUNK]


def _killed_at(step: str, files: dict[str, Path], out: Path, env: dict[str, str]) -> None:
    run = subprocess.run([LINLI, *_args(files, out, files["orders"])],
                         env={**os.environ, **env, "LINLI_FAULT_AT": step}, capture_output=True, text=True, timeout=300)
    assert run.returncode == -signal.SIGKILL, f"expected a SIGKILL at {step}, got {run.returncode}:\n{run.stderr}"


def _points(files: dict[str, Path], orders: Path) -> dict[str, int]:
    """Each member's net points of the month (the chain's terms in force change payouts, not points)."""
    report = close_month(Period(2026, 11), load_coop(files["members"], orders, files["activities"]), load_rules(RULES))
    return {m.member_id: m.points for m in report.members}


def _state(anvil: LocalNode, deployment: Path) -> tuple[int, bool]:
    with open_chain(rpc_url=anvil.url, env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        linli = Linli.attach(chain, Deployment.load(deployment))
        return Points(linli).total_supply(), Ledger(linli).is_published("2026-11")


def _balances(anvil: LocalNode, deployment: Path, addresses: list[str]) -> list[int]:
    with open_chain(rpc_url=anvil.url, env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        points = Points(Linli.attach(chain, Deployment.load(deployment)))
        return [points.balance(a) for a in addresses]


@pytest.mark.parametrize("step", ["mint:1", "minted", "record", "published"])
def test_a_close_killed_at_each_step_refuses_an_edited_input_then_completes(
    step: str, cli, anvil: LocalNode, files: dict[str, Path], tmp_path: Path,
) -> None:
    deployment = fresh_deployment(anvil, tmp_path)
    env, out = close_env(anvil, deployment), tmp_path / "out"
    _killed_at(step, files, out, env)
    supply, published = _state(anvil, deployment)
    assert supply > 0 and published == (step == "published")
    assert (out / "payout-record-2026-11.json").exists() == (step in ("record", "published"))
    assert not (out / "month-report-2026-11.json").exists()

    edited = cli(*_args(files, out, files["edited"]), env=env)
    assert edited.code == 1
    if step == "published":
        assert "period 2026-11 is already published" in edited.error_line
    else:
        before, after = _points(files, files["orders"]), _points(files, files["edited"])
        minted = sorted(m for m, n in before.items() if n > 0)[: int(CHUNK) if step == "mint:1" else None]
        differ = sum(before[m] != after[m] for m in minted)
        assert differ > 0
        assert edited.error_line.startswith(f"error: batch 2026-11/award/0 on chain awards different points than "
                                            f"this input: {differ} member(s) differ")
        assert "nothing was sent: restore the input files that minted it" in edited.error_line
    assert _state(anvil, deployment) == (supply, published)  # the refusal sent nothing

    again = cli(*_args(files, out, files["orders"]), env=env)
    assert again.code == 0, again.err
    final, published = _state(anvil, deployment)
    assert published and (final > supply if step == "mint:1" else final == supply)
    report = json.loads((out / "month-report-2026-11.json").read_text())
    members = report["members"]
    assert _balances(anvil, deployment, [m["address"] for m in members]) == [max(m["points"], 0) for m in members]
    assert sum(m["points"] > 0 for m in members) > 2 * int(CHUNK)  # at least three award chunks
    verified = cli("verify", "2026-11", "--record", str(out / "payout-record-2026-11.json"), "--all", env=env)
    assert verified.code == 0 and verified.out.startswith("OK 2026-11"), verified.err


def test_verify_reports_points_that_differ_from_the_chain(cli, anvil: LocalNode, files: dict[str, Path],
                                                          tmp_path: Path) -> None:
    """The review's finding, forced: the chain holds the original month's points and a report computed from
    the edited orders is signed and published (as the old close did): `linli verify` must not say OK."""
    deployment = fresh_deployment(anvil, tmp_path)
    with open_chain(rpc_url=anvil.url, env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        linli = Linli.attach(chain, Deployment.load(deployment))
        rules = with_terms_in_force(load_rules(RULES), RuleBook(linli).read())
        original, edited = (close_month(Period(2026, 11), load_coop(files["members"], orders, files["activities"]),
                                        rules) for orders in (files["orders"], files["edited"]))
        differ = sum(a.points != b.points for a, b in zip(original.members, edited.members, strict=True))
        assert differ > 0
        sign_record(edited.record(), ADMIN).save(tmp_path / "record.json")
        mint_period_points(linli, original, chunk_size=int(CHUNK))
        Ledger(linli).publish("2026-11", gmv_cents=edited.gmv_cents, pool_cents=edited.pool_cents,
                              member_count=len(edited.members), merkle_root=bytes.fromhex(edited.merkle_root[2:]),
                              record_hash=bytes.fromhex(edited.record_hash[2:]))
    run = cli("verify", "2026-11", "--record", str(tmp_path / "record.json"), env=close_env(anvil, deployment))
    assert run.code == 1
    assert run.error_line.startswith(f"error: points on chain differ from the record for {differ} member(s) of 2026-11")
