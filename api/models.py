"""The mirror's tables.

Three kinds, and only the first comes from the chain directly:
- `ChainEvent` + `Block`: every log of Linli's contracts the indexer accepted, with the block hashes it saw.
  Unique per (block hash, log index). A reorg deletes the orphaned ones; nothing else is ever deleted.
- projections (`Member`, `VoteCheckpoint`, `Proposal`, `Vote`, `ParameterChange`, `Product`, `Poll`, …): a pure
  function of `ChainEvent` in (block, log index) order (see `api.projection`), so they can be rebuilt from
  the events alone, and the events from the chain.
- admin data that is not on chain: signed payout records (checked against the chain before they are
  accepted), imported members and orders, and the nonces of signed requests.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from api.columns import Uint256

Address = String(42)
Hash = String(66)


class Base(DeclarativeBase):
    pass


class SyncState(Base):
    """The indexer's cursor: the last block whose events are all in (one row, id 1)."""

    __tablename__ = "sync_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(Hash)
    block_timestamp: Mapped[int] = mapped_column(BigInteger)


class IndexerLease(Base):
    """Who indexes (SQLite; PostgreSQL uses pg_advisory_lock), until when."""

    __tablename__ = "indexer_lease"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[float]


class Block(Base):
    """A block the indexer read: the cursor blocks and every block with events. Reorgs are found here."""

    __tablename__ = "blocks"
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hash: Mapped[str] = mapped_column(Hash, unique=True)
    parent_hash: Mapped[str] = mapped_column(Hash)
    timestamp: Mapped[int] = mapped_column(BigInteger)


class ChainEvent(Base):
    """One decoded log; `args` is canonical JSON (ints exact, bytes as 0x-hex, addresses checksummed)."""

    __tablename__ = "chain_events"
    __table_args__ = (
        UniqueConstraint("block_hash", "log_index"),
        Index("ix_chain_events_order", "block_number", "log_index"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(Hash)
    log_index: Mapped[int] = mapped_column(Integer)
    tx_hash: Mapped[str] = mapped_column(Hash)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    contract: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64), index=True)
    args: Mapped[str] = mapped_column(Text)


# --- projections -------------------------------------------------------------------------------------


class Member(Base):
    """An address that ever held points or voting weight."""

    __tablename__ = "members"
    address: Mapped[str] = mapped_column(Address, primary_key=True)
    points: Mapped[int] = mapped_column(Uint256, index=True)
    awarded: Mapped[int] = mapped_column(Uint256)
    revoked: Mapped[int] = mapped_column(Uint256)
    votes: Mapped[int] = mapped_column(Uint256)
    delegate: Mapped[str | None] = mapped_column(Address)
    first_block: Mapped[int] = mapped_column(BigInteger)
    first_log: Mapped[int] = mapped_column(Integer)


Index("ix_members_rank", Member.points.desc(), Member.first_block, Member.first_log)


class PointsEntry(Base):
    """One award (+) or revocation (-) with its evidence; totals per member are in `Member`."""

    __tablename__ = "points_entries"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    member: Mapped[str] = mapped_column(Address, index=True)
    kind: Mapped[str] = mapped_column(String(8))  # awarded | revoked
    amount: Mapped[int] = mapped_column(Uint256)
    evidence: Mapped[str] = mapped_column(Hash)
    batch_id: Mapped[str] = mapped_column(Hash)


class SupplyCheckpoint(Base):
    """Total points after each change, by timestamp: the quorum of a proposal is a share of it."""

    __tablename__ = "supply_checkpoints"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    timestamp: Mapped[int] = mapped_column(BigInteger, index=True)
    supply: Mapped[int] = mapped_column(Uint256)


