"""Scoring a profile: validate it, pick the rules in force on the date, add up the lines."""

from __future__ import annotations

import datetime as dt

from .errors import EditionError
from .indicators import SCORERS, Context, Notes, settle_alternatives
from .parameters import rules
from .profile import validate
from .result import Line, Result, Warning

# The last date a person may ask for (a YYYY-MM-DD or YYYY-MM text, as the command line and
# the bridge receive): no rule is known for later dates, and the planner, which projects ten
# years past its start, must stay inside Python's calendar (years up to 9999). Date objects
# from Python code, such as the planner's own projections, are not limited.
LAST_DATE = dt.date(2100, 12, 31)


def parse_date(on: dt.date | str | None) -> dt.date:
    """Accept a date, an ISO date string (YYYY-MM-DD or YYYY-MM), or None for today; a text
    date after `LAST_DATE` is an `EditionError`."""
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    if isinstance(on, str):
        text = on.strip()
        parsed = None
        try:
            if len(text) == 7:
                parsed = dt.date.fromisoformat(text + "-01")
            elif len(text) == 10:
                parsed = dt.date.fromisoformat(text)
        except ValueError:
            pass
        if parsed is not None:
            return _not_after(parsed)
    raise EditionError(
        "date",
        f"日期应写作 YYYY-MM-DD 或 YYYY-MM，收到 {str(on)[:40]!r}",
        f"the date must be YYYY-MM-DD or YYYY-MM, got {str(on)[:40]!r}",
    )


def _not_after(date: dt.date) -> dt.date:
    if date > LAST_DATE:
        raise EditionError(
            "date",
            f"本站只计算 {LAST_DATE.year} 年底以前的日期，收到 {date.isoformat()}",
            f"dates after {LAST_DATE.isoformat()} are not supported, got {date.isoformat()}",
        )
    return date


def score(profile: dict, on: dt.date | str | None = None) -> Result:
    """Score `profile` under the edition in force on `on` (default today).

    The total is the sum of every line: basic indicators (education and title/skill being
    alternatives, only the higher counts), bonus indicators, and deductions. A veto record
    cancels eligibility: the total is still computed and shown, but never reaches the standard.
    Raises ProfileError or EditionError (both ValueError) for bad input.
    """
    date = parse_date(on)
    data = rules()
    edition, after_expiry = data.edition_on(date)
    clean = validate(profile)
    notes = Notes(data.interpretations)
    labels = data.option_labels

    outcomes = {}
    for indicator_id, scorer in SCORERS.items():
        values = data.indicators[indicator_id].at(date)
        outcomes[indicator_id] = (scorer(Context(clean, values, labels, notes)), True)
    outcomes["education"], outcomes["title"] = settle_alternatives(
        outcomes["education"][0], outcomes["title"][0], notes
    )
    if after_expiry:
        notes.interpretation("after-expiry")

    lines = []
    for indicator_id, ((points, explanation), counted) in outcomes.items():
        indicator = data.indicators[indicator_id]
        lines.append(
            Line(
                id=indicator_id,
                group=indicator.group,
                label=indicator.label,
                points=points,
                explanation=explanation,
                reference=f"{edition.citation}{indicator.article}",
                topic=indicator.topic,
                counted=counted,
            )
        )
    return Result(
        lines=tuple(lines),
        warnings=tuple(Warning(*w) for w in notes.warnings),
        veto_reasons=tuple(notes.veto_reasons),
        veto_ids=tuple(notes.veto_ids),
        upper_age=data.indicators["age"].at(date)["upper_age"],
        threshold=data.standard.at(date)["points"],
        edition=edition,
        date=date,
        profile=clean,
    )
