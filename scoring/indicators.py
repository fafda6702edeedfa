"""How each indicator turns a profile into points.

Every function here reads its numbers from the rule data in force on the scoring date
(`values`) and returns the points and a sentence saying how they were computed. None of them
holds a points value of its own. Education and title/skill are scored here separately and
settled by `settle_alternatives`: the rules count only the higher of the two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .tables import PerUnit, band_upper, per_unit, step


@dataclass
class Notes:
    """Warnings and veto reasons collected while scoring."""

    interpretations: dict[str, str]
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    veto_reasons: list[str] = field(default_factory=list)
    veto_ids: list[str] = field(default_factory=list)  # the indicator behind each veto reason

    def condition(self, warning_id: str, text: str) -> None:
        self._add(warning_id, "condition", text)

    def eligibility(self, warning_id: str, text: str) -> None:
        self._add(warning_id, "eligibility", text)

    def interpretation(self, interpretation_id: str) -> None:
        self._add(interpretation_id, "interpretation", self.interpretations[interpretation_id])

    def _add(self, warning_id: str, kind: str, text: str) -> None:
        """Add a note once. A note is identified by its kind and id together: a reading
        (interpretation) and what follows from it (a condition, a doubt about eligibility)
        may share an id, and neither may hide the other."""
        if all(existing[:2] != (warning_id, kind) for existing in self.warnings):
            self.warnings.append((warning_id, kind, text))


@dataclass(frozen=True)
class Context:
    profile: dict
    values: dict
    option_labels: dict[str, dict[str, str]]
    notes: Notes

    def option(self, key: str) -> str:
        return self.option_labels[key][self.profile[key]]


Outcome = tuple[int, str]


def age_band_label(bands: list, index: int) -> str:
    """A band of the age table in words, e.g. "43 周岁及以下", "56–60 周岁"."""
    low, high = bands[index]["min"], band_upper(bands, index)
    if index == 0:
        return f"{high} 周岁及以下"
    if high is None:
        return f"{low} 周岁及以上"
    return f"{low} 周岁" if low == high else f"{low}–{high} 周岁"


def age(ctx: Context) -> Outcome:
    """第六条 年龄: the band the whole years fall in. Above `upper_age` the rules set no band
    (本站解读: 0 points, and in practice no application); below `adult_age` the rules set no
    minimum age, which the result says as this site's reading."""
    bands = ctx.values["bands"]
    years = ctx.profile["age"]
    band = step(bands, years)
    label = age_band_label(bands, bands.index(band))
    if years < ctx.values["adult_age"]:
        ctx.notes.interpretation("under-18")
    if years > ctx.values["upper_age"]:
        ctx.notes.interpretation("over-60")
        ctx.notes.eligibility(
            "over-60",
            f"年龄超过 {ctx.values['upper_age']} 周岁：条文未设分值，通常已无法申请居住证积分。",
        )
        return 0, f"{years} 周岁：超过 {ctx.values['upper_age']} 周岁，不计分"
    if label == f"{years} 周岁":  # a band of one age: say the age once
        return band["points"], f"{years} 周岁：积 {band['points']} 分"
    return band["points"], f"{years} 周岁：{label}积 {band['points']} 分"


def education(ctx: Context) -> Outcome:
    points = ctx.values["points"][ctx.profile["education"]]
    if not points:
        return 0, f"{ctx.option('education')}：不计分"
    return points, f"{ctx.option('education')}：积 {points} 分"


def title(ctx: Context) -> Outcome:
    level = ctx.profile["title"]
    points = ctx.values["points"][level]
    name = ctx.option("title")
    cond = ctx.values["condition"]
    if level in ctx.values["conditional_levels"]:
        condition_text = (
            f"最近 {cond['window_months']} 个月内有 {cond['months']} 个月社保缴费基数"
            f"不低于上年度全市职工社会平均工资的 {cond['base_multiple']} 倍"
        )
        if not ctx.profile["title_si_condition"]:
            ctx.notes.condition(
                "title-si-condition-unmet",
                f"以{name}积 {points} 分，须{condition_text}；未满足时该项计 0 分。",
            )
            return 0, f"{name}：本可积 {points} 分，但未满足“{condition_text}”的条件，计 0 分"
        ctx.notes.condition(
            "title-si-condition",
            f"请核实：{condition_text}。不满足这一条件时，该项计 0 分。",
        )
    if level != "none":
        ctx.notes.condition("title-match-job", ctx.values["certificate_conditions"])
    if not points:
        return 0, f"{name}：不计分"
    return points, f"{name}：积 {points} 分"


