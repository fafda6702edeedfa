"""The build's memory snapshot (site_builder/snapshot.py): the same inputs give the same bytes
(an unchanged engine gives returning visitors nothing new to download), and a snapshot whose
restored engine answers differently from CPython stops the build and is not kept."""

from __future__ import annotations

import gzip
import hashlib

import pytest

import scoring
from site_builder import snapshot as snapshot_module
from site_builder.bytecode import precompile
from site_builder.errors import BuildError
from site_builder.pyodide_runtime import find_runtime
from site_builder.wheel import build_wheel

from .test_parity import ROOT
from .unpacked import unpack

pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def inputs():
    runtime = find_runtime(ROOT / "node_modules")
    source = build_wheel(ROOT / "scoring", scoring.__version__)
    return runtime, precompile(runtime, source), source


def test_two_snapshots_of_the_same_engine_are_byte_identical(inputs, tmp_path):
    first = snapshot_module.snapshot(*inputs, cache=tmp_path / "a")
    second = snapshot_module.snapshot(*inputs, cache=tmp_path / "b")
    assert first.data == second.data and first.filename == second.filename
    packed = gzip.decompress(first.data)
    heap = unpack(packed, first.raw_bytes)
    # Unpacked: exactly the snapshot Pyodide made (its SHA-256, recorded before packing), the
    # whole initial heap (30 MiB) after a header: the size the worker unpacks it into
    # (ENGINE.snapshot_size).
    assert hashlib.sha256(heap).hexdigest() == first.raw_sha256
    assert len(heap) == first.raw_bytes > first.heap_bytes >= 30 * 2**20
    # Most of the heap is zeros: what the browser unzips is well under half of it, and what it
    # downloads a fraction.
    assert len(packed) < len(heap) / 2
    assert len(first.data) < len(heap) / 4


@pytest.mark.parametrize("raw", [
    b"",
    bytes(snapshot_module.BLOCK * 3),
    bytes(snapshot_module.BLOCK) + b"\x01" + bytes(snapshot_module.BLOCK * 9) + b"tail",
    b"\xff" * (snapshot_module.BLOCK * 8 + 1),
])
def test_packing_keeps_every_byte_and_drops_only_blocks_of_zeros(raw):
    packed = snapshot_module.pack(raw)
    assert unpack(packed, len(raw)) == raw
    blocks = -(-len(raw) // snapshot_module.BLOCK)
    nonzero = sum(1 for start in range(0, len(raw), snapshot_module.BLOCK)
                  if any(raw[start:start + snapshot_module.BLOCK]))
    kept = len(packed) - -(-blocks // 8)
    assert kept <= nonzero * snapshot_module.BLOCK


def test_a_snapshot_that_answers_differently_stops_the_build(inputs, tmp_path, monkeypatch):
    real = snapshot_module.cpython_replies

    def one_reply_differs(source, work):
        replies = real(source, work)
        return [replies[0].replace('"total": ', '"total": 1', 1), *replies[1:]]

    monkeypatch.setattr(snapshot_module, "cpython_replies", one_reply_differs)
    with pytest.raises(BuildError, match="answers differently from CPython"):
        snapshot_module.snapshot(*inputs, cache=tmp_path)
    assert not list(tmp_path.glob("*.gz")), "a snapshot that failed its check was kept"
