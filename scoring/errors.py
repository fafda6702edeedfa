"""The errors the scoring package raises: one family, always with a bilingual message."""

from __future__ import annotations


class ScoringError(ValueError):
    """Base of every error a caller of the scoring package can get from bad input.

    `field` names the offending profile key (or "date"), or is None when the input as a whole
    is wrong. The message is given in Chinese and English; `str(error)` holds both.
    """

    def __init__(self, field: str | None, message_zh: str, message_en: str):
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en
        where = f"{field}: " if field else ""
        super().__init__(f"{where}{message_zh} / {message_en}")

    def to_dict(self) -> dict:
        return {"field": self.field, "message_zh": self.message_zh, "message_en": self.message_en}


class ProfileError(ScoringError):
    """A profile field is missing, unknown, of the wrong type or out of range."""


class EditionError(ScoringError):
    """No edition of the rules is in force on the requested date."""


class RulesError(Exception):
    """The rule data shipped with the package is inconsistent: a bug, never user input.

    `file` (e.g. ``scoring/rules/fields.toml``), `entry` (e.g. ``fields[3] (key "age")``) and
    `field` (e.g. ``max``) say where, when known; the site build shows all three.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        entry: str | None = None,
        field: str | None = None,
    ):
        self.message = message
        self.file = file
        self.entry = entry
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file, self.entry, f'field "{self.field}"' if self.field else None]
        shown = ": ".join(part for part in where if part)
        return f"{shown}: {self.message}" if shown else self.message
