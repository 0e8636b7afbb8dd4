"""EIP-712 ballots: a member signs a vote off-chain with its own key, anyone relays it with castVoteBySig.

Matches OpenZeppelin 5.1 Governor: domain (name(), version(), chainId, governor address), type
`Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)`; the nonce is `nonces(voter)`, so a
ballot is valid once. `SignedBallot` round-trips through JSON (the API's POST /votes/relay body).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import SignableMessage, encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from chain.errors import ChainError

BALLOT_TYPES = {
    "Ballot": [
        {"name": "proposalId", "type": "uint256"},
        {"name": "support", "type": "uint8"},
        {"name": "voter", "type": "address"},
        {"name": "nonce", "type": "uint256"},
    ]
}


@dataclass(frozen=True, slots=True)
class BallotDomain:
    """The governor's EIP-712 domain."""

    name: str
    version: str
    chain_id: int
    governor: str


@dataclass(frozen=True, slots=True)
class SignedBallot:
    proposal_id: int
    support: int
    voter: str
    nonce: int
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "proposal_id": str(self.proposal_id),  # uint256: as a string, JSON numbers lose precision
            "support": self.support,
            "voter": self.voter,
            "nonce": str(self.nonce),
            "signature": "0x" + self.signature.hex(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignedBallot:
        try:
            return cls(
                proposal_id=int(data["proposal_id"]),
                support=int(data["support"]),
                voter=to_checksum_address(data["voter"]),
                nonce=int(data["nonce"]),
                signature=bytes.fromhex(str(data["signature"]).removeprefix("0x")),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ChainError(f"malformed ballot: {exc}") from exc


def _message(domain: BallotDomain, proposal_id: int, support: int, voter: str, nonce: int) -> SignableMessage:
    return encode_typed_data(
        full_message={
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                **BALLOT_TYPES,
            },
            "primaryType": "Ballot",
            "domain": {
                "name": domain.name,
                "version": domain.version,
                "chainId": domain.chain_id,
                "verifyingContract": domain.governor,
            },
            "message": {"proposalId": proposal_id, "support": support, "voter": voter, "nonce": nonce},
        }
    )


def sign_ballot(domain: BallotDomain, voter: LocalAccount, proposal_id: int, support: int, nonce: int) -> SignedBallot:
    """The member's signature over its vote; nothing is sent."""
    signed = voter.sign_message(_message(domain, proposal_id, support, voter.address, nonce))
    return SignedBallot(proposal_id, support, voter.address, nonce, bytes(signed.signature))


def ballot_signer(domain: BallotDomain, ballot: SignedBallot) -> str:
    """Who signed `ballot` (a relay checks this equals `ballot.voter` before paying gas)."""
    message = _message(domain, ballot.proposal_id, ballot.support, ballot.voter, ballot.nonce)
    return str(Account.recover_message(message, signature=ballot.signature))
