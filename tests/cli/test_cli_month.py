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
    report = json.loads(result.stdout)  # the dry run's note on its salts goes to stderr
    assert set(report) == {"period", "gmv_cents", "target_cents", "pool_rate_bps", "pool_cents",
                           "undistributed_cents", "merkle_root", "sum_root", "sum_total_cents", "undistributed_salt",
                           "record_hash", "members"}
    assert report["period"] == "2026-11" and report["pool_cents"] > 0
    member = report["members"][0]
    assert set(member) == {"member_id", "address", "points", "level", "commission_cents", "payout_cents", "proof",
                           "salt"}
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


@pytest.mark.parametrize(("period", "reason"), [
    ("0000-01", "year 0 is outside the bound 2000..2100"), ("9999-12", "year 9999 is outside the bound 2000..2100"),
    ("10000-01", "YYYY-MM"), ("2026-13", "YYYY-MM"), ("2026-1", "YYYY-MM"),
])
def test_periods_out_of_range_are_one_line(period: str, reason: str, monkeypatch, capsys) -> None:
    argv = args()
    argv[2] = period
    assert reason in run_main([*argv, "--dry-run"], monkeypatch, capsys)


def _copy_with(tmp_path: Path, name: str, line: int, old: str, new: str) -> None:
    for each in ("members.csv", "orders.csv", "activities.csv"):
        shutil.copy(EXAMPLES / each, tmp_path / each)
    rows = (tmp_path / name).read_text(encoding="utf-8").splitlines()
    assert old in rows[line - 1]
    rows[line - 1] = rows[line - 1].replace(old, new, 1)
    (tmp_path / name).write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.parametrize(("name", "old", "new", "reason"), [
    ("orders.csv", ",1760,", f",{2**256},", "orders.csv:2: amount_cents: a number of 78 digits is above the bound"),
    ("orders.csv", ",1760,", f",{2**62},", "orders.csv:2: amount_cents: 4611686018427387904 is above the bound "
                                           "1000000000 (¥10,000,000.00 per order)"),
    ("orders.csv", "2026-11-01T10:49:36+08:00", "0001-01-01T00:00:00+14:00",
     "orders.csv:2: paid_at: year 1 is outside"),
    ("orders.csv", "2026-11-01T10:49:36+08:00", "9999-12-31T23:59:59-14:00", "orders.csv:2: paid_at: year 9999"),
    ("orders.csv", "P-pork-1kg", '"' + "x" * 131_073 + '"', "orders.csv:2: row: line longer than the bound"),
    ("members.csv", "2025-09-27T00:00:00+08:00", "0001-01-01T00:00:00+14:00", "members.csv:2: joined_at: year 1"),
])
def test_hostile_values_in_files_are_one_line_naming_file_line_field_and_bound(
        tmp_path: Path, name: str, old: str, new: str, reason: str, monkeypatch, capsys) -> None:
    _copy_with(tmp_path, name, 2, old, new)
    assert reason in run_main([*args(tmp_path), "--dry-run"], monkeypatch, capsys)
