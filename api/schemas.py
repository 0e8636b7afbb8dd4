"""Response and request bodies. uint256 ids travel as decimal strings (JSON numbers lose precision past
2^53); cents, basis points, points and votes are JSON integers, as in the month report."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel, ConfigDict, Field, PlainSerializer, ValidationInfo, WithJsonSchema, field_validator, model_validator,
)

from chain.ballots import MAX_PARAMS_BYTES, MAX_REASON_CHARS, MAX_SIGNATURE_BYTES, MAX_UINT256, uint_field
from api.product_names import product_name
from chain.polls import MAX_OPTIONS

Uint256Str = Annotated[
    int,
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": "^[0-9]{1,78}$", "description": "uint256 in decimal"}),
]

Address = Annotated[str, Field(pattern="^0x[0-9a-fA-F]{40}$")]


def _hex_bytes(max_bytes: int) -> str:
    """The pattern of 0x-prefixed hex of whole bytes, at most `max_bytes` of them."""
    return f"^0x([0-9a-fA-F]{{2}}){{0,{max_bytes}}}$"


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Level(Public):
    name: str
    threshold: int


class Payout(Public):
    period: str
    payout_cents: int
    commission_cents: int | None = None


class Achievement(Public):
    kind: str
    count: int | None = None


class MemberFacts(Public):
    """A member as anyone can read it off the chain: no member id, purchases or payouts."""

    address: str
    points: int
    growth: int = Field(description="points ever awarded (revocations deducted): what levels are judged on")
    voting_weight: int = Field(description="votes now (own points unless delegated away, plus points delegated in)")
    voting_weight_at_snapshot: int | None = Field(None, description="with ?proposal=ID: weight at its snapshot")
    snapshot: int | None = None
    delegate: str | None
    level: str
    next_level: Level | None
    as_of: int = Field(description="timestamp of the last indexed block")


class MemberPublic(MemberFacts):
    """A member's whole record: what the chain shows plus the member id, achievements and payouts from the
    admin's data; only for the member (GET /me) and admins (GET /admin/members/{member})."""

    member_id: str | None
    achievements: list[Achievement]
    payouts: list[Payout]


class LeaderboardEntry(Public):
    rank: int
    address: str
    member_id: str | None
    value: int


class Leaderboard(Public):
    window: str
    metric: str
    period: str | None
    total: int
    entries: list[LeaderboardEntry]


class Action(Public):
    target: str
    value: int
    calldata: str
    contract: str | None
    function: str | None
    arguments: dict[str, Any] | None


class ProposalPublic(Public):
    id: Uint256Str
    proposer: str
    description: str
    state: str
    vote_start: int = Field(description="snapshot timepoint (seconds): weights are read here")
    vote_end: int = Field(description="deadline (seconds), as extended by late-quorum prevention")
    for_votes: int
    against_votes: int
    abstain_votes: int
    quorum: int
    eta: int | None
    created_block: int
    created_tx: str
    as_of: int


class ProposalDetail(ProposalPublic):
    actions: list[Action]


class VotePublic(Public):
    voter: str
    support: int = Field(description="0 against, 1 for, 2 abstain")
    weight: int
    reason: str
    block_number: int
    timestamp: int
    tx_hash: str


class Rules(Public):
    level1_bps: int
    level2_bps: int
    total_bps: int
    pool_rate_bps: int
    gmv_target_cents: int
    max_rate_change_bps: int
    as_of: int


class RuleChange(Public):
    key: str
    old_value: int
    new_value: int
    effective_at: int
    block_number: int
    tx_hash: str
    proposal_id: Uint256Str | None = None
    proposer: str | None = None
    description: str | None = None
    for_votes: int | None = None
    against_votes: int | None = None
    abstain_votes: int | None = None


class ProductPublic(Public):
    product_id: str
    name: str | None = Field(None, description="the id read as UTF-8 text up to its zero padding, when it is")
    metadata_hash: str
    added_block: int
    removed_block: int | None
    added_by_poll: Uint256Str | None = Field(None, description="the product poll whose enactment listed it")

    @model_validator(mode="after")
    def _named(self) -> ProductPublic:
        """The name is the id's own text, so it is derived here, wherever a product is read from."""
        if self.name is None:
            self.name = product_name(self.product_id)
        return self


class PollOptionPublic(Public):
    position: int = Field(description="the candidate's bit in a selection (bit i = candidate i)")
    product_id: str
    name: str | None = Field(description="the id read as UTF-8 text, when it is")
    metadata_hash: str
    weight: int = Field(description="approval weight so far (points at the poll's snapshot)")


