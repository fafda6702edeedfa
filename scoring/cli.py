"""`python -m scoring`: score a profile given as JSON and print the breakdown."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TypeVar

from .errors import ScoringError

T = TypeVar("T")


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


def _read(path: str):
    if path == "-":
        return json.loads(sys.stdin.read())
    with open(path, encoding="utf-8") as handle:
        return json.loads(handle.read())


def run_on_profile(path: str, compute: Callable[[object], T]) -> T | int:
    """Read the profile JSON at `path` (- for stdin) and apply `compute` to it.

    Returns compute's value, or exit status 2 after printing a message naming the problem
    (unreadable file, invalid JSON, or the field the rules reject) on stderr.
    """
    try:
        return compute(_read(path))
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror}", file=sys.stderr)
    except json.JSONDecodeError as error:
        print(f"error: 输入不是有效的 JSON / input is not valid JSON: {error}", file=sys.stderr)
    except ScoringError as error:
        print(f"error: {error}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "plan":
        from .plan_cli import main as plan_main

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
