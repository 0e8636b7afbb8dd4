"""The dashboard (看板): static pages under /dashboard, served by the API itself (no build step, no CDN).

    mount(app, rpc_url=..., deployment=...)   adds, in this order:
      /dashboard/config.json        the node URL and contract addresses the page reads the chain with
      /dashboard/vendor/...         chart.js and @noble/hashes (keccak) straight from node_modules
      /dashboard/                   index.html, style.css, js/ (vanilla ES modules)

The page trusts the server for display only: "verify my payout" hashes the leaf and walks the proof in the
browser, then compares with `PayoutLedger.merkleRoot(period)` read by its own eth_call to the node.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
VENDOR = {  # URL under /dashboard/vendor -> directory in node_modules
    "chartjs": NODE_MODULES / "chart.js" / "dist",
    "noble-hashes": NODE_MODULES / "@noble" / "hashes" / "esm",
}


def chain_config(*, rpc_url: str | None, deployment: Path | None) -> dict[str, Any]:
    """What the page needs to read the chain itself: node URL, chain id, contract addresses."""
    data: dict[str, Any] = {}
    if deployment is not None and deployment.is_file():
        data = json.loads(deployment.read_text(encoding="utf-8"))
    return {
        "rpc_url": rpc_url or data.get("rpc"),
        "chain_id": data.get("chain_id"),
        "contracts": data.get("contracts", {}),
    }


def mount(app: FastAPI, *, rpc_url: str | None = None, deployment: Path | None = None) -> None:
    """Serve the dashboard at /dashboard/; `deployment` is a deployment.json (read at each request).

    StaticFiles refuses a missing node_modules directory at once: run toolchain/bootstrap.sh.
    """
    @app.get("/dashboard/config.json", include_in_schema=False)
    def dashboard_config() -> dict[str, Any]:
        return chain_config(rpc_url=rpc_url, deployment=deployment)

    for name, directory in VENDOR.items():
        app.mount(f"/dashboard/vendor/{name}", StaticFiles(directory=directory), name=f"dashboard-{name}")
    app.mount("/dashboard", StaticFiles(directory=STATIC, html=True), name="dashboard")
