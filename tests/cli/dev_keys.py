"""Private keys of the dev accounts, for tests that pass a key the way a user does (LINLI_PRIVATE_KEY).

A plain module, not conftest: `from conftest import …` is ambiguous when several test folders run together.
"""
from __future__ import annotations

from chain.keys import dev_signers


def dev_key(index: int) -> str:
    return "0x" + bytes(dev_signers(index + 1)[index].key).hex()
