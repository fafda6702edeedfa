"""Shanghai residence-permit points (上海市居住证积分): the rules as data, and a scorer.

Standard library only; runs on CPython 3.11+ and on Pyodide. See docs/architecture.md for
the public API and the JSON it produces.
"""

from __future__ import annotations

import datetime as _dt

from .documents import checklist as documents_checklist
from .engine import score
from .errors import EditionError, ProfileError, RulesError, ScoringError
from .explain import indicator_table, interpretations
from .parameters import rules
from .profile import field_descriptions, form_description, profile_json_schema, validate
from .result import Line, Result, Warning
from .rules_version import rules_version

__version__ = "0.1.0"

INDICATOR_IDS: tuple[str, ...] = tuple(rules().indicators)


def plan(profile: dict, start: _dt.date | str | None = None) -> dict:
    """How and when `profile` can reach the standard score: see scoring.planner.plan.

    Imported on first use so the calculator's first score does not wait for the planner.
    """
    from .planner import plan as _plan

    return _plan(profile, start)


def edition_on(on: _dt.date | str | None = None) -> dict:
    """The edition of the governing document in force on `on` (default today)."""
    from .engine import parse_date

    edition, _after_expiry = rules().edition_on(parse_date(on))
    return edition.to_dict()


__all__ = [
    "INDICATOR_IDS",
    "EditionError",
    "Line",
    "ProfileError",
    "Result",
    "RulesError",
    "ScoringError",
    "Warning",
    "documents_checklist",
    "edition_on",
    "field_descriptions",
    "form_description",
    "indicator_table",
    "interpretations",
    "plan",
    "profile_json_schema",
    "rules_version",
    "score",
    "validate",
]
