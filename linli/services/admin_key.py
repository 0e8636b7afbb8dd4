"""The admin's Ed25519 signing key for payout records: LINLI_ADMIN_KEY (seed hex) or a key file.

Like chain keys, it never comes from the command line; a file holds the 64 hex digits of the seed.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from governance.errors import BadInput
from governance.payout_record import signing_key

ADMIN_KEY_ENV = "LINLI_ADMIN_KEY"


def admin_seed(key_file: Path | None = None, env: Mapping[str, str] = os.environ) -> str:
    """The seed hex, checked to be a usable Ed25519 seed; BadInput saying where to put it otherwise."""
    if key_file is not None:
        try:
            seed = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BadInput(f"admin key file {key_file}: {exc.strerror or exc}") from None
    else:
        seed = env.get(ADMIN_KEY_ENV, "").strip()
        if not seed:
            raise BadInput(f"no admin signing key: set {ADMIN_KEY_ENV} (Ed25519 seed, 64 hex digits) "
                           "or pass --admin-key-file FILE to publish; --dry-run only computes the report")
    signing_key(seed)
    return seed
