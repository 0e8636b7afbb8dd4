"""`open_chain`: the one place that turns CLI flags / environment into a `Chain`.

    open_chain()                          embedded py-evm chain (default)
    open_chain("anvil") / ("ganache")     a local node Linli starts now and stops on close()
    open_chain(rpc_url=URL)               any endpoint; key from LINLI_PRIVATE_KEY or a keystore file
                                          (+ LINLI_KEYSTORE_PASSWORD); LINLI_RPC_URL works like rpc_url
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from chain.base import Chain
from chain.embedded import EmbeddedChain
from chain.errors import ChainError
from chain.keys import dev_signers, load_signer
from chain.nodes import LocalNode
from chain.retry import RetryPolicy
from chain.rpc import RpcChain

ChainKind = Literal["embedded", "anvil", "ganache"]
RPC_URL_ENV = "LINLI_RPC_URL"


def open_chain(
    kind: ChainKind | None = None,
    *,
    rpc_url: str | None = None,
    keystore: Path | None = None,
    accounts: int = 10,
    retry: RetryPolicy = RetryPolicy(),
    env: Mapping[str, str] = os.environ,
) -> Chain:
    """Connect as asked; an explicit `kind` wins over LINLI_RPC_URL, an explicit `rpc_url` over both."""
    url = rpc_url or (None if kind else env.get(RPC_URL_ENV))
    if url:
        if kind is not None:
            raise ChainError(f"choose either --chain {kind} or an RPC URL, not both")
        return RpcChain(url, [load_signer(keystore, env)], name="rpc", retry=retry)
    if kind in (None, "embedded"):
        return EmbeddedChain(accounts=accounts)
    if kind == "anvil" or kind == "ganache":
        return start_local(kind, accounts=accounts, retry=retry)
    raise ChainError(f"unknown chain {kind!r}: use embedded, anvil or ganache, or --rpc URL")


def start_local(
    kind: Literal["anvil", "ganache"], *, accounts: int = 10, retry: RetryPolicy = RetryPolicy()
) -> RpcChain:
    """Start a local node on a free port and connect with the dev accounts; closing the chain stops it."""
    node = LocalNode(kind, accounts=accounts).start()
    try:
        return RpcChain(node.url, dev_signers(accounts), name=kind, node=node, retry=retry)
    except BaseException:
        node.stop()
        raise