class VoteCheckpoint(Base):
    """DelegateVotesChanged: a delegate's weight from `timestamp` on (ERC-5805 on the timestamp clock)."""

    __tablename__ = "vote_checkpoints"
    __table_args__ = (Index("ix_vote_checkpoints_lookup", "delegate", "timestamp", "block_number", "log_index"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    delegate: Mapped[str] = mapped_column(Address)
    votes: Mapped[int] = mapped_column(Uint256)


class Proposal(Base):
    __tablename__ = "proposals"
    id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    proposer: Mapped[str] = mapped_column(Address)
    description: Mapped[str] = mapped_column(Text)
    vote_start: Mapped[int] = mapped_column(BigInteger)  # the snapshot timepoint
    vote_end: Mapped[int] = mapped_column(BigInteger)  # deadline, as extended by late-quorum prevention
    votes_for: Mapped[int] = mapped_column(Uint256)
    votes_against: Mapped[int] = mapped_column(Uint256)
    votes_abstain: Mapped[int] = mapped_column(Uint256)
    eta: Mapped[int | None] = mapped_column(BigInteger)
    queued: Mapped[bool] = mapped_column(Boolean)
    executed: Mapped[bool] = mapped_column(Boolean)
    canceled: Mapped[bool] = mapped_column(Boolean)
    created_block: Mapped[int] = mapped_column(BigInteger, index=True)
    created_log: Mapped[int] = mapped_column(Integer)
    created_tx: Mapped[str] = mapped_column(Hash)
    # canonical JSON list of {target, value, calldata, contract, function, arguments}: decoded once, when the
    # proposal is created, and read with the proposal in one row
    actions: Mapped[str] = mapped_column(Text)


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("proposal_id", "voter"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(Uint256, index=True)
    voter: Mapped[str] = mapped_column(Address, index=True)
    support: Mapped[int] = mapped_column(Integer)
    weight: Mapped[int] = mapped_column(Uint256)
    reason: Mapped[str] = mapped_column(Text)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(Hash)


class ParameterChange(Base):
    """A rule book or governor setting changing, old -> new (the rule book's history, the quorum's)."""

    __tablename__ = "parameter_changes"
    __table_args__ = (Index("ix_parameter_changes_key", "key", "timestamp"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    contract: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    old: Mapped[int] = mapped_column(Uint256)
    new: Mapped[int] = mapped_column(Uint256)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(Hash)


class Product(Base):
    """A product in the catalogue now, or removed (`removed_block` set); `added_by_poll` names the product poll
    whose enactment listed it (None when a proposal did)."""

    __tablename__ = "products"
    product_id: Mapped[str] = mapped_column(Hash, primary_key=True)
    metadata_hash: Mapped[str] = mapped_column(Hash)
    added_block: Mapped[int] = mapped_column(BigInteger)
    removed_block: Mapped[int | None] = mapped_column(BigInteger)
    added_tx: Mapped[str | None] = mapped_column(Hash)
    added_by_poll: Mapped[int | None] = mapped_column(Uint256)


class Distribution(Base):
    """DistributionPublished: one month's pool on the PayoutLedger."""

    __tablename__ = "distributions"
    period: Mapped[int] = mapped_column(Integer, primary_key=True)  # YYYYMM
    merkle_root: Mapped[str] = mapped_column(Hash)
    record_hash: Mapped[str] = mapped_column(Hash)
    gmv_cents: Mapped[int] = mapped_column(Uint256)
    target_cents: Mapped[int] = mapped_column(Uint256)
    pool_rate_bps: Mapped[int] = mapped_column(Uint256)
    pool_cents: Mapped[int] = mapped_column(Uint256)
    member_count: Mapped[int] = mapped_column(Uint256)
    block_number: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(Hash)


class Poll(Base):
    """A product poll (PollCreated), its running turnout (ApprovalCast) and its last enactment (PollEnacted:
    `enacted_state` is the contract's PollState number, `winners` a JSON list of product ids)."""

    __tablename__ = "polls"
    id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    creator: Mapped[str] = mapped_column(Address)
    description: Mapped[str] = mapped_column(Text)
    top_n: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[int] = mapped_column(BigInteger)
    deadline: Mapped[int] = mapped_column(BigInteger)
    quorum_numerator: Mapped[int] = mapped_column(Integer)
    turnout: Mapped[int] = mapped_column(Uint256)
    created_block: Mapped[int] = mapped_column(BigInteger, index=True)
    created_log: Mapped[int] = mapped_column(Integer)
    created_tx: Mapped[str] = mapped_column(Hash)
    enacted_state: Mapped[int | None] = mapped_column(Integer)
    winners: Mapped[str | None] = mapped_column(Text)
    added: Mapped[int | None] = mapped_column(Integer)
    enacted_block: Mapped[int | None] = mapped_column(BigInteger)
    enacted_tx: Mapped[str | None] = mapped_column(Hash)


class PollOption(Base):
    """One candidate of a poll, in ballot order (bit `position` of a selection), with its approval weight."""

    __tablename__ = "poll_options"
    poll_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[str] = mapped_column(Hash)
    metadata_hash: Mapped[str] = mapped_column(Hash)
    weight: Mapped[int] = mapped_column(Uint256)


class PollApproval(Base):
    """ApprovalCast: one member's ballot in a poll (`selection`: the bitmap of approved positions)."""

    __tablename__ = "poll_approvals"
    __table_args__ = (UniqueConstraint("poll_id", "voter"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    poll_id: Mapped[int] = mapped_column(Uint256, index=True)
    voter: Mapped[str] = mapped_column(Address, index=True)
    selection: Mapped[int] = mapped_column(Uint256)
    weight: Mapped[int] = mapped_column(Uint256)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(Hash)


PROJECTIONS: tuple[type[Base], ...] = (
    Member, PointsEntry, SupplyCheckpoint, VoteCheckpoint, Proposal, Vote, ParameterChange,
    Product, Distribution, Poll, PollOption, PollApproval,
)


# --- admin data (not on chain) -------------------------------------------------------------------------


class PayoutRecord(Base):
    """A signed payout record file, accepted only when its hash equals the one published on chain."""

    __tablename__ = "payout_records"
    period: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_hash: Mapped[str] = mapped_column(Hash)
    body: Mapped[str] = mapped_column(Text)  # the canonical file, byte for byte (UTF-8)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[int] = mapped_column(BigInteger)
    public_body: Mapped[str | None] = mapped_column(Text)  # its public record file (migration 0006)


class PayoutProof(Base):
    """One member's line of an accepted payout record."""

    __tablename__ = "payout_proofs"
    period: Mapped[int] = mapped_column(Integer, ForeignKey("payout_records.period"), primary_key=True)
    address: Mapped[str] = mapped_column(Address, primary_key=True, index=True)
    member_id: Mapped[str] = mapped_column(String(128))
    payout_cents: Mapped[int] = mapped_column(Uint256)
    proof: Mapped[str] = mapped_column(Text)  # JSON list of 0x-hex siblings
    salt: Mapped[str | None] = mapped_column(String(66))  # the sum-tree leaf's salt (migration 0006)
    sum_proof: Mapped[str | None] = mapped_column(Text)  # JSON list of {hash, sum, side}


class ImportedMember(Base):
    __tablename__ = "imported_members"
    member_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    address: Mapped[str] = mapped_column(Address, index=True)
    referrer_id: Mapped[str | None] = mapped_column(String(128))
    joined_at: Mapped[str] = mapped_column(String(40))


class ImportedOrder(Base):
    __tablename__ = "imported_orders"
    order_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(128), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_at: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    refunded_at: Mapped[str | None] = mapped_column(String(40))
    product_id: Mapped[str] = mapped_column(String(128))
    group_id: Mapped[str | None] = mapped_column(String(128))


class RequestNonce(Base):
    """Nonces of accepted signed requests: a nonce is never accepted twice (per key)."""

    __tablename__ = "request_nonces"
    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    created: Mapped[int] = mapped_column(BigInteger)


class RateBucket(Base):
    """A client's token bucket for one kind of write, shared by every API process on PostgreSQL
    (`api.ratelimit`); `updated` is the database clock in epoch seconds, `granted` the last take's answer."""

    __tablename__ = "rate_buckets"
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated: Mapped[float] = mapped_column(Float)
    granted: Mapped[bool] = mapped_column(Boolean)


# --- sign-in and members' own choices (not on chain) ----------------------------------------------------


class SignInNonce(Base):
    """A Sign-In with Ethereum nonce the API handed out: accepted once, before `expires` (epoch seconds). In
    the database, not in a process, so any `linli serve` process can accept what another one issued."""

    __tablename__ = "sign_in_nonces"
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires: Mapped[int] = mapped_column(BigInteger, index=True)


class MemberSession(Base):
    """A signed-in member: the SHA-256 of the session token (the token itself is never stored), the address
    that signed, and the end of the session (epoch seconds)."""

    __tablename__ = "member_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(Address, index=True)
    expires: Mapped[int] = mapped_column(BigInteger, index=True)


class DisplayName(Base):
    """The name a member chose for the public leaderboards, by address (what signed in)."""

    __tablename__ = "display_names"
    address: Mapped[str] = mapped_column(Address, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
