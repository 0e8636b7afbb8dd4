"""Every command answers --help, and the top-level help lists the whole CLI."""
from __future__ import annotations

import pytest

COMMANDS = [
    (), ("chain",), ("chain", "deploy"), ("chain", "node"), ("chain", "advance"),
    ("propose",), ("propose", "commission"), ("propose", "pool-rate"), ("propose", "gmv-target"),
    ("propose", "product-add"), ("propose", "product-remove"),
    ("vote",), ("vote", "cast"), ("vote", "relay"), ("queue",), ("execute",), ("proposal",), ("proposal", "show"),
    ("month", "close"), ("verify",), ("demo",),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "linli")
def test_help(cli, command: tuple[str, ...]) -> None:
    run = cli(*command, "--help")
    assert run.code == 0 and "Usage: linli" in run.out


def test_vote_defaults_to_cast(cli) -> None:
    run = cli("vote", "42", "for", "--help")
    assert run.code == 0 and "Usage: linli vote cast" in run.out and "--sign" in run.out
