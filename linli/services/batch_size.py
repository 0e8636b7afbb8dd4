"""How many members one mint transaction carries: its own light module so the CLI can bound `--chunk-size`
without importing the chain machinery of `linli.services.month_publish`."""
from __future__ import annotations

CHUNK_SIZE = 100  # ~100 awards keep a batch far below a 30M-gas block on every backend
MAX_CHUNK_SIZE = 500
