"""What the month-close tests on a real Anvil share: a fresh deployment and the environment a close runs in."""
from __future__ import annotations

from pathlib import Path

from chain.connect import open_chain
from chain.deploy import DeployConfig, deploy_linli
from chain.nodes import LocalNode
from dev_keys import dev_key

ADMIN = "44" * 32  # the admin's Ed25519 seed in these tests


def fresh_deployment(anvil: LocalNode, where: Path) -> Path:
    """A fresh deployment (dev account 0 issues and publishes), so each scenario starts from no points."""
    where.mkdir(parents=True, exist_ok=True)
    with open_chain(rpc_url=anvil.url, env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        return deploy_linli(chain, DeployConfig(profile="fast", overrides={"gmv_target_cents": 500_000})).save(
            where / "deployment.json")


def close_env(anvil: LocalNode, deployment: Path) -> dict[str, str]:
    return {"LINLI_RPC_URL": anvil.url, "LINLI_DEPLOYMENT": str(deployment), "LINLI_PRIVATE_KEY": dev_key(0),
            "LINLI_ADMIN_KEY": ADMIN}
