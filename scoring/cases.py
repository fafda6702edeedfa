"""Scoring test cases kept as data (`scoring/cases/score_*.toml`), so the same suite runs under
CPython (pytest) and inside Pyodide (parity).

A case has a `name` (a sentence saying what it shows), a `profile`, an optional `date`
(default DEFAULT_DATE), and either `expect` (total, per-line points, flags, warning ids) or
`error` (the field the ProfileError/EditionError must name).
"""

from __future__ import annotations

import tomllib
from importlib import resources

from .engine import score
from .errors import ScoringError

DEFAULT_DATE = "2026-11-21"


def load_cases() -> list[dict]:
    """Every scoring case, in file and then document order."""
    folder = resources.files("scoring").joinpath("cases")
    cases = []
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.name.startswith("score_") and item.name.endswith(".toml"):
            for case in tomllib.loads(item.read_text(encoding="utf-8"))["cases"]:
                cases.append({**case, "file": item.name})
    return cases


def run_case(case: dict) -> dict:
    """The case's outcome as plain JSON: the full result, or the error."""
    try:
        result = score(case["profile"], case.get("date", DEFAULT_DATE))
    except ScoringError as error:
        return {"name": case["name"], "ok": False, "error": error.to_dict()}
    return {"name": case["name"], "ok": True, "result": result.to_dict()}


def run_all() -> list[dict]:
    return [run_case(case) for case in load_cases()]
