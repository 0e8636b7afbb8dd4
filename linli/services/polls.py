"""Product polls as the CLI sees them: candidates typed on a command line, a poll re-read from the chain with
the description it was opened with, and the checks that turn a doomed approval into one sentence, not a revert.

Product ids follow the catalogue's rule (`linli propose product-add`): the UTF-8 text right-padded to bytes32.
A candidate's metadata hash is keccak256 of its metadata text: by default the product id's own text, or the
text a `--metadata FILE` (a JSON object, product id -> text) gives it, as `propose product-add --metadata` does.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account

from chain.errors import ChainError
from chain.polls import MAX_OPTIONS, Candidate, Polls, PollState, PollView, SignedApproval, approval_message
from chain.system import Linli
from governance import bounded_json
from governance.errors import BadInput
from linli.i18n import t
from linli.services.proposals import metadata_hash, product_id

MIN_CANDIDATES = 2  # ProductPoll's own lower bound; its upper bound is MAX_OPTIONS
METADATA_MAX_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class Product:
    name: str  # as typed
    id: bytes  # bytes32


def parse_products(texts: Sequence[str], *, least: int) -> tuple[Product, ...]:
    """The products named in `texts` (each a comma-separated list, blanks around a name ignored): at least
    `least`, at most MAX_OPTIONS, each a printable name of 1..32 UTF-8 bytes, none twice."""
    names = [part.strip() for text in texts for part in text.split(",")]
    if not any(names):
        raise BadInput(t("poll.no_products"))
    products: dict[bytes, Product] = {}
    for name in names:
        if not name:
            raise BadInput(t("poll.empty_product"))
        if not name.isprintable():
            raise BadInput(t("poll.unprintable_product", text=name))
        product = Product(name, product_id(name))
        if product.id in products:
            raise BadInput(t("poll.duplicate_product", product=name))
        products[product.id] = product
    if not least <= len(products) <= MAX_OPTIONS:
        raise BadInput(t("poll.product_count", count=len(products), least=least, most=MAX_OPTIONS))
    return tuple(products.values())


def candidates(products: Sequence[Product], metadata_file: Path | None) -> list[Candidate]:
    """Each product with its metadata hash (module docstring); the file must name exactly these products."""
    if metadata_file is None:
        return [Candidate(p.id, metadata_hash(p.name)) for p in products]
    try:
        texts = bounded_json.load_file(metadata_file, max_bytes=METADATA_MAX_BYTES)
    except FileNotFoundError:
        raise BadInput(t("poll.metadata_missing", file=metadata_file)) from None
    except ValueError as exc:
        raise BadInput(t("poll.metadata_bad", file=metadata_file, reason=exc)) from None
    wanted = [p.name for p in products]
    if not isinstance(texts, dict) or sorted(texts) != sorted(wanted) \
            or not all(isinstance(v, str) and v for v in texts.values()):
        raise BadInput(t("poll.metadata_shape", file=metadata_file, products=", ".join(wanted)))
    return [Candidate(p.id, metadata_hash(texts[p.name])) for p in products]


def product_text(pid: bytes) -> str:
    """The id as the name it was typed as, or 0x-hex when it is not printable UTF-8 (a hash-like id)."""
    raw = pid.rstrip(b"\0")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    return text if text and text.isprintable() else "0x" + pid.hex()


@dataclass(frozen=True, slots=True)
class Opened:
    creator: str
    description: str


def opened(linli: Linli) -> dict[int, Opened]:
    """Every poll's creator and description, from its PollCreated event (they are not in contract storage)."""
    logs = linli.log_fetcher().fetch(linli.deployment.block, linli.chain.block_number(),
                                     address=linli.product_poll.address,
                                     topics=[linli.events.topic("PollCreated").to_0x_hex()])
    return {int(e.args["pollId"]): Opened(str(e.args["creator"]), str(e.args["description"]))
            for e in linli.events.decode_all(logs) if e.name == "PollCreated"}


def find_poll(polls: Polls, poll_id: int) -> None:
    """ChainError in one sentence unless the poll exists (ids run 1..pollCount)."""
    count = polls.count()
    if not 1 <= poll_id <= count:
        raise ChainError(t("poll.unknown", poll=poll_id, count=count))


def poll_json(view: PollView, about: Opened | None) -> dict[str, Any]:
    """The poll as `linli poll show --json` prints it (the API's field names and meanings)."""
    return {
        "id": str(view.id),
        "description": about.description if about else None,
        "creator": about.creator if about else None,
        "state": view.state.name.lower(),
        "top_n": view.top_n,
        "snapshot": view.snapshot,
        "deadline": view.deadline,
        "options": [{"position": i, "product_id": "0x" + o.product_id.hex(), "name": product_text(o.product_id),
                     "metadata_hash": "0x" + o.metadata_hash.hex(), "weight": o.weight}
                    for i, o in enumerate(view.options)],
        "turnout": view.turnout,
        "quorum": view.quorum,
        "winners": ["0x" + w.hex() for w in view.winners],
        "winner_names": [product_text(w) for w in view.winners],
        "enacted": view.enacted,
    }


def require_active(linli: Linli, poll_id: int, doing: str) -> None:
    """Refuse `doing` with the reason and, while pending, how long until voting opens."""
    polls = Polls(linli)
    find_poll(polls, poll_id)
    state = polls.state(poll_id)
    if state is PollState.ACTIVE:
        return
    view = polls.read(poll_id)
    hint = t("poll.opens_in", seconds=view.snapshot + 1 - linli.chain.timestamp()) \
        if state is PollState.PENDING else ""
    raise ChainError(t("poll.wrong_state", doing=doing, poll=poll_id, state=state.name.lower(), hint=hint))


def require_new_voter(polls: Polls, poll_id: int, voter: str) -> None:
    if polls.has_voted(poll_id, voter):
        raise ChainError(t("poll.already_voted", voter=voter, poll=poll_id))


def chosen_ids(polls: Polls, poll_id: int, products: Sequence[Product]) -> list[bytes]:
    """The ids of `products`, all candidates of the poll; else one sentence naming the strangers and the choice."""
    offered = [o.product_id for o in polls.options(poll_id)]
    strangers = [p.name for p in products if p.id not in offered]
    if strangers:
        raise BadInput(t("poll.not_candidates", poll=poll_id, strangers=", ".join(strangers),
                         candidates=", ".join(product_text(i) for i in offered)))
    return [p.id for p in products]


def check_signed(linli: Linli, approval: SignedApproval, file: Path) -> None:
    """A relayed approval must be one ProductPoll will take: the voter's current nonce and, for a key's account
    (not a contract's, ERC-1271), a signature by that key over exactly these fields."""
    polls = Polls(linli)
    nonce = polls.nonce(approval.voter)
    if approval.nonce != nonce:
        raise ChainError(t("poll.stale_nonce", file=file, nonce=approval.nonce, current=nonce))
    if linli.chain.w3.eth.get_code(approval.voter):  # type: ignore[arg-type]  # a checksummed str is an address
        return  # the contract account decides; the simulation before the relay reports its refusal
    message = approval_message(polls.domain(), approval.poll_id, approval.selection, approval.voter, approval.nonce)
    try:
        signer = Account.recover_message(message, signature=approval.signature)
    except (ValueError, TypeError):
        signer = None
    if signer != approval.voter:
        raise BadInput(t("poll.not_signed", file=file, voter=approval.voter))
