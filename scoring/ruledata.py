"""Strict reading of the rule data files in `scoring/rules/`, with the catalogue's strictness.

Each loader in `parameters.py` reads a file's tables through `Table`, which checks the type
of every key the loader reads and raises `RulesError` naming the file, the entry and the key
on the first problem (a syntax error names the line). A table is *closed* (unknown keys are
an error) where one loader owns the whole schema, and *open* where other parts of the project
add keys of their own; either way a key is declared where it is read, with its type:

    table.text("label")                 # required string
    table.text("note", required=False)  # optional string ("" when absent)
    table.number("max")                 # int or float, never a boolean

Standard library only: this runs in Pyodide too.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from typing import Any

from .errors import RulesError

FOLDER = "scoring/rules"

_KINDS = {
    bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
    dict: "a table", dt.datetime: "a date-time", dt.date: "a date", dt.time: "a time",
}


def kind(value: Any) -> str:
    """How a TOML value's type is called in messages."""
    return _KINDS.get(type(value), type(value).__name__)


def parse(name: str, data: bytes) -> dict[str, Any]:
    """Parse rule file `name` (e.g. ``fields.toml``); a syntax error names file and line."""
    shown = f"{FOLDER}/{name}"
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise RulesError(f"not valid UTF-8: {error}", file=shown) from None
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"not valid TOML: {error}", file=shown) from None


class Table:
    """A validating reader over one table of a rule file (see module docstring)."""

    def __init__(
        self,
        value: Any,
        *,
        file: str,
        entry: str | None = None,
        closed: Iterable[str] | None = None,
    ) -> None:
        self.file = f"{FOLDER}/{file}"
        self.entry = entry
        if not isinstance(value, dict):
            raise RulesError(f"expected a table, found {kind(value)}",
                             file=self.file, entry=entry)
        self.table = value
        if closed is not None:
            allowed = set(closed)
            for key in sorted(value):
                if key not in allowed:
                    raise self.error(f"unknown key (allowed: {', '.join(sorted(allowed))})", key)

    def error(self, message: str, field: str | None = None) -> RulesError:
        return RulesError(message, file=self.file, entry=self.entry, field=field)

    def get(self, key: str, types: tuple[type, ...], what: str, required: bool) -> Any:
        if key not in self.table:
            if required:
                raise self.error("required key is missing", key)
            return None
        value = self.table[key]
        # bool is an int in Python; TOML keeps them apart and so do we. So are dates and
        # date-times.
        wrong = (isinstance(value, bool) and bool not in types) or (
            isinstance(value, dt.datetime) and dt.datetime not in types
        )
        if wrong or not isinstance(value, types):
            raise self.error(f"expected {what}, found {kind(value)} {value!r:.40}", key)
        return value

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.get(key, (str,), "a string", required)
        if value is not None and not value.strip():
            raise self.error("must not be empty", key)
        return "" if value is None else value

    def number(self, key: str, *, required: bool = True) -> int | float | None:
        return self.get(key, (int, float), "a number", required)

    def integer(self, key: str, *, required: bool = True) -> int | None:
        return self.get(key, (int,), "an integer", required)

    def boolean(self, key: str, *, required: bool = True) -> bool | None:
        return self.get(key, (bool,), "true or false", required)

    def date(self, key: str, *, required: bool = True) -> dt.date | None:
        return self.get(key, (dt.date,), "a date such as 2023-01-01 (no quotes)", required)

    def subtable(self, key: str, *, required: bool = True) -> dict[str, Any] | None:
        return self.get(key, (dict,), "a table", required)

    def tables(self, key: str, *, required: bool = True) -> list[dict[str, Any]]:
        """An array of tables (``[[key]]``)."""
        value = self.get(key, (list,), "an array of tables", required) or []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(f"expected a table, found {kind(item)}", f"{key}[{index}]")
        return value


def label(kind_name: str, index: int, table: Any, id_key: str = "id") -> str:
    """How messages name the `index`-th table of an array, with its id when it has one."""
    shown = f"{kind_name}[{index}]"
    if isinstance(table, dict) and isinstance(table.get(id_key), str):
        shown += f' ({id_key} "{table[id_key]}")'
    return shown
