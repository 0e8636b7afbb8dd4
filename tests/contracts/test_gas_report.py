"""Smoke test of the gas benchmark (scripts/gas_report.py): it runs end to end on this chain and reports every
figure. The targets themselves are the benchmark's business, not a test's: a missed target is reported there."""

import json

from scripts import gas_report


def test_gas_report_runs_and_reports_every_figure(tmp_path, monkeypatch):
    out = tmp_path / "gas.json"
    monkeypatch.setenv("LINLI_GAS_JSON", str(out))

    report = gas_report.main()

    assert json.loads(out.read_text(encoding="utf-8")) == report
    missing = [k for k in (*gas_report.GAS_KEYS, *gas_report.RATIOS, "targets_missed") if k not in report]
    assert missing == []
    for key in gas_report.GAS_KEYS:
        assert type(report[key]) is int and report[key] > 0, key
    for key in gas_report.RATIOS:
        assert type(report[key]) is float and report[key] > 0, key
    assert set(report["targets_missed"]) <= {*gas_report.TARGETS, "publish_n100000"}
