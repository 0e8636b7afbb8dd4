"""The language the `linli` CLI speaks, and its texts by key.

The same scheme as the dashboard's (api/dashboard/static/js/i18n.js and messages.js): one catalogue,
`linli.messages`, maps each key to its English and Chinese text with `{name}` placeholders, and `t(key, ...)`
fills them in. The language is chosen once per process, because typer reads the help texts at import:
LINLI_LANG wins, then LANG; a value starting with "zh" means Chinese, anything else, or nothing set, English
(a script that parses output sees the same text on any machine unless someone asks for Chinese).

What stays English on purpose: errors raised by the shared layers (governance, chain), which the API also
returns as JSON for machines to read, and the linter's findings, which carry both languages already.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Literal

from linli.messages import MESSAGES  # a dict literal: one cached bytecode load, well under a millisecond

Lang = Literal["en", "zh"]
LANGUAGES: tuple[Lang, ...] = ("en", "zh")
LANG_ENV = "LINLI_LANG"


def language(env: Mapping[str, str] = os.environ) -> Lang:
    """LINLI_LANG if set and not empty, else LANG: "zh…" is Chinese, every other value English."""
    chosen = (env.get(LANG_ENV) or "").strip() or (env.get("LANG") or "").strip()
    return "zh" if chosen.lower().startswith("zh") else "en"


@cache
def current() -> Lang:
    """The process's language, decided on first use (help texts are built once, so it never changes)."""
    return language()


def t(key: str, /, **values: object) -> str:
    """The catalogue's text for `key` in the current language, with its {name} placeholders filled."""
    return MESSAGES[key][current()].format(**values)
