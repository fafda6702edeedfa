"""`python -m scoring plan [FILE|-] [--date YYYY-MM] [--json]`: the path to the standard score
for a profile given as JSON, as readable Chinese text (or the plan JSON). Reached through
`python -m scoring` (scoring/cli.py), which imports this module only for `plan`."""

from __future__ import annotations

import argparse
import json
import sys

from ..cli_input import run_on_profile


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scoring plan",
        description="Plan the path to the standard score (120) for a profile (JSON).",
    )
    parser.add_argument("file", nargs="?", default="-", help="profile JSON file, or - for stdin")
    parser.add_argument("--date", help="start month, YYYY-MM (default: this month)")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    return parser


def _month(text: str) -> str:
    """YYYY-MM as 2028 年 3 月."""
    year, month = text.split("-")
    return f"{int(year)} 年 {int(month)} 月"


def format_plan(plan: dict) -> str:
    """The plan as text: the summary, the no-change projection, the options (or the risks),
    and the assumptions."""
    out = [f"上海市居住证积分 · 积分方案 · 起始月份 {_month(plan['start'])}", "", plan["summary"]]
    no_change = plan["no_change"]
    if no_change:
        out += ["", "按现状推算（每一行是总分变化的月份）"]
        for row in no_change["timeline"]:
            changes = "，".join(f"{c['label']} {c['points']:+d} 分" for c in row["changes"])
            mark = "  ✓" if row["reaches_threshold"] else ""
            out.append(f"  {row['month']}  {row['total']:>4} 分{mark}  {changes}".rstrip())
    groups = (
        (False, f"可选做法（只需时间；按达到 {plan['threshold']} 分的早晚、再按所需付出排序）"),
        (True, "如果取得……（取得所需的时间因人而异，下面的时间从取得之月算起）"),
    )
    for obtains, heading in groups:
        options = [o for o in plan["options"] if o["obtain_time_not_counted"] is obtains]
        if not options:
            continue
        out += ["", heading]
        for number, option in enumerate(options, 1):
            out.append(f"  {number}. {option['title']}（{option['gain']:+d} 分）")
            out.append(f"     {option['summary']}")
            out.append(f"     {option['detail']}")
            if option["links"]:
                links = "；".join(f"{link['label']} {link['href']}" for link in option["links"])
                out.append(f"     参阅：{links}")
    if plan["risks"]:
        out += ["", "需要留意"]
        out += [f"  · {risk['detail']}" for risk in plan["risks"]]
    if plan["assumptions"]:
        out += ["", "推算假设"]
        out += [f"  · {item['text']}" for item in plan["assumptions"]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    from . import plan

    result = run_on_profile(args.file, lambda profile: plan(profile, args.date))
    if isinstance(result, int):
        return result
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(format_plan(result))
    return 0
