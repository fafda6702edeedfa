"""The profile: validating what a person enters, and describing the fields for forms.

A profile is a JSON object whose keys are listed in `rules/fields.toml`. Missing keys take
their neutral default (none / 0 / false) except `age`, which is required. Anything else —
unknown keys, wrong types, non-finite or negative numbers, values out of range — raises
ProfileError naming the field and what is allowed, in Chinese and English.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import ProfileError
from .jsoninput import printable
from .parameters import _read, rules

# Nobody starts insured work before the legal working age, so no count of months or years
# can exceed the time since the 16th birthday.
WORKING_AGE = 16
_YEAR_FIELDS = ("public_service_years", "suburb_years", "spouse_hukou_years")

_TYPE_NAMES = {
    "integer": ("整数", "a whole number"),
    "number": ("数字", "a number"),
    "boolean": ("true 或 false", "true or false"),
    "choice": ("下列取值之一", "one of the listed values"),
}


def _wrong_type(key: str, field: dict, value: Any) -> ProfileError:
    zh, en = _TYPE_NAMES[field["type"]]
    shown = _shown(value)
    if field["type"] == "choice":
        allowed = "、".join(option["value"] for option in field["options"])
        return ProfileError(
            key,
            f"“{field['label']}”应为{zh}：{allowed}；收到 {shown}",
            f"must be one of: {', '.join(o['value'] for o in field['options'])}; got {shown}",
        )
    return ProfileError(
        key,
        f"“{field['label']}”应为{zh}，收到 {shown}",
        f"must be {en}, got {shown}",
    )


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(key: str, field: dict, value: Any) -> int | float:
    # bool is a subclass of int in Python: `true` must not pass for 1.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong_type(key, field, value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ProfileError(
            key, f"“{field['label']}”必须是有限的数字", f"must be a finite number, got {value}"
        )
    if field["type"] == "integer" and isinstance(value, float):
        if not value.is_integer():
            raise _wrong_type(key, field, value)
        value = int(value)
    low, high = field.get("min", 0), field["max"]
    if not low <= value <= high:
        raise ProfileError(
            key,
            f"“{field['label']}”应在 {low} 到 {high} 之间，收到 {_shown(value)}",
            f"must be between {low} and {high}, got {_shown(value)}",
        )
    return value


def _value(key: str, field: dict, value: Any) -> Any:
    kind = field["type"]
    if kind in ("integer", "number"):
        return _number(key, field, value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _wrong_type(key, field, value)
        return value
    if not isinstance(value, str) or value not in {o["value"] for o in field["options"]}:
        raise _wrong_type(key, field, value)
    return value


def validate(profile: Any) -> dict:
    """Return the profile with every key present, or raise ProfileError."""
    if not isinstance(profile, dict):
        raise ProfileError(
            None,
            f"档案应为 JSON 对象（键值对），收到 {type(profile).__name__}",
            f"the profile must be a JSON object, got {type(profile).__name__}",
        )
    fields = rules().fields_by_key
    for key in profile:
        if key not in fields:
            allowed = ", ".join(fields)
            raise ProfileError(
                printable(key),
                f"未知字段“{_shown(key)}”；可用字段：{allowed}",
                f"unknown field {_shown(key)}; allowed fields: {allowed}",
            )
    clean: dict[str, Any] = {}
    for key, field in fields.items():
        if key in profile:
            clean[key] = _value(key, field, profile[key])
        elif field.get("required"):
            raise ProfileError(key, f"缺少必填字段“{field['label']}”", f"{key} is required")
        else:
            clean[key] = field["default"]
    _check_against_age(clean, fields)
    return clean


def _check_against_age(profile: dict, fields: dict[str, dict]) -> None:
    years_working = profile["age"] - WORKING_AGE
    if profile["si_months"] > years_working * 12:
        raise ProfileError(
            "si_months",
            f"“{fields['si_months']['label']}”不能超过 16 周岁以来的月数"
            f"（{profile['age']} 周岁最多 {years_working * 12} 个月）",
            f"cannot exceed the months since age 16 ({years_working * 12} at age {profile['age']})",
        )
    for key in _YEAR_FIELDS:
        if profile[key] > years_working:
            raise ProfileError(
                key,
                f"“{fields[key]['label']}”不能超过 16 周岁以来的年数"
                f"（{profile['age']} 周岁最多 {years_working} 年）",
                f"cannot exceed the years since age 16 ({years_working} at age {profile['age']})",
            )


def field_descriptions() -> list[dict]:
    """Every input field, for generating forms: key, type, group, label, help, options,
    limits and default (a copy: callers may not change the rule data)."""
    described = []
    for field in rules().fields:
        item = {
            "key": field["key"],
            "type": field["type"],
            "group": field["group"],
            "label": field["label"],
            "help": field.get("help", ""),
            "required": bool(field.get("required", False)),
            "default": field.get("default"),
        }
        if field["type"] in ("integer", "number"):
            item["min"] = field.get("min", 0)
            item["max"] = field["max"]
        if field["type"] == "choice":
            item["options"] = [dict(option) for option in field["options"]]
        # How the calculator form asks (docs/architecture.md, "The form contract").
        for key in FORM_KEYS:
            if key in field:
                value = field[key]
                item[key] = dict(value) if isinstance(value, dict) else value
        described.append(item)
    return described


# Keys of a field description that only shape the form; scoring never reads them.
FORM_KEYS = ("indicator", "situation", "applies_when", "unit", "noun", "example", "multipliers")


def form_description() -> dict:
    """The form around the fields: the situations the person picks from (“以下哪些情况适用
    于您？”, each revealing its fields) and the error wording for number boxes."""
    data = _read("fields.toml")
    return {
        "situations": [dict(situation) for situation in data.get("situations", [])],
        "messages": dict(data.get("messages", {})),
        "fields": field_descriptions(),
    }


def profile_json_schema() -> dict:
    """A JSON Schema (draft 2020-12) of the profile."""
    properties = {}
    for field in field_descriptions():
        prop: dict[str, Any] = {"title": field["label"]}
        if field["help"]:
            prop["description"] = field["help"]
        if field["type"] in ("integer", "number"):
            prop.update(type=field["type"], minimum=field["min"], maximum=field["max"])
        elif field["type"] == "boolean":
            prop["type"] = "boolean"
        else:
            prop.update(type="string", enum=[o["value"] for o in field["options"]])
        if not field["required"]:
            prop["default"] = field["default"]
        properties[field["key"]] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "上海市居住证积分档案 / Shanghai residence-permit points profile",
        "type": "object",
        "properties": properties,
        "required": [f["key"] for f in field_descriptions() if f["required"]],
        "additionalProperties": False,
    }
