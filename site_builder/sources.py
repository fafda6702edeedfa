"""Reading one source file (catalogue TOML, content Markdown) without surprises.

Only regular files are sources. A folder that happens to be called ``x.toml``, a symbolic
link whose target is missing, a loop of links or an unreadable file stops the build with
the file named, instead of a traceback (or, worse, a silently smaller site).
"""

from __future__ import annotations

import errno
from pathlib import Path

from .errors import BuildError


def read_source(path: Path, shown: str) -> bytes:
    """The bytes of source file `path` (`shown` is how messages name it)."""
    try:
        try:
            path.stat()
        except FileNotFoundError:
            if path.is_symlink():
                target = path.readlink()
                raise BuildError(f"is a symbolic link to {target}, which does not exist",
                                 file=shown) from None
            raise
        if path.is_dir():
            raise BuildError("is a folder, not a file; rename or remove it", file=shown)
        if not path.is_file():
            raise BuildError("is not a regular file", file=shown)
        return path.read_bytes()
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise BuildError("is a loop of symbolic links", file=shown) from None
        raise BuildError(f"cannot be read: {error.strerror or error}", file=shown) from None
