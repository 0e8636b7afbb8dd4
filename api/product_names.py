"""A product's readable name from its bytes32 id: the co-op's ids are UTF-8 names right-padded with zero
bytes (`linli propose --add-product`, `linli poll open`), so most of them read as they were typed."""
from __future__ import annotations


def product_name(product_id: str) -> str | None:
    """The UTF-8 text of a 0x-hex bytes32 id up to its zero padding; None when that is not printable text
    (a hash-like id), so a caller shows the id itself."""
    try:
        raw = bytes.fromhex(product_id.removeprefix("0x")).rstrip(b"\0")
        text = raw.decode("utf-8")
    except ValueError:
        return None
    if not text or b"\0" in raw or not text.isprintable():
        return None
    return text
