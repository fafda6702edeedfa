"""A fixed stand-in for the scoring package, so fixture-site output never changes.

The golden files test the builder, not the rules: with these figures frozen, a change in
the real rules (which the real-site tests cover) does not touch the fixture's pages.
"""

from __future__ import annotations

from site_builder.rules import LineOutcome, TitleWorth

TITLE_POINTS = {"none": 0, "intermediate": 100, "skill_3": 60, "skill_2": 100}
CONDITIONAL = {"intermediate", "skill_2"}
TITLE_LABELS = {
    "none": "无",
    "intermediate": "中级职称，或相当于中级职称的职业资格",
    "skill_3": "技能三级（高级工）",
    "skill_2": "技能二级（技师）",
}
REFERENCE = "《测试办法》第六条 · 专业技术职称和技能等级"


class FakeRules:
    """Implements `site_builder.rules.Rules` with fixed figures."""

    def edition(self) -> dict[str, str]:
        return {
            "id": "2023",
            "document": "上海市居住证积分管理办法",
            "number": "沪府规〔2022〕21号",
            "effective_from": "2023-01-01",
            "effective_until": "2027-12-31",
        }

    def threshold(self) -> int:
        return 120

    def indicator_ids(self) -> tuple[str, ...]:
        return ("age", "education", "title")

    def indicator_table(self, indicator_id: str) -> dict:
        if indicator_id == "age":
            rows = [["43 周岁及以下", "30"], ["44 周岁", "29"], ["<script>alert(1)</script>", "0"]]
            return {"id": "age", "label": "年龄", "unit": "分", "reference": "《测试办法》第六条",
                    "columns": ["条件", "积分"], "rows": rows, "notes": ["按周岁计算。"]}
        rows = [[TITLE_LABELS[value], str(points)] for value, points in TITLE_POINTS.items()]
        return {"id": indicator_id, "label": "专业技术职称和技能等级", "unit": "分",
                "reference": REFERENCE, "columns": ["等级", "积分"], "rows": rows, "notes": []}

    def interpretations(self) -> list[dict[str, str]]:
        return [{"id": "over-60", "text": "60 周岁以上按 0 分计。"}]

    def documents(self) -> list[dict]:
        item = {"who": "employer", "text": "<b>单位</b>材料。", "source": "《测试办法》",
                "confidence": "medium"}
        return [{"indicator": "application", "label": "申请本身", "items": [item]}]

    def title_options(self) -> dict[str, str]:
        return dict(TITLE_LABELS)

    def title_worth(self, value: str) -> TitleWorth:
        points = TITLE_POINTS[value]
        conditional = value in CONDITIONAL
        met = LineOutcome(points, f"{TITLE_LABELS[value]}：积 {points} 分", REFERENCE)
        unmet = met if not conditional else LineOutcome(
            0, f"{TITLE_LABELS[value]}：本可积 {points} 分，但未满足社保基数条件，计 0 分",
            REFERENCE,
        )
        return TitleWorth(value=value, label=TITLE_LABELS[value], met=met, unmet=unmet)
