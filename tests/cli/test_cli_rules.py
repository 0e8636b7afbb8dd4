"""`linli rules check`: exit codes, findings naming rule and setting in EN + 中文, JSON output."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linli.cli import app, main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def test_the_example_rules_pass() -> None:
    result = runner.invoke(app, ["rules", "check", str(EXAMPLES / "rules.toml"), "--strict"])
    assert result.exit_code == 0, result.output
    assert "0 REFUSE, 0 FLAG" in result.output


def test_the_illegal_example_is_refused_naming_rule_setting_and_reason() -> None:
    result = runner.invoke(app, ["rules", "check", str(EXAMPLES / "illegal_rules.toml")])
    assert result.exit_code == 1
    assert "REFUSE entry_fee commission.entry_package_cents" in result.output
    assert "REFUSE headcount_reward points.per_recruit" in result.output
    assert "REFUSE fabricated_ranking leaderboards.seed_entries" in result.output
    assert "拉人头" in result.output
    assert "refused / 不予通过" in result.output


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_flag_fails_only_with_strict(tmp_path: Path) -> None:
    path = write(tmp_path, "[leaderboards]\ninvite_cash_prize_cents = 5000\n")
    assert runner.invoke(app, ["rules", "check", str(path)]).exit_code == 0
    strict = runner.invoke(app, ["rules", "check", str(path), "--strict"])
    assert strict.exit_code == 1
    assert "FLAG invite_cash_prize leaderboards.invite_cash_prize_cents" in strict.output


def test_json_lists_findings_and_the_load_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[points]\nper_recruit = 100\nreveiw = 20\n")
    result = runner.invoke(app, ["rules", "check", str(path), "--json"])
    assert result.exit_code == 1
    out = json.loads(result.output)
    assert out["ok"] is False
    assert "points.reveiw: unknown key" in out["error"]
    assert out["findings"] == [{
        "severity": "REFUSE", "rule": "headcount_reward", "setting": "points.per_recruit",
        "reason_en": out["findings"][0]["reason_en"], "reason_zh": out["findings"][0]["reason_zh"]}]
    assert out["findings"][0]["reason_zh"]


def test_an_unreadable_file_is_one_line_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "[points\n")
    monkeypatch.setattr(sys, "argv", ["linli", "rules", "check", str(path)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not valid TOML" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_help() -> None:
    result = runner.invoke(app, ["rules", "check", "--help"])
    assert result.exit_code == 0 and "--strict" in result.output


@pytest.mark.parametrize(("value", "reason"), [
    ("0", "pool.target_cents: 0 is below the bound 1"),
    (str(2**53), "pool.target_cents: 9007199254740992 is above the bound 2^53−1 (RuleBook takes up to 2^64−1; the "
                 "payout record holds exact integers up to 2^53−1)"),
    (str(2**64), "pool.target_cents: 18446744073709551616 is above the bound 2^53−1"),
    (str(2**256), "pool.target_cents: a number of 78 digits is above the bound 2^53−1"),
])
def test_a_target_the_rulebook_or_the_record_cannot_hold_is_refused(tmp_path: Path, value: str, reason: str) -> None:
    text = (EXAMPLES / "rules.toml").read_text(encoding="utf-8").replace("target_cents = 1000000 ",
                                                                         f"target_cents = {value} ")
    result = runner.invoke(app, ["rules", "check", str(write(tmp_path, text))])
    assert result.exit_code == 1
    assert f"ERROR {reason}" in result.output and "unusable: refused" in result.output


def test_the_edges_pass(tmp_path: Path) -> None:
    text = (EXAMPLES / "rules.toml").read_text(encoding="utf-8").replace("target_cents = 1000000 ",
                                                                         f"target_cents = {2**53 - 1} ")
    result = runner.invoke(app, ["rules", "check", str(write(tmp_path, text.replace("rate_bps = 200 ",
                                                                                    "rate_bps = 300 ")))])
    assert result.exit_code == 0, result.output


def test_a_deeply_nested_file_is_one_line_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    monkeypatch.setattr(sys, "argv", ["linli", "rules", "check", str(path)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err == f"error: {path}: nested too deeply to be a rules file\n"
