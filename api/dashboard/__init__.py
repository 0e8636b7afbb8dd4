"""The dashboard (看板): static pages under /dashboard, served by the API itself (no build step, no CDN).

    mount(app)   after create_app; adds, in this order:
      /                             a redirect to /dashboard/ (what a person typing the server's address wants)
      /dashboard/config.json        the node URL (LINLI_PUBLIC_RPC_URL) and contract addresses the page reads
                                    the chain with
      /dashboard/vendor/...         the browser libraries of vendor_packages.py (chart.js, @noble/hashes, ethers,
                                    swagger-ui): from node_modules in a checkout, from the package's vendor/ in a
                                    wheel (setup.py copies them at build time)
      /dashboard/                   index.html, style.css, js/ (vanilla ES modules)

The page trusts the server for display only: "verify my payout" hashes the leaf and walks the proof in the
browser, then compares with `PayoutLedger.merkleRoot(period)` read by its own eth_call to the node.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.dashboard.vendor_packages import VENDOR_PACKAGES
from api.settings import Settings
from chain.system import Linli

STATIC = Path(__file__).resolve().parent / "static"
PACKAGED_VENDOR = Path(__file__).resolve().parent / "vendor"
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


def _vendor() -> dict[str, Path]:
    """URL under /dashboard/vendor -> directory of its files: the wheel's copy, else node_modules."""
    if PACKAGED_VENDOR.is_dir():
        return {name: PACKAGED_VENDOR / name for name in VENDOR_PACKAGES}
    return {name: NODE_MODULES / vendor.package / vendor.serve for name, vendor in VENDOR_PACKAGES.items()}


VENDOR = _vendor()


def chain_config(linli: Linli | None, settings: Settings) -> dict[str, Any]:
    """What the page needs to read the chain itself: node URL, chain id and contract addresses; nothing but
    `rpc_url` when the API runs without a chain. The node URL is the one browsers can reach
    (LINLI_PUBLIC_RPC_URL: the server's own node address is often private), else the server's own
    (LINLI_RPC_URL, else the deployment's)."""
    rpc_url = settings.public_rpc_url or settings.rpc_url
    if linli is None:
        return {"rpc_url": rpc_url, "chain_id": None, "contracts": {}}
    deployment = linli.deployment
    return {"rpc_url": rpc_url or deployment.rpc, "chain_id": deployment.chain_id,
            "contracts": dict(deployment.contracts)}


def mount(app: FastAPI) -> None:
    """Serve the dashboard at /dashboard/ from an app made by `api.main.create_app` (reads app.state.settings
    and app.state.linli). StaticFiles refuses a missing node_modules at once: run toolchain/bootstrap.sh."""

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/dashboard/")

    @app.get("/dashboard/config.json", include_in_schema=False)
    def dashboard_config(request: Request) -> dict[str, Any]:
        state = request.app.state
        return chain_config(state.linli, state.settings)

    for name, directory in VENDOR.items():
        app.mount(f"/dashboard/vendor/{name}", StaticFiles(directory=directory), name=f"dashboard-{name}")
    app.mount("/dashboard", StaticFiles(directory=STATIC, html=True), name="dashboard")