class PollPublic(Public):
    id: Uint256Str
    creator: str
    description: str
    state: str = Field(description="pending, active, defeated, tied, succeeded or enacted (at as_of)")
    options: list[PollOptionPublic]
    winners: list[str] = Field(description="product ids the poll lists (or listed), once it has ended")
    enacted: bool
    added: int | None = Field(description="winners new to the catalogue when it was enacted")
    top_n: int
    snapshot: int = Field(description="timepoint (seconds) whose points weigh")
    deadline: int
    quorum_numerator: int = Field(description="percent of the points' supply at the snapshot")
    quorum: int | None = Field(description="turnout needed; null while the snapshot is in the future")
    turnout: int
    created_block: int
    created_tx: str
    enacted_tx: str | None
    as_of: int


class PollApprovalPublic(Public):
    voter: str
    selection: Uint256Str
    weight: int
    block_number: int
    timestamp: int
    tx_hash: str


class DistributionPublic(Public):
    period: str
    merkle_root: str
    record_hash: str
    gmv_cents: int
    target_cents: int
    pool_rate_bps: int
    pool_cents: int
    member_count: int
    block_number: int
    timestamp: int
    tx_hash: str
    record_available: bool = Field(description="a signed payout record matching record_hash has been uploaded")


class SumStep(Public):
    hash: str
    sum: str  # decimal cents: a sibling's sum may exceed what a JSON number holds exactly
    side: str  # "left" or "right": where the sibling sits


class ProofPublic(Public):
    period: str
    address: str
    member_id: str
    payout_cents: int
    proof: list[str]
    merkle_root: str
    record_hash: str
    salt: str | None = None  # the Merkle sum tree (None for a record without one)
    sum_proof: list[SumStep] | None = None
    sum_root: str | None = None
    sum_total_cents: int | None = None


