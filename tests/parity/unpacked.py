"""The memory snapshot's packed format (site_builder/snapshot.py) read back, for the tests:
written here from its description, independently of the build's `pack` and of the worker."""

from __future__ import annotations

from site_builder.snapshot import BLOCK


def unpack(packed: bytes, size: int) -> bytes:
    """The whole snapshot (`size` bytes) from its packed form."""
    block = BLOCK
    count = -(-size // block)
    bitmap, data = packed[:-(-count // 8)], packed[-(-count // 8):]
    out = bytearray(size)
    offset = 0
    for number in range(count):
        if bitmap[number // 8] >> (number % 8) & 1:
            length = min(block, size - number * block)
            out[number * block:number * block + length] = data[offset:offset + length]
            offset += length
    assert offset == len(data), "data after the last block the bitmap names"
    return bytes(out)
