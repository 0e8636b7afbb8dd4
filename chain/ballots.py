"""EIP-712 ballots: a member signs a vote off-chain, anyone relays it with castVoteBySig (or, with a reason,
castVoteWithReasonAndParamsBySig).

Matches OpenZeppelin 5.1 Governor: domain (name(), version(), chainId, governor address), types
`Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)` and `ExtendedBallot(uint256
proposalId,uint8 support,address voter,uint256 nonce,string reason,bytes params)`; the nonce is
`nonces(voter)`, so a ballot is valid once. `SignedBallot` round-trips through JSON (the API's POST
/votes/relay body); reading one checks every field against its Solidity type and bound.

The signature is kept as signed: the governor accepts an EOA's ECDSA signature or whatever a contract
voter's ERC-1271 `isValidSignature` accepts (any length, any form), so only the chain can judge it.
`ecdsa_problem` and `ballot_signer` explain, after the governor refused a ballot, why an EOA's signature was
not the voter's; `recovery_id_form` is the 27/28 form of a wallet's 0/1 `v`.
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
MAX_REASON_CHARS = 1_000
MAX_PARAMS_BYTES = 1_024
MAX_SIGNATURE_BYTES = 1_024  # an ERC-1271 signature may be longer than 65 bytes (e.g. several owners' in one)
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

BALLOT_TYPES = {
    "Ballot": [
        {"name": "proposalId", "type": "uint256"},
        {"name": "support", "type": "uint8"},
        {"name": "voter", "type": "address"},
        {"name": "nonce", "type": "uint256"},
    ]
}
EXTENDED_BALLOT_TYPES = {
    "ExtendedBallot": [*BALLOT_TYPES["Ballot"], {"name": "reason", "type": "string"},
                       {"name": "params", "type": "bytes"}]
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
    reason: str | None = None  # None: a `Ballot`; a text (even ""): an `ExtendedBallot` with `params`
    params: bytes = b""

    @property
    def extended(self) -> bool:
        return self.reason is not None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "proposal_id": str(self.proposal_id),  # uint256: as a string, JSON numbers lose precision
            "support": self.support,
            "voter": self.voter,
            "nonce": str(self.nonce),
            "signature": "0x" + self.signature.hex(),
        }
        if self.extended:
            data.update(reason=self.reason, params="0x" + self.params.hex())
        return data

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
            signature=read("signature", lambda v: hex_field("signature", v, MAX_SIGNATURE_BYTES)),
            reason=None if data.get("reason") is None else read("reason", reason_field),
            params=b"" if data.get("params") is None else read("params", lambda v: params_field(v, data)),
        )


class MalformedBallot(ChainError, ValueError):
    """A ballot field outside its Solidity type, or a signature the governor could never accept."""


def uint_field(name: str, value: int, maximum: int) -> int:
    """`value` when 0 <= value <= maximum, else MalformedBallot naming `name` and the bound."""
    if not 0 <= value <= maximum:
        bound = "2^256-1 (uint256)" if maximum == MAX_UINT256 else str(maximum)
        raise MalformedBallot(f"{name} must be between 0 and {bound}, got {value}")
    return value


def hex_field(name: str, value: object, max_bytes: int) -> bytes:
    """The bytes of a 0x-prefixed hex string of at most `max_bytes`, or MalformedBallot naming `name`."""
    if not isinstance(value, str) or not value.startswith("0x"):
        raise MalformedBallot(f"{name} must be 0x-prefixed hex")
    raw = bytes.fromhex(value[2:])
    if len(raw) > max_bytes:
        raise MalformedBallot(f"{name} must be at most {max_bytes} bytes, got {len(raw)}")
    return raw


def reason_field(value: object) -> str:
    if not isinstance(value, str):
        raise MalformedBallot("reason must be a string")
    if len(value) > MAX_REASON_CHARS:
        raise MalformedBallot(f"reason must be at most {MAX_REASON_CHARS} characters, got {len(value)}")
    return value


def params_field(value: object, data: dict[str, Any]) -> bytes:
    """`params` belong to an ExtendedBallot, which a `reason` (even "") marks."""
    if data.get("reason") is None:
        raise MalformedBallot("params come only with a reason (an ExtendedBallot): send \"reason\": \"\" for none")
    return hex_field("params", value, MAX_PARAMS_BYTES)


def ecdsa_problem(signature: bytes) -> str | None:
    """Why OpenZeppelin's ECDSA would refuse `signature` as an EOA's, or None when its form is one it takes.

    OZ takes only 65 bytes `r ‖ s ‖ v` with v 27/28 and s in the lower half of the curve order (EIP-2)."""
    if len(signature) != 65:
        return f"signature must be 65 bytes (r, s, v) for an EOA voter, got {len(signature)}"
    r, s, v = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"), signature[64]
    if v not in (27, 28):
        return f"signature v must be 27 or 28, got {v}"
    if not 0 < r < SECP256K1_N:
        return "signature r must be between 1 and the secp256k1 order - 1"
    if not 0 < s <= SECP256K1_N // 2:
        return "signature s must be between 1 and half the secp256k1 order (EIP-2 low-s form)"
    return None


def recovery_id_form(signature: bytes) -> bytes | None:
    """`signature` with v 27/28 when it is 65 bytes with v 0/1 (the recovery id many wallets write), else None.

    Only ECDSA verifiers care, and every one (the ecrecover precompile, OZ's ECDSA) takes only 27/28."""
    if len(signature) == 65 and signature[64] in (0, 1):
        return signature[:64] + bytes([signature[64] + 27])
    return None


def _message(domain: BallotDomain, proposal_id: int, support: int, voter: str, nonce: int,
             reason: str | None = None, params: bytes = b"") -> SignableMessage:
    message: dict[str, Any] = {"proposalId": proposal_id, "support": support, "voter": voter, "nonce": nonce}
    if reason is not None:
        message.update(reason=reason, params=params)
    return encode_typed_data(
        full_message={
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                **(BALLOT_TYPES if reason is None else EXTENDED_BALLOT_TYPES),
            },
            "primaryType": "Ballot" if reason is None else "ExtendedBallot",
            "domain": {
                "name": domain.name,
                "version": domain.version,
                "chainId": domain.chain_id,
                "verifyingContract": domain.governor,
            },
            "message": message,
        }
    )


