"""The path to the standard score: when a profile reaches it with no change, and how one change
(or two) brings that month forward.

`plan(profile, start)` answers with plain JSON (see docs/architecture.md, "Plan JSON"):
- a vetoed profile gets no plan, only the veto reasons;
- a profile above the age bands (no application possible) gets no plan either;
- a profile already at the standard score gets its margin and what would put it at risk;
- otherwise: the first month the no-change projection (projection.py) reaches the standard
  score within ten years, and the options (levers.py, search.py, options.py) that reach it
  sooner — or, when nothing reaches it, those that add the most. Time-only options come
  first, then `keep-contributing`, then the options that need something obtained.

Every number is a score: an option's gain is the changed profile's total in the month it
first counts minus the no-change total in that same month, both from `scoring.score` under
the rules in force that month. An option that adds nothing is never offered.

Modules: projection (the months ahead), levers (the changes), search (which changes are
worth showing), options and risks (their JSON), cli (`python -m scoring plan`).
"""

from __future__ import annotations

import datetime as dt

from ..engine import parse_date
from ..errors import EditionError
from ..parameters import rules
from ..profile import validate
from .levers import candidate_levers
from .options import keep_contributing, line_changes, option
from .projection import (
    Timeline,
    add_months,
    after_words,
    event_months,
    horizon,
    month_start,
    month_text,
    month_words,
)
from .risks import assumptions, risks
from .search import best_per_family, combinations_of, shortlist, singles


def _start_month(start: dt.date | str | None) -> dt.date:
    """The start month (first day), from a date, "YYYY-MM", "YYYY-MM-DD" or None (this month)."""
    try:
        first = month_start(parse_date(start))
        rules().edition_on(first)
    except EditionError as error:
        raise EditionError("start", error.message_zh, error.message_en) from None
    return first


def _no_change(base: Timeline, events: list[int], last: int) -> tuple[dict, int | None]:
    """The no-change projection: every month in which a line changes, up to the first month at
    the standard score (or to the last month projected)."""
    reach = next((k for k in events if base.reaches(k)), None)
    shown_until = last if reach is None or reach == 0 else reach
    timeline, previous = [], None
    for k in events:
        if k > shown_until:
            break
        result = base.result(k)
        changes = [] if previous is None else line_changes(previous, result)
        if previous is None or changes:
            timeline.append({
                "month": month_text(add_months(base.start, k)),
                "months": k,
                "total": result.total,
                "reaches_threshold": result.reaches_threshold,
                "changes": changes,
            })
        previous = result
    return {
        "reaches_threshold": reach is not None,
        "reaches_threshold_month": (
            None if reach is None else month_text(add_months(base.start, reach))
        ),
        "months_to_threshold": reach,
        "last_month": month_text(add_months(base.start, last)),
        "months_projected": last,
        "total_at_last_month": base.total(last),
        "timeline": timeline,
    }, reach


def plan(profile: dict, start: dt.date | str | None = None) -> dict:
    """The plan for `profile` from the month `start` (YYYY-MM; default this month).

    Raises ProfileError for a bad profile and EditionError (field "start") for a bad month.
    """
    clean = validate(profile)
    first = _start_month(start)
    base = Timeline(clean, first)
    now = base.result(0)
    threshold = now.threshold
    out: dict = {
        "status": "",
        "summary": "",
        "start": month_text(first),
        "threshold": threshold,
        "current_total": now.total,
        "margin": None,
        "veto_reasons": list(now.veto_reasons),
        "no_change": None,
        "options": [],
        "risks": [],
        "assumptions": [],
        "edition": now.edition.to_dict(),
    }
    if now.vetoed:
        out["status"] = "vetoed"
        out["summary"] = (f"有一票否决记录（{'；'.join(now.veto_reasons)}），"
                          "取消申请积分资格，因此没有积分方案。")
        return out
    last = horizon(clean, first)
    if last < 0:
        upper = rules().indicators["age"].at(first)["upper_age"]
        out["status"] = "over_age"
        out["summary"] = (f"年龄超过 {upper} 周岁：条文未设分值，通常已无法申请居住证积分，"
                          "因此没有积分方案。")
        return out

    levers = candidate_levers(clean, first)
    events = event_months(clean, first, last, extra=[lever.wait for lever in levers])
    out["no_change"], reach = _no_change(base, events, last)
    out["assumptions"] = assumptions(clean, base, last)

    if reach == 0:
        out["status"] = "reached"
        out["margin"] = now.total - threshold
        out["summary"] = (f"当前积分 {now.total} 分，已达到标准分值 {threshold} 分，"
                          f"高出 {now.total - threshold} 分。")
        out["risks"] = risks(clean, base, events, last)
        return out

    bound = last + 1 if reach is None else reach
    found = best_per_family(singles(levers, clean, first, base, events, bound), base)
    pairs = combinations_of(found, clean, first, base, events, bound)
    chosen = shortlist(found, pairs, base)
    options = [option(f, clean, first, base, last) for f in chosen if not f.obtains]
    if reach is not None:
        options.append(keep_contributing(reach, clean, first, base))
    options += [option(f, clean, first, base, last) for f in chosen if f.obtains]
    out["options"] = options

    if reach is not None:
        out["status"] = "reachable"
        out["summary"] = (
            f"当前积分 {now.total} 分，还差 {threshold - now.total} 分。按现状继续缴纳社保，预计 "
            f"{month_words(add_months(first, reach))}（{after_words(reach)}）达到 {threshold} 分"
            + ("；下列做法可以更早达到。" if len(options) > 1 else "。")
        )
    else:
        end = add_months(first, last)
        out["status"] = "not_reached"
        out["summary"] = (
            f"当前积分 {now.total} 分，还差 {threshold - now.total} 分。"
            f"按现状，到 {month_words(end)}（{after_words(last)}）仍达不到 {threshold} 分，"
            f"届时为 {base.total(last)} 分"
            + ("；下列做法可以达到。" if any(o["reaches_threshold"] for o in options)
               else "；下列做法可以缩小差距。" if options else "。")
        )
    return out
