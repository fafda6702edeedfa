"""The fixture site's expected output (golden files) and how to regenerate them.

Regenerate after an intended change to templates, styles or the builder, then review
the diff like any other change:

    .venv/bin/python -m tests.site.regenerate_golden
"""

from __future__ import annotations

from pathlib import Path

from .conftest import FIXTURE

GOLDEN = FIXTURE / "golden"


def output_files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
