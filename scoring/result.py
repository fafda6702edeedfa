"""The scored result: plain data that turns into plain JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .documents import documents_for
from .parameters import Edition
from .rules_version import rules_version
from .status import application_status


@dataclass(frozen=True)
class Line:
    """One indicator's contribution, with how it was computed and where the rule is."""

    id: str
    group: str
    label: str
    points: int
    explanation: str
    reference: str
    topic: str
    counted: bool = True

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "group": self.group,
            "label": self.label,
            "points": self.points,
            "explanation": self.explanation,
            "reference": self.reference,
            "topic": self.topic,
            "counted": self.counted,
        }


@dataclass(frozen=True)
class Warning:
    """Something the person must check (condition), a reading of ambiguous rules
    (interpretation), or a doubt about being able to apply at all (eligibility)."""

    id: str
    kind: str
    text: str

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "text": self.text}


@dataclass(frozen=True)
class Result:
    lines: tuple[Line, ...]
    warnings: tuple[Warning, ...]
    veto_reasons: tuple[str, ...]
    threshold: int
    edition: Edition
    date: dt.date
    profile: dict = field(repr=False)
    veto_ids: tuple[str, ...] = ()
    upper_age: int | None = None

    @property
    def total(self) -> int:
        return sum(line.points for line in self.lines)

    @property
    def vetoed(self) -> bool:
        return bool(self.veto_reasons)

    @property
    def reaches_threshold(self) -> bool:
        return not self.vetoed and self.total >= self.threshold

    @property
    def gap(self) -> int:
        return max(0, self.threshold - self.total)

    def status(self) -> dict:
        """Whether the person can apply at all, then whether the total reaches the standard
        (scoring/status.py)."""
        return application_status(self)

    def line(self, line_id: str) -> Line:
        return next(line for line in self.lines if line.id == line_id)

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "threshold": self.threshold,
            "reaches_threshold": self.reaches_threshold,
            "gap": self.gap,
            "vetoed": self.vetoed,
            "veto_reasons": list(self.veto_reasons),
            "lines": [line.to_dict() for line in self.lines],
            "warnings": [warning.to_dict() for warning in self.warnings],
            "edition": self.edition.to_dict(),
            "date": self.date.isoformat(),
            # Which rule data produced this result (scoring/rules_version.py).
            "rules_version": rules_version(),
            # Eligibility first: vetoed / ineligible / reached / short (scoring/status.py).
            "status": self.status(),
            "documents": documents_for(
                [(line.id, line.points, line.counted) for line in self.lines], self.vetoed
            ),
        }
