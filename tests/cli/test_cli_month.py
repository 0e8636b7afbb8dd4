"""`linli month close`: the dry-run report, JSON output, and one-line errors."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from governance.merkle import verify
from linli.cli import app, main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def args(folder: Path = EXAMPLES, rules: str = "rules.toml") -> list[str]:
    return ["month", "close", "2026-11", "--members", str(folder / "members.csv"), "--orders",
            str(folder / "orders.csv"), "--activities", str(folder / "activities.csv"), "--rules",
            str(EXAMPLES / rules)]


def run_main(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setattr(sys, "argv", ["linli", *argv])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_dry_run_json_is_the_month_report() -> None:
    result = runner.invoke(app, [*args(), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"period", "gmv_cents", "target_cents", "pool_rate_bps", "pool_cents",
                           "undistributed_cents", "merkle_root", "record_hash", "members"}
    assert report["period"] == "2026-11" and report["pool_cents"] > 0
    member = report["members"][0]
    assert set(member) == {"member_id", "address", "points", "level", "commission_cents", "payout_cents", "proof"}
    assert all(verify(report["merkle_root"], (m["address"], m["payout_cents"]), m["proof"])
               for m in report["members"])
    assert sum(m["payout_cents"] for m in report["members"]) + report["undistributed_cents"] == report["pool_cents"]


def test_dry_run_summary_is_readable() -> None:
    result = runner.invoke(app, [*args(), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "period 2026-11: GMV" in result.output and "merkle root 0x" in result.output


def test_without_dry_run_the_chain_step_runs_after_the_report(monkeypatch, capsys) -> None:
    err = run_main(args(), monkeypatch, capsys)
    assert "--dry-run" in err


def test_a_bad_row_stops_the_close_with_file_line_and_field(tmp_path: Path, monkeypatch, capsys) -> None:
    for name in ("members.csv", "orders.csv", "activities.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    orders = (tmp_path / "orders.csv").read_text(encoding="utf-8").splitlines()
    orders[3] = orders[3].replace(",paid,", ",maybe,")
    (tmp_path / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    err = run_main([*args(tmp_path), "--dry-run"], monkeypatch, capsys)
    assert "orders.csv:4: status: 'maybe' is not one of paid, refunded" in err


def test_illegal_rules_are_refused_before_anything_is_computed(monkeypatch, capsys) -> None:
    err = run_main([*args(rules="illegal_rules.toml"), "--dry-run"], monkeypatch, capsys)
    assert "illegal_rules.toml" in err


def test_a_bad_period(monkeypatch, capsys) -> None:
    argv = args()
    argv[2] = "2026-13"
    assert "YYYY-MM" in run_main([*argv, "--dry-run"], monkeypatch, capsys)


def test_help() -> None:
    result = runner.invoke(app, ["month", "close", "--help"])
    assert result.exit_code == 0 and "--dry-run" in result.output and "--members" in result.output
