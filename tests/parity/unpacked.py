"""The memory snapshot's packed format (site_builder/snapshot.py) read back, for the tests:
written here from its description, independently of the build's `pack` and of the worker."""

from __future__ import annotations

from site_builder.snapshot import BLOCK


def unpack(packed: bytes, size: int, initial: bytes = b"", offset: int = 0) -> bytes:
    """The whole snapshot (`size` bytes) from its packed form; the blocks it leaves out are as
    in `initial` (a fresh instance's memory, placed `offset` bytes in), zeros beyond it."""
    block = BLOCK
    count = -(-size // block)
    bitmap, data = packed[:-(-count // 8)], packed[-(-count // 8):]
    out = bytearray(size)
    fresh = bytes(offset) + initial
    read = 0
    for number in range(count):
        start = number * block
        length = min(block, size - start)
        if bitmap[number // 8] >> (number % 8) & 1:
            out[start:start + length] = data[read:read + length]
            read += length
        else:
            same = fresh[start:start + length]
            out[start:start + len(same)] = same
    assert read == len(data), "data after the last block the bitmap names"
    return bytes(out)
