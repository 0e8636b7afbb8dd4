"""`Settings`: every knob of the API from the environment (LINLI_*), checked once at start-up.

pydantic-settings cannot be installed beside brownie's python-dotenv pin, so this is a plain pydantic model
with `from_env`. Outside development, secrets that anyone could know (the dev mnemonic's keys, "changethis")
are refused: a relayer key that the whole internet has is a key that pays for strangers.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from chain.keys import dev_signers
from governance.bounded_json import MAX_DEPTH
from governance.ed25519_pem import is_pem, public_hex

PLACEHOLDERS = {"", "changethis", "change-me", "secret", "0x"}
_PUBLIC_KEY = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")
KIB, MIB = 1024, 1024 * 1024


class Settings(BaseModel):
    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///linli.db"
    rpc_url: str | None = None
    public_rpc_url: str | None = None  # the node members' browsers reach (dashboard config.json); else rpc_url
    deployment: Path | None = None
    relayer_key: SecretStr | None = None  # LINLI_PRIVATE_KEY: pays the gas of relayed ballots
    confirmations: int = Field(default=2, ge=0)
    poll_seconds: float = Field(default=2.0, gt=0)
    window_blocks: int = Field(default=2_000, ge=1)
    admin_keys: dict[str, str] = Field(default_factory=dict)  # key id -> Ed25519 public key (hex, or PEM in)
    request_max_age: int = Field(default=300, ge=1)
    rate_limit_per_minute: int = Field(default=60, ge=1)  # writes and admin requests, per client
    index: bool = True  # `linli serve` also runs the indexer loop (one process at a time indexes)
    # Request bodies, in bytes, refused with 413 before they are buffered (api.limits).
    max_body_bytes: int = Field(default=16 * KIB, ge=1)  # any route not named below (and /votes/relay)
    max_record_bytes: int = Field(default=8 * MIB, ge=1)  # /admin/distributions/{period}/record|publish
    max_upload_bytes: int = Field(default=64 * MIB, ge=1)  # /admin/members, /admin/orders (spooled to disk)
    max_json_depth: int = Field(default=MAX_DEPTH, ge=1, le=1_000)  # nesting of any JSON body or JSON line
    body_timeout_seconds: float = Field(default=300.0, gt=0)  # a whole body must arrive within this (408)

    @field_validator("admin_keys")
    @classmethod
    def _keys_are_ed25519(cls, keys: dict[str, str]) -> dict[str, str]:
        keys = {k: public_hex(v, f"admin key {k!r}") if is_pem(v) else v for k, v in keys.items()}
        for key_id, public in keys.items():
            if not key_id or not _PUBLIC_KEY.match(public):
                raise ValueError(f"admin key {key_id!r}: expected id:64-hex-digit Ed25519 public key (or PEM)")
        return {k: v.lower().removeprefix("0x") for k, v in keys.items()}

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> Settings:
        if self.environment == "development":
            return self
        if self.relayer_key is not None:
            raw = self.relayer_key.get_secret_value().strip().lower().removeprefix("0x")
            well_known = {s.key.hex().removeprefix("0x") for s in dev_signers(10)}
            if raw in PLACEHOLDERS or raw in well_known:
                raise ValueError(
                    f"LINLI_PRIVATE_KEY is a placeholder or a public dev key: refused in {self.environment}")
        if not self.admin_keys:
            raise ValueError(f"LINLI_ADMIN_KEYS is empty: admin routes need at least one key in {self.environment}")
        return self

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, **overrides: object) -> Settings:
        """Read LINLI_* variables; explicit keyword arguments (CLI flags) win."""
        values: dict[str, object] = {}
        for field, var in _ENV.items():
            if env.get(var, "") != "":
                values[field] = env[var]
        if "admin_keys" in values:
            values["admin_keys"] = _parse_keys(str(values["admin_keys"]))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)


_ENV = {
    "environment": "LINLI_ENV",
    "database_url": "LINLI_DATABASE_URL",
    "rpc_url": "LINLI_RPC_URL",
    "public_rpc_url": "LINLI_PUBLIC_RPC_URL",
    "deployment": "LINLI_DEPLOYMENT",
    "relayer_key": "LINLI_PRIVATE_KEY",
    "confirmations": "LINLI_CONFIRMATIONS",
    "poll_seconds": "LINLI_POLL_SECONDS",
    "window_blocks": "LINLI_WINDOW_BLOCKS",
    "admin_keys": "LINLI_ADMIN_KEYS",
    "request_max_age": "LINLI_REQUEST_MAX_AGE",
    "rate_limit_per_minute": "LINLI_RATE_LIMIT_PER_MINUTE",
    "index": "LINLI_INDEX",
    "max_body_bytes": "LINLI_MAX_BODY_BYTES",
    "max_record_bytes": "LINLI_MAX_RECORD_BYTES",
    "max_upload_bytes": "LINLI_MAX_UPLOAD_BYTES",
    "max_json_depth": "LINLI_MAX_JSON_DEPTH",
    "body_timeout_seconds": "LINLI_BODY_TIMEOUT_SECONDS",
}


def _parse_keys(text: str) -> dict[str, str]:
    """`ops:0xabc…,backup:def…` -> {"ops": "abc…", "backup": "def…"}."""
    keys: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key_id, sep, public = item.partition(":")
        if not sep:
            raise ValueError(f"LINLI_ADMIN_KEYS item {item!r}: expected key-id:public-key-hex")
        keys[key_id.strip()] = public.strip()
    return keys
