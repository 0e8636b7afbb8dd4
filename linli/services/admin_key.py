"""The admin's Ed25519 key, for payout records and signed API requests: LINLI_ADMIN_KEY or a key file.

Like chain keys, it never comes from the command line. Either holds the key in one of two forms: the 64 hex
digits of the 32-byte seed (what `linli` has always written), or a PKCS#8 PEM private key
(governance.ed25519_pem). Every caller gets the seed hex: the form the record and request signers both take.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from governance import ed25519_pem
from governance.errors import BadInput
from governance.payout_record import signing_key
from linli.i18n import t

ADMIN_KEY_ENV = "LINLI_ADMIN_KEY"


def admin_seed(key_file: Path | None = None, env: Mapping[str, str] = os.environ) -> str:
    """The seed hex, checked to be a usable Ed25519 seed; BadInput saying where to put it otherwise."""
    if key_file is not None:
        try:
            text = Path(key_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(t("admin.key_file_unreadable", file=key_file,
                             reason=getattr(exc, "strerror", None) or exc)) from None
        where = f"admin key file {key_file}"
    else:
        text = env.get(ADMIN_KEY_ENV, "").strip()
        if not text:
            raise BadInput(t("admin.no_key", env=ADMIN_KEY_ENV))
        where = ADMIN_KEY_ENV
    seed = ed25519_pem.seed_hex(text, where) if ed25519_pem.is_pem(text) else text
    signing_key(seed)
    return seed
