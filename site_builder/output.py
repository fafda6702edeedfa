"""Writing the built site: a fresh folder per build, then an atomic swap into place.

Pages are written into a temporary folder next to the output folder. Only when every
page has been written is the temporary folder swapped with the old output, so a failed
build leaves the previous `dist/` exactly as it was and a server never sees a half-built
site. On Linux the swap is a single `renameat2(RENAME_EXCHANGE)`; elsewhere, two renames.

Every HTML file is checked on the way out for what the Content-Security-Policy forbids
(inline scripts, inline event handlers, `style` attributes), so a Markdown file or a
template cannot break the policy without the build saying so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from .errors import BuildError

# Escaped text never contains "<", so these only match real tags.
INLINE_SCRIPT_RE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
INLINE_ATTRIBUTE_RE = re.compile(r"<[a-zA-Z][^>]*\s(on[a-z]+|style)\s*=", re.IGNORECASE)


class OutputTree:
    """The files of one build, written under `root` by site-relative path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.paths: set[str] = set()

    def write(self, path: str, data: bytes) -> None:
        """Write one file; each path may be written once per build."""
        clean = PurePosixPath(path)
        if clean.is_absolute() or ".." in clean.parts or str(clean) != path:
            raise BuildError(f"output path {path!r} must be a plain relative path")
        if path in self.paths:
            raise BuildError(f"two parts of the site both write {path!r}")
        if path.endswith(".html"):
            check_csp_safe(path, data.decode("utf-8"))
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.paths.add(path)

    def copy(self, source: Path, path: str) -> str:
        """Copy `source` to `path`; returns the first 10 hex digits of its SHA-256."""
        data = source.read_bytes()
        self.write(path, data)
        return hashlib.sha256(data).hexdigest()[:10]


def check_csp_safe(path: str, html: str) -> None:
    """Refuse HTML the Content-Security-Policy would break (see module docstring)."""
    for pattern, what in (
        (INLINE_SCRIPT_RE, "an inline <script> (use <script src>)"),
        (INLINE_ATTRIBUTE_RE, "an inline event handler or style attribute"),
    ):
        match = pattern.search(html)
        if match:
            line = html.count("\n", 0, match.start()) + 1
            raise BuildError(
                f"{what} is not allowed by the Content-Security-Policy: {match.group(0)[:80]!r}",
                file=path, field=f"line {line}",
            )


def new_build_folder(out: Path) -> Path:
    """An empty folder beside `out` (same file system, so the swap is a rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{out.name}.building-", dir=out.parent))


def replace_folder(new: Path, out: Path) -> None:
    """Put folder `new` in place of `out` (which may not exist) and delete the old one."""
    new.chmod(0o755)  # mkdtemp makes it private; a published site must be readable
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new)  # `new` now holds the previous build
        return
    old = out.with_name(f"{new.name}.old")
    os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2; False where that is unavailable."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0
