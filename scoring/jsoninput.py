"""Reading JSON that people and JavaScript send: one strict reader for every entry point.

`loads` is what the score CLI, the plan CLI (through `cli_input.run_on_profile`) and the bridge
use, so all three accept and refuse exactly the same documents. Anything it refuses raises
`InputError` (a `ScoringError`), whose bilingual message names the problem:

- bytes that are not UTF-8 (a leading byte-order mark is allowed and dropped);
- more than `MAX_CHARS` characters (a profile is a few hundred);
- arrays and objects nested deeper than `MAX_DEPTH` — checked before parsing by a cheap
  pure-Python scan, because the standard parser recurses and deep input would raise
  `RecursionError` in CPython and overflow the WebAssembly stack in Pyodide;
- integers longer than `MAX_INT_DIGITS` digits (Python refuses to convert more than 4,300
  and no field needs more than a few);
- `NaN`, `Infinity` and `-Infinity`, which are not JSON;
- the same key twice in one object (``{"age": 99, "age": 30}``): which one is meant is
  ambiguous, and ambiguity is how input gets smuggled past validation.

`printable` escapes control and formatting characters (and cuts long text), so that input
echoed in a message can never drive a terminal or reorder text.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from typing import Any

from .errors import ScoringError

MAX_CHARS = 1_000_000
MAX_DEPTH = 64
MAX_INT_DIGITS = 30

# JSON strings (which may hold brackets) and the brackets outside them.
_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET_RE = re.compile(r"[\[\]{}]")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


class InputError(ScoringError):
    """The input is not a JSON document this package accepts (see module docstring)."""


def printable(text: object, limit: int = 40) -> str:
    """`text` with control, formatting and surrogate characters escaped, cut to `limit`."""
    out = []
    for char in str(text):
        if unicodedata.category(char) in _UNSAFE_CATEGORIES:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    shown = "".join(out)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def decode(data: bytes) -> str:
    """UTF-8 bytes as text (a leading byte-order mark dropped), or `InputError`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            None,
            f"输入不是 UTF-8 编码的文本（第 {error.start + 1} 个字节无法解码）；"
            "请以 UTF-8 编码保存文件",
            f"the input is not UTF-8 text (byte {error.start + 1} cannot be decoded); "
            "save the file as UTF-8",
        ) from None


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Raise `InputError` if arrays/objects in `text` nest deeper than `limit`."""
    depth = 0
    outside_strings = _STRING_RE.sub("", text)
    for match in _BRACKET_RE.finditer(outside_strings):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                raise InputError(
                    None,
                    f"输入的数组或对象嵌套超过 {limit} 层",
                    f"arrays or objects are nested more than {limit} levels deep",
                )
        else:
            depth -= 1


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise InputError(
            None,
            f"输入中的整数超过 {MAX_INT_DIGITS} 位",
            f"an integer in the input has more than {MAX_INT_DIGITS} digits",
        )
    return int(digits)


def _constant(name: str) -> Any:
    raise InputError(
        None,
        f"{name} 不是有效的 JSON 数值",
        f"{name} is not a valid JSON number",
    )


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            shown = printable(key)
            raise InputError(
                shown,
                f"键“{shown}”出现了两次；每个键只能出现一次",
                f"the key {shown!r} appears twice; each key may appear only once",
            )
        obj[key] = value
    return obj


def loads(data: str | bytes) -> Any:
    """Parse one JSON document strictly (see module docstring), or raise `InputError`."""
    text = decode(data) if isinstance(data, (bytes, bytearray)) else data
    if not isinstance(text, str):
        raise InputError(None, "输入应为 JSON 文本", "the input must be JSON text")
    if len(text) > MAX_CHARS:
        raise InputError(
            None,
            f"输入过长（超过 {MAX_CHARS} 个字符）",
            f"the input is too long (more than {MAX_CHARS} characters)",
        )
    check_depth(text)
    try:
        return json.loads(
            text, object_pairs_hook=_object, parse_int=_int, parse_constant=_constant
        )
    except InputError:  # from the hooks above (it is a ValueError too)
        raise
    except json.JSONDecodeError as error:
        raise InputError(
            None,
            f"输入不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列，{error.msg}",
            f"input is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
        ) from None
    except (ValueError, RecursionError) as error:  # a safety net: the checks above come first
        raise InputError(
            None, "输入无法解析为 JSON", f"input could not be parsed: {printable(error, 80)}"
        ) from None


def read(path: str) -> Any:
    """Parse the JSON file at `path` (``-`` for standard input), reading at most what `loads`
    accepts; `OSError` when the file cannot be read, `InputError` for its content."""
    if path == "-":
        stdin = getattr(sys.stdin, "buffer", sys.stdin)  # a text stream when replaced in tests
        data = stdin.read(MAX_CHARS * 4 + 1)
    else:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CHARS * 4 + 1)
    if len(data) > MAX_CHARS * 4:
        raise InputError(
            None,
            f"输入过长（超过 {MAX_CHARS} 个字符）",
            f"the input is too long (more than {MAX_CHARS} characters)",
        )
    return loads(data)
