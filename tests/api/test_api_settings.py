"""Settings from the environment: placeholder secrets refused outside development, admin keys parsed."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import Settings
from chain.keys import dev_signers

PUBLIC = "ab" * 32


def test_defaults_are_a_local_sqlite_file() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///linli.db" and settings.environment == "development"


def test_environment_and_overrides() -> None:
    env = {"LINLI_DATABASE_URL": "postgresql://x/y", "LINLI_CONFIRMATIONS": "5",
           "LINLI_ADMIN_KEYS": f"ops:0x{PUBLIC}, b:{PUBLIC}"}
    settings = Settings.from_env(env, confirmations=3)
    assert settings.database_url == "postgresql://x/y" and settings.confirmations == 3
    assert settings.admin_keys == {"ops": PUBLIC, "b": PUBLIC}


@pytest.mark.parametrize("keys", ["ops", "ops:xyz", ":" + PUBLIC])
def test_malformed_admin_keys_refused(keys: str) -> None:
    with pytest.raises((ValidationError, ValueError)):
        Settings.from_env({"LINLI_ADMIN_KEYS": keys})


@pytest.mark.parametrize("secret", ["changethis", "0x" + dev_signers(1)[0].key.hex().removeprefix("0x")])
def test_placeholder_relayer_key_refused_in_production(secret: str) -> None:
    env = {"LINLI_ENV": "production", "LINLI_PRIVATE_KEY": secret, "LINLI_ADMIN_KEYS": f"ops:{PUBLIC}"}
    with pytest.raises(ValidationError, match="placeholder or a public dev key"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "LINLI_ENV": "development"}).relayer_key is not None


def test_production_needs_admin_keys() -> None:
    with pytest.raises(ValidationError, match="LINLI_ADMIN_KEYS is empty"):
        Settings.from_env({"LINLI_ENV": "production"})
    assert Settings.from_env({"LINLI_ENV": "production", "LINLI_ADMIN_KEYS": f"ops:{PUBLIC}"}).admin_keys