def sign_ballot(domain: BallotDomain, voter: LocalAccount, proposal_id: int, support: int, nonce: int,
                reason: str | None = None, params: bytes = b"", *, account: str | None = None) -> SignedBallot:
    """The member's signature over its vote (an ExtendedBallot when `reason` is given); nothing is sent.
    `account`: the contract account the vote is for, when `voter` is the key its ERC-1271 check accepts."""
    named = account or voter.address
    signed = voter.sign_message(_message(domain, proposal_id, support, named, nonce, reason, params))
    return SignedBallot(proposal_id, support, named, nonce, bytes(signed.signature), reason, params)


BALLOT_TYPEHASH = keccak(b"Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)")
EXTENDED_BALLOT_TYPEHASH = keccak(b"ExtendedBallot(uint256 proposalId,uint8 support,address voter,uint256 nonce,"
                                  b"string reason,bytes params)")
DOMAIN_TYPEHASH = keccak(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")


@lru_cache(maxsize=64)
def domain_separator(domain: BallotDomain) -> bytes:
    """EIP-712 `hashStruct(EIP712Domain)` of the governor, as OpenZeppelin's EIP712 computes it."""
    return keccak(abi_encode(["bytes32", "bytes32", "bytes32", "uint256", "address"],
                             [DOMAIN_TYPEHASH, keccak(domain.name.encode()), keccak(domain.version.encode()),
                              domain.chain_id, domain.governor]))


def ballot_digest(domain: BallotDomain, ballot: SignedBallot) -> bytes:
    """The EIP-712 digest the voter signed, for these two fixed types.

    Written out rather than through eth_account's `encode_typed_data`, which parses and validates the whole
    typed-data document on every call (about 6 ms); tests/chain/test_ballot_digest.py and
    tests/api/test_relay_ballots.py check it equals that library's digest on arbitrary ballots."""
    fields = [ballot.proposal_id, ballot.support, ballot.voter, ballot.nonce]
    if ballot.reason is None:
        struct = keccak(abi_encode(["bytes32", "uint256", "uint8", "address", "uint256"], [BALLOT_TYPEHASH, *fields]))
    else:
        struct = keccak(abi_encode(["bytes32", "uint256", "uint8", "address", "uint256", "bytes32", "bytes32"],
                                   [EXTENDED_BALLOT_TYPEHASH, *fields, keccak(ballot.reason.encode("utf-8")),
                                    keccak(ballot.params)]))
    return keccak(b"\x19\x01" + domain_separator(domain) + struct)


def ballot_signer(domain: BallotDomain, ballot: SignedBallot) -> str:
    """Which key's ECDSA signature `ballot` carries (explains a refused EOA ballot: signed by someone else)."""
    signature = ballot.signature
    try:
        v = signature[64] - 27 if signature[64] >= 27 else signature[64]
        vrs = (v, int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"))
        public_key = keys.Signature(vrs=vrs).recover_public_key_from_msg_hash(ballot_digest(domain, ballot))
    except BadSignature as exc:  # e.g. an r that is no point's x coordinate, or v past 28
        raise MalformedBallot(f"the signature recovers no key: {exc}") from exc
    return str(public_key.to_checksum_address())
