"""The chain's enum names (a proposal's state, a vote's choice) as the CLI says them in its language."""
from __future__ import annotations

from enum import Enum

from linli.i18n import t


def state_name(state: Enum) -> str:
    """ProposalState.ACTIVE -> "active" / "投票中"."""
    return {"pending": t("state.pending"), "active": t("state.active"), "canceled": t("state.canceled"),
            "defeated": t("state.defeated"), "succeeded": t("state.succeeded"), "queued": t("state.queued"),
            "expired": t("state.expired"), "executed": t("state.executed")}[state.name.lower()]


def choice_name(choice: Enum) -> str:
    """Support.FOR -> "for" / "赞成"."""
    return {"for": t("support.for"), "against": t("support.against"),
            "abstain": t("support.abstain")}[choice.name.lower()]
