"""The decay step of the real `linli month close` on Anvil, with `[decay]` enabled in the rules file.

November is closed whole; December (no orders: only decay moves weight) is killed with SIGKILL at its
first decay chunk and after its last (LINLI_FAULT_AT, `linli.services.faults`), then run again: every
member holds exactly the rules' stepped weight, nothing taken twice nor left out, and `linli verify`
still agrees with the record. With `[decay]` off, the same close sends no decay batch and writes the same
record and report bytes (decay lives on chain only, never in the record).
"""
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
from chain.nodes import LocalNode
from chain.points import Points
from chain.system import Linli
from dev_keys import dev_key
from month_support import close_env, fresh_deployment
from governance.decay import stepped_weights
from governance.period import Period
from governance.synthetic import Scale, write_coop
from linli.services.period_points import DECAY, evidence_of

pytestmark = pytest.mark.node
ROOT = Path(__file__).resolve().parents[2]
LINLI = str(Path(sys.executable).with_name("linli"))
CHUNK = "7"  # 30 members: several decay chunks, so a kill after the first lands between two of them
HALF_LIFE = 30
TZ = "Asia/Shanghai"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("decay")
    members, orders, activities = write_coop(tmp / "coop", Scale(members=30))
    text = (ROOT / "examples" / "rules.toml").read_text()
    on = text.replace("enabled = false\nhalf_life_days = 90", f"enabled = true\nhalf_life_days = {HALF_LIFE}")
    assert on != text
    (tmp / "decay-on.toml").write_text(on)
    return {"members": members, "orders": orders, "activities": activities, "on": tmp / "decay-on.toml",
            "off": ROOT / "examples" / "rules.toml"}




def _args(period: str, files: dict[str, Path], rules: str, out: Path) -> list[str]:
    return ["month", "close", period, "--members", str(files["members"]), "--orders", str(files["orders"]),
            "--activities", str(files["activities"]), "--rules", str(files[rules]), "--out", str(out),
            "--chunk-size", CHUNK]


def _linli(args: list[str], env: dict[str, str], fault: str | None = None) -> subprocess.CompletedProcess[str]:
    extra = {"LINLI_FAULT_AT": fault} if fault else {}
    return subprocess.run([LINLI, *args], env={**os.environ, **env, **extra}, capture_output=True, text=True,
                          timeout=300)


def _chain(anvil: LocalNode, deployment: Path, addresses: list[str], period: str, ids: list[str]):
    """(balances, total supply, how many decay movements the period has)."""
    with open_chain(rpc_url=anvil.url, env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        points = Points(Linli.attach(chain, Deployment.load(deployment)))
        moves = points.movements(evidence=[evidence_of(period, m, DECAY) for m in ids])
        return [points.balance(a) for a in addresses], points.total_supply(), len(moves)


def _expected(november: list[dict]) -> list[int]:
    from zoneinfo import ZoneInfo
    ends = [Period(2026, 11).end(ZoneInfo(TZ)), Period(2026, 12).end(ZoneInfo(TZ))]
    return [stepped_weights(list(zip(ends, [m["points"], 0], strict=True)), HALF_LIFE)[1] for m in november]


@pytest.mark.parametrize("step", ["decay:1", "decayed"])
def test_a_close_killed_in_its_decay_step_completes_on_a_rerun(
    step: str, cli, anvil: LocalNode, files: dict[str, Path], tmp_path: Path,
) -> None:
    deployment = fresh_deployment(anvil, tmp_path)
    env, out = close_env(anvil, deployment), tmp_path / "out"
    assert _linli(_args("2026-11", files, "on", out), env).returncode == 0
    members = json.loads((out / "month-report-2026-11.json").read_text())["members"]
    addresses, ids = [m["address"] for m in members], [m["member_id"] for m in members]
    assert _chain(anvil, deployment, addresses, "2026-11", ids)[0] == [max(m["points"], 0) for m in members]

    killed = _linli(_args("2026-12", files, "on", out), env, step)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    _, supply, moved = _chain(anvil, deployment, addresses, "2026-12", ids)
    decaying = sum(1 for m in members if m["points"] > 0)
    assert (moved == int(CHUNK)) if step == "decay:1" else (moved == decaying)
    assert not (out / "payout-record-2026-12.json").exists()

    again = cli(*_args("2026-12", files, "on", out), env=env)
    assert again.code == 0, again.err
    balances, final, moved = _chain(anvil, deployment, addresses, "2026-12", ids)
    assert moved == decaying and balances == _expected(members)
    assert final < supply if step == "decay:1" else final == supply
    assert all(b < max(m["points"], 0) for b, m in zip(balances, members, strict=True) if m["points"] > 0)
    verified = cli("verify", "2026-12", "--record", str(out / "payout-record-2026-12.json"), "--all", env=env)
    assert verified.code == 0 and verified.out.startswith("OK 2026-12"), verified.err


def test_decay_disabled_sends_no_decay_batch_and_writes_the_same_files(
    cli, anvil: LocalNode, files: dict[str, Path], tmp_path: Path,
) -> None:
    written = {}
    for rules in ("off", "on"):
        deployment = fresh_deployment(anvil, tmp_path / rules)
        env, out = close_env(anvil, deployment), tmp_path / rules / "out"
        for period in ("2026-11", "2026-12"):
            run = cli(*_args(period, files, rules, out), env=env)
            assert run.code == 0, run.err
        members = json.loads((out / "month-report-2026-11.json").read_text())["members"]
        addresses, ids = [m["address"] for m in members], [m["member_id"] for m in members]
        balances, _, moved = _chain(anvil, deployment, addresses, "2026-12", ids)
        if rules == "off":
            assert moved == 0 and balances == [max(m["points"], 0) for m in members]
        else:
            assert moved > 0 and balances == _expected(members)
        written[rules] = [(out / name).read_bytes() for name in (
            "payout-record-2026-11.json", "month-report-2026-11.json",
            "payout-record-2026-12.json", "month-report-2026-12.json")]
    assert written["off"] == written["on"]
