"""How every command after `linli chain deploy` reaches its deployment: one chain, one bound `Linli`.

The RPC URL is `--rpc`, else LINLI_RPC_URL, else the `rpc` recorded in deployment.json (when it is an
http(s) URL: an embedded chain or a node Linli started died with the command that deployed it). The signer
is LINLI_PRIVATE_KEY or `--keystore FILE` with LINLI_KEYSTORE_PASSWORD, never a key on the command line.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from eth_account import Account

from chain.base import Chain
from chain.connect import RPC_URL_ENV, open_chain
from chain.deployment import DEFAULT_PATH, DEPLOYMENT_ENV, Deployment
from chain.errors import ChainError
from chain.keys import signer_from_env
from chain.rpc import RpcChain
from chain.system import Linli
from linli.i18n import t


def deployment_path(path: Path | None, env: Mapping[str, str] = os.environ) -> Path:
    """`--deployment`, else LINLI_DEPLOYMENT, else ./deployment.json."""
    return Path(path or env.get(DEPLOYMENT_ENV) or DEFAULT_PATH)


def rpc_url(rpc: str | None, deployment: Deployment, env: Mapping[str, str] = os.environ) -> str:
    url = rpc or env.get(RPC_URL_ENV) or deployment.rpc
    if not url.startswith(("http://", "https://")):
        raise ChainError(t("session.ended_chain", chain=deployment.rpc))
    return url


@contextmanager
def attached(
    *, rpc: str | None = None, keystore: Path | None = None, deployment: Path | None = None,
    signer_needed: bool = True,
) -> Iterator[Linli]:
    """Open the deployment's chain with the configured signer and bind the six contracts; closes after.

    A read-only command (`signer_needed=False`) works without any key: a throwaway account stands in as
    the `from` of its calls and can sign nothing of value.
    """
    dep = Deployment.load(deployment_path(deployment))
    url = rpc_url(rpc, dep)
    if signer_needed:
        chain: Chain = open_chain(rpc_url=url, keystore=keystore)
    else:
        chain = RpcChain(url, [signer_from_env() or Account.create()], name="rpc")
    with chain:
        yield Linli.attach(chain, dep)
