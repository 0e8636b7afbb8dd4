"""Checking a Sign-In with Ethereum (EIP-4361) message against this server, with the `siwe` library.

What a message must say for a session: this server's host as `domain`, a URI on this server's origin, the
mirror's chain id, a nonce (checked against the database by the caller), an issued-at within the nonce's
lifetime (and not from the future), an expiration (if any) still ahead; and the signature must be the
address's own personal_sign (EIP-191) of exactly that text. Only externally owned accounts sign in:
no provider is handed to `siwe`, so an ERC-1271 contract wallet's signature is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import siwe
from pydantic import ValidationError

NONCE_SECONDS = 600
"""How long an issued nonce (and so a prepared message) can wait for its signature."""
SESSION_SECONDS = 900
"""A session lasts 15 minutes at most (less when the message expires earlier)."""
CLOCK_SKEW_SECONDS = 60
"""How far in the future a message's issued-at may be (the signer's clock may run ahead)."""


class SignInRefused(Exception):
    """One line saying why, with the HTTP status to answer (401 not proven, 422 not a sign-in message)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True, slots=True)
class Expected:
    """What this server accepts: its origin (scheme://host[:port]) and the chain its mirror follows."""

    scheme: str
    host: str
    chain_id: int


@dataclass(frozen=True, slots=True)
class SignedIn:
    address: str
    nonce: str
    expires: int  # epoch seconds


def parse(message: str) -> siwe.SiweMessage:
    """The message, which must be in EIP-4361's own layout (what is parsed is exactly what was signed)."""
    try:
        parsed = siwe.SiweMessage.from_message(message)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "message"
        raise SignInRefused(422, f"not an EIP-4361 sign-in message: {field}: {first['msg']}") from None
    except ValueError:  # the grammar's own failure carries no text
        raise SignInRefused(422, "not an EIP-4361 sign-in message: its text does not follow the EIP-4361 "
                                 "grammar") from None
    if parsed.prepare_message() != message:
        raise SignInRefused(422, "the message is not laid out as EIP-4361 writes it (extra spaces or lines?)")
    return parsed


def check(message: str, signature: str, *, expected: Expected, now: float) -> SignedIn:
    """The signer's address and when its session ends, or SignInRefused; the nonce is the caller's to spend."""
    parsed = parse(message)
    origin = f"{expected.scheme}://{expected.host}"
    if parsed.domain != expected.host:
        raise SignInRefused(401, f"the message is for {parsed.domain}, not this server ({expected.host})")
    if parsed.scheme is not None and parsed.scheme != expected.scheme:
        raise SignInRefused(401, f"the message's scheme {parsed.scheme} is not this server's ({expected.scheme})")
    uri = urlsplit(str(parsed.uri))
    if f"{uri.scheme}://{uri.netloc}" != origin:
        raise SignInRefused(401, f"the message's URI {parsed.uri} is not on this server ({origin})")
    if parsed.chain_id != expected.chain_id:
        raise SignInRefused(401, f"the message is for chain {parsed.chain_id}, this co-op is on chain "
                                 f"{expected.chain_id}")
    issued = _epoch(parsed.issued_at)
    if issued > now + CLOCK_SKEW_SECONDS:
        raise SignInRefused(401, "the message was issued in the future: check the device's clock")
    if issued < now - NONCE_SECONDS:
        raise SignInRefused(401, f"the message was issued more than {NONCE_SECONDS} s ago: sign in again")
    expires = now + SESSION_SECONDS
    if parsed.expiration_time is not None:
        expires = min(expires, _epoch(parsed.expiration_time))
    try:
        parsed.verify(signature, timestamp=datetime.fromtimestamp(now, UTC))
    except siwe.ExpiredMessage:
        raise SignInRefused(401, "the message has expired: sign in again") from None
    except siwe.NotYetValidMessage:
        raise SignInRefused(401, "the message is not valid yet (its not-before is ahead)") from None
    except siwe.VerificationError:
        raise SignInRefused(401, f"the signature is not {parsed.address}'s (an account's personal_sign of the "
                                 "message; contract wallets (ERC-1271) cannot sign in)") from None
    return SignedIn(address=parsed.address, nonce=parsed.nonce, expires=int(expires))


def _epoch(value: siwe.siwe.ISO8601Datetime) -> float:
    return siwe.siwe.datetime_from_iso8601_string(str(value)).timestamp()
