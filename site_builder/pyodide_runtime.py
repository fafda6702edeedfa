"""Copy the pinned Pyodide runtime from node_modules into the built site.

The calculator must never load Pyodide from a CDN (slow or blocked for many users in
mainland China, and a third-party request is a privacy leak), so the builder copies the
files from the npm package pinned in package-lock.json into `dist/pyodide/<version>/`
(`find_runtime` says which; the calculator producer copies them).

Only what `loadPyodide()` in a browser actually fetches is copied: the loader module, the
Emscripten module and the WebAssembly binary. The standard library goes to the browser
precompiled (`bytecode.py` builds it from `Runtime.stdlib`). Source maps, type
declarations, the CommonJS loader and the demo consoles stay behind; so does Pyodide's
120 KB package lock file, because the worker passes `lockFileContents` itself (our wheel is
the only package). The lock file's `info` block is returned so the worker can do that.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError

RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
STDLIB = "python_stdlib.zip"


@dataclass(frozen=True)
class Runtime:
    """The runtime to copy: version, source files, the lock file's `info` block, and the
    standard library as Pyodide ships it (sources; the site ships it precompiled)."""

    version: str
    sources: tuple[Path, ...]
    lock_info: dict
    stdlib: Path

    @property
    def folder(self) -> str:
        """Site-relative folder the files go to; the version in the path keeps caches apart."""
        return f"pyodide/{self.version}/"


def _missing(package_dir: Path, what: str) -> BuildError:
    return BuildError(
        f"{what} not found: the Pyodide runtime comes from npm. Run `npm ci` in the project "
        "root (./dev build and ./dev serve do it for you).",
        file=str(package_dir),
    )


def check_against_lock(node_modules: Path, version: str, package: str = "pyodide") -> None:
    """Refuse a node_modules/<package> that is not the one package-lock.json pins.

    npm records what it installed in node_modules/.package-lock.json; its version and
    integrity (the tarball's SHA-512) must equal package-lock.json's, and so must the
    version in the installed package.json. Skipped when there is no package-lock.json
    beside node_modules (a runtime supplied some other way).
    """
    lock_path = node_modules.parent / "package-lock.json"
    if not lock_path.is_file():
        return
    key = f"node_modules/{package}"
    try:
        pinned = json.loads(lock_path.read_text(encoding="utf-8"))["packages"][key]
        installed_lock = node_modules / ".package-lock.json"
        installed = json.loads(installed_lock.read_text(encoding="utf-8"))["packages"][key]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise BuildError(
            f"cannot compare node_modules/{package} with package-lock.json ({err!r}); "
            "run `npm ci` in the project root", file=str(node_modules / package),
        ) from None
    for what, have, want in (
        ("version", version, pinned.get("version")),
        ("installed version", installed.get("version"), pinned.get("version")),
        ("integrity", installed.get("integrity"), pinned.get("integrity")),
    ):
        if have != want:
            raise BuildError(
                f"node_modules/{package} does not match package-lock.json: {what} {have!r}, "
                f"pinned {want!r}. Run `npm ci` in the project root.",
                file=str(node_modules / package),
            )


def find_runtime(node_modules: Path) -> Runtime:
    """Locate the pinned runtime's files under `node_modules`, or explain how to get them."""
    package_dir = node_modules / "pyodide"
    package_json = package_dir / "package.json"
    if not package_json.is_file():
        raise _missing(package_dir, "node_modules/pyodide")
    version = json.loads(package_json.read_text(encoding="utf-8"))["version"]
    check_against_lock(node_modules, version)
    lock_path = package_dir / "pyodide-lock.json"
    if not lock_path.is_file():
        raise _missing(package_dir, "node_modules/pyodide/pyodide-lock.json")
    lock_info = json.loads(lock_path.read_text(encoding="utf-8"))["info"]
    sources = []
    for name in (*RUNTIME_FILES, STDLIB):
        source = package_dir / name
        if not source.is_file():
            raise _missing(package_dir, f"node_modules/pyodide/{name}")
        sources.append(source)
    return Runtime(version=version, sources=tuple(sources[:-1]), lock_info=lock_info,
                   stdlib=sources[-1])
