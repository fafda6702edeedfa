"""Precompiled Python for the calculator: the standard library and the scoring wheel as bytecode.

Pyodide's `python_stdlib.zip` holds `.py` sources, so every visit to the calculator used to
compile about 140 standard-library modules (and the scoring package) before the first score:
most of the engine's start-up time. At build time, `node/precompile.mjs` runs the pinned
Pyodide under Node.js (bytecode is specific to Python 3.14, which the build machine may not
have), imports the calculator's code, answers a score and a plan, and compiles exactly the
modules that were imported; the worker then loads the result with Pyodide's public
``stdLibURL`` option and installs the compiled wheel. Modules that were not imported keep
their source and still work (compiled on demand, as before).

Both products are deterministic and kept in a cache folder (``.cache/bytecode/`` in the
project, git-ignored) under a key made of everything they depend on: the Pyodide files,
the wheel and the script. A build with unchanged inputs does not start Node at all.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .pyodide_runtime import Runtime
from .wheel import ENGINE_PATH, Wheel, pack

SCRIPT = Path(__file__).parent / "node" / "precompile.mjs"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CACHE = PROJECT_ROOT / ".cache" / "bytecode"
# What the build runs before compiling: whatever these import is what gets compiled, and the
# only standard-library modules the site ships. So they cover everything the engine does: a
# score and a plan as the calculator asks them, the form, both case suites (every rule, note,
# warning and planner path the tests know), and refused input of every kind (the error paths
# import modules of their own). Each is (request text, whether the bridge must accept it).
PROFILE = {"age": 30, "education": "bachelor_degree", "si_months": 36}
WARMUP: tuple[tuple[str, bool], ...] = (
    *((json.dumps(request, ensure_ascii=False, sort_keys=True), True) for request in (
        {"op": "score", "profile": PROFILE, "date": "2026-11-21"},
        {"op": "plan", "profile": PROFILE, "start": "2026-11"},
        {"op": "fields"},
        {"op": "schema"},
        {"op": "cases"},
        {"op": "plan_cases"},
    )),
    *((text, False) for text in (
        "not json",
        "",
        "[]",
        '{"op": "nope"}',
        '{"op": "score", "profile": {"age": 99, "age": 30}}',
        '{"op": "score", "profile": {"age": NaN}}',
        '{"op": "score", "profile": {"age": 1' + "0" * 40 + "}}",
        '{"op": "score", "profile": ' + "[" * 100 + "]" * 100 + "}",
        '{"op": "score", "profile": {"age": "x", "education": "none"}, "date": "1999-01-01"}',
        '{"op": "plan", "profile": {"age": 30}, "start": "10000-01"}',
    )),
)
NODE_TIMEOUT_S = 600


@dataclass(frozen=True)
class Precompiled:
    """The compiled standard library (file name and bytes) and the compiled wheel."""

    stdlib_filename: str
    stdlib: bytes
    wheel: Wheel


def content_key(*parts: bytes) -> str:
    """The cache key of a build product made from `parts`: SHA-256 over them, each prefixed
    with its length (so no other list of parts gives the same key); 32 hex digits."""
    key = hashlib.sha256()
    for part in parts:
        key.update(len(part).to_bytes(8, "big"))
        key.update(part)
    return key.hexdigest()[:32]


def python_tag(runtime: Runtime) -> str:
    """``cp314`` for Pyodide's Python 3.14: the wheel's tag says whose bytecode it holds."""
    major, minor = runtime.lock_info["python"].split(".")[:2]
    return f"cp{major}{minor}"


def precompile(runtime: Runtime, wheel: Wheel, cache: Path = CACHE) -> Precompiled:
    """The precompiled standard library and wheel for `wheel` on `runtime` (cached)."""
    stdlib_source = runtime.stdlib
    warmup = [{"request": text, "ok": ok} for text, ok in WARMUP]
    digest = content_key(SCRIPT.read_bytes(), stdlib_source.read_bytes(), wheel.data,
                         runtime.version.encode(), json.dumps(warmup).encode(),
                         ENGINE_PATH.encode(),
                         *(source.read_bytes() for source in runtime.sources
                           if source.name.endswith(".mjs")))
    stdlib_path = cache / f"{digest}-python_stdlib.zip"
    wheel_path = cache / f"{digest}-wheel.zip"
    if not (stdlib_path.is_file() and wheel_path.is_file()):
        _run_node(runtime, stdlib_source, wheel, warmup, stdlib_path, wheel_path)
    stdlib = stdlib_path.read_bytes()
    compiled = bytecode_wheel(wheel, wheel_path.read_bytes(), python_tag(runtime))
    sha8 = hashlib.sha256(stdlib).hexdigest()[:8]
    return Precompiled(f"python_stdlib-{runtime.version}-{sha8}.zip", stdlib, compiled)


def _run_node(runtime: Runtime, stdlib_source: Path, wheel: Wheel, warmup: list[str],
              stdlib_path: Path, wheel_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        raise BuildError("Node.js is needed to precompile the calculator's Python (the build "
                         "runs the pinned Pyodide under Node): install Node.js and npm")
    stdlib_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=stdlib_path.parent) as tmp:
        work = Path(tmp)
        (work / "wheel.whl").write_bytes(wheel.data)
        job = {"stdlib_in": str(stdlib_source), "wheel_in": str(work / "wheel.whl"),
               "stdlib_out": str(work / "stdlib.zip"), "wheel_out": str(work / "wheel.zip"),
               "wheel_path": ENGINE_PATH, "warmup": warmup}
        (work / "job.json").write_text(json.dumps(job), encoding="utf-8")
        folder = str(runtime.sources[0].parent)
        try:
            proc = subprocess.run(
                [node, str(SCRIPT), folder, str(work / "job.json")],
                # Pyodide under Node mounts the working directory as its home, first on
                # sys.path: run from an empty folder so nothing else can be imported.
                cwd=work, capture_output=True, text=True, timeout=NODE_TIMEOUT_S, check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise BuildError(f"precompiling the calculator's Python took over "
                             f"{NODE_TIMEOUT_S} s and was stopped", file=str(SCRIPT)) from error
        if proc.returncode != 0:
            raise BuildError("precompiling the calculator's Python failed:\n"
                             + proc.stderr[-3000:], file=str(SCRIPT))
        # Move into place only when complete, so a concurrent or interrupted build never
        # sees half a product.
        os.replace(work / "wheel.zip", wheel_path)
        os.replace(work / "stdlib.zip", stdlib_path)


def bytecode_wheel(wheel: Wheel, compiled_members: bytes, tag: str) -> Wheel:
    """The wheel with its modules replaced by the compiled ones: RECORD and tag rewritten,
    named ``<name>-<version>-<tag>-none-any.whl`` (same version, so the same payload hash)."""
    package = wheel.filename.split("-", 1)[0]
    dist_info = f"{package}-{wheel.version}.dist-info"
    with zipfile.ZipFile(io.BytesIO(compiled_members)) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    members[f"{dist_info}/WHEEL"] = members[f"{dist_info}/WHEEL"].replace(
        b"Root-Is-Purelib: true\nTag: py3-none-any\n",
        f"Root-Is-Purelib: true\nTag: {tag}-none-any\n".encode())
    members.pop(f"{dist_info}/RECORD")
    payload = sorted(name for name in members if not name.startswith(dist_info + "/"))
    meta = [f"{dist_info}/{name}" for name in ("METADATA", "WHEEL", "top_level.txt")]
    entries = [(name, members[name]) for name in (*payload, *meta)]
    return Wheel(
        filename=f"{package}-{wheel.version}-{tag}-none-any.whl",
        data=pack(entries, dist_info),
        version=wheel.version,
        payload_sha256=wheel.payload_sha256,
    )
