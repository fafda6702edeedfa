"""Reading a profile for the command lines (`python -m scoring`, `python -m scoring plan`):
one place that turns an unreadable file, invalid JSON or a rejected field into exit status 2
with a message naming the problem. Both command lines import it; neither imports the other."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TypeVar

from .errors import ScoringError

T = TypeVar("T")


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
