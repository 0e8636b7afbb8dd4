"""chain.ballots hashes the one Ballot type itself (the relay's hot path) instead of through eth_account's
generic EIP-712 encoder: the digest must be that library's, byte for byte, and recovery must name the signer
of exactly this ballot (any field changed recovers someone else)."""
from __future__ import annotations

from dataclasses import replace

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from chain.ballots import (MAX_UINT256, SECP256K1_N, BallotDomain, SignedBallot, _message, ballot_digest,
                           ballot_signer, sign_ballot)

KEYS = st.integers(min_value=1, max_value=SECP256K1_N - 1).map(lambda k: Account.from_key(k.to_bytes(32, "big")))
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
DOMAINS = st.builds(BallotDomain, name=TEXT, version=TEXT, chain_id=st.integers(0, MAX_UINT256),
                    governor=st.binary(min_size=20, max_size=20).map(to_checksum_address))
UINTS = st.integers(0, MAX_UINT256)


@settings(max_examples=60)
@given(domain=DOMAINS, voter=KEYS, proposal_id=UINTS, support=st.integers(0, 255), nonce=UINTS)
def test_digest_is_eth_accounts_and_recovery_names_the_voter(domain: BallotDomain, voter: LocalAccount,
                                                             proposal_id: int, support: int, nonce: int) -> None:
    library = voter.sign_message(_message(domain, proposal_id, support, voter.address, nonce))
    ballot = sign_ballot(domain, voter, proposal_id, support, nonce)
    assert ballot_digest(domain, ballot) == bytes(library.message_hash)
    assert ballot_signer(domain, ballot) == voter.address


@settings(max_examples=40)
@given(domain=DOMAINS, voter=KEYS, other=KEYS, field=st.sampled_from(["proposal_id", "support", "voter", "nonce",
                                                                      "name", "version", "chain_id", "governor"]))
def test_any_field_changed_recovers_someone_else(domain: BallotDomain, voter: LocalAccount, other: LocalAccount,
                                                 field: str) -> None:
    ballot = sign_ballot(domain, voter, 7, 1, 3)
    changed_ballot, changed_domain = ballot, domain
    if field in ("proposal_id", "support", "nonce"):
        changed_ballot = replace(ballot, **{field: getattr(ballot, field) ^ 1})
    elif field == "voter":
        changed_ballot = replace(ballot, voter=other.address if other.address != voter.address else domain.governor)
    elif field in ("name", "version"):
        changed_domain = replace(domain, **{field: getattr(domain, field) + "x"})
    elif field == "chain_id":
        changed_domain = replace(domain, chain_id=domain.chain_id ^ 1)
    else:
        changed_domain = replace(domain, governor=to_checksum_address(bytes(20) if int(domain.governor, 16) else
                                                                      b"\x01" * 20))
    assert ballot_signer(changed_domain, changed_ballot) != voter.address


def test_v_as_recovery_id_recovers_the_same_signer() -> None:
    domain = BallotDomain("CommunityGovernor", "1", 31337, "0x" + "ab" * 20)
    voter = Account.from_key(b"\x05" * 32)
    ballot = sign_ballot(domain, voter, 1, 1, 0)
    as_recovery_id = SignedBallot(1, 1, voter.address, 0, ballot.signature[:64] + bytes([ballot.signature[64] - 27]))
    assert ballot_signer(domain, as_recovery_id) == ballot_signer(domain, ballot) == voter.address
