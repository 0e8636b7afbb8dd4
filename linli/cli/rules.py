"""`linli rules check`: is a rules file usable and lawful? Findings name the rule, setting and why."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from governance.linter import Finding

app = typer.Typer(help="Check a rules file (规则文件) against the compliance linter.", no_args_is_help=True)


@app.command("check")
def check(
    rules_file: Path = typer.Argument(..., help="The rules TOML file, e.g. examples/rules.toml."),
    strict: bool = typer.Option(False, "--strict", help="Also fail on FLAG findings, not only on REFUSE."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Exit 1 on any REFUSE finding or unusable file (and on any FLAG with --strict); 0 otherwise."""
    from governance.errors import RulesError  # the rules engine loads when a file is checked, not for --help
    from governance.linter import Severity, lint_rules
    from governance.rules import parse_rules, read_raw

    raw = read_raw(rules_file)
    findings = lint_rules(raw)
    try:
        parse_rules(raw)
        error = None
    except RulesError as exc:
        error = str(exc)
    failed = error is not None or any(f.severity is Severity.REFUSE or strict for f in findings)
    if as_json:
        typer.echo(json.dumps({"file": str(rules_file), "ok": not failed, "error": error,
                               "findings": [_finding_json(f) for f in findings]}, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            typer.echo(str(finding))
        if error is not None:
            typer.echo(f"ERROR {error}")
        refusals = sum(f.severity is Severity.REFUSE for f in findings)
        verdict = "refused / 不予通过" if failed else "ok / 通过"
        typer.echo(f"{rules_file}: {refusals} REFUSE, {len(findings) - refusals} FLAG"
                   f"{', unusable' if error else ''}: {verdict}")
    if failed:
        raise typer.Exit(1)


def _finding_json(finding: Finding) -> dict[str, str]:
    return {"severity": str(finding.severity), "rule": finding.rule, "setting": finding.setting,
            "reason_en": finding.reason_en, "reason_zh": finding.reason_zh}
