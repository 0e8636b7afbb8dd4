"""The Linli system as plain data: which contracts, in which order, with which constructor arguments and roles.

Both deployers read this one description: `chain/deploy.py` (web3; `linli chain deploy` and `linli demo`) and
`scripts/deploy.py` (brownie). Neither lists a contract, an argument or a grant of its own, so the two cannot
drift apart. Argument values are

    Param("key")      a value of contracts/deploy-defaults.json (profile `default`, a named profile over it)
    Address("Name")   the address of a contract deployed by an earlier step
    Account("who")    an account of the deployment: deployer, issuer, publisher or guardian
    Literal(value)    a fixed value (the timelock's empty proposer and executor lists)
    GUARDIAN_EXPIRY   deploy time + `guardian_period`, unless the caller fixes it

and are matched to the compiled constructor by input *name*, so a reordered constructor cannot swap values.
The deployer holds two temporary admin powers (the timelock's and the RuleBook's `DEFAULT_ADMIN_ROLE`) only
to make the grants below; RENOUNCED gives both up, after which only the timelock grants or revokes anything.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chain.errors import DeploymentError

_PACKAGED_DEFAULTS = Path(__file__).resolve().parent / "data" / "deploy-defaults.json"  # in a wheel (setup.py)
DEFAULTS_PATH = (_PACKAGED_DEFAULTS if _PACKAGED_DEFAULTS.is_file()
                 else Path(__file__).resolve().parents[1] / "contracts" / "deploy-defaults.json")
ACCOUNTS = ("deployer", "issuer", "publisher", "guardian")


@dataclass(frozen=True, slots=True)
class Value:
    """One constructor argument: where its value comes from (`kind`) and which one (`key`)."""

    kind: str  # "param" | "address" | "account" | "literal" | "guardian_expiry"
    key: Any = None


def Param(key: str) -> Value:
    return Value("param", key)


def Address(contract: str) -> Value:
    return Value("address", contract)


def Account(who: str) -> Value:
    return Value("account", who)


def Literal(value: Any) -> Value:
    return Value("literal", value)


GUARDIAN_EXPIRY = Value("guardian_expiry")


@dataclass(frozen=True, slots=True)
class Step:
    """Deploy `contract` with constructor `args` (by input name); `why` is the step's one-line reason."""

    contract: str
    args: Mapping[str, Value]
    why: str


@dataclass(frozen=True, slots=True)
class Grant:
    """`contract.grantRole(role(), holder)`, sent by the deployer while it is `contract`'s admin."""

    contract: str
    role: str
    holder: str  # a contract name


@dataclass(frozen=True, slots=True)
class Renounce:
    """`contract.renounceRole(role(), deployer)`: the deployer gives up its temporary admin power."""

    contract: str
    role: str


