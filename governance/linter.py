"""Compliance linter: judges a raw rules dict (the parsed TOML, before `governance.rules` builds it).

REFUSE (the co-op may not run these): entry fees, headcount (per-recruit) rewards, earners beyond two hops,
rating-dependent review rewards, fabricated ranking data. FLAG (allowed only after review): team-volume
rewards, total commission above 30%, cash prizes for invite leaderboards.

Linli's engine has no use for any of the settings below; they exist so that a rule set proposing the
classic forms can be named and refused. A setting set to 0, false, an empty list or table, or the neutral
value, is not a finding. `LINTED_KEYS` lists every dotted key the linter reads beyond the engine's own:

| key | finding |
|---|---|
| commission.entry_fee_cents, commission.entry_package_cents, coop.membership_fee_cents | REFUSE entry_fee |
| commission.requires_package (true) | REFUSE entry_fee |
| commission.per_recruit_reward_cents, points.per_recruit, pool.weight_recruits_bps | REFUSE headcount_reward |
| commission.levels_bps with more than 2 entries, commission.max_hops > 2 | REFUSE beyond_two_hops |
| points.review_by_rating (any table), points.review_min_rating > 0 | REFUSE rating_dependent_review |
| leaderboards.seed_entries, leaderboards.manual_adjustments (non-empty) | REFUSE fabricated_ranking |
| leaderboards.display_multiplier_bps != 10000, leaderboards.include_refunded (true) | REFUSE fabricated_ranking |
| commission.team_volume_bps, pool.weight_team_volume_bps | FLAG team_volume |
| sum(commission.levels_bps) + commission.team_volume_bps > 3000 | FLAG commission_over_30 |
| leaderboards.invite_cash_prize_cents, leaderboards.new_customers_cash_prize_cents | FLAG invite_cash_prize |
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MAX_HOPS = 2
MAX_TOTAL_BPS = 3000


class Severity(StrEnum):
    REFUSE = "REFUSE"
    FLAG = "FLAG"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: how bad, which rule, which setting (dotted key path), why in English and Chinese."""

    severity: Severity
    rule: str
    setting: str
    reason_en: str
    reason_zh: str

    def __str__(self) -> str:
        return f"{self.severity} {self.rule} {self.setting}: {self.reason_en} / {self.reason_zh}"


def _set(value: Any) -> bool:
    """Anything but 0, false, "", [] and {} counts as switched on."""
    return bool(value) if isinstance(value, (bool, int, float, str, list, dict)) else value is not None


def _above(limit: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, (int, float)) and not isinstance(value, bool) and value > limit


def _not(neutral: Any) -> Callable[[Any], bool]:
    return lambda value: value != neutral


@dataclass(frozen=True, slots=True)
class _Check:
    severity: Severity
    rule: str
    setting: str
    triggered: Callable[[Any], bool]
    reason_en: str
    reason_zh: str


_ENTRY_FEE = ("no fee or package purchase may buy the right to earn",
              "不得以缴纳费用或购买礼包作为获得收益的条件")
_HEADCOUNT = ("no reward per recruit; only a friend's real paid order may be rewarded",
              "不得按发展人数计酬(拉人头);只能奖励好友的真实消费")
_HOPS = (f"commission reaches beyond {MAX_HOPS} hops (only L1 direct and L2 indirect may earn)",
         f"计佣超过{MAX_HOPS}级(只允许直推L1与间推L2)")
_RATING = ("review rewards must not depend on the rating given", "评价奖励不得与评分高低挂钩")
_FABRICATED = ("rankings must show real data only (no seeded, adjusted, inflated or refunded entries)",
               "排行榜只能展示真实数据(不得虚构、人工调整、放大或计入已退款订单)")
_TEAM_VOLUME = ("team-volume rewards pay on downline sales; review them against the two-hop limit",
                "团队业绩奖励按下线业绩计酬,需对照两级上限审查")
_INVITE_CASH = ("cash prizes for invite rankings reward recruiting; prefer non-cash recognition",
                "邀请榜现金奖励实为奖励拉人,建议改为非现金荣誉")

