"""`./dev bench` (`python -m benchmarks`): options after `--` reach the one benchmark named
before it, and options nobody takes are refused instead of ignored."""

from __future__ import annotations

import pytest

from benchmarks.__main__ import main


def run(argv: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    captured = capsys.readouterr()
    return stop.value.code, captured.out + captured.err


def test_options_after_a_double_dash_reach_the_named_benchmark(capsys):
    code, text = run(["calculator", "--", "--help"], capsys)
    assert code == 0
    assert "--phone-runs" in text and "--baseline" in text


def test_options_are_refused_unless_exactly_one_benchmark_is_named(capsys):
    code, text = run(["--", "--runs", "3"], capsys)
    assert code == 2
    assert "name exactly one before --" in text


def test_a_benchmark_that_takes_no_options_refuses_one(capsys):
    code, text = run(["site_build", "--", "--runs", "3"], capsys)
    assert code == 2
    assert "unrecognized arguments: --runs 3" in text
