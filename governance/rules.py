"""The rules file: one TOML document holding every number of the mechanisms (docs/mechanisms.md).

`read_raw` gives the TOML as a dict (what `governance.linter.lint_rules` judges); `parse_rules` turns it
into a frozen `Rules` tree, refusing unknown keys and wrong types with a `RulesError` naming the key
(keys that only the linter reads, such as `commission.entry_fee_cents`, pass through unused), and
holding every number, text and list to `governance.bounds` (the RuleBook's own bounds among them);
`load_rules` does both and refuses a file with any REFUSE finding. Missing keys take the documented
defaults (examples/rules.toml; docs/data-formats.md "Rules file").
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from governance.bounds import (
    MAX_RULE_LIST, MAX_RULE_TEXT_CHARS, MAX_RULES_FILE_BYTES, RULE_INT_BOUNDS, OutOfBounds, check_chars, check_range,
)
from governance.commission import CommissionRules
from governance.errors import BadInput, RulesError
from governance.linter import LINTED_KEYS, Severity, lint_rules
from governance.period import parse_timezone
from governance.pool import PoolRules

METRICS = ("sales", "orders", "new_customers", "review_rate")
WINDOWS = ("day", "week", "month", "year")
ACHIEVEMENT_METRICS = ("paid_orders", "groups_opened", "checkin_streak", "reviews")


@dataclass(frozen=True, slots=True)
class CoopRules:
    """`[coop]`: who the co-op is and whose calendar its days and months follow."""

    name: str = "邻里合作社"
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        try:
            parse_timezone(self.timezone)
        except BadInput as exc:
            raise RulesError(f"coop.timezone: {exc}") from None

    @property
    def tz(self) -> ZoneInfo:
        return parse_timezone(self.timezone)


@dataclass(frozen=True, slots=True)
class PointsRules:
    """`[points]`: growth points (成长值) per kind of real contribution."""

    order_per_yuan: int = 1          # paid order: points per whole yuan paid; a refund takes them back
    review: int = 20                 # per reviewed order, whatever the rating
    invite_first_order: int = 200    # to the referrer, on the invited friend's first paid order
    checkin: int = 10                # once per local day
    share: int = 10                  # per share, at most `share_daily_max` a day
    share_daily_max: int = 5
    profile: int = 20                # once ever
    group_open: int = 50             # per group opened (开团)

    def __post_init__(self) -> None:
        _non_negative(self, "points")


@dataclass(frozen=True, slots=True)
class Tier:
    """One level: reached at `threshold` growth in the window, kept while growth stays >= `retain`."""

    name: str
    threshold: int
    retain: int
    daily_cap: int | None = None     # max points a day from activities and invites; absent = no cap


@dataclass(frozen=True, slots=True)
class LevelRules:
    """`[levels]`: tiers on growth earned in a rolling window, evaluated at each month end."""

    window_days: int = 365
    grace_periods: int = 1           # month ends below `retain` tolerated before dropping one tier
    tiers: tuple[Tier, ...] = (
        Tier("普通", 0, 0, 300),
        Tier("白银", 1000, 500, 400),
        Tier("黄金", 5000, 2500, 500),
        Tier("钻石", 20000, 10000, 600),
    )

    def __post_init__(self) -> None:
        if self.window_days <= 0:
            raise RulesError("levels.window_days: must be at least 1")
        if self.grace_periods < 0:
            raise RulesError("levels.grace_periods: must be 0 or more")
        if not self.tiers or self.tiers[0].threshold != 0:
            raise RulesError("levels.tiers: the first tier must have threshold = 0 (every member has a level)")
        for i, tier in enumerate(self.tiers):
            where = f"levels.tiers[{i}] ({tier.name})"
            if not 0 <= tier.retain <= tier.threshold:
                raise RulesError(f"{where}.retain {tier.retain}: between 0 and its threshold {tier.threshold}")
            if tier.daily_cap is not None and tier.daily_cap < 0:
                raise RulesError(f"{where}.daily_cap: must be 0 or more, or left out for no cap")
            if i and tier.threshold <= self.tiers[i - 1].threshold:
                raise RulesError(f"{where}.threshold {tier.threshold}: thresholds must rise tier by tier")
        if len({t.name for t in self.tiers}) != len(self.tiers):
            raise RulesError("levels.tiers: each tier needs its own name")


@dataclass(frozen=True, slots=True)
class DecayRules:
    """`[decay]`: optional half-life of voting weight, applied in steps at each month close: the weight
    becomes the decay function at the month's end over the monthly nets, capped by the weight before
    (`governance.decay`; the close's decay batches put it on chain)."""

    enabled: bool = False
    half_life_days: int = 90

    def __post_init__(self) -> None:
        if self.half_life_days <= 0:
            raise RulesError("decay.half_life_days: must be at least 1")


@dataclass(frozen=True, slots=True)
class LeaderboardRules:
    """`[leaderboards]`: which rankings are shown, over which windows, how many places."""

    metrics: tuple[str, ...] = METRICS
    windows: tuple[str, ...] = WINDOWS
    size: int = 10

    def __post_init__(self) -> None:
        for name, allowed in (("metrics", METRICS), ("windows", WINDOWS)):
            for value in getattr(self, name):
                if value not in allowed:
                    raise RulesError(f"leaderboards.{name}: {value!r} is not one of {', '.join(allowed)}")
        if self.size <= 0:
            raise RulesError("leaderboards.size: must be at least 1")


@dataclass(frozen=True, slots=True)
class Achievement:
    """One `[[achievements]]` entry: earned when `metric` first reaches `threshold`."""

    id: str
    name: str
    metric: str
    threshold: int

    def __post_init__(self) -> None:
        if self.metric not in ACHIEVEMENT_METRICS:
            raise RulesError(f"achievements.{self.id}.metric {self.metric!r}: use one of "
                             f"{', '.join(ACHIEVEMENT_METRICS)}")
        if self.threshold <= 0:
            raise RulesError(f"achievements.{self.id}.threshold: must be at least 1")


def _default_achievements() -> tuple[Achievement, ...]:
    return (
        Achievement("first_order", "首单 First order", "paid_orders", 1),
        Achievement("groups_5", "开团达人 5 groups opened", "groups_opened", 5),
        *(Achievement(f"streak_{n}", f"连续签到{n}天 {n}-day streak", "checkin_streak", n) for n in (3, 7, 14, 30)),
        Achievement("reviews_10", "点评达人 10 reviews", "reviews", 10),
    )


@dataclass(frozen=True, slots=True)
class Rules:
    """The whole rules file."""

    coop: CoopRules = field(default_factory=CoopRules)
    points: PointsRules = field(default_factory=PointsRules)
    levels: LevelRules = field(default_factory=LevelRules)
    decay: DecayRules = field(default_factory=DecayRules)
    commission: CommissionRules = field(default_factory=CommissionRules)
    pool: PoolRules = field(default_factory=PoolRules)
    leaderboards: LeaderboardRules = field(default_factory=LeaderboardRules)
    achievements: tuple[Achievement, ...] = field(default_factory=_default_achievements)

    def __post_init__(self) -> None:
        ids = [a.id for a in self.achievements]
        if len(set(ids)) != len(ids):
            raise RulesError("achievements: each achievement needs its own id")


def read_raw(path: Path | str) -> dict[str, Any]:
    """The rules file as a plain dict, for the linter and for `parse_rules`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_RULES_FILE_BYTES + 1)
        if len(data) > MAX_RULES_FILE_BYTES:
            raise RulesError(f"{path}: larger than the bound of {MAX_RULES_FILE_BYTES} bytes for a rules file")
        return tomllib.loads(data.decode("utf-8"))
    except OSError as exc:
        raise RulesError(f"cannot read rules file {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise RulesError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path} is not valid TOML: {exc}") from exc
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise RulesError(f"{path}: nested too deeply to be a rules file") from None


def load_rules(path: Path | str) -> Rules:
    """The rules to run the co-op by: a rules file with any REFUSE finding is not usable."""
    raw = read_raw(path)
    refusals = [f for f in lint_rules(raw) if f.severity is Severity.REFUSE]
    if refusals:
        raise RulesError(f"{path}: refused by the compliance linter: " + "; ".join(str(f) for f in refusals)
                         + " (see `linli rules check`)")
    try:
        return parse_rules(raw)
    except RulesError as exc:
        raise RulesError(f"{path}: {exc}") from None


def parse_rules(raw: dict[str, Any]) -> Rules:
    """Build `Rules` from a TOML dict; unknown keys and wrong types are refused, naming the key."""
    return _build(Rules, raw, "")


def _build(cls: type, table: Any, where: str) -> Any:
    if not isinstance(table, dict):
        raise RulesError(f"{where or 'rules'}: expected a table, found {_kind(table)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    values = {}
    for key, value in table.items():
        if _join(where, key) in LINTED_KEYS:  # only the linter reads these (to refuse classic schemes)
            continue
        if key not in fields:
            raise RulesError(f"{_join(where, key)}: unknown key; known keys here: {', '.join(fields)}")
        values[key] = _convert(hints[key], value, _join(where, key))
    try:
        return cls(**values)
    except TypeError as exc:  # a required key without default is missing
        missing = [n for n, f in fields.items() if n not in values and f.default is dataclasses.MISSING
                   and f.default_factory is dataclasses.MISSING]
        raise RulesError(f"{where or 'rules'}: missing key(s) {', '.join(missing) or exc}") from None


def _convert(hint: Any, value: Any, where: str) -> Any:
    """Check a TOML value against a field's type hint; lists become tuples, tables become dataclasses."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, where)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):  # `X | None`: TOML has no null, so absent means None
        return _convert(next(a for a in args if a is not type(None)), value, where)
    if origin is tuple:
        if not isinstance(value, list):
            raise RulesError(f"{where}: expected a list, found {_kind(value)}")
        if len(value) > MAX_RULE_LIST:
            raise RulesError(f"{where}: {len(value)} entries, above the bound of {MAX_RULE_LIST}")
        return tuple(_convert(args[0], item, f"{where}[{i}]") for i, item in enumerate(value))
    if hint is int:
        if type(value) is not int:
            raise RulesError(f"{where}: expected a whole number, found {_kind(value)}")
        low, high, why = RULE_INT_BOUNDS[_INDEX.sub("", where)]
        return _bounded(where, check_range, value, low, high, why)
    if (hint is bool and type(value) is not bool) or (hint is str and type(value) is not str):
        raise RulesError(f"{where}: expected {'true or false' if hint is bool else 'text'}, found {_kind(value)}")
    if hint is str:
        return _bounded(where, check_chars, value, MAX_RULE_TEXT_CHARS)
    return value


_INDEX = re.compile(r"\[[0-9]+\]")


def _bounded(where: str, check: Any, *args: Any) -> Any:
    """`check(*args)`, its `OutOfBounds` as a `RulesError` naming the key."""
    try:
        return check(*args)
    except OutOfBounds as exc:
        raise RulesError(f"{where}: {exc}") from None


def _non_negative(rules: object, section: str) -> None:
    # mypy: the instance is a dataclass; mypy sees the wider `DataclassInstance | type`
    for f in dataclasses.fields(rules):  # type: ignore[arg-type]
        if getattr(rules, f.name) < 0:
            raise RulesError(f"{section}.{f.name}: must be 0 or more")


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a decimal number", str: "text", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__) + f" ({value!r})"[:60]
