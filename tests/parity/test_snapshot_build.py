"""The build's memory snapshot (site_builder/snapshot.py): the same inputs give the same bytes
(an unchanged engine gives returning visitors nothing new to download), and a snapshot whose
restored engine answers differently from CPython stops the build and is not kept."""

from __future__ import annotations

import gzip
import hashlib

import pytest

from site_builder import snapshot as snapshot_module
from site_builder.errors import BuildError

from .test_parity import engine_inputs
from .unpacked import unpack

pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def inputs():
    return engine_inputs()


def test_two_snapshots_of_the_same_engine_are_byte_identical(inputs, tmp_path):
    first = snapshot_module.snapshot(*inputs, cache=tmp_path / "a")
    second = snapshot_module.snapshot(*inputs, cache=tmp_path / "b")
    assert first.data == second.data and first.filename == second.filename
    packed = gzip.decompress(first.data)
    heap = unpack(packed, first.raw_bytes, first.initial, first.heap_offset)
    # Unpacked: exactly the snapshot Pyodide made (its SHA-256, recorded before packing), the
    # whole initial heap (30 MiB) after a header: the size the worker unpacks it into
    # (ENGINE.snapshot_size).
    assert hashlib.sha256(heap).hexdigest() == first.raw_sha256
    assert len(heap) == first.raw_bytes > first.heap_bytes >= 30 * 2**20
    # Most of the heap is zeros or still as the binary's fresh instance has it: the file holds
    # under a third of it, and what is downloaded a tenth.
    assert len(packed) < len(heap) / 3
    assert len(first.data) < len(heap) / 10
    # The fresh instance's part is the binary's data (megabytes of it), at the heap's start.
    assert 1_000_000 < len(first.initial) < first.heap_bytes
    assert first.initial_blocks * snapshot_module.BLOCK >= first.heap_offset + len(first.initial)
    assert len(packed) < len(snapshot_module.pack(heap))


B = snapshot_module.BLOCK
FRESH = b"\x07" * (B + 5) + bytes(B) + b"data" * B


def changed(memory: bytes) -> bytes:
    """`memory` with one byte of its data changed and a whole block of it zeroed."""
    out = bytearray(memory)
    out[3 * B] ^= 0xFF
    out[4 * B:5 * B] = bytes(B)
    return bytes(out)


@pytest.mark.parametrize("raw, offset", [
    (b"", 0),
    (bytes(B * 3), 0),
    (bytes(B) + b"\x01" + bytes(B * 9) + b"tail", 0),
    (b"\xff" * (B * 8 + 1), 0),
    # A header, then memory as a fresh instance has it: only the header's block is kept.
    (b"H" * 128 + FRESH + bytes(B * 4), 128),
    # Python changed a byte of the binary's data, and zeroed a block of it: both are kept.
    (b"H" * 128 + changed(FRESH) + bytes(B * 4), 128),
    # Memory past the fresh instance's data, written by Python: kept.
    (b"H" * 64 + FRESH + b"\x02" * (B * 2), 64),
])
def test_packing_keeps_every_byte_and_drops_only_what_the_fresh_instance_holds(raw, offset):
    initial = FRESH if offset else b""
    fresh = bytes(offset) + initial
    packed = snapshot_module.pack(raw, initial, offset)
    assert unpack(packed, len(raw), initial, offset) == raw
    blocks = -(-len(raw) // B)
    differ = 0
    for start in range(0, len(raw), B):
        block = raw[start:start + B]
        same = fresh[start:start + B]
        if block != same + bytes(len(block) - len(same)):
            differ += 1
    kept = len(packed) - -(-blocks // 8)
    assert kept <= differ * B
    assert (kept == 0) == (differ == 0)


def test_the_heap_must_start_inside_the_first_block():
    header = (0x706E7300).to_bytes(4, "little")
    assert snapshot_module.heap_offset(header + (128).to_bytes(4, "little")) == 128
    for bad in (B + 1, 2**31, 0):
        with pytest.raises(BuildError, match="heap starts at byte"):
            snapshot_module.heap_offset(header + bad.to_bytes(4, "little"))


def test_a_snapshot_that_answers_differently_stops_the_build(inputs, tmp_path, monkeypatch):
    real = snapshot_module.cpython_replies

    def one_reply_differs(source, work):
        replies = real(source, work)
        return [replies[0].replace('"total": ', '"total": 1', 1), *replies[1:]]

    monkeypatch.setattr(snapshot_module, "cpython_replies", one_reply_differs)
    with pytest.raises(BuildError, match="answers differently from CPython"):
        snapshot_module.snapshot(*inputs, cache=tmp_path)
    assert not list(tmp_path.glob("*.gz")), "a snapshot that failed its check was kept"
