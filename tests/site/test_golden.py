"""The fixture site builds to exactly the reviewed golden output."""

from __future__ import annotations

import difflib
from pathlib import Path

from .conftest import FIXTURE, build_fixture
from .golden import GOLDEN, output_files

REGENERATE = "python -m tests.site.regenerate_golden"


def test_fixture_site_matches_golden_files(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_fixture(FIXTURE, out)
    built, expected = output_files(out), output_files(GOLDEN)
    assert sorted(built) == sorted(expected), f"different files; if intended, run {REGENERATE}"
    for path, data in expected.items():
        if built[path] != data:
            diff = "\n".join(difflib.unified_diff(
                data.decode().splitlines(), built[path].decode().splitlines(),
                f"golden/{path}", f"built/{path}", lineterm="", n=2,
            ))
            raise AssertionError(f"{path} differs (if intended, run {REGENERATE}):\n{diff[:3000]}")