def settle_alternatives(
    edu: Outcome, ttl: Outcome, notes: Notes
) -> tuple[tuple[Outcome, bool], tuple[Outcome, bool]]:
    """Education and title/skill are alternatives: only the higher counts (education on a tie;
    the total is the same either way). Returns each outcome with whether it counts."""
    (edu_points, edu_text), (title_points, title_text) = edu, ttl
    if not edu_points or not title_points:
        return (edu, True), (ttl, True)
    if edu_points == title_points:
        notes.interpretation("education-title-tie")
        note = f"；与教育背景二选一，分值相同（{edu_points} 分），计入教育背景，本项不计入"
        return (edu, True), ((0, title_text + note), False)
    if edu_points > title_points:
        note = f"；二选一，教育背景分值较高（{edu_points} 分），本项不计入"
        return (edu, True), ((0, title_text + note), False)
    note = f"；二选一，职称或技能等级分值较高（{title_points} 分），本项不计入"
    return ((0, edu_text + note), False), (ttl, True)


def _units_sentence(result: PerUnit, per: int, unit: str) -> str:
    return f"{per} 分/{unit} × {result.units} = {result.raw_points} 分"


def si_years(ctx: Context) -> Outcome:
    months = ctx.profile["si_months"]
    v = ctx.values
    result = per_unit(months, v["unit_size"], v["points_per_unit"])
    rest = months - result.units * v["unit_size"]
    if not result.units:
        short = f"，不满 {v['unit_size']} 个月" if months else ""
        text = f"共 {months} 个月{short}：计 0 分"
    else:
        per = _units_sentence(result, v["points_per_unit"], f"满 {v['unit_size']} 个月")
        text = f"共 {months} 个月，满 {result.units} 年：{per}"
        if rest:
            text += f"（不足 {v['unit_size']} 个月的 {rest} 个月不计）"
    ctx.notes.condition(
        "si-no-back-payment",
        "补缴的社保月份、缴费单位与劳动合同单位不一致的月份，都不计入社保年限和基数档次。",
    )
    if months < 6:
        ctx.notes.eligibility(
            "si-minimum",
            "申请积分时须在职并正常缴纳本市职工社保，"
            "且最近 12 个月内至少已缴纳 6 个月（不含补缴）。",
        )
    return result.points, text


def si_base(ctx: Context) -> Outcome:
    tier_id = ctx.profile["si_base_tier"]
    if tier_id == "none":
        return 0, "未达到任何一档：不计分"
    tier = next(t for t in ctx.values["tiers"] if t["id"] == tier_id)
    ctx.notes.condition(
        "si-base-match-tax",
        "社保缴费基数须与个人所得税申报收入合理对应，否则不作为基数档次的积分依据。",
    )
    return tier["points"], f"{ctx.option('si_base_tier')}：积 {tier['points']} 分（只计最高一档）"


def _flag(key: str, label: str) -> Callable[[Context], Outcome]:
    def score(ctx: Context) -> Outcome:
        if not ctx.profile[key]:
            return 0, "不适用"
        return ctx.values["points"], f"{label}：积 {ctx.values['points']} 分"

    return score


def shortage_major(ctx: Context) -> Outcome:
    """第七条 紧缺急需专业: 30 points when the major is on the municipal list and the job
    matches it. The list's education levels are data (`education_levels`; the only source
    found says 大专 majors only): above them the points still count as entered, with a
    condition to check first (this site's reading, interpretation "shortage-major-levels")."""
    if not ctx.profile["shortage_major"]:
        return 0, "不适用"
    v = ctx.values
    if ctx.profile["education"] in v["education_levels"]:
        ctx.notes.condition(
            "shortage-major-match",
            "专业名称和代码须与本市紧缺急需专业目录完全一致，且工作岗位与所学专业一致。",
        )
    else:
        levels = "、".join(ctx.option_labels["education"][lv] for lv in v["education_levels"])
        ctx.notes.condition(
            "shortage-major-level",
            f"本站解读：据本站找到的唯一资料，紧缺急需专业只限{levels}层次，请先向受理机构确认。",
        )
    return v["points"], f"所学专业属于紧缺急需专业且岗位一致：积 {v['points']} 分"


