"""Rule data: editions, indicator parameters with dated values, interpretations, fields.

Everything is read from the TOML files in `scoring/rules/` with the standard library, once
per process (`rules()`; `load_rules()` reads afresh, for the site builder), checked as it is
read (`ruledata.Table`: every key the loader reads has its type checked; a problem raises
`RulesError` naming file, entry and key), and looked up by date: the value in force on a date
is the one with the latest effective date on or before it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from .errors import EditionError, RulesError
from .ruledata import FOLDER, Table, label, parse


def rules_folder() -> Traversable:
    """Where the rule files are: the package's `rules/` folder (tests point it elsewhere)."""
    return resources.files("scoring").joinpath("rules")


def _read(name: str) -> dict:
    try:
        data = rules_folder().joinpath(name).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise RulesError(f"cannot read the rule file: {reason}", file=f"{FOLDER}/{name}") from None
    return parse(name, data)


@dataclass(frozen=True)
class Edition:
    """One edition of the governing document and the dates it is in force."""

    id: str
    document: str
    number: str
    effective_from: dt.date
    effective_until: dt.date

    @property
    def citation(self) -> str:
        return f"《{self.document}》（{self.number}）"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "document": self.document,
            "number": self.number,
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until.isoformat(),
        }


@dataclass(frozen=True)
class Indicator:
    """An indicator's description and its values keyed by effective date."""

    id: str
    label: str
    group: str
    topic: str
    article: str
    unit: str
    kind: str
    note: str
    values: tuple[tuple[dt.date, dict], ...]

    def at(self, on: dt.date) -> dict:
        """The parameter values in force on `on`."""
        current = None
        for since, value in self.values:
            if since <= on:
                current = value
        if current is None:
            first = self.values[0][0].isoformat()
            raise EditionError(
                "date",
                f"{on.isoformat()} 早于本站规则数据的起始日期 {first}",
                f"{on.isoformat()} is before the first rules date {first}",
            )
        return current


@dataclass(frozen=True)
class Rules:
    editions: tuple[Edition, ...]
    indicators: dict[str, Indicator]
    standard: Indicator
    interpretations: dict[str, str]
    fields: tuple[dict, ...]

    # Looked up on every score (and the planner scores a profile many times), so derive
    # these once from the immutable field list instead of scanning it at each call.
    @functools.cached_property
    def fields_by_key(self) -> dict[str, dict]:
        return {field["key"]: field for field in self.fields}

    @functools.cached_property
    def option_labels(self) -> dict[str, dict[str, str]]:
        """For each choice field, its values' Chinese labels."""
        return {
            field["key"]: {option["value"]: option["label"] for option in field["options"]}
            for field in self.fields
            if field["type"] == "choice"
        }

    def edition_on(self, on: dt.date) -> tuple[Edition, bool]:
        """The edition in force on `on`, and whether `on` is after its end (then the last
        known edition is assumed to continue, shown to the user as an interpretation)."""
        first = self.editions[0]
        if on < first.effective_from:
            raise EditionError(
                "date",
                f"{on.isoformat()} 早于 {first.citation}的施行日期 {first.effective_from}，"
                "此前的规则不在本站计算范围内",
                f"{on.isoformat()} is before the first supported edition "
                f"({first.effective_from}); earlier rules are not modelled",
            )
        for edition in self.editions:
            if edition.effective_from <= on <= edition.effective_until:
                return edition, False
        return self.editions[-1], True


def _dated_values(table: Table) -> tuple[tuple[dt.date, dict], ...]:
    raw = table.subtable("values")
    values = []
    for key, value in raw.items():
        try:
            since = dt.date.fromisoformat(key)
        except ValueError:
            raise table.error("keys must be effective dates such as \"2018-01-01\"",
                              f"values.{key}") from None
        if not isinstance(value, dict):
            raise table.error(f"expected a table of parameter values, found {type(value).__name__}",
                              f"values.{key}")
        values.append((since, value))
    if not values:
        raise table.error("no dated values", "values")
    return tuple(sorted(values, key=lambda item: item[0]))


# Keys of an indicator's header that the loader reads. The table is open: other keys may be
# added (read them where they are used, with their types checked there).
def _indicator(name: str, raw: Any) -> Indicator:
    table = Table(raw, file="indicators.toml", entry=f"[{name}]")
    return Indicator(
        id=name,
        label=table.text("label"),
        group=table.text("group", required=False),
        topic=table.text("topic", required=False),
        article=table.text("article"),
        unit=table.text("unit"),
        kind=table.text("kind", required=False),
        note=table.text("note", required=False),
        values=_dated_values(table),
    )


