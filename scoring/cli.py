"""`python -m scoring`: score a profile given as JSON and print the breakdown."""

from __future__ import annotations

import argparse
import json
import sys

from .cli_input import run_on_profile


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scoring",
        description="Score a Shanghai residence-permit points profile (JSON).",
    )
    parser.add_argument("file", nargs="?", default="-", help="profile JSON file, or - for stdin")
    parser.add_argument("--date", help="scoring date, YYYY-MM-DD (default: today)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the result as JSON")
    output.add_argument("--schema", action="store_true", help="print the profile's JSON Schema")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "plan":
        from .planner.cli import main as plan_main

        return plan_main(argv[1:])
    args = _parser().parse_args(argv)
    from . import profile_json_schema, score
    from .report import format_result

    if args.schema:
        print(json.dumps(profile_json_schema(), ensure_ascii=False, indent=2))
        return 0
    result = run_on_profile(args.file, lambda profile: score(profile, args.date))
    if isinstance(result, int):
        return result
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_result(result.to_dict()))
    return 0
