"""Test cases kept as data, so the same suites run under CPython (pytest) and inside Pyodide
(parity): scoring cases in `scoring/cases/score_*.toml`, planner cases in `plan_*.toml`.

A scoring case has a `name` (a sentence saying what it shows), a `profile`, an optional
`date` (default DEFAULT_DATE), and either `expect` (total, per-line points, flags, warnings
by id or "kind:id", `no_warnings`, exact line `explanations`) or `error` (the field the
ProfileError/EditionError must name). A planner case has a `name`, a `profile`, an
optional `start` (default DEFAULT_START) and `expect`.
"""

from __future__ import annotations

import tomllib
from importlib import resources

from .engine import score
from .errors import ScoringError

DEFAULT_DATE = "2026-11-21"
DEFAULT_START = "2026-11"


def _load(prefix: str) -> list[dict]:
    folder = resources.files("scoring").joinpath("cases")
    cases = []
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.name.startswith(prefix) and item.name.endswith(".toml"):
            for case in tomllib.loads(item.read_text(encoding="utf-8"))["cases"]:
                cases.append({**case, "file": item.name})
    return cases


def load_cases() -> list[dict]:
    """Every scoring case, in file and then document order."""
    return _load("score_")


def load_plan_cases() -> list[dict]:
    """Every planner case, in file and then document order."""
    return _load("plan_")


def run_case(case: dict) -> dict:
    """The case's outcome as plain JSON: the full result, or the error."""
    try:
        result = score(case["profile"], case.get("date", DEFAULT_DATE))
    except ScoringError as error:
        return {"name": case["name"], "ok": False, "error": error.to_dict()}
    return {"name": case["name"], "ok": True, "result": result.to_dict()}


def run_plan_case(case: dict) -> dict:
    from .planner import plan

    return {"name": case["name"], "plan": plan(case["profile"], case.get("start", DEFAULT_START))}


def run_all() -> list[dict]:
    return [run_case(case) for case in load_cases()]


def run_all_plans() -> list[dict]:
    return [run_plan_case(case) for case in load_plan_cases()]
