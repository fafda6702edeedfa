"""The calculator's memory snapshot: Pyodide's heap after the engine has started, saved at build
time so a returning visitor's browser restores it instead of starting Python.

Starting Python and importing the engine is most of a visit's start-up once the files are
local. At build time `node/snapshot.mjs` boots the pinned Pyodide under Node.js exactly as the
worker does (the site's precompiled standard library and wheel), answers a score and a plan,
and saves the whole heap (`makeMemorySnapshot`, a private Pyodide API). The worker restores it
with `_loadSnapshot`, writes the wheel file back to its path (the file system is not part of
the heap; the package is imported already, but the rule files are read from the zip) and
answers at once.

A snapshot is tied to the exact Pyodide build (Pyodide checks its build id), to the
byte-identical standard-library zip (the zip importer's index of it is in the heap) and to the
heap it was taken from. So the build checks every snapshot before shipping it
(`verify`): the heap must not have grown past its initial size, and a fresh Pyodide restored
from it must answer the verification requests (a score, a plan, the form, both case suites
and refused input) with exactly the replies CPython gives from the same package. The worker
still falls back to a normal start, visibly, if restoring fails in a browser.

Side effects of freezing a heap, accepted: every visitor shares one string-hash secret (fixed
at 0 so builds are reproducible; the engine hashes only its own data) and the state of
`random` (the engine uses none).

The file the site ships is the snapshot packed (`pack`), then gzip-compressed (hosts that
compress on the fly, like GitHub Pages, would send a `.bin` file as it is; the worker
decompresses it with `DecompressionStream`). Packed means without the blocks the browser has
already: 31 MB of snapshot, of which 12 MB are not zero, and 3.4 MB of those are still exactly
what the WebAssembly binary's data segments put in a fresh instance's memory (Python's
start-up changes little of them). Left out, the packed snapshot is 8.4 MB: less to download
once and, above all, less to read from the device on every return visit.

    packed = bitmap + the blocks that differ from a fresh instance's memory, in order

The snapshot is cut into blocks of `BLOCK` bytes (the last one may be shorter); the bitmap has
one bit per block, block i in bit (i % 8) of byte i // 8, set when the block follows the
bitmap. A cleared bit means the block is as a fresh instance has it: the snapshot is a header
(`heap_offset` bytes), then the instance's memory, so byte k of a cleared block is byte
k - heap_offset of the memory just after instantiation: the binary's data in the first
`initial_blocks` blocks, zeros after them. The worker unpacks into a buffer of the
snapshot's size (zero when allocated), and once Pyodide has instantiated the binary (before
any of its code runs, and before Pyodide copies the buffer into that memory) copies the
cleared blocks among the first `initial_blocks` from the instance's memory.

The build takes that memory from Node (`node/snapshot.mjs` records it at instantiation, both
when making the snapshot and when checking it, and the two must be identical); it depends
only on the binary, which Pyodide's build id check ties the snapshot to.

Product and checks are cached in ``.cache/snapshot/`` under a key of every input, so an
unchanged build does not start Node.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .bytecode import PROFILE, WARMUP, Precompiled, content_key
from .errors import BuildError
from .pyodide_runtime import Runtime
from .wheel import ENGINE_PATH, Wheel

SCRIPT = Path(__file__).parent / "node" / "snapshot.mjs"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CACHE = PROJECT_ROOT / ".cache" / "snapshot"
# Answered before the heap is saved: the calculator's first request (a score) and the plan it
# asks for next, so every module and cache they need is in the snapshot.
SNAPSHOT_WARMUP = (
    json.dumps({"op": "score", "profile": PROFILE, "date": "2026-11-21"}, sort_keys=True),
    json.dumps({"op": "plan", "profile": PROFILE, "start": "2026-11"}, sort_keys=True),
)
# Answered after restoring, compared with CPython: everything the build knows how to ask.
VERIFY = tuple(text for text, _ok in WARMUP)
NODE_TIMEOUT_S = 600
# The packed format's block size (bytes): Wasm's page size is 64 KiB, but Python's allocator
# leaves data in scattered 4 KiB pools, and smaller blocks save little more.
BLOCK = 4096
# In the cache key: a change of format must not reuse products of the old one.
FORMAT = f"sparse-{BLOCK}-fresh-memory".encode()


@dataclass(frozen=True)
class Snapshot:
    """The packed, gzip-compressed snapshot the site ships; the size of the heap inside; the
    size and SHA-256 of the whole snapshot once unpacked (a header, then the heap): what the
    worker unpacks it into, and what it must then hold; where the heap starts in it, and the
    memory a fresh instance has (`initial`, trimmed after its last byte that is not zero),
    which fills the blocks the bitmap leaves out."""

    filename: str
    data: bytes
    heap_bytes: int
    raw_bytes: int
    raw_sha256: str
    heap_offset: int
    initial: bytes

    @property
    def initial_blocks(self) -> int:
        """How many blocks from the start may hold something of a fresh instance's memory:
        the worker copies those left out of the packed file; the rest are zeros."""
        return -(-(self.heap_offset + len(self.initial)) // BLOCK)


def pack(raw: bytes, initial: bytes = b"", offset: int = 0) -> bytes:
    """`raw` without the blocks a fresh instance has already: the bitmap of the blocks kept,
    then those blocks (the format is in this module's docstring). `initial` is the memory of a
    fresh instance, which starts `offset` bytes into `raw`; zeros beyond it."""
    fresh = bytes(offset) + initial
    bitmap = bytearray((len(raw) + BLOCK * 8 - 1) // (BLOCK * 8))
    kept = []
    zeros = bytes(BLOCK)
    for number, start in enumerate(range(0, len(raw), BLOCK)):
        block = raw[start:start + BLOCK]
        same = fresh[start:start + BLOCK]
        same += zeros[:len(block) - len(same)]
        if block != same:
            bitmap[number // 8] |= 1 << (number % 8)
            kept.append(block)
    return bytes(bitmap) + b"".join(kept)


def heap_offset(raw: bytes) -> int:
    """Where the heap starts in a snapshot Pyodide made: its header's second 32-bit word
    (Pyodide's `restoreSnapshot` reads it so). It must lie inside the first block, which then
    always holds the header and is always kept."""
    if len(raw) < 8:
        raise BuildError("the calculator's memory snapshot has no header", file=str(SCRIPT))
    offset = struct.unpack_from("<I", raw, 4)[0]
    if not 8 <= offset <= BLOCK:
        raise BuildError(f"the calculator's memory snapshot says its heap starts at byte "
                         f"{offset}, not within its first {BLOCK} bytes", file=str(SCRIPT))
    return offset


def snapshot(runtime: Runtime, compiled: Precompiled, source: Wheel,
             cache: Path = CACHE) -> Snapshot:
    """The verified, compressed memory snapshot for `compiled` on `runtime` (cached).
    `source` is the wheel `compiled` was made from: CPython answers from it for the check."""
    digest = content_key(FORMAT, SCRIPT.read_bytes(), compiled.stdlib, compiled.wheel.data,
                         runtime.version.encode(), json.dumps([SNAPSHOT_WARMUP, VERIFY]).encode(),
                         ENGINE_PATH.encode(),
                         *(source.read_bytes() for source in runtime.sources))
    product = cache / f"{digest}-snapshot.bin.gz"
    facts = cache / f"{digest}-snapshot.json"
    initial = cache / f"{digest}-initial.bin.gz"
    if not (product.is_file() and facts.is_file() and initial.is_file()):
        _make_and_verify(runtime, compiled, source, product, facts, initial)
    data = product.read_bytes()
    made = json.loads(facts.read_text(encoding="utf-8"))
    sha8 = hashlib.sha256(data).hexdigest()[:8]
    return Snapshot(f"snapshot-{runtime.version}-{sha8}.bin", data, made["heap"], made["raw"],
                    made["sha256"], made["heap_offset"],
                    gzip.decompress(initial.read_bytes()))


def _make_and_verify(runtime: Runtime, compiled: Precompiled, source: Wheel, product: Path,
                     facts: Path, initial_product: Path) -> None:
    product.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=product.parent) as tmp:
        work = Path(tmp)
        job = {
            "stdlib": str(work / "stdlib.zip"), "wheel": str(work / "wheel.whl"),
            "snapshot": str(work / "snapshot.bin"), "replies": str(work / "replies.json"),
            "initial": str(work / "initial.bin"), "initial_again": str(work / "initial2.bin"),
            "wheel_path": ENGINE_PATH,
            "warmup": list(SNAPSHOT_WARMUP), "requests": list(VERIFY),
        }
        (work / "stdlib.zip").write_bytes(compiled.stdlib)
        (work / "wheel.whl").write_bytes(compiled.wheel.data)
        (work / "job.json").write_text(json.dumps(job), encoding="utf-8")
        (work / "home").mkdir()
        made = _node(runtime, "make", work)
        if made["heap"] != made["initial"]:
            raise BuildError(
                f"the calculator's memory snapshot needs a heap of {made['heap']:,} bytes, more "
                f"than Pyodide's initial {made['initial']:,}: restoring it would not fit",
                file=str(SCRIPT))
        _node(runtime, "verify", work)
        replies = json.loads((work / "replies.json").read_text(encoding="utf-8"))
        for request, reply, expected in zip(VERIFY, replies, cpython_replies(source, work),
                                            strict=True):
            if reply != expected:
                raise BuildError(
                    "the calculator's memory snapshot, once restored, answers differently from "
                    f"CPython: request {request[:120]!r}\n  snapshot: {reply[:300]}\n"
                    f"  CPython:  {expected[:300]}", file=str(SCRIPT))
        initial = (work / "initial.bin").read_bytes()
        if (work / "initial2.bin").read_bytes() != initial:
            raise BuildError(
                "a fresh instance of Pyodide's WebAssembly binary had different memory in two "
                "runs: the snapshot cannot leave out what the browser's instance would hold",
                file=str(SCRIPT))
        raw = (work / "snapshot.bin").read_bytes()
        offset = heap_offset(raw)
        # Move into place only when complete and checked: an interrupted build leaves nothing.
        (work / "out.gz").write_bytes(gzip.compress(pack(raw, initial, offset), 9, mtime=0))
        (work / "initial.gz").write_bytes(gzip.compress(initial, 9, mtime=0))
        (work / "facts.json").write_text(json.dumps({
            "heap": made["heap"], "raw": len(raw), "heap_offset": offset,
            "sha256": hashlib.sha256(raw).hexdigest(),
        }), encoding="utf-8")
        os.replace(work / "out.gz", product)
        os.replace(work / "initial.gz", initial_product)
        os.replace(work / "facts.json", facts)


# Run by this build's CPython on the package in the wheel, not on whatever `scoring` this
# process imported (a build may be of another copy of the package, e.g. with changed rules).
REFERENCE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from scoring.bridge import handle
requests = json.loads(open(sys.argv[2], encoding="utf-8").read())
json.dump([handle(text) for text in requests], open(sys.argv[3], "w", encoding="utf-8"))
"""


def cpython_replies(source: Wheel, work: Path) -> list[str]:
    """CPython's replies to `VERIFY` from the package inside the `source` wheel."""
    folder = work / "cpython"
    with zipfile.ZipFile(io.BytesIO(source.data)) as wheel:
        wheel.extractall(folder)
    (work / "verify.json").write_text(json.dumps(list(VERIFY)), encoding="utf-8")
    proc = subprocess.run(
        # -I: neither the environment nor the working folder decides what is imported.
        [sys.executable, "-I", "-c", REFERENCE, str(folder), str(work / "verify.json"),
         str(work / "cpython.json")],
        cwd=work, capture_output=True, text=True, timeout=NODE_TIMEOUT_S, check=False,
    )
    if proc.returncode != 0:
        raise BuildError("answering the snapshot's check requests with CPython failed:\n"
                         + proc.stderr[-3000:], file=__file__)
    return json.loads((work / "cpython.json").read_text(encoding="utf-8"))


def _node(runtime: Runtime, mode: str, work: Path) -> dict:
    node = shutil.which("node")
    if node is None:
        raise BuildError("Node.js is needed to make the calculator's memory snapshot (the "
                         "build runs the pinned Pyodide under Node): install Node.js and npm")
    try:
        proc = subprocess.run(
            [node, str(SCRIPT), mode, str(runtime.sources[0].parent.resolve()),
             str(work / "job.json")],
            # Pyodide under Node mounts the working directory as its home, first on sys.path:
            # an empty folder, so nothing else can be imported.
            cwd=work / "home", capture_output=True, text=True, timeout=NODE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BuildError(f"the memory snapshot ({mode}) took over {NODE_TIMEOUT_S} s and was "
                         "stopped", file=str(SCRIPT)) from error
    if proc.returncode != 0:
        raise BuildError(f"the calculator's memory snapshot ({mode}) failed:\n"
                         + proc.stderr[-3000:], file=str(SCRIPT))
    return json.loads(proc.stdout.strip().splitlines()[-1])
