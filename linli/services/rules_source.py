"""The rules a month is closed by: the rules file for everything the chain does not hold, and the chain's
RuleBook for what members vote on (commission rates, pool rate, GMV target).

The RuleBook is the source of truth for voted terms: after a proposal executes, the next close must use the
new rates even if nobody edited the rules file; the PayoutLedger refuses a pool computed with other terms.
"""
from __future__ import annotations

from dataclasses import replace

from chain.rules import RulesInForce
from governance.rules import Rules


def with_terms_in_force(base: Rules, terms: RulesInForce) -> Rules:
    """`base` with its commission levels, pool rate and GMV target replaced by the chain's."""
    commission = replace(base.commission, levels_bps=(terms.level1_bps, terms.level2_bps))
    pool = replace(base.pool, rate_bps=terms.pool_rate_bps, target_cents=terms.gmv_target_cents)
    return replace(base, commission=commission, pool=pool)


def deploy_overrides(rules: Rules) -> dict[str, int]:
    """Initial RuleBook values from a rules file (deploy parameters), so the chain starts where the file is."""
    levels = tuple(rules.commission.levels_bps) + (0,) * (2 - len(rules.commission.levels_bps))
    return {
        "level1_bps": levels[0],
        "level2_bps": levels[1],
        "pool_rate_bps": rules.pool.rate_bps,
        "gmv_target_cents": rules.pool.target_cents,
    }


def differences(base: Rules, terms: RulesInForce) -> list[str]:
    """What the rules file says differently from the chain, one phrase per term (empty when they agree)."""
    file_levels = tuple(base.commission.levels_bps) + (0,) * (2 - len(base.commission.levels_bps))
    pairs = [
        ("level 1 commission", file_levels[0], terms.level1_bps, "bps"),
        ("level 2 commission", file_levels[1], terms.level2_bps, "bps"),
        ("pool rate", base.pool.rate_bps, terms.pool_rate_bps, "bps"),
        ("GMV target", base.pool.target_cents, terms.gmv_target_cents, "cents"),
    ]
    return [f"{name}: file {mine} {unit}, chain {chain} {unit}" for name, mine, chain, unit in pairs if mine != chain]
