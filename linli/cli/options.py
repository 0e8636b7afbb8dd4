"""Options every chain command shares (each also read from the environment), and the ways output leaves.

Keys never travel on the command line: LINLI_PRIVATE_KEY, or `--keystore FILE` + LINLI_KEYSTORE_PASSWORD.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from linli.i18n import t

Rpc = Annotated[
    str | None,
    typer.Option("--rpc", envvar="LINLI_RPC_URL", show_envvar=True,
                 help=t("opt.rpc")),
]
Keystore = Annotated[
    Path | None,
    typer.Option("--keystore", envvar="LINLI_KEYSTORE", show_envvar=True,
                 help=t("opt.keystore")),
]
DeploymentFile = Annotated[
    Path | None,
    typer.Option("--deployment", envvar="LINLI_DEPLOYMENT", show_envvar=True,
                 help=t("opt.deployment")),
]
Json = Annotated[bool, typer.Option("--json", help=t("opt.json"))]
ProposalId = Annotated[str, typer.Argument(help=t("opt.proposal_id"))]


def emit_json(data: Any) -> None:
    """Data for machines: one JSON document on stdout (progress and notes go to stderr)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def note(text: str) -> None:
    """A remark for the person at the terminal, on stderr so `--json` output stays clean."""
    typer.echo(text, err=True)


def yuan(cents: int) -> str:
    """Display only: every figure stays integer cents; this places the decimal point."""
    sign, whole = ("-" if cents < 0 else ""), abs(cents)
    return f"{sign}{whole // 100:,}.{whole % 100:02d}"