class BallotIn(BaseModel):
    """An EIP-712 ballot as `linli vote --sign` writes it (chain.ballots.SignedBallot.to_json). Every field is
    checked against its Solidity type and bound here, so a bad one is a 422 naming it; the signature is kept
    as signed (a contract account's ERC-1271 signature may have any form), and only the chain judges it. A
    `reason` (even "") makes it an ExtendedBallot, with `params`."""

    model_config = ConfigDict(extra="forbid")

    proposal_id: Annotated[str, Field(pattern="^[0-9]{1,78}$", description="uint256 in decimal (< 2^256)")]
    support: Annotated[int, Field(ge=0, le=2, description="0 against, 1 for, 2 abstain")]
    voter: Address
    nonce: Annotated[str, Field(pattern="^[0-9]{1,78}$", description="the voter's governor nonce (uint256)")]
    signature: Annotated[str, Field(pattern=_hex_bytes(MAX_SIGNATURE_BYTES),
                                    description="an EOA's r, s, v (65 bytes; v as 27/28 or 0/1), or what the "
                                                "voter's ERC-1271 account accepts")]
    reason: Annotated[str | None, Field(max_length=MAX_REASON_CHARS, description="with it, an ExtendedBallot "
                                        "(castVoteWithReasonAndParamsBySig)")] = None
    params: Annotated[str | None, Field(pattern=_hex_bytes(MAX_PARAMS_BYTES),
                                        description="ExtendedBallot params (hex bytes; default empty)")] = None

    @field_validator("proposal_id", "nonce")
    @classmethod
    def _uint256(cls, value: str, info: ValidationInfo) -> str:
        return str(uint_field(str(info.field_name), int(value), MAX_UINT256))

    @field_validator("params")
    @classmethod
    def _with_reason(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("reason") is None:
            raise ValueError('params come only with a reason (an ExtendedBallot): send "reason": "" for none')
        return value


class RelayResult(BaseModel):
    tx_hash: str
    voter: str
    proposal_id: Uint256Str
    support: int
    weight: int


class ApprovalIn(BaseModel):
    """ProductPoll's EIP-712 `Approval(uint256 pollId,uint256 selection,address voter,uint256 nonce)` as
    `linli poll vote --sign` writes it (chain.polls.SignedApproval.to_json); each field bounded by its type, the
    selection by the contract's 64 candidates."""

    model_config = ConfigDict(extra="forbid")

    poll_id: Annotated[str, Field(pattern="^[0-9]{1,78}$", description="uint256 in decimal (< 2^256)")]
    selection: Annotated[str, Field(pattern="^[0-9]{1,20}$", description="bitmap of approved candidates (bit i = "
                                    "candidate i), 1 to 2^64 - 1")]
    voter: Address
    nonce: Annotated[str, Field(pattern="^[0-9]{1,78}$", description="the voter's ProductPoll nonce (uint256)")]
    signature: Annotated[str, Field(pattern=_hex_bytes(MAX_SIGNATURE_BYTES),
                                    description="an EOA's r, s, v (65 bytes), or what the voter's ERC-1271 "
                                                "account accepts")]

    @field_validator("poll_id", "nonce")
    @classmethod
    def _uint256(cls, value: str, info: ValidationInfo) -> str:
        return str(uint_field(str(info.field_name), int(value), MAX_UINT256))

    @field_validator("selection")
    @classmethod
    def _selection(cls, value: str) -> str:
        if int(value) == 0:
            raise ValueError("selection: approve at least one candidate (a non-zero bitmap)")
        return str(uint_field("selection", int(value), 2**MAX_OPTIONS - 1))


class ApprovalRelayed(BaseModel):
    tx_hash: str
    voter: str
    poll_id: Uint256Str
    selection: Uint256Str
    weight: int


class DelegationIn(BaseModel):
    """An ERC-5805 `Delegation(address delegatee,uint256 nonce,uint256 expiry)` signed by an EOA (v, r, s) in
    the points token's EIP-712 domain; `delegator` names whose weight it moves (checked against the signer)."""

    model_config = ConfigDict(extra="forbid")

    delegator: Address
    delegatee: Address
    nonce: Annotated[str, Field(pattern="^[0-9]{1,78}$", description="the delegator's token nonce (uint256)")]
    expiry: Annotated[int, Field(ge=0, le=MAX_UINT256, description="last valid second (token clock)")]
    v: Annotated[int, Field(description="27 or 28 (0 or 1 accepted)")]
    r: Annotated[str, Field(pattern="^0x[0-9a-fA-F]{64}$")]
    s: Annotated[str, Field(pattern="^0x[0-9a-fA-F]{64}$")]

    @field_validator("nonce")
    @classmethod
    def _uint256(cls, value: str) -> str:
        return str(uint_field("nonce", int(value), MAX_UINT256))

    @field_validator("v")
    @classmethod
    def _v(cls, value: int) -> int:
        if value not in (0, 1, 27, 28):
            raise ValueError(f"v must be 27 or 28 (or 0 or 1), got {value}")
        return value if value >= 27 else value + 27


class DelegationResult(BaseModel):
    tx_hash: str
    delegator: str
    delegatee: str


class ImportResult(BaseModel):
    """What an upload changed (or, with dry_run, would change): rows = inserted + replaced."""

    kind: str
    rows: int
    inserted: int  # ids not imported before
    replaced: int  # ids imported before, whose rows the file overwrites
    dry_run: bool = False


class RecordAccepted(BaseModel):
    period: str
    record_hash: str
    members: int


class Published(RecordAccepted):
    tx_hash: str


class Status(BaseModel):
    chain_id: int | None
    block_number: int | None
    block_hash: str | None
    as_of: int | None


# --- privacy: what anyone sees, what a signed-in member sees -------------------------------------------

MAX_DISPLAY_NAME_CHARS = 32
MAX_SIWE_MESSAGE_CHARS = 4096


class PublicLeaderboardEntry(Public):
    rank: int
    name: str = Field(description="the member's chosen display name, else 邻居· and the last 4 hex digits of "
                                  "their address")
    value: int
    you: bool = Field(description="this is the signed-in member")


class PublicLeaderboard(Public):
    window: str
    metric: str
    period: str | None
    size: int = Field(description="places the rules publish ([leaderboards] size)")
    total: int = Field(description="members ranked (a count only)")
    entries: list[PublicLeaderboardEntry]


class Me(MemberPublic):
    """The signed-in member's own data."""

    display_name: str | None
    public_name: str = Field(description="how the public leaderboards show this member")
    proofs: list[ProofPublic]


class DisplayNameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: Annotated[str | None, Field(description=f"at most {MAX_DISPLAY_NAME_CHARS} characters, none "
                                              "invisible; null or empty: show the masked id instead")]


class SignInNonce(BaseModel):
    nonce: str
    expires_at: int
    domain: str = Field(description="the host to put in the message")
    uri: str = Field(description="the URI to put in the message")
    chain_id: int
    version: str = "1"


class SignInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: Annotated[str, Field(min_length=1, max_length=MAX_SIWE_MESSAGE_CHARS,
                                  description="the EIP-4361 message exactly as signed")]
    signature: Annotated[str, Field(pattern="^0x[0-9a-fA-F]{130}$",
                                    description="personal_sign (EIP-191) of the message by its address: r, s, v")]


class SignedInSession(BaseModel):
    address: str
    expires_at: int
    token: str = Field(description="also set as the HttpOnly cookie; send as Authorization: Bearer otherwise")


class SignedOut(BaseModel):
    signed_out: bool


class Erased(BaseModel):
    member_id: str
    address: str | None
    orders: int
    payout_lines: int
    sessions: int
    display_name: bool
    referrals_unlinked: int
