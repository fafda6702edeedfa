"""Build a deterministic pure-Python wheel of the `scoring` package for the browser.

The calculator puts this wheel into Pyodide from our own origin (no micropip, no index) as
one file at `ENGINE_PATH` and adds that path to `sys.path`: Python imports the package from
the zip itself (zipimport, as it imports the standard library), and the rule files are read
from it with importlib.resources. Writing one file is cheaper than unpacking 44 (about 150 ms
of a phone's start), and a memory snapshot needs only that file back, at the same path. It
is still a standard wheel (pip could install it).

Builds are byte-for-byte reproducible: fixed timestamps and permissions, sorted entries, and
a content hash of the payload in the version's local label, so the file name changes exactly
when the code or rules change (which is what lets the service worker and HTTP caches keep it
forever).
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

# Only source and rule data travel to the browser; caches, editor leftovers and the
# like never do.
PAYLOAD_SUFFIXES = (".py", ".toml")
# 1980-01-01 is the earliest timestamp a zip file can hold; any fixed value will do.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
GENERATOR = "site_builder.wheel"
# Where the engine's wheel file lives in Pyodide's file system, on `sys.path`. The Node.js
# scripts (precompile, snapshot), the worker (via its ENGINE block) and the parity runner all
# use this path: a snapshot holds it in `sys.path` and in zipimport's index of the file.
ENGINE_PATH = "/lib/scoring.whl"


@dataclass(frozen=True)
class Wheel:
    """A built wheel: its file name, bytes, version and the hash of its payload."""

    filename: str
    data: bytes
    version: str
    payload_sha256: str


def payload_files(package_dir: Path) -> list[Path]:
    """Every file of the package that belongs in the wheel, sorted by relative path."""
    files = [
        path
        for path in package_dir.rglob("*")
        if path.is_file()
        and path.suffix in PAYLOAD_SUFFIXES
        and "__pycache__" not in path.parts
        and not any(part.startswith(".") for part in path.relative_to(package_dir).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(package_dir).as_posix())


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so the permission bits below mean the same everywhere
    info.external_attr = 0o100644 << 16
    return info


def pack(entries: list[tuple[str, bytes]], dist_info: str) -> bytes:
    """The wheel file's bytes: `entries` in order (payload sorted first, then .dist-info, as the
    wheel spec asks), then a RECORD with each entry's hash and size; fixed timestamps and
    permissions, so the same entries always give the same bytes."""
    record = [f"{name},{_record_hash(data)},{len(data)}" for name, data in entries]
    record.append(f"{dist_info}/RECORD,,")
    entries = [*entries, (f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode("utf-8"))]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries:
            zf.writestr(_zipinfo(name), data, compresslevel=9)
    return buffer.getvalue()


def build_wheel(package_dir: Path, base_version: str) -> Wheel:
    """Build `<package>-<base_version>+<sha8>-py3-none-any.whl` from `package_dir` in memory.

    The package name is the folder's name; `base_version` is e.g. ``scoring.__version__``.
    """
    package = package_dir.name
    files = payload_files(package_dir)
    if not any(p.name == "__init__.py" and p.parent == package_dir for p in files):
        raise FileNotFoundError(f"{package_dir} is not a Python package (no __init__.py)")

    entries: list[tuple[str, bytes]] = [
        (f"{package}/{p.relative_to(package_dir).as_posix()}", p.read_bytes()) for p in files
    ]
    payload_hash = hashlib.sha256()
    for name, data in entries:
        # Length-prefix each part so that moving bytes between names changes the hash.
        for part in (name.encode("utf-8"), data):
            payload_hash.update(len(part).to_bytes(8, "big"))
            payload_hash.update(part)
    payload_sha256 = payload_hash.hexdigest()

    version = f"{base_version}+{payload_sha256[:8]}"
    dist_info = f"{package}-{version}.dist-info"
    metadata = (
        "Metadata-Version: 2.1\n"
        f"Name: {package}\n"
        f"Version: {version}\n"
        "Summary: Shanghai residence-permit points rules engine (上海市居住证积分), "
        "built for the site's calculator\n"
        "License: MIT\n"
        "Requires-Python: >=3.11\n"
    )
    wheel_meta = (
        "Wheel-Version: 1.0\n"
        f"Generator: {GENERATOR}\n"
        "Root-Is-Purelib: true\n"
        "Tag: py3-none-any\n"
    )
    entries += [
        (f"{dist_info}/METADATA", metadata.encode("utf-8")),
        (f"{dist_info}/WHEEL", wheel_meta.encode("utf-8")),
        (f"{dist_info}/top_level.txt", f"{package}\n".encode()),
    ]
    return Wheel(
        filename=f"{package}-{version}-py3-none-any.whl",
        data=pack(entries, dist_info),
        version=version,
        payload_sha256=payload_sha256,
    )
