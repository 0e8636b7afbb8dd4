"""The Linli demo story under brownie: its node, its web3 connection, its funded accounts.

    flock /tmp/linli-brownie.lock brownie run scripts/demo.py --network development   # Anvil
    flock /tmp/linli-brownie.lock brownie run scripts/demo.py --network ganache-cli

The story is `linli.demo.run_demo`, the same one `linli demo` tells; this script only wraps brownie's
connection in the chain adapter's `Chain` interface. brownie's accounts are unlocked on the node (brownie
holds no keys for them), so they sign through the node with eth_signTransaction. Environment:
LINLI_DEMO_MEMBERS (default 200), LINLI_DEMO_OUT (default reports/demo-<network>).
"""
from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from brownie import accounts, chain, network, web3
from hexbytes import HexBytes
from web3 import Web3
from web3.gas_strategies.rpc import rpc_gas_price_strategy
from web3.types import RPCEndpoint

from chain.base import Chain
from linli.cli.demo import print_report
from linli.demo import DemoConfig, run_demo


class NodeSigner:
    """A brownie account as the adapter's signer: `address` and `sign_transaction`, signed by the node."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3, self.address = w3, address

    def sign_transaction(self, tx: dict[str, Any]) -> SimpleNamespace:
        params = {k: hex(v) if isinstance(v, int) else v for k, v in {**tx, "from": self.address}.items()
                  if not (k == "to" and not v)}  # a deployment has no `to`
        if "maxFeePerGas" in params:
            params["type"] = "0x2"
        raw = self.w3.manager.request_blocking(RPCEndpoint("eth_signTransaction"), [params])
        return SimpleNamespace(raw_transaction=HexBytes(raw if isinstance(raw, str) else raw["raw"]))


class BrownieChain(Chain):
    """The network brownie connected to, with brownie's own dev controls for time and snapshots."""

    def __init__(self) -> None:
        signers = [NodeSigner(web3, a.address) for a in accounts]
        super().__init__(web3, signers, name=network.show_active(), rpc=web3.provider.endpoint_uri)  # type: ignore[arg-type]
        # brownie prices every transaction the legacy way; the adapter sends EIP-1559 fees, and web3 would
        # otherwise add a gasPrice beside them, which no signer accepts
        web3.eth.set_gas_price_strategy(None)

    def close(self) -> None:
        web3.eth.set_gas_price_strategy(rpc_gas_price_strategy)  # brownie's own setting, back for brownie

    def increase_time(self, seconds: int) -> int:
        chain.sleep(seconds)
        chain.mine(1)
        return self.timestamp()

    def mine(self, blocks: int = 1) -> int:
        if blocks > 0:
            chain.mine(blocks)
        return self.block_number()

    def snapshot(self) -> Any:
        return chain.snapshot()

    def revert(self, snapshot_id: Any) -> None:
        chain.revert()
        self.nonces.forget()


@contextmanager
def printed_step(title: str) -> Iterator[Any]:
    started = time.perf_counter()
    print(f"{title} ...", flush=True)
    yield lambda _done, _total: None
    print(f"{title}: done in {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    # brownie's own chain.sleep/mine call its rpc module and warn about themselves; nothing to act on here
    warnings.filterwarnings("ignore", message=r"rpc\.\w+ should not be called directly", category=FutureWarning)
    members = int(os.environ.get("LINLI_DEMO_MEMBERS", "200"))
    out = Path(os.environ.get("LINLI_DEMO_OUT", f"reports/demo-{network.show_active()}"))
    with BrownieChain() as linli_chain:
        result = run_demo(linli_chain, DemoConfig(members=members, out_dir=out), steps=printed_step)
    print_report(result)
    print(f"files in {out}")
