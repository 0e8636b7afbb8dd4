"""EIP-712 ballots: a member signs a vote off-chain with its own key, anyone relays it with castVoteBySig.

Matches OpenZeppelin 5.1 Governor: domain (name(), version(), chainId, governor address), type
`Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)`; the nonce is `nonces(voter)`, so a
ballot is valid once. `SignedBallot` round-trips through JSON (the API's POST /votes/relay body); reading one
checks every field against its Solidity type and puts the signature in the one form the governor accepts.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from eth_abi import encode as abi_encode
from eth_account.messages import SignableMessage, encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_keys import keys
from eth_keys.exceptions import BadSignature
from eth_utils import keccak, to_checksum_address

from chain.errors import ChainError

T = TypeVar("T")
MAX_UINT256 = 2**256 - 1
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

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
        """The ballot in `data`; MalformedBallot names the first field that does not fit its type."""

        def read(field: str, parse: Callable[[Any], T]) -> T:
            try:
                return parse(data[field])
            except MalformedBallot:
                raise
            except (KeyError, ValueError, TypeError) as exc:
                raise MalformedBallot(f"malformed ballot: {field}: {exc}") from exc

        return cls(
            proposal_id=read("proposal_id", lambda v: uint_field("proposal_id", int(v), MAX_UINT256)),
            support=read("support", lambda v: uint_field("support", int(v), 255)),
            voter=read("voter", to_checksum_address),
            nonce=read("nonce", lambda v: uint_field("nonce", int(v), MAX_UINT256)),
            signature=read("signature", lambda v: normalised_signature(bytes.fromhex(str(v).removeprefix("0x")))),
        )


class MalformedBallot(ChainError, ValueError):
    """A ballot field outside its Solidity type, or a signature the governor could never accept."""


def uint_field(name: str, value: int, maximum: int) -> int:
    """`value` when 0 <= value <= maximum, else MalformedBallot naming `name` and the bound."""
    if not 0 <= value <= maximum:
        bound = "2^256-1 (uint256)" if maximum == MAX_UINT256 else str(maximum)
        raise MalformedBallot(f"{name} must be between 0 and {bound}, got {value}")
    return value


def normalised_signature(signature: bytes) -> bytes:
    """`r ‖ s ‖ v` with v as 27/28, or MalformedBallot saying what is wrong.

    Wallets send v either as the recovery id (0/1) or in Ethereum's form (27/28); OpenZeppelin's ECDSA takes
    only 27/28, and only s in the lower half of the curve order (EIP-2), so anything else would be refused by
    the governor after the relayer had paid for it."""
    if len(signature) != 65:
        raise MalformedBallot(f"signature must be 65 bytes (r, s, v), got {len(signature)}")
    r, s, v = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"), signature[64]
    if v not in (0, 1, 27, 28):
        raise MalformedBallot(f"signature v must be 27 or 28 (or 0 or 1), got {v}")
    if not 0 < r < SECP256K1_N:
        raise MalformedBallot("signature r must be between 1 and the secp256k1 order - 1")
    if not 0 < s <= SECP256K1_N // 2:
        raise MalformedBallot("signature s must be between 1 and half the secp256k1 order (EIP-2 low-s form)")
    return signature[:64] + bytes([v if v >= 27 else v + 27])


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


BALLOT_TYPEHASH = keccak(b"Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)")
DOMAIN_TYPEHASH = keccak(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")


@lru_cache(maxsize=64)
def domain_separator(domain: BallotDomain) -> bytes:
    """EIP-712 `hashStruct(EIP712Domain)` of the governor, as OpenZeppelin's EIP712 computes it."""
    return keccak(abi_encode(["bytes32", "bytes32", "bytes32", "uint256", "address"],
                             [DOMAIN_TYPEHASH, keccak(domain.name.encode()), keccak(domain.version.encode()),
                              domain.chain_id, domain.governor]))


def ballot_digest(domain: BallotDomain, ballot: SignedBallot) -> bytes:
    """The EIP-712 digest the voter signed, for this one fixed type.

    Written out rather than through eth_account's `encode_typed_data`, which parses and validates the whole
    typed-data document on every call (about 6 ms, the relay's largest local cost once secp256k1 is in C);
    tests/chain/test_ballot_digest.py checks it equals that library's digest on arbitrary ballots."""
    struct = keccak(abi_encode(["bytes32", "uint256", "uint8", "address", "uint256"],
                               [BALLOT_TYPEHASH, ballot.proposal_id, ballot.support, ballot.voter, ballot.nonce]))
    return keccak(b"\x19\x01" + domain_separator(domain) + struct)


def ballot_signer(domain: BallotDomain, ballot: SignedBallot) -> str:
    """Who signed `ballot` (a relay checks this equals `ballot.voter` before paying gas)."""
    signature = ballot.signature
    try:
        v = signature[64] - 27 if signature[64] >= 27 else signature[64]
        vrs = (v, int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"))
        public_key = keys.Signature(vrs=vrs).recover_public_key_from_msg_hash(ballot_digest(domain, ballot))
    except BadSignature as exc:  # e.g. an r that is no point's x coordinate, or v past 28
        raise MalformedBallot(f"the signature recovers no key: {exc}") from exc
    return str(public_key.to_checksum_address())
