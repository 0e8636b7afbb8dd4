"""LINLI_PUBLIC_RPC_URL: the node address the dashboard hands to members' browsers (config.json `rpc_url`),
which often differs from the server's own (a node on a private network); without it, the server's own."""
from __future__ import annotations

from api_support import MakeApp
from api_world import World
from fastapi.testclient import TestClient

from api.settings import Settings

PUBLIC = "https://node.coop.example/rpc"


def test_the_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({"LINLI_PUBLIC_RPC_URL": PUBLIC}).public_rpc_url == PUBLIC
    assert Settings.from_env({}).public_rpc_url is None


def test_config_json_advertises_the_public_node_when_set(make_app: MakeApp, world: World) -> None:
    with TestClient(make_app("sqlite", synced=False, public_rpc_url=PUBLIC)) as client:
        config = client.get("/dashboard/config.json").json()
    assert config["rpc_url"] == PUBLIC
    assert config["chain_id"] == world.chain.chain_id  # the rest still comes from the deployment


def test_config_json_falls_back_to_the_servers_own_node(make_app: MakeApp, world: World) -> None:
    with TestClient(make_app("sqlite", synced=False)) as client:
        config = client.get("/dashboard/config.json").json()
    assert config["rpc_url"] == world.chain.rpc
