"""What could take an eligible profile below the standard score (risks), and what the plan
assumes. Risks concern the person's own answers only: a record the person does not have is
no risk to warn about (a new graduate is not told what a detention record would cost)."""

from __future__ import annotations

from ..engine import score
from ..parameters import rules
from .levers import condition_text
from .projection import (
    ACCRUING_YEAR_FIELDS,
    HORIZON_MONTHS,
    Timeline,
    add_months,
    after_words,
    month_text,
    month_words,
    si_months_clamped,
)


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


def risks(profile: dict, base: Timeline, events: list[int], last: int) -> list[dict]:
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
            f"您的职称（技能等级）计 {title_line.points} 分，前提是{condition_text(title_values)}。"
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
    # One more record of the mildest kind the person already has that would take the total
    # below the standard (no warning about records the person does not have).
    deductions = []
    for indicator_id, key in (("detention", "detention_count"),
                              ("false_material", "false_material_count"),
                              ("criminal", "criminal_count")):
        if not profile[key]:
            continue
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
                f"按本站的年龄假设，{month_words(month)}（{after_words(k)}）年龄分由 "
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
            f"按现状推算，{month_words(month)}（{after_words(below)}）总分为 "
            f"{base.total(below)} 分，低于 {threshold} 分。",
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


def assumptions(profile: dict, base: Timeline, last: int) -> list[dict]:
    start = base.start
    items = [
        ("si-continues", "从起始月份起每月正常缴纳本市职工社保，社保月数每月加 1。"),
        ("age-whole-years", "年龄只知道周岁：本站假设您在起始月份刚过生日，"
         "此后每满 12 个月长 1 岁。如果生日更早到来，年龄分可能提前下降。"),
        ("rest-unchanged", "学历、职称或技能等级及其社保基数条件、社保缴费基数档次、投资纳税、"
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
