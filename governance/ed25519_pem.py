"""Ed25519 keys in PEM, as `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write them.

Linli's own forms are hex (a 32-byte seed, a 32-byte public key); PEM is accepted beside them so that one key
file serves `linli` and any other RFC 9421 client. Both sides read PEM here and turn it into the hex form:
the admin's private key (linli.services.admin_key) and the server's LINLI_ADMIN_KEYS (api.settings).
"""
from __future__ import annotations

from governance.errors import BadInput

PEM_MARK = "-----BEGIN"


def is_pem(text: str) -> bool:
    return text.lstrip().startswith(PEM_MARK)


def seed_hex(text: str, where: str) -> str:
    """The seed hex of an unencrypted PKCS#8 PEM Ed25519 private key; BadInput naming `where` otherwise."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(text.strip().encode("ascii", "replace"), password=None)
    except TypeError:
        raise BadInput(f"{where}: the PEM key is encrypted; give an unencrypted one "
                       "(openssl genpkey -algorithm ed25519 -out admin.pem)") from None
    except ValueError:
        raise BadInput(f"{where}: not a PEM private key (expected `openssl genpkey -algorithm ed25519` "
                       "output)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BadInput(f"{where}: not an Ed25519 key (openssl genpkey -algorithm ed25519)")
    return key.private_bytes_raw().hex()


def public_hex(text: str, where: str) -> str:
    """The public key hex of a PEM SubjectPublicKeyInfo Ed25519 key; BadInput naming `where` otherwise."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(text.strip().encode("ascii", "replace"))
    except ValueError:
        raise BadInput(f"{where}: not a PEM public key (expected `openssl pkey -pubout` output)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BadInput(f"{where}: not an Ed25519 public key")
    return key.public_bytes_raw().hex()
