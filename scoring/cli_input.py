"""Reading a profile for the command lines (`python -m scoring`, `python -m scoring plan`):
one place that turns an unreadable file, input `jsoninput.loads` refuses (the one strict JSON
reader, shared with the bridge) or a rejected field into exit status 2 with a message naming
the problem, control characters escaped. Both command lines import it; neither imports the
other."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from . import jsoninput
from .errors import ScoringError
from .jsoninput import printable

T = TypeVar("T")


def run_on_profile(path: str, compute: Callable[[object], T]) -> T | int:
    """Read the profile JSON at `path` (- for stdin) and apply `compute` to it.

    Returns compute's value, or exit status 2 after printing a message naming the problem
    (unreadable file, input `jsoninput.loads` refuses, or the field the rules reject) on
    stderr, with any control characters escaped.
    """
    try:
        return compute(jsoninput.read(path))
    except OSError as error:
        reason = error.strerror or type(error).__name__
        print(f"error: cannot read {printable(path, 200)}: {reason}", file=sys.stderr)
    except ScoringError as error:
        print(f"error: {printable(error, 2000)}", file=sys.stderr)
    return 2
