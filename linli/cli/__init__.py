"""`linli`: one console script; each command group lives in its own module and is registered here."""
from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer
from typer._click import exceptions as click_errors  # typer >= 0.2x vendors click; these are its classes

from chain.recursion import keep_recursion_limit_safe
from governance.errors import LinliError
from linli.cli import admin, chain, demo, mirror, month, points, poll, proposal, propose, rules, serve, verify, vote
from linli.cli.rpc_errors import rpc_failure
from linli.cli.typer_texts import relabel_help, usage_message
from linli.i18n import t

app = typer.Typer(
    name="linli",
    help=t("app.help"),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib import metadata  # 20 ms: only for --version

        typer.echo(f"linli {metadata.version('linli')}")  # pyproject's version, as installed
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True, help=t("app.version"))] = False) -> None:
    pass


app.add_typer(rules.app, name="rules")
app.add_typer(month.app, name="month")
app.add_typer(chain.app, name="chain")
app.add_typer(points.app, name="points")
app.add_typer(propose.app, name="propose")
app.add_typer(vote.app, name="vote")
app.command("queue", help=t("proposal.queue.help"))(proposal.queue)
app.command("execute", help=t("proposal.execute.help"))(proposal.execute)
app.add_typer(proposal.app, name="proposal")
app.add_typer(poll.app, name="poll")
app.add_typer(verify.app)
app.add_typer(demo.app)
app.add_typer(serve.app)
app.add_typer(mirror.app, name="mirror")
app.add_typer(admin.app, name="admin")


def main() -> None:
    """Entry point: every error is one clear line on stderr and a non-zero exit, never a traceback.

    Exit codes: 1 for a deliberate Linli error (bad data, a revert, a failed verification), 2 for a
    command line that does not parse (click's convention), 130 when interrupted; a node's JSON-RPC refusal
    or a node lost mid-command is also 1 (`rpc_errors`). The language is
    `linli.i18n`'s; errors raised below the CLI (governance, chain) keep their English text.
    """
    keep_recursion_limit_safe()  # web3's py_ecc raises it to 100,000, past what the C stack can hold
    if _shows_help(sys.argv[1:]):
        relabel_help()
    try:
        code = app(standalone_mode=False)
    except LinliError as exc:
        _fail(str(exc), 1)
    except click_errors.NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click_errors.UsageError as exc:
        message = usage_message(exc)
        _fail(t("error.usage_hint", message=message, command=exc.ctx.command_path) if exc.ctx else message,
              exc.exit_code)
    except click_errors.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except typer.Abort:
        typer.echo(t("error.aborted"), err=True)
        sys.exit(130)
    except Exception as exc:  # a node's refusal or a lost node is one line; anything else is a bug: re-raised
        failure = rpc_failure(exc)
        if failure is None:
            raise
        _fail(failure, 1)
    sys.exit(code if isinstance(code, int) else 0)


def _shows_help(args: list[str]) -> bool:
    """--help, or a group named without a command (its help is shown then)."""
    return "--help" in args or not args or (len(args) == 1 and args[0] in {g.name for g in app.registered_groups})


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(t("error.line", message=message), err=True)
    sys.exit(code)
