"""A readable plain-text breakdown of a result (for the command line)."""

from __future__ import annotations

import unicodedata

GROUPS = {"basic": "基础指标", "bonus": "加分指标", "deduction": "减分指标", "veto": "一票否决指标"}
KINDS = {"condition": "请核实", "interpretation": "本站理解", "eligibility": "申请资格"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def format_result(result: dict) -> str:
    """The result as text: every line with its points and explanation, then the total."""
    edition = result["edition"]
    out = [
        f"上海市居住证积分 · 《{edition['document']}》（{edition['number']}，"
        f"{edition['effective_from']} 至 {edition['effective_until']}）"
        f" · 计算日期 {result['date']}",
        "",
    ]
    for group, title in GROUPS.items():
        lines = [line for line in result["lines"] if line["group"] == group]
        shown = [line for line in lines if line["points"] or group in ("basic", "veto")
                 or not line["counted"]]
        if not shown:
            continue
        out.append(title)
        for line in shown:
            out.append(f"  {_pad(line['label'], 34)} {line['points']:>5}  {line['explanation']}")
        out.append("")
    status = "已达到" if result["reaches_threshold"] else "未达到"
    out.append(f"总分 {result['total']} / 标准分值 {result['threshold']}：{status}标准分值"
               + ("" if result["reaches_threshold"] or result["vetoed"]
                  else f"，还差 {result['gap']} 分"))
    if result["vetoed"]:
        out.append("一票否决：" + "；".join(result["veto_reasons"]) + "。无法申请积分。")
    if result["warnings"]:
        out.append("")
        for warning in result["warnings"]:
            out.append(f"【{KINDS[warning['kind']]}】{warning['text']}")
    return "\n".join(out)
