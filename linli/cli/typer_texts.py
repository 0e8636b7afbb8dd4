"""typer's own help texts ("Usage:", "Options", "[required]", "Show this message and exit.", …) in Chinese,
and click's usage errors ("Missing argument …") too.

typer vendors click with these texts written in English (only a few still go through gettext), so there is no
catalogue to hand them: the help layout is relabelled here from `linli.messages`, only in Chinese and only
when help is about to be shown (its module, typer.rich_utils, is the slowest import of `--help`). Rich
breaks lines only at spaces and cuts a longer run short with "…" inside typer's tables; Chinese has no
spaces, so its help texts fold at the column's edge instead. The names touched are checked by
tests/cli/test_cli_language.py, so a typer upgrade that moves them fails a test rather than going silently
English.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from typer._click import core as click_core
from typer._click import exceptions as click_errors
from typer._click.formatting import HelpFormatter

from linli.i18n import current, t


class _Formatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, t("help.usage") if prefix is None else prefix)


@cache
def relabel_help() -> None:
    """Put the Chinese labels into typer's help layout (English needs nothing: it is typer's own)."""
    if current() != "zh":
        return
    from rich.text import Text
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = t("help.arguments")
    rich_utils.OPTIONS_PANEL_TITLE = t("help.options")
    rich_utils.COMMANDS_PANEL_TITLE = t("help.commands")
    rich_utils.REQUIRED_LONG_STRING = t("help.required")
    rich_utils.DEFAULT_STRING = t("help.default", value="{}")
    rich_utils.ENVVAR_STRING = t("help.envvar", value="{}")
    click_core.Context.formatter_class = _Formatter
    make_text = rich_utils._make_rich_text

    def folding_text(**kwargs: Any) -> Any:
        text = make_text(**kwargs)
        if isinstance(text, Text):
            text.overflow = "fold"
        return text

    rich_utils._make_rich_text = folding_text
    english_help_option = click_core.Command.get_help_option

    def help_option(self: click_core.Command, ctx: click_core.Context):
        option = english_help_option(self, ctx)
        if option is not None:
            option.help = t("help.help_option")
        return option

    # mypy: the Chinese help option replaces typer's own method at run time
    click_core.Command.get_help_option = help_option  # type: ignore[method-assign]


def usage_message(exc: click_errors.UsageError) -> str:
    """The command line's mistake in the current language; click's own English wording in English, and for
    the rarer errors this does not know."""
    if current() != "zh":
        return exc.format_message()
    if isinstance(exc, click_errors.MissingParameter) and not exc.message and exc.param is not None:
        return t("error.missing_option" if exc.param.param_type_name == "option" else "error.missing_argument",
                 name=_hint(exc.param_hint or exc.param.get_error_hint()))
    if isinstance(exc, click_errors.NoSuchOption):
        return t("error.no_such_option", name=exc.option_name)
    if type(exc) is click_errors.BadParameter and (exc.param_hint or exc.param) is not None:
        # mypy: a MissingParameter always carries its param here (checked by the caller)
        hint = exc.param_hint or exc.param.get_error_hint()  # type: ignore[union-attr]
        return t("error.invalid_value", name=_hint(hint), message=exc.message)
    return exc.format_message()


def _hint(hint: Sequence[str] | str) -> str:
    return hint if isinstance(hint, str) else " / ".join(repr(h) for h in hint)
