"""The brotli decoder the calculator's worker uses on a first visit (npm `brotli-dec-wasm`).

Browsers unpack gzip in JavaScript (DecompressionStream) but not brotli, and a host that
compresses on the fly (GitHub Pages) sends the 9.6 MB WebAssembly binary as 3.5 MB of gzip,
while its brotli copy (`precompress.py`) is 2.8 MB. So a first visit downloads the brotli copy
by name and unpacks it in the worker with this decoder: a WebAssembly build of the Rust
`brotli-decompressor` crate (MIT or Apache-2.0), 0.2 MB (0.1 MB as sent), streaming, so the
binary is unpacked and compiled while it arrives. Copied like Pyodide from the package
package-lock.json pins (`find_decoder`), into a folder named after its version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .pyodide_runtime import check_against_lock

PACKAGE = "brotli-dec-wasm"
# The ES module (wasm-bindgen's glue, which exports the decoder and its init function), the
# WebAssembly it loads and the licence texts that go with the copy.
MODULE = "pkg/brotli_dec_wasm.js"
WASM = "pkg/brotli_dec_wasm_bg.wasm"
LICENCES = ("LICENSE-MIT.txt", "LICENSE-Apache.txt")


@dataclass(frozen=True)
class Decoder:
    version: str
    module: Path
    wasm: Path
    licences: tuple[Path, ...]

    @property
    def folder(self) -> str:
        """Site-relative folder of the copy; the version in the path keeps caches apart."""
        return f"brotli/{self.version}/"


def find_decoder(node_modules: Path) -> Decoder:
    """Locate the pinned decoder's files under `node_modules`, or explain how to get them."""
    package_dir = node_modules / PACKAGE
    try:
        version = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BuildError(
            f"node_modules/{PACKAGE} not found or unreadable: it comes from npm. Run `npm ci` in "
            "the project root (./dev build and ./dev serve do it for you).",
            file=str(package_dir),
        ) from None
    check_against_lock(node_modules, version, PACKAGE)
    files = [package_dir / name for name in (MODULE, WASM, *LICENCES)]
    for path in files:
        if not path.is_file():
            raise BuildError(f"node_modules/{PACKAGE}/{path.relative_to(package_dir)} not found; "
                             "run `npm ci` in the project root", file=str(package_dir))
    return Decoder(version, files[0], files[1], tuple(files[2:]))
