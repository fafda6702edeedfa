"""Precompressed copies (``.br`` and ``.gz``) of the calculator's large files.

Hosts that serve precompressed files (nginx ``gzip_static``/``brotli_static``, Caddy
``precompressed``, GitLab Pages) send ``pyodide.asm.wasm.br`` to a browser that accepts
Brotli instead of compressing on every request, or sending the file uncompressed. A copy is
written only where it saves at least `MIN_SAVING` of the size; both are deterministic (gzip
without a timestamp; Brotli at quality 11 through Node's zlib) and cached by content hash in
``.cache/precompress/``, so a rebuild costs nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import BuildError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CACHE = PROJECT_ROOT / ".cache" / "precompress"
SCRIPT = Path(__file__).parent / "node" / "brotli.mjs"
MIN_SIZE = 50_000  # smaller files are not worth a copy
MIN_SAVING = 0.1


def compressed_copies(files: dict[str, bytes], cache: Path = CACHE) -> dict[str, bytes]:
    """``{path: data}`` → ``{path + ".br" | ".gz": data}`` for the files worth it."""
    cache.mkdir(parents=True, exist_ok=True)
    todo: list[tuple[bytes, Path]] = []
    keys = {}
    for path, data in files.items():
        if len(data) < MIN_SIZE:
            continue
        key = hashlib.sha256(data).hexdigest()
        keys[path] = key
        if not (cache / f"{key}.br").is_file():
            todo.append((data, cache / f"{key}.br"))
        if not (cache / f"{key}.gz").is_file():
            _atomic_write(cache / f"{key}.gz", gzip.compress(data, 9, mtime=0))
    if todo:
        _brotli(todo, cache)
    copies = {}
    for path, key in keys.items():
        size = len(files[path])
        for suffix in (".br", ".gz"):
            data = (cache / f"{key}{suffix}").read_bytes()
            if len(data) <= size * (1 - MIN_SAVING):
                copies[path + suffix] = data
    return copies


def _atomic_write(target: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, target)


def _brotli(todo: list[tuple[bytes, Path]], cache: Path) -> None:
    node = shutil.which("node")
    if node is None:
        raise BuildError("Node.js is needed to write the .br copies of the calculator's files")
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        args = []
        for index, (data, _target) in enumerate(todo):
            source = Path(tmp) / f"{index}.in"
            source.write_bytes(data)
            args += [str(source), str(Path(tmp) / f"{index}.out")]
        proc = subprocess.run([node, str(SCRIPT), *args], capture_output=True, text=True,
                              timeout=600, check=False)
        if proc.returncode != 0:
            raise BuildError("Brotli compression failed:\n" + proc.stderr[-2000:],
                             file=str(SCRIPT))
        for index, (_data, target) in enumerate(todo):
            os.replace(Path(tmp) / f"{index}.out", target)
