"""The path to the standard score: when a profile reaches it with no change, and how one change
(or two) brings that month forward.

`plan(profile, start)` answers with plain JSON (see docs/architecture.md, "Plan JSON"):
- a vetoed profile gets no plan, only the veto reasons;
- a profile above the age bands (no application possible) gets no plan either;
- a profile already at the standard score gets its margin and what would put it at risk;
- otherwise: the first month the no-change projection (see projection.py) reaches the
  standard score within ten years, and the options (levers.py) that reach it sooner — or,
  when nothing reaches it, those that add the most.

Every number is a score: an option's gain is the changed profile's total in the month it
first counts minus the no-change total in that same month, both from `scoring.score` under
the rules in force that month. An option that adds nothing is never offered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import combinations

from .engine import parse_date, score
from .errors import EditionError
from .levers import EFFORT_RANK, Lever, candidate_levers, condition_text
from .parameters import rules
from .profile import validate
from .projection import (
    ACCRUING_YEAR_FIELDS,
    HORIZON_MONTHS,
    MONTHS_PER_YEAR,
    Timeline,
    add_months,
    event_months,
    horizon,
    month_start,
    month_text,
    month_words,
    si_months_clamped,
)
from .result import Result

# How many two-change combinations to show at most: a presentation choice, not a rule.
COMBINATIONS_SHOWN = 3
_NEVER = HORIZON_MONTHS + 1


def _start_month(start: dt.date | str | None) -> dt.date:
    """The start month (first day), from a date, "YYYY-MM", "YYYY-MM-DD" or None (this month)."""
    try:
        first = month_start(parse_date(start))
        rules().edition_on(first)
    except EditionError as error:
        raise EditionError("start", error.message_zh, error.message_en) from None
    return first


def _after(k: int) -> str:
    """"k months from now" in words."""
    if k == 0:
        return "本月"
    years, months = divmod(k, MONTHS_PER_YEAR)
    if not months:
        return f"{years} 年后"
    if not years:
        return f"{k} 个月后"
    return f"{years} 年 {months} 个月后"


@dataclass
class _Found:
    """A scenario that adds points: its levers, the month it first counts, the month it reaches
    the standard score (None if not before the bound), and its scores."""

    levers: tuple[Lever, ...]
    earliest: int
    reach: int | None
    timeline: Timeline

    @property
    def reach_key(self) -> int:
        return _NEVER if self.reach is None else self.reach

    @property
    def effort(self) -> int:
        return max(lever.effort for lever in self.levers)

    def gain(self, base: Timeline) -> int:
        return self.timeline.total(self.earliest) - base.total(self.earliest)

    def rank(self, base: Timeline) -> tuple:
        return (
            self.reach_key,
            self.effort,
            len(self.levers),
            sum(lever.level for lever in self.levers),
            -self.gain(base),
            "+".join(lever.id for lever in self.levers),
        )


def _compose(levers: tuple[Lever, ...]):
    def changes(projected: dict, k: int) -> dict:
        changed: dict = {}
        for lever in levers:
            changed.update(lever.changes({**projected, **changed}, k))
        return changed

    return changes


def _search(
    levers: tuple[Lever, ...], profile: dict, start: dt.date, base: Timeline,
    events: list[int], bound: int, counts_from: int,
) -> _Found | None:
    """Scan the event months in [counts_from, bound): the first in which the change adds points
    (its earliest month), then the first in which the changed profile reaches the standard."""
    changed = Timeline(profile, start, _compose(levers))
    earliest = None
    for k in events:
        if k < counts_from:
            continue
        if k >= bound:
            break
        if earliest is None:
            if changed.total(k) <= base.total(k):
                continue
            earliest = k
        if changed.reaches(k):
            return _Found(levers, earliest, k, changed)
    return None if earliest is None else _Found(levers, earliest, None, changed)


def _soonest(found: list[_Found], keep) -> int:
    return min((f.reach_key for f in found if keep(f)), default=_NEVER)


def _singles(levers: list[Lever], profile: dict, start: dt.date, base: Timeline,
             events: list[int], bound: int) -> list[_Found]:
    """Every single change that adds points, searched least effort first.

    Searches stop early where the answer no longer matters: a change is only worth showing if
    it reaches the standard sooner than every change of a lower effort rank, and than every
    easier level of its own family. Past that month it is left as "not reaching", which drops
    it as soon as anything reaches the standard (see `_shortlist`)."""
    found: list[_Found] = []
    for lever in sorted(levers, key=lambda lv: (lv.effort, lv.family, lv.level)):
        limit = min(
            bound,
            _soonest(found, lambda f, lv=lever: f.levers[0].effort < lv.effort),
            _soonest(found, lambda f, lv=lever: f.levers[0].family == lv.family),
        )
        result = _search((lever,), profile, start, base, events, limit, lever.wait)
        if result is not None:
            found.append(result)
    return found


def _best_per_family(found: list[_Found], base: Timeline) -> list[_Found]:
    """Within a family (e.g. skill levels), keep a level only if it reaches the standard sooner
    than every easier level; if none reaches it, keep the one that adds the most."""
    kept = []
    for family in sorted({f.levers[0].family for f in found}):
        members = sorted((f for f in found if f.levers[0].family == family),
                         key=lambda f: f.levers[0].level)
        reaching = [f for f in members if f.reach is not None]
        if reaching:
            soonest = _NEVER
            for candidate in reaching:
                if candidate.reach < soonest:
                    kept.append(candidate)
                    soonest = candidate.reach
        elif members:
            best = max(f.gain(base) for f in members)
            kept.append(next(f for f in members if f.gain(base) == best))
    return kept


def _dominated(option: _Found, others: list[_Found]) -> bool:
    """Whether another option reaches the standard no later while asking less: a single change
    of a lower effort rank, or — against a combination — any option of no higher rank with no
    more changes. (Within a family, `_best_per_family` has already chosen.)"""
    for other in others:
        if other is option or other.reach_key > option.reach_key:
            continue
        if len(option.levers) == 1 and len(other.levers) == 1:
            if other.effort < option.effort:
                return True
        elif (other.effort <= option.effort and len(other.levers) <= len(option.levers)
              and (other.effort, len(other.levers), other.reach_key)
              != (option.effort, len(option.levers), option.reach_key)):
            return True
    return False


def _combinations(
    singles: list[_Found], profile: dict, start: dt.date, base: Timeline,
    events: list[int], bound: int,
) -> list[_Found]:
    """Pairs of changes that reach the standard sooner than either change alone, and sooner
    than any single change asking no more.

    A pair is searched only if it could reach the standard at all: a change's gain never
    shrinks with time (fixed points, or years that accumulate up to a cap), and two changes
    never add more than the sum of their gains (they score different lines, or the same
    condition), so the highest no-change total before the bound plus both gains in the last
    month before it is an upper bound. Tests check both properties against brute force."""
    before = [k for k in events if k < bound]
    if not before:
        return []
    last = before[-1]
    best_base = max(base.total(k) for k in before)
    threshold = base.result(0).threshold
    gain_by_then = {id(f): f.timeline.total(last) - base.total(last) for f in singles}
    found = []
    # Pairs are named and applied in effort order: the easier change first.
    ordered = sorted(singles, key=lambda f: (f.effort, f.levers[0].family, f.levers[0].level))
    for first, second in combinations(ordered, 2):
        (a,), (b,) = first.levers, second.levers
        if a.slot == b.slot:
            continue
        if best_base + gain_by_then[id(first)] + gain_by_then[id(second)] < threshold:
            continue
        effort = max(a.effort, b.effort)
        pair_bound = min(bound, _soonest(singles, lambda f, e=effort: f.effort <= e))
        counts_from = max(first.earliest, second.earliest)
        if counts_from >= pair_bound:
            continue
        pair = _search((a, b), profile, start, base, events, pair_bound, counts_from)
        if pair is not None and pair.reach is not None:
            found.append(pair)
    found.sort(key=lambda f: f.rank(base))
    return found[:COMBINATIONS_SHOWN]


def _shortlist(singles: list[_Found], pairs: list[_Found], base: Timeline) -> list[_Found]:
    """The options to show, best first: if anything reaches the standard, only what reaches it
    and is not dominated; otherwise the single changes that add the most."""
    chosen = singles + pairs
    if any(f.reach is not None for f in chosen):
        chosen = [f for f in chosen if f.reach is not None]
        chosen = [f for f in chosen if not _dominated(f, chosen)]
    return sorted(chosen, key=lambda f: f.rank(base))


def _line_changes(before: Result, after: Result) -> list[dict]:
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


def _option(found: _Found, profile: dict, start: dt.date, base: Timeline, last: int) -> dict:
    k = found.earliest
    total = found.timeline.total(k)
    baseline = base.total(k)
    levers = found.levers
    threshold = base.result(0).threshold
    reach_text = (
        f"{month_words(add_months(start, found.reach))}达到 {threshold} 分"
        if found.reach is not None
        else f"{_after(last)}仍达不到 {threshold} 分"
    )
    obtain = "、".join(lever.obtain for lever in levers if lever.obtain)
    summary = (
        (f"如果本月{obtain}，" if obtain else "")
        + f"最早 {month_words(add_months(start, k))}（{_after(k)}）计入，"
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


def _keep_contributing(reach: int, profile: dict, start: dt.date, base: Timeline) -> dict:
    now, then = base.result(0), base.result(reach)
    changes = _line_changes(now, then)
    detail = (
        f"不做其他改变，继续在本市正常缴纳职工社保（不含补缴），{_after(reach)}总分达到 "
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
            f"{month_words(add_months(start, reach))}（{_after(reach)}）达到 "
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
        changes = [] if previous is None else _line_changes(previous, result)
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


def _risk(risk_id: str, title: str, detail: str, total_after: int | None, threshold: int,
          month: str | None = None) -> dict:
    """One risk; `total_after` is None when it is about being able to apply at all."""
    return {
        "id": risk_id,
        "title": title,
        "detail": detail,
        "total_after": total_after,
        "below_threshold": total_after is None or total_after < threshold,
        "month": month,
    }


def _risks(profile: dict, base: Timeline, events: list[int], last: int) -> list[dict]:
    """What would take an eligible profile below the standard score, each computed by scoring
    the profile with that one thing changed (or, for the years ahead, by the projection)."""
    start, now = base.start, base.result(0)
    threshold = now.threshold
    risks = []

    def without(changes: dict) -> int:
        return score({**profile, **changes}, start).total

    title_values = rules().indicators["title"].at(start)
    title_line = now.line("title")
    if (profile["title"] in title_values["conditional_levels"] and profile["title_si_condition"]
            and title_line.counted and title_line.points):
        after = without({"title_si_condition": False})
        risks.append(_risk(
            "title-condition", "职称（技能等级）的社保基数条件",
            f"你的职称（技能等级）计 {title_line.points} 分，前提是{condition_text(title_values)}。"
            f"一旦不满足（例如换工作后缴费基数降低），该项计 0 分，总分降为 {after} 分。",
            after, threshold,
        ))
    if now.line("si_base").points:
        after = without({"si_base_tier": "none"})
        risks.append(_risk(
            "si-base", "社保缴费基数档次",
            f"社保缴费基数档次计 {now.line('si_base').points} 分。缴费基数降低后，"
            f"档次会在统计窗口内逐步下降；不再满足任何一档时，总分降为 {after} 分。",
            after, threshold,
        ))
    if now.line("shortage_major").points:
        after = without({"shortage_major": False})
        risks.append(_risk(
            "shortage-major", "紧缺急需专业",
            f"紧缺急需专业一项要求工作岗位与所学专业一致；换到不对口的岗位后不再计分，"
            f"总分降为 {after} 分。",
            after, threshold,
        ))
    if now.line("fresh_graduate").points:
        after = without({"fresh_graduate": False})
        risks.append(_risk(
            "fresh-graduate", "应届毕业生身份",
            f"应届毕业生加分只在应届期间适用；应届身份过后，总分为 {after} 分。",
            after, threshold,
        ))
    # One more record of the mildest deduction that would take the total below the standard.
    deductions = []
    for indicator_id, key in (("detention", "detention_count"),
                              ("false_material", "false_material_count"),
                              ("criminal", "criminal_count")):
        after = without({key: profile[key] + 1})
        if after < threshold:
            deductions.append((-after, indicator_id, after))
    if deductions:
        _, indicator_id, after = min(deductions)
        indicator = rules().indicators[indicator_id]
        each = indicator.at(start)["points_per_record"]
        risks.append(_risk(
            "deduction", indicator.label,
            f"减分指标：再有一条“{indicator.label}”（每条扣 {-each} 分），总分就会降为 "
            f"{after} 分，低于标准分值。",
            after, threshold,
        ))

    previous = now
    for k in events:
        result = base.result(k)
        if result.line("age").points < previous.line("age").points:
            month = add_months(start, k)
            risks.append(_risk(
                "age-points", "年龄分下降",
                f"按本站的年龄假设，{month_words(month)}（{_after(k)}）年龄分由 "
                f"{previous.line('age').points} 分降为 {result.line('age').points} 分；"
                f"按现状推算届时总分 {result.total} 分。",
                result.total, threshold, month_text(month),
            ))
            break
        previous = result
    below = next((k for k in events if not base.reaches(k)), None)
    if below is not None:
        month = add_months(start, below)
        risks.append(_risk(
            "falls-below", "按现状推算会跌破标准分值",
            f"按现状推算，{month_words(month)}（{_after(below)}）总分为 {base.total(below)} 分，"
            f"低于 {threshold} 分。",
            base.total(below), threshold, month_text(month),
        ))
    if last < HORIZON_MONTHS:
        month = add_months(start, last + 1)
        upper = rules().indicators["age"].at(start)["upper_age"]
        risks.append(_risk(
            "over-age", "年龄上限",
            f"按本站的年龄假设，{month_words(month)}起年龄超过 {upper} 周岁，"
            "通常已无法申请居住证积分。",
            None, threshold, month_text(month),
        ))
    risks.sort(key=lambda r: (not r["below_threshold"], r["month"] or ""))
    return risks


def _assumptions(profile: dict, base: Timeline, last: int) -> list[dict]:
    start = base.start
    items = [
        ("si-continues", "从起始月份起每月正常缴纳本市职工社保，社保月数每月加 1。"),
        ("age-whole-years", "年龄只知道周岁：本站假设你在起始月份刚过生日，"
         "此后每满 12 个月长 1 岁。如果生日更早到来，年龄分可能提前下降。"),
        ("rest-unchanged", "学历、职称技能等级及其社保基数条件、社保缴费基数档次、投资纳税、"
         "表彰奖励等保持不变。"),
    ]
    accruing = [rules().indicators[i].label for key, i in zip(
        ACCRUING_YEAR_FIELDS, ("suburb", "public_service", "spouse"), strict=True) if profile[key]]
    if accruing:
        items.append(("years-continue", f"{'、'.join(accruing)}：假设情况不变，"
                      "已满的年数在起始月份刚满，此后每满 12 个月加 1 年。"))
    if profile["fresh_graduate"]:
        items.append(("fresh-graduate-now", "应届毕业生加分只在应届期间适用，办法没有界定时限；"
                      "推算中只在起始月份计入这一项。"))
    if any(profile[k] for k in ("false_material_count", "detention_count", "criminal_count")):
        items.append(("deductions-unchanged",
                      "扣分记录按不变处理；实际上超过规定年限的记录不再扣分。"))
    if si_months_clamped(profile, last):
        items.append(("si-limit", "社保月数不能超过 16 周岁以来的月数，推算时按这一上限截止。"))
    if last < HORIZON_MONTHS:
        upper = rules().indicators["age"].at(start)["upper_age"]
        items.append(("age-limit", f"年龄超过 {upper} 周岁后通常已无法申请积分，推算到 "
                      f"{month_words(add_months(start, last))}为止。"))
    _edition, after_expiry = rules().edition_on(add_months(start, last))
    if after_expiry:
        items.append(("after-expiry", rules().interpretations["after-expiry"]))
    return [{"id": item_id, "text": text} for item_id, text in items]


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
    out["assumptions"] = _assumptions(clean, base, last)

    if reach == 0:
        out["status"] = "reached"
        out["margin"] = now.total - threshold
        out["summary"] = (f"当前积分 {now.total} 分，已达到标准分值 {threshold} 分，"
                          f"高出 {now.total - threshold} 分。")
        out["risks"] = _risks(clean, base, events, last)
        return out

    bound = last + 1 if reach is None else reach
    singles = _best_per_family(_singles(levers, clean, first, base, events, bound), base)
    pairs = _combinations(singles, clean, first, base, events, bound)
    chosen = _shortlist(singles, pairs, base)
    options = [_option(f, clean, first, base, last) for f in chosen]
    if reach is not None:
        options.append(_keep_contributing(reach, clean, first, base))
    out["options"] = options

    if reach is not None:
        out["status"] = "reachable"
        out["summary"] = (
            f"当前积分 {now.total} 分，还差 {threshold - now.total} 分。按现状继续缴纳社保，预计 "
            f"{month_words(add_months(first, reach))}（{_after(reach)}）达到 {threshold} 分"
            + ("；下列做法可以更早达到。" if len(options) > 1 else "。")
        )
    else:
        end = add_months(first, last)
        out["status"] = "not_reached"
        out["summary"] = (
            f"当前积分 {now.total} 分，还差 {threshold - now.total} 分。"
            f"按现状，到 {month_words(end)}（{_after(last)}）仍达不到 {threshold} 分，"
            f"届时为 {base.total(last)} 分"
            + ("；下列做法可以达到。" if any(o["reaches_threshold"] for o in options)
               else "；下列做法可以缩小差距。" if options else "。")
        )
    return out
