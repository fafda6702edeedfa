"""Rule data: editions, indicator parameters with dated values, interpretations, fields.

Everything is read from the TOML files in `scoring/rules/` with the standard library, once,
and looked up by date: the value in force on a date is the one with the latest effective
date on or before it.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from .errors import EditionError, RulesError


def _read(name: str) -> dict:
    text = resources.files("scoring").joinpath("rules", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


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


def _dated_values(name: str, raw: dict) -> tuple[tuple[dt.date, dict], ...]:
    try:
        values = tuple(
            sorted((dt.date.fromisoformat(key), value) for key, value in raw["values"].items())
        )
    except (KeyError, ValueError, AttributeError) as exc:
        raise RulesError(f"indicators.toml [{name}]: bad or missing dated values: {exc}") from exc
    if not values:
        raise RulesError(f"indicators.toml [{name}]: no values")
    return values


def _indicator(name: str, raw: dict) -> Indicator:
    try:
        return Indicator(
            id=name,
            label=raw["label"],
            group=raw.get("group", ""),
            topic=raw.get("topic", ""),
            article=raw["article"],
            unit=raw["unit"],
            kind=raw.get("kind", ""),
            note=raw.get("note", ""),
            values=_dated_values(name, raw),
        )
    except KeyError as exc:
        raise RulesError(f"indicators.toml [{name}]: missing key {exc}") from exc


@functools.cache
def rules() -> Rules:
    """Load and check all rule data (cached: the data is immutable package data)."""
    editions = tuple(
        Edition(
            id=e["id"],
            document=e["document"],
            number=e["number"],
            effective_from=e["effective_from"],
            effective_until=e["effective_until"],
        )
        for e in _read("editions.toml")["editions"]
    )
    for earlier, later in zip(editions, editions[1:], strict=False):
        if later.effective_from <= earlier.effective_until:
            raise RulesError(f"editions {earlier.id} and {later.id} overlap")
    raw = _read("indicators.toml")
    standard = _indicator("standard", raw.pop("standard"))
    indicators = {name: _indicator(name, body) for name, body in raw.items()}
    interpretations = {i["id"]: i["text"] for i in _read("interpretations.toml")["interpretations"]}
    fields = tuple(_read("fields.toml")["fields"])
    return Rules(editions, indicators, standard, interpretations, fields)
