"""Where `linli admin` finds the API and which key id it signs as: its own light module so the CLI can
declare its options without importing the HTTP client of `linli.services.admin_client`."""
from __future__ import annotations

from typing import Literal

API_URL_ENV = "LINLI_API_URL"
KEY_ID_ENV = "LINLI_ADMIN_KEY_ID"
DEFAULT_API_URL = "http://127.0.0.1:8000"
DEFAULT_KEY_ID = "admin"  # the id in the server's LINLI_ADMIN_KEYS=admin:<public key hex>
Format = Literal["csv", "jsonl"]
