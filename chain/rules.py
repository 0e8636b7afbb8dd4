"""RuleBook from Python: read the rules in force, and build proposal actions that change them.

Writes go only through governance (the timelock is the RuleBook's sole writer), so this facade returns
`Action`s for `Governance.propose`, never transactions.
"""
from __future__ import annotations

from dataclasses import dataclass

from chain.governor import Action
from chain.system import Linli


@dataclass(frozen=True, slots=True)
class RulesInForce:
    level1_bps: int
    level2_bps: int
    total_bps: int
    pool_rate_bps: int
    gmv_target_cents: int
    max_rate_change_bps: int
    products: dict[bytes, bytes]  # product id -> metadata hash


class Rules:
    def __init__(self, linli: Linli) -> None:
        self._linli = linli
        self._fn = linli.rule_book.functions

    def _int(self, fn: object) -> int:
        return int(self._linli.tx.call(fn))  # type: ignore[arg-type]  # an ABI-decoded uint

    def read(self) -> RulesInForce:
        """Every rule in one value (a handful of eth_calls)."""
        level1, level2, total = self._linli.tx.call(self._fn.commissionRates())
        return RulesInForce(
            level1_bps=int(level1),
            level2_bps=int(level2),
            total_bps=int(total),
            pool_rate_bps=self.pool_rate(),
            gmv_target_cents=self.gmv_target(),
            max_rate_change_bps=self._int(self._fn.maxRateChange()),
            products=self.products(),
        )

    def commission_rate(self, level: int) -> int:
        return self._int(self._fn.commissionRate(level))

    def pool_rate(self) -> int:
        return self._int(self._fn.poolRate())

    def gmv_target(self) -> int:
        return self._int(self._fn.gmvTarget())

    def products(self) -> dict[bytes, bytes]:
        ids = self._linli.tx.call(self._fn.products())
        return {bytes(i): bytes(self._linli.tx.call(self._fn.productMetadata(i))) for i in ids}

    def set_commission_rate(self, level: int, rate_bps: int) -> Action:
        return Action.of(self._fn.setCommissionRate(level, rate_bps))

    def set_pool_rate(self, rate_bps: int) -> Action:
        return Action.of(self._fn.setPoolRate(rate_bps))

    def set_gmv_target(self, target_cents: int) -> Action:
        return Action.of(self._fn.setGmvTarget(target_cents))

    def set_max_rate_change(self, max_change_bps: int) -> Action:
        return Action.of(self._fn.setMaxRateChange(max_change_bps))

    def add_product(self, product_id: bytes, metadata_hash: bytes) -> Action:
        return Action.of(self._fn.addProduct(product_id, metadata_hash))

    def remove_product(self, product_id: bytes) -> Action:
        return Action.of(self._fn.removeProduct(product_id))
