"""The demo's product poll (选品投票): members pick which products join the catalogue, bindingly.

The biggest point holder opens a poll over five products (top 2 win); the leaderboard approves, most members
directly and one by a signed EIP-712 approval that a relayer sends; after the deadline anyone enacts it and the
winners are read back from the RuleBook catalogue. Each voter approves a prefix of one shared order of preference
(`PREFERENCE`), of the length `LEVELS` gives it, and some voter stops at every length: every candidate then
weighs strictly more than the next one in that order, so the cut-off can never tie, whatever the points are.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount

from chain.polls import Candidate, Polls, PollView
from chain.rules import Rules
from chain.system import Linli
from linli.services.proposals import metadata_hash, product_id

PRODUCTS = ("五常大米 5kg", "散养土鸡蛋 30枚", "压榨菜籽油 5L", "赣南脐橙 10斤", "手工挂面 2kg")
PREFERENCE = (3, 0, 4, 1, 2)  # indexes into PRODUCTS, the members' shared order of preference
LEVELS = (2, 4, 1, 3, 5, 2, 1, 3, 2)  # voter i approves PREFERENCE[:LEVELS[i % 9]]; 1..5 each appear
TOP_N = 2
DESCRIPTION = "十二月新品选品：五选二（Pick 2 of 5 new products for December）"
OPEN_PRODUCTS = ("宁夏枸杞 500g", "东北黑木耳 250g", "云南普洱茶饼", "新疆红枣 1kg")  # `demo --serve`'s open poll
OPEN_DESCRIPTION = "一月选品：四选二（Pick 2 of 4 for January）— open in the dashboard"


@dataclass(frozen=True, slots=True)
class Approval:
    member_id: str
    products: tuple[str, ...]
    weight: int
    relayed: bool


@dataclass(frozen=True, slots=True)
class PollStory:
    view: PollView  # the poll read back after it was enacted
    description: str
    approvals: tuple[Approval, ...]
    added: int  # winners new to the catalogue
    catalogue: tuple[bytes, ...]  # the RuleBook's product ids after the poll


def open_products_poll(linli: Linli, products: Sequence[str], description: str, opener: LocalAccount) -> int:
    """Open a top-2 poll over `products` (metadata: each name's keccak256, the CLI's default) and wait until
    voting opens (dev chains: time travel); returns its id."""
    polls = Polls(linli)
    poll_id = polls.open([Candidate(product_id(p), metadata_hash(p)) for p in products], TOP_N, description, opener)
    polls.advance_to_voting(poll_id)
    return poll_id


def tell_poll(linli: Linli, voters: Sequence[tuple[str, LocalAccount]], relayed: tuple[str, LocalAccount],
              relayer: LocalAccount) -> PollStory:
    """`voters` (member id, key; they hold ether) approve directly, `relayed` signs; then enact and read back."""
    polls = Polls(linli)
    poll_id = open_products_poll(linli, PRODUCTS, DESCRIPTION, voters[0][1])
    approvals = []
    for i, (member, key) in enumerate([*voters, relayed]):
        names = tuple(PRODUCTS[j] for j in PREFERENCE[: LEVELS[i % len(LEVELS)]])
        ids = [product_id(n) for n in names]
        if i < len(voters):
            receipt = polls.approve(poll_id, ids, key)
        else:
            receipt = polls.relay(polls.sign_approval(poll_id, ids, key), relayer)
        cast = next(e for e in linli.events.from_receipt(receipt) if e.name == "ApprovalCast")
        approvals.append(Approval(member, names, int(cast.args["weight"]), i >= len(voters)))
    polls.advance_past_deadline(poll_id)
    enacted = polls.enact(poll_id, relayer)
    view = polls.read(poll_id)
    return PollStory(view, DESCRIPTION, tuple(approvals), enacted.added, tuple(Rules(linli).products()))
