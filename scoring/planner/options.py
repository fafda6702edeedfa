"""Plan options as plain JSON: what a change asks, when it counts, what it adds.

A time-only option is dated: "最早 2027 年 5 月（6 个月后）计入". An option that first needs
something obtained (`obtain_time_not_counted`) is not: nobody knows when the degree or the
certificate comes, so its summary says "如果取得……" and how long the rules' own parts take
after obtaining it (e.g. the 6-month base condition), never "本月". Its `earliest_month`
and `months_needed` still assume it is obtained in the start month (docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt

from ..parameters import rules
from ..result import Result
from .levers import EFFORT_RANK
from .projection import Timeline, add_months, after_words, duration_words, month_text, month_words
from .search import Found


def line_changes(before: Result, after: Result) -> list[dict]:
    """Which lines changed between two results, by how many points."""
    old = {line.id: line.points for line in before.lines}
    return [
        {"id": line.id, "label": line.label, "points": line.points - old[line.id]}
        for line in after.lines
        if line.points != old[line.id]
    ]


def _changes_words(changes: list[dict]) -> str:
    return "，".join(f"{c['label']} {c['points']:+d} 分" for c in changes)


def _diff(profile: dict, state: dict) -> dict:
    return {key: value for key, value in state.items() if profile[key] != value}


def _obtain_summary(found: Found, obtain: str, gain: int, total: int, threshold: int) -> str:
    """The summary of an option that needs something obtained first, counted from then."""
    k = found.earliest
    counts = "此后即可计入" if k == 0 else f"此后至少还要 {duration_words(k)}才能计入"
    if found.reach is None:
        outcome = f"在推算期内仍达不到 {threshold} 分"
    elif found.reach == k:
        outcome = f"达到 {threshold} 分"
    else:
        outcome = f"计入后再过 {duration_words(found.reach - k)}达到 {threshold} 分"
    return f"如果{obtain}：{counts}，比不做改变多 {gain} 分，届时共 {total} 分，{outcome}。"


def option(found: Found, profile: dict, start: dt.date, base: Timeline, last: int) -> dict:
    k = found.earliest
    total = found.timeline.total(k)
    baseline = base.total(k)
    levers = found.levers
    threshold = base.result(0).threshold
    obtain = "、".join(lever.obtain for lever in levers if lever.obtain)
    if obtain:
        summary = _obtain_summary(found, obtain, total - baseline, total, threshold)
    else:
        reach_text = (
            f"{month_words(add_months(start, found.reach))}达到 {threshold} 分"
            if found.reach is not None
            else f"{after_words(last)}仍达不到 {threshold} 分"
        )
        summary = (
            f"最早 {month_words(add_months(start, k))}（{after_words(k)}）计入，"
            f"比不做改变多 {total - baseline} 分，届时共 {total} 分；{reach_text}。"
        )
    links = []
    for lever in levers:
        for href, label in lever.links:
            if all(existing["href"] != href for existing in links):
                links.append({"href": href, "label": label})
    return {
        "id": "+".join(lever.id for lever in levers),
        "levers": [lever.id for lever in levers],
        "kind": "single" if len(levers) == 1 else "combination",
        "title": "；同时".join(lever.title for lever in levers),
        "detail": "".join(lever.detail for lever in levers),
        "timing": "；".join(lever.timing for lever in levers),
        "summary": summary,
        "gain": total - baseline,
        "total": total,
        "baseline_total": baseline,
        "earliest_month": month_text(add_months(start, k)),
        "months_needed": k,
        "obtain_time_not_counted": bool(obtain),
        "reaches_threshold": found.reach is not None,
        "reaches_threshold_month": (
            None if found.reach is None else month_text(add_months(start, found.reach))
        ),
        "months_to_threshold": found.reach,
        "effort": found.effort,
        "links": links,
        "profile_changes": _diff(profile, found.timeline.state(k)),
    }


def keep_contributing(reach: int, profile: dict, start: dt.date, base: Timeline) -> dict:
    now, then = base.result(0), base.result(reach)
    changes = line_changes(now, then)
    detail = (
        f"不做其他改变，继续在本市正常缴纳职工社保（不含补缴），{after_words(reach)}总分达到 "
        f"{then.total} 分。届时变化：{_changes_words(changes)}。"
    )
    return {
        "id": "keep-contributing",
        "levers": ["keep-contributing"],
        "kind": "single",
        "title": "继续按现状缴纳社保",
        "detail": detail,
        "timing": "按月累计社保缴纳月数",
        "summary": (
            f"{month_words(add_months(start, reach))}（{after_words(reach)}）达到 "
            f"{then.threshold} 分，届时共 {then.total} 分。"
        ),
        "gain": then.total - now.total,
        "total": then.total,
        "baseline_total": now.total,
        "earliest_month": month_text(add_months(start, reach)),
        "months_needed": reach,
        "obtain_time_not_counted": False,
        "reaches_threshold": True,
        "reaches_threshold_month": month_text(add_months(start, reach)),
        "months_to_threshold": reach,
        "effort": EFFORT_RANK["keep_contributing"],
        "links": [{"href": "policy/si-years/", "label": rules().indicators["si_years"].label}],
        "profile_changes": _diff(profile, base.state(reach)),
    }
