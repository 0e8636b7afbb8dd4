"""Admin requests as RFC 9421 HTTP Message Signatures: the profile clients and server share (docs/api.md
"Signed admin requests").

    Content-Digest:  sha-256=:<base64 of the body's SHA-256>:                         (RFC 9530)
    Signature-Input: sig=("@method" "@target-uri" "content-digest");created=…;keyid="ops";alg="ed25519";nonce="…"
    Signature:       sig=:<base64 of the Ed25519 signature over the RFC 9421 signature base>:

The signature base, its serialisation and the Ed25519 check are the library's (http-message-signatures). The
library leaves policy to its caller, so this module adds it: exactly one signature; `alg`, `keyid`, `created`
and `nonce` present; the three components above covered; `created` within ±max_age of the clock; the nonce's
shape; Content-Digest parsed before the body is read and checked (BodyDigest) while the body streams.
Refusals are `Refused(status, reason)`: 401 not authenticated, 403 for a key id that is not an admin key.
No FastAPI here: `linli admin` signs with this module too.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, UTC
from typing import Any

import http_sf
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, MappingKeyResolver, algorithms
from http_message_signatures.exceptions import HTTPMessageSignaturesException
from http_message_signatures.structures import get_header_fields

COVERED = ("@method", "@target-uri", "content-digest")
ALG = algorithms.ED25519
LABEL = "sig"
NONCE = re.compile(r"[A-Za-z0-9_-]{16,128}")  # fullmatch; the database keeps up to 128 characters
DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}  # RFC 9530's active algorithms
PROFILE = '("@method" "@target-uri" "content-digest") with alg="ed25519", keyid, created and nonce'
ACCEPT_SIGNATURE = f'{LABEL}=("@method" "@target-uri" "content-digest");alg="ed25519";created'
"""RFC 9421 section 5.1: what a refused client should sign, sent with every 401/403."""


class Refused(Exception):
    """A request that is not an authenticated admin request; `reason` is one line for the client."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True, slots=True)
class HttpMessage:
    """A request as the library reads it: method, the absolute URL as sent, and header field lines (anything
    with `items()`; a mutable mapping when signing, since the signer writes its headers into it)."""

    method: str
    url: str
    headers: Any


@dataclass(slots=True)
class BodyDigest:
    """The digests Content-Digest claims, and running hashes of the body as it arrives."""

    expected: dict[str, bytes]
    running: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.running = {name: DIGESTS[name]() for name in self.expected}

    def update(self, chunk: bytes) -> None:
        for hasher in self.running.values():
            hasher.update(chunk)

    def matches(self) -> bool:
        """Every claimed digest equals the body's (compared in constant time)."""
        return all(hmac.compare_digest(self.running[name].digest(), value) for name, value in self.expected.items())


@dataclass(frozen=True, slots=True)
class Signed:
    """A request whose signature verified; its body is still to be checked against `digest`."""

    key_id: str
    created: int
    nonce: str
    digest: BodyDigest


def sign_headers(key_id: str, seed: bytes, method: str, url: str, body: bytes = b"", *, created: int | None = None,
                 nonce: str | None = None) -> dict[str, str]:
    """Content-Digest, Signature-Input and Signature of a request to the absolute `url`, exactly as it will be
    sent; `seed` is the admin's 32-byte Ed25519 seed (`linli.services.admin_key`)."""
    private = Ed25519PrivateKey.from_private_bytes(seed)
    signer = HTTPMessageSigner(signature_algorithm=ALG,
                               key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: private}))
    message = HttpMessage(method.upper(), url, {})
    when = time.time() if created is None else created
    signer.sign(message, key_id=key_id, created=datetime.fromtimestamp(when, UTC),
                nonce=nonce or secrets.token_urlsafe(24), label=LABEL, covered_component_ids=COVERED, body=body)
    return dict(message.headers)


