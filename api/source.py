"""The indexer's narrow view of a chain: the head, block headers, and Linli's events in a block range.

Everything goes through the `chain` package (which alone imports web3). `Source` is a protocol so tests and
benchmarks can put any chain behind it; `ChainSource` is the real one, over a `chain.system.Linli`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from eth_account import Account

from api.decoding import LogDecoder, contract_abi
from api.settings import Settings
from chain.connect import open_chain
from chain.deployment import Deployment
from chain.rpc import RpcChain
from chain.system import Linli


@dataclass(frozen=True, slots=True)
class Header:
    number: int
    hash: str
    parent_hash: str
    timestamp: int


@dataclass(frozen=True, slots=True)
class RawEvent:
    """A decoded log of one of Linli's contracts, args in canonical form (`api.canonical.plain`)."""

    contract: str
    name: str
    args: dict[str, Any]
    block_number: int
    block_hash: str
    log_index: int
    tx_hash: str


class Source(Protocol):
    chain_id: int
    start_block: int
    contracts: dict[str, str]  # address -> contract name

    def head(self) -> int: ...

    def header(self, number: int) -> Header | None: ...

    def events(self, lo: int, hi: int) -> list[RawEvent]: ...


class ChainSource:
    def __init__(self, linli: Linli, *, window: int = 2_000) -> None:
        self.linli = linli
        self.chain_id = linli.chain.chain_id
        self.start_block = linli.deployment.block
        self.contracts = {address: name for name, address in linli.deployment.contracts.items()}
        self._fetcher = linli.log_fetcher(window)
        self._eth = linli.chain.w3.eth
        self._decoder = LogDecoder(contract_abi(name) for name in linli.deployment.contracts)

    def head(self) -> int:
        return int(self._eth.block_number)

    def header(self, number: int) -> Header | None:
        try:
            block = self._eth.get_block(number)
        except Exception as exc:  # BlockNotFound: the chain is shorter than that (after a reorg)
            if type(exc).__name__ == "BlockNotFound":
                return None
            raise
        return Header(number, block["hash"].to_0x_hex(), block["parentHash"].to_0x_hex(), int(block["timestamp"]))

    def events(self, lo: int, hi: int) -> list[RawEvent]:
        logs = self._fetcher.fetch(lo, hi, address=list(self.contracts))
        decode, out = self._decoder.decode, []
        for log in logs:
            decoded = decode(log["topics"], log["data"])
            if decoded is None:
                continue
            out.append(RawEvent(
                contract=self.contracts.get(log["address"], log["address"]),
                name=decoded[0],
                args=decoded[1],
                block_number=int(log["blockNumber"]),
                block_hash=log["blockHash"].to_0x_hex(),
                log_index=int(log["logIndex"]),
                tx_hash=log["transactionHash"].to_0x_hex(),
            ))
        return out


def connect(settings: Settings) -> Linli:
    """Linli on the chain of `settings` (LINLI_RPC_URL, LINLI_DEPLOYMENT).

    Reading needs no key, but the chain adapter wants a signer: without LINLI_PRIVATE_KEY a throwaway
    account stands in, which can read everything and pay for nothing.
    """
    deployment = Deployment.load(settings.deployment)
    url = settings.rpc_url or deployment.rpc
    if settings.relayer_key is not None:
        chain = open_chain(rpc_url=url, env={"LINLI_PRIVATE_KEY": settings.relayer_key.get_secret_value()})
    else:
        chain = RpcChain(url, [Account.create()], name="rpc")
    return Linli.attach(chain, deployment)
