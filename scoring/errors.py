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
    """The rule data shipped with the package is inconsistent: a bug, never user input."""