STEPS: tuple[Step, ...] = (
    Step("TimelockController",
         {"minDelay": Param("timelock_min_delay"), "proposers": Literal([]), "executors": Literal([]),
          "admin": Account("deployer")},
         "the deployer is its admin only until the roles are wired"),
    Step("ContributionPoints",
         {"name_": Param("points_name"), "symbol_": Param("points_symbol"), "admin": Address("TimelockController"),
          "issuer": Account("issuer")},
         "roles administered by the timelock; the co-op admin is the first issuer"),
    Step("CommunityGovernor",
         {"token_": Address("ContributionPoints"), "timelock_": Address("TimelockController"),
          "votingDelay_": Param("voting_delay"), "votingPeriod_": Param("voting_period"),
          "proposalThreshold_": Param("proposal_threshold"), "quorumNumerator_": Param("quorum_numerator"),
          "lateQuorumExtension_": Param("late_quorum_extension"), "guardian_": Account("guardian"),
          "guardianExpiry_": GUARDIAN_EXPIRY},
         "governor over the points, executing through the timelock"),
    Step("RuleBook",
         {"timelock_": Address("TimelockController"), "setupAdmin": Account("deployer"),
          "level1Bps": Param("level1_bps"), "level2Bps": Param("level2_bps"), "poolRateBps": Param("pool_rate_bps"),
          "gmvTargetCents": Param("gmv_target_cents"), "maxRateChangeBps": Param("max_rate_change_bps")},
         "rules written by the timelock; the deployer may grant POLL_ROLE until it renounces"),
    Step("PayoutLedger",
         {"admin": Address("TimelockController"), "publisher": Account("publisher"),
          "ruleBook_": Address("RuleBook")},
         "role admin the timelock, the co-op admin publishes, checked against the rule book"),
    Step("ProductPoll",
         {"token_": Address("ContributionPoints"), "ruleBook_": Address("RuleBook"),
          "timelock_": Address("TimelockController"), "votingDelay_": Param("voting_delay"),
          "votingPeriod_": Param("voting_period"), "quorumNumerator_": Param("poll_quorum_numerator")},
         "binding product polls on the governor's delay and period, enacted into the rule book"),
)
GRANTS: tuple[Grant, ...] = (
    Grant("TimelockController", "PROPOSER_ROLE", "CommunityGovernor"),
    Grant("TimelockController", "CANCELLER_ROLE", "CommunityGovernor"),
    Grant("TimelockController", "EXECUTOR_ROLE", "CommunityGovernor"),
    Grant("RuleBook", "POLL_ROLE", "ProductPoll"),
)
RENOUNCED: tuple[Renounce, ...] = (
    Renounce("RuleBook", "DEFAULT_ADMIN_ROLE"),
    Renounce("TimelockController", "DEFAULT_ADMIN_ROLE"),
)
CONTRACT_NAMES: tuple[str, ...] = tuple(step.contract for step in STEPS)


def load_params(profile: str = "default", overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Constructor parameters: `default`, then `profile` over it, then `overrides` (unknown keys refused)."""
    try:
        profiles = json.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DeploymentError(f"cannot read deploy defaults {DEFAULTS_PATH}: {exc}") from exc
    if profile not in profiles:
        known = sorted(k for k in profiles if not k.startswith("_"))
        raise DeploymentError(f"unknown deploy profile {profile!r}; known: {known}")
    params = dict(profiles["default"])
    params.update(profiles[profile] if profile != "default" else {})
    unknown = set(overrides or {}) - set(params)
    if unknown:
        raise DeploymentError(f"unknown deploy parameter(s) {sorted(unknown)}; known: {sorted(params)}")
    params.update(overrides or {})
    return params


def arguments(step: Step, abi: Sequence[Mapping[str, Any]], params: Mapping[str, Any],
              accounts: Mapping[str, Any], addresses: Mapping[str, Any], guardian_expiry: int) -> list[Any]:
    """The constructor arguments of `step`, in the compiled constructor's order (matched by input name), given
    the parameters, the accounts and the contracts deployed so far; a missing or unknown name is a clear error."""
    values = {name: _resolve(value, params, accounts, addresses, guardian_expiry) for name, value in step.args.items()}
    inputs: list[str] = next((
        [i["name"] for i in e.get("inputs", [])] for e in abi if e.get("type") == "constructor"), [])
    missing, unused = [n for n in inputs if n not in values], sorted(set(values) - set(inputs))
    if missing or unused:
        raise DeploymentError(
            f"{step.contract} constructor takes {inputs}; chain/plan.py gives {sorted(values)} (missing {missing}, "
            f"unknown {unused}): recompile (brownie compile) or update the plan"
        )
    return [values[n] for n in inputs]


def _resolve(value: Value, params: Mapping[str, Any], accounts: Mapping[str, Any], addresses: Mapping[str, Any],
             guardian_expiry: int) -> Any:
    sources: dict[str, Callable[[Any], Any]] = {
        "param": params.__getitem__, "address": addresses.__getitem__, "account": accounts.__getitem__,
        "literal": lambda literal: literal, "guardian_expiry": lambda _none: guardian_expiry,
    }
    return sources[value.kind](value.key)
