"""What to prepare (材料清单): the items of `rules/documents.toml`, and the list for a result.

Each indicator may have items the applicant or the employer prepares, every one with its
source and how sure this site is (high / medium / low; see the data file's header). A result
lists the application's own items first, then those of every indicator the profile scores
points on, in display order; a vetoed profile cannot apply, so it gets no list. An indicator
with no sourced item is left out rather than filled with a guess.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

from .errors import RulesError
from .parameters import rules

FILE = "documents.toml"
APPLICATION = "application"
APPLICATION_LABEL = "申请本身"
WHO = ("applicant", "employer")
CONFIDENCE = ("high", "medium", "low")
_GROUP_KEYS = {"indicator", "items"}
_ITEM_KEYS = {"who", "text", "source", "confidence"}


def _read() -> dict:
    text = resources.files("scoring").joinpath("rules", FILE).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"{FILE}: {error}") from error


def _check_item(where: str, item: object) -> dict:
    if not isinstance(item, dict):
        raise RulesError(f"{where}: an item must be a table")
    keys = set(item)
    if keys != _ITEM_KEYS:
        missing, unknown = _ITEM_KEYS - keys, keys - _ITEM_KEYS
        raise RulesError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    for key in ("text", "source"):
        if not isinstance(item[key], str) or not item[key].strip():
            raise RulesError(f"{where}, field {key}: must be non-empty text")
    if item["who"] not in WHO:
        raise RulesError(f"{where}, field who: {item['who']!r} is not one of {WHO}")
    if item["confidence"] not in CONFIDENCE:
        raise RulesError(
            f"{where}, field confidence: {item['confidence']!r} is not one of {CONFIDENCE}")
    return dict(item)


@functools.cache
def _groups() -> dict[str, tuple[dict, ...]]:
    """Items by indicator id, checked once (the data is immutable package data)."""
    known = {APPLICATION, *rules().indicators}
    groups: dict[str, tuple[dict, ...]] = {}
    for number, group in enumerate(_read().get("documents", []), 1):
        where = f"{FILE} [[documents]] #{number}"
        if not isinstance(group, dict) or set(group) != _GROUP_KEYS:
            raise RulesError(f"{where}: keys must be exactly {sorted(_GROUP_KEYS)}")
        indicator = group["indicator"]
        if indicator not in known:
            raise RulesError(f"{where}, field indicator: unknown indicator {indicator!r}")
        if indicator in groups:
            raise RulesError(f"{where}, field indicator: {indicator!r} listed twice")
        if not isinstance(group["items"], list) or not group["items"]:
            raise RulesError(f"{where}, field items: must be a non-empty list")
        groups[indicator] = tuple(
            _check_item(f"{where} ({indicator}) item {i}", item)
            for i, item in enumerate(group["items"], 1)
        )
    return groups


def _label(indicator_id: str) -> str:
    if indicator_id == APPLICATION:
        return APPLICATION_LABEL
    return rules().indicators[indicator_id].label


def _group(indicator_id: str) -> dict:
    items = [dict(item) for item in _groups()[indicator_id]]
    return {"indicator": indicator_id, "label": _label(indicator_id), "items": items}


def checklist() -> list[dict]:
    """Every group of items, the application first, then indicators in display order (for
    the explainer page that lists them all)."""
    order = [APPLICATION, *rules().indicators]
    return [_group(indicator_id) for indicator_id in order if indicator_id in _groups()]


def documents_for(scored: list[tuple[str, int, bool]], vetoed: bool) -> list[dict]:
    """The list for one result, from its lines as (indicator id, points, counted)."""
    if vetoed:
        return []
    wanted = [APPLICATION] + [
        line_id for line_id, points, counted in scored if points > 0 and counted
    ]
    return [_group(indicator_id) for indicator_id in wanted if indicator_id in _groups()]