def check_headers(message: HttpMessage, admin_keys: Mapping[str, str], *, max_age: int, now: float) -> Signed:
    """The checks that need no body, cheapest first, then the signature itself; Refused on the first failure."""
    fields = get_header_fields(message.headers)
    for name in ("Signature-Input", "Signature", "Content-Digest"):
        if not fields.get(name):
            raise Refused(401, f"unsigned request: header {name} is missing (sign it as RFC 9421 {PROFILE})")
    covered, params = _signature_input(fields["Signature-Input"])
    key_id = params.get("keyid")
    if not isinstance(key_id, str):
        raise Refused(401, 'Signature-Input has no keyid="…" parameter (a key id of LINLI_ADMIN_KEYS)')
    public = admin_keys.get(key_id)
    if public is None:
        raise Refused(403, f"key id {key_id!r} is not an admin key")
    if params.get("alg") != ALG.algorithm_id:
        raise Refused(401, f'Signature-Input must say alg="ed25519", not {params.get("alg")!r}')
    created = params.get("created")
    if type(created) is not int:
        raise Refused(401, "Signature-Input must carry created=<unix seconds> (an integer)")
    skew = abs(now - created)
    if skew > max_age:
        raise Refused(401, f"request created {int(skew)} s away from the server clock (at most {max_age} s): "
                           "expired or clock skew")
    nonce = params.get("nonce")
    if not isinstance(nonce, str) or not NONCE.fullmatch(nonce):
        raise Refused(401, 'Signature-Input must carry nonce="…": 16 to 128 characters of A-Z a-z 0-9 _ -')
    missing = [name for name in COVERED if name not in covered]
    if missing:
        raise Refused(401, f"the signature must cover {' '.join(COVERED)}; it leaves out {' '.join(missing)}")
    digest = _content_digest(fields["Content-Digest"])
    _verify(message, key_id, public, max_age)
    return Signed(key_id=key_id, created=created, nonce=nonce, digest=digest)


def _signature_input(value: str) -> tuple[set[str], dict[str, Any]]:
    """The plain component names covered (a parameterised one, such as "content-digest";sf, does not count)
    and the parameters of the request's one signature."""
    parsed = _sf_dictionary(value, "Signature-Input is not an RFC 8941 dictionary (label=(components);params)")
    if len(parsed) != 1:
        raise Refused(401, f"one signature expected, Signature-Input has {len(parsed)}")
    (member, params), = parsed.values()
    if not isinstance(member, list):
        raise Refused(401, "Signature-Input: the signature's components must be an inner list")
    return {name for name, component_params in member if isinstance(name, str) and not component_params}, params


def _sf_dictionary(value: str, refusal: str) -> dict[str, Any]:
    """An RFC 8941 dictionary header, or a 401 with `refusal`."""
    try:
        parsed = http_sf.parse(value.encode("latin-1"), tltype="dictionary")
    except (ValueError, TypeError, UnicodeEncodeError):
        raise Refused(401, refusal) from None
    if not isinstance(parsed, dict):  # tltype="dictionary" always gives one; http_sf's type covers every kind
        raise Refused(401, refusal)
    return parsed


def _content_digest(value: str) -> BodyDigest:
    """RFC 9530's Content-Digest, sha-256 required (sha-512 also checked if sent); nothing else accepted."""
    wanted = "Content-Digest must be sha-256=:<base64 of the body's SHA-256>: (RFC 9530)"
    parsed = _sf_dictionary(value, wanted)
    expected = {}
    for name, (digest, _) in parsed.items():
        if name not in DIGESTS or not isinstance(digest, bytes) or len(digest) != DIGESTS[name]().digest_size:
            raise Refused(401, f"{wanted}; got a {name!r} member")
        expected[name] = digest
    if "sha-256" not in expected:
        raise Refused(401, wanted)
    return BodyDigest(expected)


def _verify(message: HttpMessage, key_id: str, public_hex: str, max_age: int) -> None:
    """The library's RFC 9421 verification against the one admin key named by the signature."""
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
    verifier = HTTPMessageVerifier(signature_algorithm=ALG,
                                   key_resolver=MappingKeyResolver(public_keys={key_id: public}, private_keys={}))
    verifier.max_clock_skew = timedelta(seconds=max_age)  # the window on `created` is checked above
    try:
        verifier.verify(message, max_age=None, require_components=COVERED)
    except HTTPMessageSignaturesException as exc:
        detail = " ".join(str(exc).split())
        raise Refused(401, f"signature does not verify with admin key {key_id!r} over {' '.join(COVERED)}"
                           + (f": {detail}" if detail else "")) from None