def _amount(value: float) -> str:
    """A number as people write it: thousands separated, no trailing zeros."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def investment(ctx: Context) -> Outcome:
    v = ctx.values
    tax_cny = ctx.profile["investment_annual_tax_cny"]
    hires = ctx.profile["investment_local_hires"]
    if not tax_cny and not hires:
        return 0, "不适用"
    tax = per_unit(tax_cny, v["tax_unit_cny"], v["points_per_unit"], cap=v["cap"])
    hired = per_unit(hires, v["hires_unit"], v["points_per_unit"], cap=v["cap"])
    ctx.notes.interpretation("investment-larger-of-two")
    points = max(tax.points, hired.points)
    text = (
        f"年均纳税 {_amount(tax_cny)} 元，满 {tax.units} 个 {v['tax_unit_cny'] // 10000} 万元 → "
        f"{tax.raw_points} 分；年均聘用本市户籍人员 {_amount(hires)} 人，满 {hired.units} 个 "
        f"{v['hires_unit']} 人 → {hired.raw_points} 分；取较高者"
    )
    if tax.capped or hired.capped:
        text += f"，最高 {v['cap']} 分"
    return points, f"{text}：{points} 分"


def _years_with_threshold(key: str, what: str, interpretations: tuple[str, ...]):
    def score(ctx: Context) -> Outcome:
        v = ctx.values
        years = ctx.profile[key]
        if not years:
            return 0, "不适用"
        for interpretation_id in interpretations:
            ctx.notes.interpretation(interpretation_id)
        result = per_unit(years, v["unit_size"], v["points_per_unit"],
                          v.get("threshold_units", 0), v.get("cap"))
        sentence = f"{what}满 {years} 年"
        if result.below_threshold:
            return 0, f"{sentence}：满 {v['threshold_units']} 年后才计入，暂计 0 分"
        text = f"{sentence}：{_units_sentence(result, v['points_per_unit'], '年')}"
        if result.capped:
            text += f"，最高 {v['cap']} 分，计 {result.points} 分"
        return result.points, text

    return score


def entrepreneur(ctx: Context) -> Outcome:
    routes = (("entrepreneur", "创业人才"), ("innovation_intermediary", "创新创业中介服务人才"))
    kinds = [label for key, label in routes if ctx.profile[key]]
    if not kinds:
        return 0, "不适用"
    if len(kinds) > 1:
        ctx.notes.interpretation("entrepreneur-once")
    ctx.notes.condition(
        "entrepreneur-criteria",
        "创业人才、创新创业中介服务人才须经有关部门按公布的条件认定。",
    )
    return ctx.values["points"], f"{'、'.join(kinds)}：积 {ctx.values['points']} 分（只计一次）"


def award(ctx: Context) -> Outcome:
    points = ctx.values["points"][ctx.profile["award"]]
    if not points:
        return 0, "不适用"
    return points, f"{ctx.option('award')}：积 {points} 分（只计最高一项）"


def _per_record(key: str, what: str) -> Callable[[Context], Outcome]:
    def score(ctx: Context) -> Outcome:
        count = ctx.profile[key]
        each = ctx.values["points_per_record"]
        if not count:
            return 0, "无"
        return count * each, f"{what} {count} 次 × {each} 分 = {count * each} 分"

    return score


def _veto(key: str, reason: str, indicator_id: str) -> Callable[[Context], Outcome]:
    def score(ctx: Context) -> Outcome:
        if not ctx.profile[key]:
            return 0, "无"
        ctx.notes.veto_reasons.append(reason)
        ctx.notes.veto_ids.append(indicator_id)
        if key == "family_planning_violation":
            ctx.notes.interpretation("family-planning-unverified")
        return 0, f"{reason}：取消申请积分资格（一票否决）"

    return score


SCORERS: dict[str, Callable[[Context], Outcome]] = {
    "age": age,
    "education": education,
    "title": title,
    "si_years": si_years,
    "si_base": si_base,
    "shortage_major": shortage_major,
    "investment": investment,
    "public_service": _years_with_threshold(
        "public_service_years", "在特定公共服务领域就业",
        ("threshold-then-all-years", "public-service-no-cap"),
    ),
    "suburb": _years_with_threshold(
        "suburb_years", "在远郊重点区域工作并居住", ("threshold-then-all-years",)
    ),
    "entrepreneur": entrepreneur,
    "fresh_graduate": _flag("fresh_graduate", "全日制应届高校毕业生"),
    "award": award,
    "spouse": _years_with_threshold("spouse_hukou_years", "与本市户籍配偶结婚", ()),
    "false_material": _per_record("false_material_count", "提供虚假材料"),
    "detention": _per_record("detention_count", "行政拘留记录"),
    "criminal": _per_record("criminal_count", "一般刑事犯罪记录"),
    "veto_family_planning": _veto(
        "family_planning_violation", "有违反计划生育政策规定的行为记录", "veto_family_planning"
    ),
    "veto_serious_crime": _veto(
        "serious_criminal_record", "有严重刑事犯罪记录", "veto_serious_crime"
    ),
}
