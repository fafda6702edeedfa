"""Strict, typed reading of one TOML table (catalogue metadata, an entry, front matter).

TOML gives us types, but not which keys are allowed or required. `Fields` checks a
table against a closed key set and reads each value with its expected type, raising a
`BuildError` that names the file, the entry and the (dotted) field on the first problem.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from .errors import BuildError

# Stable ASCII slugs: lower-case words joined by single hyphens. They become URLs.
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Fields:
    """A validating reader over one table of parsed TOML."""

    def __init__(
        self,
        table: Any,
        *,
        file: str,
        entry: str | None = None,
        prefix: str = "",
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> None:
        self.file = file
        self.entry = entry
        self.prefix = prefix
        if not isinstance(table, dict):
            raise self.error(f"expected a table, found {_kind(table)}", field=prefix.rstrip("."))
        self.table = table
        allowed = set(required) | set(optional)
        for key in sorted(table):
            if key not in allowed:
                raise self.error(
                    f"unknown key (allowed: {', '.join(sorted(allowed))})", field=key
                )
        for key in required:
            if key not in table:
                raise self.error("required field is missing", field=key)

    def error(self, message: str, *, field: str | None) -> BuildError:
        """A `BuildError` located at `field` of this table."""
        if field is not None and self.prefix and not field.startswith(self.prefix):
            field = self.prefix + field
        return BuildError(message, file=self.file, entry=self.entry, field=field or None)

    def _get(self, key: str, kinds: tuple[type, ...], kind_name: str) -> Any:
        value = self.table.get(key)
        if value is None:
            return None
        # bool is an int in Python; TOML keeps them apart and so do we.
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            raise self.error(f"expected {kind_name}, found {_kind(value)}", field=key)
        return value

    def text(self, key: str) -> str | None:
        """A non-blank string (surrounding whitespace removed), or None when absent."""
        value = self._get(key, (str,), "a string")
        if value is None:
            return None
        if not value.strip():
            raise self.error("must not be empty", field=key)
        return value.strip()

    def slug(self, key: str) -> str | None:
        """A stable ASCII id such as ``registered-fire-engineer-1``."""
        value = self._get(key, (str,), "a string")
        if value is not None and not SLUG_RE.match(value):
            raise self.error(
                f"{value!r} is not a valid id (lower-case ASCII letters and digits, "
                "words joined by single hyphens)",
                field=key,
            )
        return value

    def integer(self, key: str, *, minimum: int | None = None) -> int | None:
        """An integer (not a boolean), optionally at least `minimum`."""
        value = self._get(key, (int,), "an integer")
        if value is not None and minimum is not None and value < minimum:
            raise self.error(f"must be at least {minimum}, found {value}", field=key)
        return value

    def date(self, key: str) -> datetime.date | None:
        """A TOML local date such as ``2026-11-21`` (not a date-time)."""
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise self.error(
                f"expected a date such as 2026-11-21 (no quotes), found {_kind(value)}",
                field=key,
            )
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        """A list of non-blank, distinct strings; absent means empty."""
        value = self._get(key, (list,), "a list of strings")
        if value is None:
            return ()
        items: list[str] = []
        for index, item in enumerate(value):
            where = f"{key}[{index}]"
            if not isinstance(item, str):
                raise self.error(f"expected a string, found {_kind(item)}", field=where)
            if not item.strip():
                raise self.error("must not be empty", field=where)
            if item.strip() in items:
                raise self.error(f"{item!r} is listed twice", field=where)
            items.append(item.strip())
        return tuple(items)

    def tables(self, key: str) -> list[dict[str, Any]]:
        """An array of tables (``[[key]]``); absent means empty."""
        value = self._get(key, (list,), "an array of tables")
        if value is None:
            return []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(f"expected a table, found {_kind(item)}", field=f"{key}[{index}]")
        return value


def _kind(value: Any) -> str:
    """How a TOML value's type is called in messages."""
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
        datetime.datetime: "a date-time",
        datetime.date: "a date",
        datetime.time: "a time",
    }
    return names.get(type(value), type(value).__name__)
