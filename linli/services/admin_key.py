"""The admin's Ed25519 key, for payout records and signed API requests: LINLI_ADMIN_KEY or a key file.

Like chain keys, it never comes from the command line. Either holds the key in one of two forms: the 64 hex
digits of the 32-byte seed (what `linli` has always written), or a PKCS#8 PEM private key as
`openssl genpkey -algorithm ed25519` writes it, so one key file serves `linli` and any other RFC 9421 client.
Every caller gets the seed hex: the one form the record signer and the request signer both take.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from governance.errors import BadInput
from governance.payout_record import signing_key

ADMIN_KEY_ENV = "LINLI_ADMIN_KEY"
PEM_MARK = "-----BEGIN"


def admin_seed(key_file: Path | None = None, env: Mapping[str, str] = os.environ) -> str:
    """The seed hex, checked to be a usable Ed25519 seed; BadInput saying where to put it otherwise."""
    if key_file is not None:
        try:
            text = Path(key_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"admin key file {key_file}: {getattr(exc, 'strerror', None) or exc}") from None
        where = f"admin key file {key_file}"
    else:
        text = env.get(ADMIN_KEY_ENV, "").strip()
        if not text:
            raise BadInput(f"no admin signing key: set {ADMIN_KEY_ENV} (Ed25519 seed, 64 hex digits, or a PEM "
                           "private key) or pass --admin-key-file FILE to publish; --dry-run only computes the "
                           "report")
        where = ADMIN_KEY_ENV
    seed = seed_from_pem(text, where) if text.startswith(PEM_MARK) else text
    signing_key(seed)
    return seed


def seed_from_pem(text: str, where: str) -> str:
    """The seed hex of an unencrypted PKCS#8 PEM Ed25519 private key; BadInput naming `where` otherwise."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(text.encode("ascii", "replace"), password=None)
    except TypeError:
        raise BadInput(f"{where}: the PEM key is encrypted; give an unencrypted one "
                       "(openssl genpkey -algorithm ed25519 -out admin.pem)") from None
    except ValueError:
        raise BadInput(f"{where}: not a PEM private key (expected `openssl genpkey -algorithm ed25519` output "
                       "or 64 hex digits)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BadInput(f"{where}: a {type(key).__name__.removeprefix('_')} key, not Ed25519 "
                       "(openssl genpkey -algorithm ed25519)")
    return key.private_bytes_raw().hex()
