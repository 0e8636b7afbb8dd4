"""ERC-5805 delegation by signature: a member signs `Delegation(address delegatee,uint256 nonce,uint256 expiry)`
for the points token, anyone sends it with `delegateBySig` and pays the gas.

The token's EIP-712 domain is read from the token itself (ERC-5267 `eip712Domain()`), so it follows the
deployed name and version. OpenZeppelin's `delegateBySig` recovers the delegator from an ECDSA signature
(v, r, s): only an EOA can delegate this way, never a contract account (no ERC-1271), which is why the
delegator can be recovered here, before anything is paid.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import SignableMessage, encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_keys.exceptions import BadSignature

DELEGATION_TYPES = {
    "Delegation": [
        {"name": "delegatee", "type": "address"},
        {"name": "nonce", "type": "uint256"},
        {"name": "expiry", "type": "uint256"},
    ]
}
DOMAIN_FIELDS = {"name": "string", "version": "string", "chainId": "uint256", "verifyingContract": "address",
                 "salt": "bytes32"}


@dataclass(frozen=True, slots=True)
class TokenDomain:
    """A token's EIP-712 domain as `eip712Domain()` reports it: the fields it uses, by their EIP-712 names."""

    fields: tuple[tuple[str, Any], ...]

    @classmethod
    def from_eip5267(cls, answer: tuple[Any, ...]) -> TokenDomain:
        """From `eip712Domain()`'s (fields bitmap, name, version, chainId, verifyingContract, salt, extensions);
        bit i of the bitmap says whether the i-th of name, version, chainId, verifyingContract, salt is used."""
        bitmap, *values = answer[:6]
        bits = bitmap[0] if isinstance(bitmap, (bytes, bytearray)) else int(bitmap)
        fields = enumerate(zip(DOMAIN_FIELDS, values, strict=True))
        return cls(tuple((name, value) for i, (name, value) in fields if bits >> i & 1))


@dataclass(frozen=True, slots=True)
class SignedDelegation:
    delegator: str
    delegatee: str
    nonce: int
    expiry: int
    v: int
    r: bytes
    s: bytes


def _message(domain: TokenDomain, delegatee: str, nonce: int, expiry: int) -> SignableMessage:
    values = dict(domain.fields)
    return encode_typed_data(full_message={
        "types": {"EIP712Domain": [{"name": n, "type": DOMAIN_FIELDS[n]} for n in values], **DELEGATION_TYPES},
        "primaryType": "Delegation",
        "domain": values,
        "message": {"delegatee": delegatee, "nonce": nonce, "expiry": expiry},
    })


def sign_delegation(domain: TokenDomain, delegator: LocalAccount, delegatee: str, nonce: int,
                    expiry: int) -> SignedDelegation:
    """The member's signature lending its weight to `delegatee`, valid until `expiry` (token clock); not sent."""
    signed = delegator.sign_message(_message(domain, delegatee, nonce, expiry))
    return SignedDelegation(delegator.address, delegatee, nonce, expiry, signed.v,
                            signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big"))


def delegation_signer(domain: TokenDomain, delegation: SignedDelegation) -> str | None:
    """The address `delegateBySig` would recover (whose weight it would move), or None if none recovers."""
    vrs = (delegation.v, int.from_bytes(delegation.r, "big"), int.from_bytes(delegation.s, "big"))
    try:
        return str(Account.recover_message(_message(domain, delegation.delegatee, delegation.nonce,
                                                    delegation.expiry), vrs=vrs))
    except (BadSignature, ValueError):
        return None
