"""The command line, with the real scoring package's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.cli import main

from .golden import output_files

pytest.importorskip("scoring")


def test_build_then_broken_build(fixture_root: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    args = ["build", "--root", str(fixture_root), "--out", str(out), "--base-url", "repo",
            "--date", "2026-11-21"]
    assert main(args) == 0
    # 13 fixture pages plus the calculator, which every real build includes.
    assert "built 14 pages" in capsys.readouterr().out
    before = output_files(out)
    entry = (out / "catalogue/quals/accountant/index.html").read_text(encoding="utf-8")
    # The figures and the reason come from the scoring package.
    assert '<span class="points">100 分</span>' in entry
    assert "须满足社保基数条件，否则计 0 分" in entry
    assert "社保基数条件：本可积 100 分，但未满足" in entry

    toml = fixture_root / "catalogue" / "quals.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("seq = 2", "seq = 1"),
                    encoding="utf-8")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("build failed: catalogue/quals.toml: ")
    assert 'field "seq": duplicate seq 1' in err
    assert output_files(out) == before


def test_bad_option_is_reported(tmp_path: Path, capsys) -> None:
    assert main(["build", "--out", str(tmp_path / "x"), "--site-url", "example.org"]) == 1
    assert "--site-url must be an absolute address" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
