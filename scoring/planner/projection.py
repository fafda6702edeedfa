"""Projecting a profile forward in time, month by month, with no change in the situation.

Month k (k = 0 is the start month) assumes the person simply goes on as today:
- one more month of social insurance every month;
- one more year of age every 12 months (we know only whole years, so the birthday is taken to
  have just passed in the start month: age rises at months 12, 24, …);
- the year counts of situations that are under way (Lingang work and residence, the
  public-service field, marriage with a Shanghai-hukou spouse — each only if already above 0)
  rise by one every 12 months, on the same reasoning;
- the fresh-graduate bonus counts only in the start month: the rules give no time limit for
  "应届", so a plan must not rely on it;
- everything else (education, title, base tier, deductions…) stays as entered.
Every count is kept within the profile's validation limits (field maxima, and no more months
or years than the time since the legal working age).

Scoring a month uses the rules in force on its first day, so `timeline.total(k)` is exactly
`scoring.score(project(profile, k), on=month(k))`. The total can change only in months where
some input can change (a full year of insurance, a birthday, a year count, a lever's waiting
time ending, a new rule date), so searches visit only those `event_months`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from ..engine import score
from ..parameters import rules
from ..profile import WORKING_AGE
from ..result import Result

MONTHS_PER_YEAR = 12
HORIZON_MONTHS = 120
# Year counts that go on growing while the person stays in the situation.
ACCRUING_YEAR_FIELDS = ("suburb_years", "public_service_years", "spouse_hukou_years")


def month_start(on: dt.date) -> dt.date:
    return on.replace(day=1)


def add_months(start: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `start`'s month."""
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_text(on: dt.date) -> str:
    """YYYY-MM, the month format of plans."""
    return f"{on.year:04d}-{on.month:02d}"


def month_words(on: dt.date) -> str:
    """A month as written in Chinese prose: 2028 年 3 月."""
    return f"{on.year} 年 {on.month} 月"


def duration_words(k: int) -> str:
    """A span of k months in words: 6 个月, 1 年, 1 年 6 个月."""
    years, months = divmod(k, MONTHS_PER_YEAR)
    if not years:
        return f"{months} 个月"
    return f"{years} 年" + (f" {months} 个月" if months else "")


def after_words(k: int) -> str:
    """"k months from the start month" in words: 本月, 6 个月后, 2 年后."""
    return "本月" if k == 0 else f"{duration_words(k)}后"


def field_max(key: str) -> int:
    """The validation maximum of a profile field."""
    return rules().fields_by_key[key]["max"]


def project(profile: dict, k: int) -> dict:
    """The validated `profile` as it would be k months after the start, with no change."""
    age = min(profile["age"] + k // MONTHS_PER_YEAR, field_max("age"))
    years_working = max(0, age - WORKING_AGE)
    projected = dict(profile)
    projected["age"] = age
    projected["si_months"] = min(
        profile["si_months"] + k, field_max("si_months"), years_working * MONTHS_PER_YEAR
    )
    for key in ACCRUING_YEAR_FIELDS:
        if profile[key] > 0:
            projected[key] = min(
                profile[key] + k // MONTHS_PER_YEAR, field_max(key), years_working
            )
    if k > 0:
        projected["fresh_graduate"] = False
    return projected


def si_months_clamped(profile: dict, last: int) -> bool:
    """Whether the projection up to month `last` stops the insurance months at a validation
    limit somewhere. The age limit repeats every 12 months (it rises by 12 at each birthday),
    so the first year shows it; the field maximum, if ever, binds in the last month."""
    months = [*range(min(last, MONTHS_PER_YEAR - 1) + 1), last]
    return any(project(profile, k)["si_months"] < profile["si_months"] + k for k in months)


def rule_dates() -> list[dt.date]:
    """Every date on which some rule value or edition takes effect."""
    data = rules()
    dates = {edition.effective_from for edition in data.editions}
    for indicator in (data.standard, *data.indicators.values()):
        dates.update(since for since, _values in indicator.values)
    return sorted(dates)


def horizon(profile: dict, start: dt.date) -> int:
    """The last month k to project: ten years, but never past the last age with an age band
    (above it one cannot normally apply)."""
    upper_age = rules().indicators["age"].at(start)["upper_age"]
    last_in_band = (upper_age - profile["age"]) * MONTHS_PER_YEAR + MONTHS_PER_YEAR - 1
    return min(HORIZON_MONTHS, last_in_band)


def event_months(profile: dict, start: dt.date, last: int, extra: Iterable[int] = ()) -> list[int]:
    """Months 0..last in which the no-change total can differ from the month before."""
    events = {0, *(k for k in extra if 0 <= k <= last)}
    if profile["fresh_graduate"] and last >= 1:
        events.add(1)  # the fresh-graduate bonus is counted in the start month only
    first_full_year = (-profile["si_months"]) % MONTHS_PER_YEAR
    events.update(range(first_full_year or MONTHS_PER_YEAR, last + 1, MONTHS_PER_YEAR))
    events.update(range(MONTHS_PER_YEAR, last + 1, MONTHS_PER_YEAR))
    for since in rule_dates():
        # A rule taking effect mid-month applies from the next month's first day.
        k = (since.year - start.year) * 12 + since.month - start.month + (since.day > 1)
        if 0 < k <= last:
            events.add(k)
    return sorted(events)


Changes = Callable[[dict, int], dict]


class Timeline:
    """Scores of one scenario (the no-change projection, optionally with changes applied from
    the start) at any month, computed on demand and remembered."""

    def __init__(self, profile: dict, start: dt.date, changes: Changes | None = None):
        self.profile = profile
        self.start = start
        self.changes = changes
        self._results: dict[int, Result] = {}

    def state(self, k: int) -> dict:
        projected = project(self.profile, k)
        if self.changes is not None:
            projected.update(self.changes(projected, k))
        return projected

    def result(self, k: int) -> Result:
        if k not in self._results:
            self._results[k] = score(self.state(k), add_months(self.start, k))
        return self._results[k]

    def total(self, k: int) -> int:
        return self.result(k).total

    def reaches(self, k: int) -> bool:
        return self.result(k).reaches_threshold
