"""The result's headline state: can the person apply at all, and only then, is the total
enough.

《上海市居住证积分管理办法》（沪府规〔2022〕21号）: a veto record (一票否决) cancels the
application whatever the total; the age table ends at 60 (56–60 周岁), so an applicant over 60
has no age band and in practice cannot apply (本站解读, see interpretation ``over-60``); and an
applicant must, in the month of application, be employed and paying Shanghai employee social
insurance, with 6 insured months in the previous 12, back-payments not counted (不含补缴).
The profile asks the last condition as one yes/no field, ``application_condition``; with fewer
than 6 insured months in total it cannot be met, whatever the answer.

States, first match wins: ``vetoed``, ``ineligible``, ``reached`` (with ``margin``), ``short``
(with ``gap``). Each reason is ``{"id", "text"}``; the text completes the sentence
“目前不符合申请条件：…” (ineligible) or names the veto record (vetoed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .result import Result

# Insured months the application condition needs within the last 12 (不含补缴).
MIN_RECENT_INSURED_MONTHS = 6


def application_status(result: Result) -> dict:
    """The status JSON of a result (docs/architecture.md, "Result JSON")."""
    if result.vetoed:
        reasons = [
            {"id": line_id, "text": f"{text}（一票否决，不予积分）"}
            for line_id, text in zip(result.veto_ids, result.veto_reasons, strict=False)
        ]
        return _status("vetoed", reasons)
    reasons = ineligible_reasons(result)
    if reasons:
        return _status("ineligible", reasons)
    if result.total >= result.threshold:
        return _status("reached", [], margin=result.total - result.threshold)
    return _status("short", [], gap=result.threshold - result.total)


def ineligible_reasons(result: Result) -> list[dict]:
    """Why the person cannot apply now (empty when nothing stops them)."""
    profile = result.profile
    reasons = []
    months = MIN_RECENT_INSURED_MONTHS
    condition = (f"申请时须在本市就业并正常缴纳职工社保，且最近 12 个月内至少缴纳 {months} 个月"
                 "（不含补缴）")
    if result.upper_age is not None and profile["age"] > result.upper_age:
        reasons.append({
            "id": "over-age",
            "text": f"年龄超过 {result.upper_age} 周岁，"
            f"积分规定的年龄分值只到 {result.upper_age} 周岁",
        })
    if profile["si_months"] < MIN_RECENT_INSURED_MONTHS:
        reasons.append({
            "id": "application-condition",
            "text": f"在本市缴纳职工社保不足 {months} 个月；{condition}",
        })
    elif not profile.get("application_condition", True):
        reasons.append({
            "id": "application-condition",
            "text": condition,
        })
    return reasons


def _status(state: str, reasons: list[dict], *, gap: int | None = None,
            margin: int | None = None) -> dict:
    return {"state": state, "reasons": reasons, "gap": gap, "margin": margin}
