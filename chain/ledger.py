"""PayoutLedger from Python: publish a month's distribution, read it back from the chain, verify a proof there.

Periods are `YYYY-MM` (governance.period.Period) in Python and the integer YYYYMM on chain. Every figure of
a publication lives in its DistributionPublished event (storage keeps only root and record hash), so `read`
finds that event with eth_getLogs from the deployment block on.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from web3.types import TxReceipt

from chain.errors import ChainError
from chain.system import Linli
from governance.period import Period


def period_number(period: Period | str) -> int:
    """`2026-11` -> 202611, the ledger's uint32 period."""
    p = Period.parse(period) if isinstance(period, str) else period
    return p.year * 100 + p.month


@dataclass(frozen=True, slots=True)
class Publication:
    period: int
    merkle_root: bytes
    record_hash: bytes
    gmv_cents: int
    target_cents: int
    pool_rate_bps: int
    pool_cents: int
    member_count: int
    block_number: int
    tx_hash: str


class Ledger:
    def __init__(self, linli: Linli) -> None:
        self._linli = linli
        self._fn = linli.ledger.functions

    def publish(
        self,
        period: Period | str,
        *,
        gmv_cents: int,
        pool_cents: int,
        member_count: int,
        merkle_root: bytes,
        record_hash: bytes,
        sender: LocalAccount | None = None,
    ) -> TxReceipt:
        """Publish once; the chain checks the pool against the rule book (PayoutLedgerPoolMismatch)."""
        fn = self._fn.publish(period_number(period), gmv_cents, pool_cents, member_count, merkle_root, record_hash)
        return self._linli.tx.send(fn, sender or self._linli.chain.signers[0])

    def is_published(self, period: Period | str) -> bool:
        return bool(self._linli.tx.call(self._fn.isPublished(period_number(period))))

    def read(self, period: Period | str, *, max_range: int = 2_000) -> Publication | None:
        """The publication of `period` from its event, or None if never published."""
        number = period_number(period)
        if not self.is_published(period):
            return None
        events = self._linli.events
        topics = [events.topic("DistributionPublished").to_0x_hex(), "0x" + abi_encode(["uint32"], [number]).hex()]
        logs = self._linli.log_fetcher(max_range).fetch(
            self._linli.deployment.block,
            self._linli.chain.block_number(),
            address=self._linli.ledger.address,
            topics=topics,
        )
        found = [e for e in events.decode_all(logs) if e.name == "DistributionPublished"]
        if not found:
            raise ChainError(f"{period}: published on chain, but its DistributionPublished event was not found")
        e = found[-1]
        return Publication(
            period=number,
            merkle_root=bytes(e.args["merkleRoot"]),
            record_hash=bytes(e.args["recordHash"]),
            gmv_cents=e.args["gmvCents"],
            target_cents=e.args["targetCents"],
            pool_rate_bps=e.args["poolRateBps"],
            pool_cents=e.args["poolCents"],
            member_count=e.args["memberCount"],
            block_number=e.block_number,
            tx_hash=e.tx_hash,
        )

    def verify(self, period: Period | str, account: str, amount_cents: int, proof: Sequence[bytes]) -> bool:
        """The chain's own answer: is (account, amount) a leaf of the published tree?"""
        fn = self._fn.verify(period_number(period), account, amount_cents, list(proof))
        return bool(self._linli.tx.call(fn))
