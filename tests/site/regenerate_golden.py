"""Rewrite the fixture site's golden files: ``python -m tests.site.regenerate_golden``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .conftest import FIXTURE, build_fixture
from .golden import GOLDEN


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        build_fixture(FIXTURE, out)
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    print(f"wrote {sum(1 for p in GOLDEN.rglob('*') if p.is_file())} files to {GOLDEN}")


if __name__ == "__main__":
    main()