EDITION_KEYS = ("id", "document", "number", "effective_from", "effective_until")


def _editions(raw: dict) -> tuple[Edition, ...]:
    top = Table(raw, file="editions.toml", closed=("editions",))
    editions = []
    for index, item in enumerate(top.tables("editions")):
        table = Table(item, file="editions.toml", entry=label("editions", index, item),
                      closed=EDITION_KEYS)
        edition = Edition(
            id=table.text("id"),
            document=table.text("document"),
            number=table.text("number"),
            effective_from=table.date("effective_from"),
            effective_until=table.date("effective_until"),
        )
        if edition.effective_until < edition.effective_from:
            raise table.error("ends before it starts", "effective_until")
        editions.append(edition)
    if not editions:
        raise top.error("at least one edition is needed", "editions")
    for earlier, later in zip(editions, editions[1:], strict=False):
        if later.effective_from <= earlier.effective_until:
            raise RulesError(f"editions {earlier.id} and {later.id} overlap (list them in order, "
                             "without overlapping dates)", file=f"{FOLDER}/editions.toml")
    return tuple(editions)


FIELD_TYPES = ("integer", "number", "boolean", "choice")


def _field(index: int, raw: Any, seen: set[str]) -> dict:
    """Check one `[[fields]]` table: the keys the engine and the form read, with their types.
    The table is open (fields.toml may carry more keys for the form)."""
    table = Table(raw, file="fields.toml", entry=label("fields", index, raw, "key"))
    key = table.text("key")
    if key in seen:
        raise table.error(f"key {key!r} is used by an earlier field", "key")
    seen.add(key)
    kind = table.text("type")
    if kind not in FIELD_TYPES:
        raise table.error(f"{kind!r} is not a field type (known: {', '.join(FIELD_TYPES)})",
                          "type")
    table.text("group")
    table.text("label")
    table.text("help", required=False)
    required = table.boolean("required", required=False)
    if kind in ("integer", "number"):
        number = table.integer if kind == "integer" else table.number
        low, high = number("min", required=False), number("max")
        if low is not None and low > high:
            raise table.error(f"min {low} is above max {high}", "min")
    if kind == "choice":
        options = table.tables("options")
        if not options:
            raise table.error("a choice needs at least one option", "options")
        for position, option in enumerate(options):
            entry = Table(option, file="fields.toml",
                          entry=f"{table.entry}: options[{position}]")
            entry.text("value")
            entry.text("label")
    if not required:
        default = {
            "integer": table.integer, "number": table.number, "boolean": table.boolean,
            "choice": table.text,
        }[kind]("default")
        if kind == "choice" and default not in {o["value"] for o in table.table["options"]}:
            raise table.error(f"default {default!r} is not one of the options", "default")
    return raw


def _fields(raw: dict) -> tuple[dict, ...]:
    top = Table(raw, file="fields.toml")
    seen: set[str] = set()
    return tuple(_field(index, item, seen) for index, item in enumerate(top.tables("fields")))


def _interpretations(raw: dict) -> dict[str, str]:
    top = Table(raw, file="interpretations.toml")
    out: dict[str, str] = {}
    for index, item in enumerate(top.tables("interpretations")):
        table = Table(item, file="interpretations.toml",
                      entry=label("interpretations", index, item))
        key = table.text("id")
        if key in out:
            raise table.error(f"id {key!r} is used by an earlier interpretation", "id")
        out[key] = table.text("text")
    return out


def load_rules() -> Rules:
    """Read and check all rule data from the files, afresh (see module docstring)."""
    editions = _editions(_read("editions.toml"))
    raw = Table(_read("indicators.toml"), file="indicators.toml").table
    if "standard" not in raw:
        raise RulesError("the [standard] table (标准分值) is missing",
                         file=f"{FOLDER}/indicators.toml")
    raw = dict(raw)
    standard = _indicator("standard", raw.pop("standard"))
    indicators = {name: _indicator(name, body) for name, body in raw.items()}
    interpretations = _interpretations(_read("interpretations.toml"))
    fields = _fields(_read("fields.toml"))
    return Rules(editions, indicators, standard, interpretations, fields)


@functools.cache
def rules() -> Rules:
    """All rule data, loaded once per process (the package's data does not change while it
    runs; the site builder calls `rules.cache_clear()` before each build)."""
    return load_rules()
