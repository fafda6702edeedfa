"""Rule data as tables for people: the explainer pages show these, so the explainers and the
calculator can never disagree."""

from __future__ import annotations

import datetime as dt

from .engine import parse_date
from .errors import EditionError, RulesError
from .indicators import age_band_label
from .parameters import rules


def _option_label(key: str, value: str) -> str:
    return rules().option_labels[key][value]


def _points(value: int) -> str:
    return str(value)


def _lookup_rows(field_key: str, points: dict) -> list[list[str]]:
    return [[_option_label(field_key, value), _points(p)] for value, p in points.items()]


def _rows(
    indicator_id: str, kind: str, unit: str, v: dict
) -> tuple[list[str], list, list[str]]:
    """Columns, rows and extra notes for one indicator's values, by the kind of rule."""
    if kind == "step":
        bands = v["bands"]
        rows, notes = [], []
        for i, band in enumerate(bands):
            label = age_band_label(bands, i)
            if "interpretation" in band:  # a band the rules do not set: this site's reading
                label += "（本站解读）"
                notes.append("本站解读：" + rules().interpretations[band["interpretation"]])
            rows.append([label, _points(band["points"])])
        return ["年龄", "积分"], rows, notes
    if kind == "lookup" and "conditional_levels" not in v:
        rows = _lookup_rows(indicator_id, {k: p for k, p in v["points"].items() if k != "none"})
        return ["条件", "积分"], rows, []
    if kind == "lookup":
        rows = [
            [_option_label(indicator_id, level) + ("（须满足社保基数条件）"
             if level in v["conditional_levels"] else ""), _points(p)]
            for level, p in v["points"].items()
            if level != "none"
        ]
        c = v["condition"]
        note = (f"带“须满足社保基数条件”的等级：最近 {c['window_months']} 个月内有 {c['months']} "
                f"个月社保缴费基数不低于上年度全市职工社会平均工资的 {c['base_multiple']} 倍，"
                "否则计 0 分。")
        return ["职称或技能等级", "积分"], rows, [note]
    if kind == "tiers":
        rows = [[_option_label("si_base_tier", t["id"]), _points(t["points"])] for t in v["tiers"]]
        return ["缴费基数（相对上年度全市职工社会平均工资）", "积分"], rows, []
    if kind == "per_unit_either":
        rows = [
            [f"年均纳税每满 {v['tax_unit_cny'] // 10000} 万元", _points(v["points_per_unit"])],
            [f"年均聘用本市户籍人员每满 {v['hires_unit']} 人", _points(v["points_per_unit"])],
            ["上限（两项取较高者）", _points(v["cap"])],
        ]
        return ["条件", "积分"], rows, [f"按最近连续 {v['years_averaged']} 年的年平均值计算。"]
    if kind == "per_unit":
        unit = "满 12 个月" if v["unit_size"] == 12 else "满 1 年"
        rows = [[f"每{unit}", _points(v["points_per_unit"])]]
        if v.get("threshold_units"):
            rows.append(["开始计入", f"满 {v['threshold_units']} 年后（此前计 0 分）"])
        rows.append(["上限", _points(v["cap"]) if "cap" in v else "未规定"])
        return ["条件", "积分"], rows, []
    if kind == "per_record":
        # The unit says what is counted: "分/次" (each time) or "分/条" (each record).
        counted = unit.rsplit("/", 1)[-1]
        rows = [[f"{v['within_years']} 年内每{counted}", _points(v["points_per_record"])]]
        return ["条件", "积分"], rows, []
    if kind == "veto":
        return ["条件", "后果"], [["有此记录", "取消申请积分资格"]], []
    if kind == "flag":
        return ["条件", "积分"], [["符合条件", _points(v["points"])]], []
    raise RulesError(f"indicator {indicator_id}: no table layout for kind {kind!r}")


def indicator_table(indicator_id: str, on: dt.date | str | None = None) -> dict:
    """One indicator's rule as a table: columns, rows of strings, reference and notes."""
    data = rules()
    if indicator_id not in data.indicators:
        raise EditionError(
            "indicator",
            f"没有名为 {indicator_id!r} 的指标",
            f"no indicator named {indicator_id!r}; known: {', '.join(data.indicators)}",
        )
    date = parse_date(on)
    edition, _ = data.edition_on(date)
    indicator = data.indicators[indicator_id]
    columns, rows, notes = _rows(indicator_id, indicator.kind, indicator.unit, indicator.at(date))
    return {
        "id": indicator_id,
        "label": indicator.label,
        "unit": indicator.unit,
        "reference": f"{edition.citation}{indicator.article}",
        "columns": columns,
        "rows": rows,
        "notes": ([indicator.note] if indicator.note else []) + notes,
    }


def interpretations() -> list[dict]:
    """The readings this site applies where the rules are ambiguous."""
    return [{"id": key, "text": text} for key, text in rules().interpretations.items()]
