"""`linli rules check`: is a rules file usable and lawful? Findings name the rule, setting and why."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from linli.i18n import t

if TYPE_CHECKING:
    from governance.linter import Finding

app = typer.Typer(help=t("rules.help"), no_args_is_help=True)


@app.command("check", help=t("rules.check.help"))
def check(
    rules_file: Path = typer.Argument(..., help=t("rules.check.file")),
    strict: bool = typer.Option(False, "--strict", help=t("rules.check.strict")),
    as_json: bool = typer.Option(False, "--json", help=t("rules.check.json")),
) -> None:
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
            typer.echo(t("rules.check.error", error=error))
        refusals = sum(f.severity is Severity.REFUSE for f in findings)
        typer.echo(t("rules.check.summary", file=rules_file, refusals=refusals, flags=len(findings) - refusals,
                     unusable=t("rules.check.unusable") if error else "",
                     verdict=t("rules.check.refused") if failed else t("rules.check.ok")))
    if failed:
        raise typer.Exit(1)


def _finding_json(finding: Finding) -> dict[str, str]:
    return {"severity": str(finding.severity), "rule": finding.rule, "setting": finding.setting,
            "reason_en": finding.reason_en, "reason_zh": finding.reason_zh}
