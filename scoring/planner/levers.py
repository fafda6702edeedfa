"""The changes a person can make to gain points ("levers"), and what each asks of them.

A lever is one realistic change the rules reward: meeting the base condition for a title
already held, a higher social-insurance base tier, a skill level or title, a higher education,
work matching a shortage major, Lingang work and residence, the public-service field, or a
marriage with a Shanghai-hukou spouse. Each lever says, from the rule data in force at the
start, how long the rules make the person wait before it can count, what the profile looks
like k months after the start with the change made at the start, and what it takes in plain
Chinese. Whether it adds anything is never decided here: the planner scores it.

Effort rank (how much a lever asks of the person, least first), used to rank options that
reach the standard score in the same month and documented in docs/architecture.md:
  1 keep contributing (no change at all)
  2 meet the base condition for a title or skill level already held
  3 a higher social-insurance base tier (a higher declared salary)
  4 a skill level or a professional title (two routes, same rank; lower levels first)
  5 work matching a shortage major (a job change, no new qualification)
  6 a higher education, lowest first (years of study)
  7 Lingang work and residence (moving home and job for at least the threshold years)
  8 the public-service field (a change of career for at least the threshold years)
  9 marriage with a Shanghai-hukou spouse (listed because the rules count it, never advice)
Within a family, `level` orders the choices (a higher tier or level asks more).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..parameters import rules
from ..profile import WORKING_AGE
from .projection import MONTHS_PER_YEAR, field_max

# Families in effort order; skill levels and professional titles are two routes of the same
# effort (neither is ranked above the other).
EFFORT_RANK = {
    "keep_contributing": 1,
    "title_condition": 2,
    "si_base": 3,
    "skill": 4,
    "title": 4,
    "shortage_major": 5,
    "education": 6,
    "suburb": 7,
    "public_service": 8,
    "spouse": 9,
}

# Which route each `title` value belongs to, and the catalogues listing the qualifying
# certificates (site catalogue ids; the catalogue files declare the same `title_levels`).
TITLE_ROUTES = {
    "junior": "title",
    "intermediate": "title",
    "senior": "title",
    "skill_5": "skill",
    "skill_4": "skill",
    "skill_3": "skill",
    "skill_2": "skill",
    "skill_1": "skill",
}
TITLE_CATALOGUES = {
    "intermediate": ("qualifications",),
    "skill_3": ("skills", "lingang"),
    "skill_2": ("skills", "lingang"),
    "skill_1": ("skills", "lingang"),
}
CATALOGUE_LABELS = {
    "qualifications": "职业资格目录",
    "skills": "高技能人才目录",
    "lingang": "临港新片区技能人才目录",
}
Changes = Callable[[dict, int], dict]


@dataclass(frozen=True)
class Lever:
    """One change. `changes(projected, k)` gives the keys that differ from the no-change
    projection k months after the start when the change is made at the start."""

    id: str
    family: str  # a key of EFFORT_RANK
    level: int  # order within the family: higher asks more
    slot: str  # levers sharing a slot are alternatives and never combined
    wait: int  # months the rules make the person wait before it can count
    title: str
    detail: str
    timing: str
    links: tuple[tuple[str, str], ...]
    changes: Changes
    # What the person must first obtain or arrange, when the rules set no time for it (a
    # degree, a certificate, a matching job): the earliest month then assumes it is done in
    # the start month. Empty when only the rules' own waiting time counts.
    obtain: str = ""

    @property
    def effort(self) -> int:
        return EFFORT_RANK[self.family]


def _options(key: str) -> list[dict]:
    return rules().fields_by_key[key]["options"]


def _label(key: str, value: str) -> str:
    return next(o["label"] for o in _options(key) if o["value"] == value)


def _policy_link(indicator_id: str) -> tuple[str, str]:
    indicator = rules().indicators[indicator_id]
    return f"policy/{indicator.topic}/", indicator.label


def _catalogue_link(catalogue_id: str) -> tuple[str, str]:
    return f"catalogue/{catalogue_id}/", CATALOGUE_LABELS[catalogue_id]


def _multiple(multiple: float) -> str:
    """A multiple of the city average wage in words: the wage itself for 1, else "… 的 2 倍"."""
    if multiple == 1:
        return "上年度全市职工社会平均工资"
    return f"上年度全市职工社会平均工资的 {multiple:g} 倍"


def condition_text(title_values: dict) -> str:
    """The social-insurance base condition of the higher titles and skill levels, in words."""
    cond = title_values["condition"]
    return (
        f"最近 {cond['window_months']} 个月内有 {cond['months']} 个月社保缴费基数"
        f"不低于{_multiple(cond['base_multiple'])}"
    )


def _values(indicator_id: str, start: dt.date) -> dict:
    return rules().indicators[indicator_id].at(start)


def _needs_condition(profile: dict, level: str, title_values: dict) -> bool:
    return level in title_values["conditional_levels"] and not profile["title_si_condition"]


def _title_condition(profile: dict, start: dt.date) -> list[Lever]:
    values = _values("title", start)
    level = profile["title"]
    if not _needs_condition(profile, level, values):
        return []
    months = values["condition"]["months"]
    points = values["points"][level]
    detail = (
        f"您填写的“{_label('title', level)}”可积 {points} 分，但须{condition_text(values)}；"
        f"目前未满足，该项计 0 分。今后按不低于"
        f"{_multiple(values['condition']['base_multiple'])}的基数缴纳社保，满 {months} 个月后"
        "即可计入。如果此前已有这样的月份，可能更早满足。"
    )
    return [
        Lever(
            id="title-condition",
            family="title_condition",
            level=0,
            slot="basic",
            wait=months,
            title="满足职称（技能等级）积分的社保基数条件",
            detail=detail,
            timing=f"规则要求{condition_text(values)}",
            links=(_policy_link("title"), _policy_link("si_base")),
            changes=lambda _p, k: {"title_si_condition": True} if k >= months else {},
        )
    ]


def _si_base(profile: dict, start: dt.date) -> list[Lever]:
    values = _values("si_base", start)
    title_values = _values("title", start)
    cond = title_values["condition"]
    current = next((t for t in values["tiers"] if t["id"] == profile["si_base_tier"]), None)
    current_points = current["points"] if current else 0
    condition_waiting = _needs_condition(profile, profile["title"], title_values)
    levers = []
    for level, tier in enumerate(values["tiers"]):
        if tier["points"] <= current_points:
            continue
        # Paying at least the condition's multiple every month from now also meets the title's
        # base condition once its months are reached.
        meets_condition = condition_waiting and tier["min_multiple"] >= cond["base_multiple"]
        # The top tier has no upper bound: it asks for the multiple itself.
        reach = "达到" if "below_multiple" not in tier else "不低于"
        detail = (
            f"社保缴费基数{reach}{_multiple(tier['min_multiple'])}，"
            f"在最近 {tier['window_months']} 个月中累计满 {tier['months']} 个月后，"
            f"这一项积 {tier['points']} 分（只计最高一档）。"
        )
        if current:
            detail += f"您现在的档次积 {current_points} 分。"
        if meets_condition:
            detail += (
                f"这样也满足了“{_label('title', profile['title'])}”积分的社保基数条件"
                f"（{condition_text(title_values)}）。"
            )
        detail += (
            "缴费基数须与个人所得税申报收入相对应；如果此前已有按这一基数缴纳的月份，可能更早达到。"
        )
        links = (_policy_link("si_base"),) + ((_policy_link("title"),) if meets_condition else ())

        def changes(_p: dict, k: int, tier=tier, meets_condition=meets_condition) -> dict:
            changed = {}
            if meets_condition and k >= cond["months"]:
                changed["title_si_condition"] = True
            if k >= tier["months"]:
                changed["si_base_tier"] = tier["id"]
            return changed

        levers.append(
            Lever(
                id=f"si-base-{tier['id']}",
                family="si_base",
                level=level,
                slot="si_base",
                wait=tier["months"],
                title=f"社保缴费基数{reach}社平工资的 {tier['min_multiple']:g} 倍",
                detail=detail,
                timing=(
                    f"规则要求最近 {tier['window_months']} 个月中累计 {tier['months']} 个月"
                    "达到这一基数"
                ),
                links=links,
                changes=changes,
            )
        )
    return levers


def _catalogue_sentence(catalogues: tuple[str, ...]) -> str:
    """Which list the certificate's occupation must be on. The Lingang list applies only to
    work in the Lingang new area (本站解读, see the catalogue page); it is never presented as
    a second list that applies everywhere."""
    if not catalogues:
        return ""
    names = [c for c in catalogues if c != "lingang"]
    what = "职业资格" if catalogues == ("qualifications",) else "证书所载的职业（工种）"
    text = f"{what}须列入" + "或".join(f"《{CATALOGUE_LABELS[c]}》" for c in names)
    if "lingang" in catalogues:
        text += (f"；在临港新片区工作的，也可以是《{CATALOGUE_LABELS['lingang']}》中的职业"
                 "（本站解读）")
    return text + "。"


def _titles(profile: dict, start: dt.date) -> list[Lever]:
    values = _values("title", start)
    education_points = _values("education", start)["points"][profile["education"]]
    current_points = values["points"][profile["title"]]
    cond_months = values["condition"]["months"]
    levers = []
    for level, option in enumerate(_options("title")):
        target = option["value"]
        points = values["points"][target]
        if points <= current_points or target not in TITLE_ROUTES:
            continue
        route = TITLE_ROUTES[target]
        label = option["label"]
        catalogues = TITLE_CATALOGUES.get(target, ())
        detail = f"“{label}”积 {points} 分。" + _catalogue_sentence(catalogues)
        detail += "证书须在本市工作期间取得，并与所聘岗位相符；需要注册的职业资格，注册后才能计分。"
        waiting = _needs_condition(profile, target, values)
        if target in values["conditional_levels"]:
            detail += f"以这一等级积分，还须{condition_text(values)}；"
            detail += (
                f"本方案按您取得后即按这一基数缴纳社保计算，取得后至少 {cond_months} 个月才能计入。"
                if waiting
                else "您已填写满足这一条件。"
            )
        if education_points:
            detail += "职称或技能等级与教育背景二选一，只计较高的一项。"
        detail += "取得所需的时间因人而异，方案中的时间从取得之月算起。"
        timing = f"规则要求{condition_text(values)}" if waiting else "取得后即可计入"

        def changes(_p: dict, k: int, target=target, waiting=waiting) -> dict:
            changed = {"title": target}
            if waiting and k >= cond_months:
                changed["title_si_condition"] = True
            return changed

        levers.append(
            Lever(
                id=f"title-{target.replace('_', '-')}",
                family=route,
                level=level,
                slot="basic",
                wait=cond_months if waiting else 0,
                title=f"取得{label}" + ("证书" if route == "skill" else ""),
                detail=detail,
                timing=timing,
                links=(_policy_link("title"), *(_catalogue_link(c) for c in catalogues)),
                changes=changes,
                obtain="取得这一证书" if route == "skill" else "取得这一职称或职业资格",
            )
        )
    return levers


def _education(profile: dict, start: dt.date) -> list[Lever]:
    points_of = _values("education", start)["points"]
    field = rules().fields_by_key["education"]
    title_points = _values("title", start)["points"][profile["title"]]
    levers = []
    for level, option in enumerate(field["options"]):
        target = option["value"]
        if points_of[target] <= points_of[profile["education"]]:
            continue
        detail = f"“{option['label']}”积 {points_of[target]} 分。"
        if title_points:
            detail += "教育背景与职称或技能等级二选一，只计较高的一项。"
        detail += "取得学历所需的时间因人而异，方案中的时间从取得之月算起。"
        levers.append(
            Lever(
                id=f"education-{target.replace('_', '-')}",
                family="education",
                level=level,
                slot="basic",
                wait=0,
                title=f"取得更高学历：{option['label']}",
                detail=detail,
                timing="取得后即可计入",
                links=(_policy_link("education"),),
                changes=lambda _p, _k, target=target: {"education": target},
                obtain="取得这一学历",
            )
        )
    return levers


def _shortage_major(profile: dict, start: dt.date) -> list[Lever]:
    """The shortage-major bonus, offered only at the education levels the list covers
    (rule data `education_levels`: the only source found says 大专 majors only)."""
    values = _values("shortage_major", start)
    if profile["shortage_major"] or profile["education"] not in values["education_levels"]:
        return []
    points = values["points"]
    levels = "、".join(_label("education", level) for level in values["education_levels"])
    detail = (
        f"所学专业属于本市紧缺急需专业目录、且工作岗位与所学专业一致的，积 {points} 分。"
        f"据本站找到的唯一资料，目录只包括{levels}层次的专业，专业名称和代码须与目录完全一致。"
        "本站没有收录这份目录，您的专业是否在目录内，须自行确认。"
    )
    return [
        Lever(
            id="shortage-major",
            family="shortage_major",
            level=0,
            slot="shortage_major",
            wait=0,
            title="在与所学专业一致的岗位工作（紧缺急需专业）",
            detail=detail,
            timing="专业在目录内、岗位与专业一致后即可计入",
            links=(_policy_link("shortage_major"),),
            changes=lambda _p, _k: {"shortage_major": True},
            obtain="换到与所学专业一致的岗位",
        )
    ]


# Accruing situations a person can start now: (profile key, indicator id, title, what it is).
_ACCRUING = (
    ("suburb_years", "suburb", "到临港地区工作并居住（远郊重点区域）",
     "在本市重点发展的远郊区域（目前为临港地区）工作并居住，"),
    ("public_service_years", "public_service", "到特定的公共服务领域（如环卫）就业",
     "在本市特定的公共服务领域就业，"),
    ("spouse_hukou_years", "spouse", "配偶为本市户籍人员",
     "配偶为本市户籍人员的，结婚"),
)


def _accruing(profile: dict, start: dt.date) -> list[Lever]:
    levers = []
    for key, indicator_id, title, what in _ACCRUING:
        if profile[key] > 0:
            continue  # already under way: the no-change projection counts its years
        v = _values(indicator_id, start)
        threshold = v.get("threshold_units", 0)
        wait = max(threshold, 1) * v["unit_size"] * MONTHS_PER_YEAR
        detail = f"{what}每满 {v['unit_size']} 年积 {v['points_per_unit']} 分"
        if threshold:
            detail += (
                f"，满 {threshold} 年后开始计入（本站理解为满 {threshold} 年时此前各年一并计入，"
                f"即 {threshold * v['points_per_unit']} 分）"
            )
        if "cap" in v:
            detail += f"，最高 {v['cap']} 分。"
        else:
            detail += "；本站没有找到本项的上限。"
        if indicator_id == "suburb":
            detail += "工作和居住两个条件须同时满足。"
        elif indicator_id == "public_service":
            detail += "哪些领域属于本项，请通过用人单位向受理机构确认。"
        else:
            detail += "这是规则中的一项加分，列出仅供了解。"
        timing = (
            f"规则要求满 {threshold} 年后开始计入" if threshold
            else f"规则按满 {v['unit_size']} 年计分"
        )

        def changes(p: dict, k: int, key=key) -> dict:
            years = min(k // MONTHS_PER_YEAR, field_max(key), max(0, p["age"] - WORKING_AGE))
            return {key: years}

        levers.append(
            Lever(
                id=indicator_id.replace("_", "-"),
                family=indicator_id,
                level=0,
                slot=indicator_id,
                wait=wait,
                title=title,
                detail=detail,
                timing=timing,
                links=(_policy_link(indicator_id),),
                changes=changes,
            )
        )
    return levers


def candidate_levers(profile: dict, start: dt.date) -> list[Lever]:
    """Every change that could raise this (validated) profile's points, before scoring."""
    return [
        *_title_condition(profile, start),
        *_si_base(profile, start),
        *_titles(profile, start),
        *_shortage_major(profile, start),
        *_education(profile, start),
        *_accruing(profile, start),
    ]