_CHECKS: tuple[_Check, ...] = (
    _Check(Severity.REFUSE, "entry_fee", "commission.entry_fee_cents", _set, *_ENTRY_FEE),
    _Check(Severity.REFUSE, "entry_fee", "commission.entry_package_cents", _set, *_ENTRY_FEE),
    _Check(Severity.REFUSE, "entry_fee", "commission.requires_package", _set, *_ENTRY_FEE),
    _Check(Severity.REFUSE, "entry_fee", "coop.membership_fee_cents", _set, *_ENTRY_FEE),
    _Check(Severity.REFUSE, "headcount_reward", "commission.per_recruit_reward_cents", _set, *_HEADCOUNT),
    _Check(Severity.REFUSE, "headcount_reward", "points.per_recruit", _set, *_HEADCOUNT),
    _Check(Severity.REFUSE, "headcount_reward", "pool.weight_recruits_bps", _set, *_HEADCOUNT),
    _Check(Severity.REFUSE, "beyond_two_hops", "commission.levels_bps",
           lambda v: isinstance(v, list) and len(v) > MAX_HOPS, *_HOPS),
    _Check(Severity.REFUSE, "beyond_two_hops", "commission.max_hops", _above(MAX_HOPS), *_HOPS),
    _Check(Severity.REFUSE, "rating_dependent_review", "points.review_by_rating", _set, *_RATING),
    _Check(Severity.REFUSE, "rating_dependent_review", "points.review_min_rating", _above(0), *_RATING),
    _Check(Severity.REFUSE, "fabricated_ranking", "leaderboards.seed_entries", _set, *_FABRICATED),
    _Check(Severity.REFUSE, "fabricated_ranking", "leaderboards.manual_adjustments", _set, *_FABRICATED),
    _Check(Severity.REFUSE, "fabricated_ranking", "leaderboards.display_multiplier_bps", _not(10_000), *_FABRICATED),
    _Check(Severity.REFUSE, "fabricated_ranking", "leaderboards.include_refunded", _set, *_FABRICATED),
    _Check(Severity.FLAG, "team_volume", "commission.team_volume_bps", _set, *_TEAM_VOLUME),
    _Check(Severity.FLAG, "team_volume", "pool.weight_team_volume_bps", _set, *_TEAM_VOLUME),
    _Check(Severity.FLAG, "invite_cash_prize", "leaderboards.invite_cash_prize_cents", _set, *_INVITE_CASH),
    _Check(Severity.FLAG, "invite_cash_prize", "leaderboards.new_customers_cash_prize_cents", _set, *_INVITE_CASH),
)

ENGINE_KEYS = frozenset({"commission.levels_bps"})
LINTED_KEYS: frozenset[str] = frozenset(c.setting for c in _CHECKS) - ENGINE_KEYS
"""Keys `governance.rules.parse_rules` must let through (not 'unknown key') so the linter can judge them."""

_MISSING = object()


def _lookup(raw: Mapping[str, Any], dotted: str) -> Any:
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _number(value: Any) -> int | float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def lint_rules(raw: Mapping[str, Any]) -> list[Finding]:
    """Every finding, REFUSE before FLAG, then by setting. Malformed values are left to the loader."""
    findings = [
        Finding(c.severity, c.rule, c.setting, c.reason_en, c.reason_zh)
        for c in _CHECKS
        if (value := _lookup(raw, c.setting)) is not _MISSING and c.triggered(value)
    ]
    levels = _lookup(raw, "commission.levels_bps")
    team = _lookup(raw, "commission.team_volume_bps")
    total = (sum(_number(v) for v in levels) if isinstance(levels, list) else 0) + _number(team)
    if total > MAX_TOTAL_BPS:
        findings.append(Finding(
            Severity.FLAG, "commission_over_30", "commission.levels_bps",
            f"commission totals {total} bps, above the legal {MAX_TOTAL_BPS} bps (30%) of the paid amount",
            f"佣金合计{total}基点,超过实付金额30%({MAX_TOTAL_BPS}基点)的上限"))
    order = {Severity.REFUSE: 0, Severity.FLAG: 1}
    return sorted(findings, key=lambda f: (order[f.severity], f.setting, f.rule))


def refused(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.REFUSE for f in findings)
