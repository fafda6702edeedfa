"""Every points figure the site shows comes from the `scoring` package, through here.

`ScoringRules` adapts the package's public API (docs/architecture.md) to what pages need:
the edition in force, the standard score, indicator tables for explainers, and what a
title level is worth with and without the social-insurance condition. Rendering depends
only on the `Rules` protocol, so tests can build a fixture site against a small stand-in
whose figures never change. A rules problem (e.g. an unknown title level) is a `BuildError`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import BuildError


@dataclass(frozen=True)
class LineOutcome:
    """One indicator line of a scored profile: points, the engine's explanation, citation."""

    points: int
    explanation: str  # e.g. why a level scores 0 when the condition is not met
    reference: str


@dataclass(frozen=True)
class TitleWorth:
    """What one profile `title` value scores, with and without the condition it may need."""

    value: str
    label: str
    met: LineOutcome  # `title_si_condition` true
    unmet: LineOutcome  # `title_si_condition` false

    @property
    def conditional(self) -> bool:
        """Whether the points depend on the social-insurance condition."""
        return self.met.points != self.unmet.points

    @property
    def unmet_reason(self) -> str:
        """Why the level scores less without the condition, without the engine's leading
        ``<label>：`` (the page shows the label already) or a final full stop."""
        text = self.unmet.explanation.removeprefix(f"{self.label}：")
        return text.rstrip("。")


class Rules(Protocol):
    """What the site needs from the rules engine."""

    def edition(self) -> dict[str, str]: ...
    def threshold(self) -> int: ...
    def indicator_ids(self) -> tuple[str, ...]: ...
    def indicator_table(self, indicator_id: str) -> dict[str, Any]: ...
    def interpretations(self) -> list[dict[str, str]]: ...
    def documents(self) -> list[dict[str, Any]]: ...
    def title_options(self) -> dict[str, str]: ...
    def title_worth(self, value: str) -> TitleWorth: ...
    def wage_table(self) -> dict[str, Any]: ...


# A profile that isolates the `title` line: age is the only required key.
BASE_PROFILE = {"age": 30}


class ScoringRules:
    """The real rules, as in force on `on` (default: today).

    Each instance (one per build) reads the rule files afresh — the package keeps them for
    the whole process otherwise, so a long-running dev server would show stale figures —
    and checks them before anything is rendered or packed into the calculator's wheel: the
    loader's checks (`scoring.ruledata`), then every indicator's table, the standard score
    and every title level on the build date. Any problem is a `BuildError` naming the rule
    file, the entry and the key or what went wrong.
    """

    def __init__(self, on: datetime.date | None = None) -> None:
        import scoring  # imported here so the builder's other parts load without it
        from scoring import parameters

        self._scoring = scoring
        self._on = on
        self._worth: dict[str, TitleWorth] = {}
        parameters.rules.cache_clear()
        version = getattr(scoring, "rules_version", None)
        if hasattr(version, "cache_clear"):
            version.cache_clear()
        try:
            parameters.rules()
        except scoring.RulesError as error:
            raise BuildError(error.message, file=error.file, entry=error.entry,
                             field=error.field) from None
        self._check_every_indicator()

    def _check_every_indicator(self) -> None:
        """Apply each indicator's values once, so broken values stop the build here."""
        file = "scoring/rules/indicators.toml"
        checks: list[tuple[str, Any]] = [
            (f"[{indicator_id}]", lambda i=indicator_id: self.indicator_table(i))
            for indicator_id in self.indicator_ids()
        ]
        checks.append(("[standard]", self.threshold))
        checks += [("[title]", lambda v=value: self.title_worth(v))
                   for value in self.title_options()]
        for entry, check in checks:
            try:
                check()
            except self._scoring.ScoringError as error:
                raise BuildError(str(error), file=file, entry=entry) from None
            except self._scoring.RulesError as error:
                raise BuildError(error.message, file=error.file or file,
                                 entry=error.entry or entry, field=error.field) from None
            except (KeyError, IndexError, TypeError, ValueError, AttributeError,
                    StopIteration, ArithmeticError) as error:
                what = (f"missing key {error}" if isinstance(error, KeyError)
                        else f"{type(error).__name__}: {error}")
                raise BuildError(
                    f"the values in force on {self._on or 'the build date'} cannot be applied "
                    f"({what}); check this indicator's values against its kind", file=file,
                    entry=entry,
                ) from None

    def edition(self) -> dict[str, str]:
        return self._scoring.edition_on(self._on)

    def threshold(self) -> int:
        return self._scoring.score(BASE_PROFILE, on=self._on).to_dict()["threshold"]

    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(self._scoring.rules().indicators)

    def indicator_table(self, indicator_id: str) -> dict[str, Any]:
        return self._scoring.indicator_table(indicator_id, on=self._on)

    def wage_table(self) -> dict[str, Any]:
        """社平工资 and the base tiers in 元/月 for the years the tier windows cover."""
        from scoring.wages import base_thresholds

        return base_thresholds(self._on)

    def interpretations(self) -> list[dict[str, str]]:
        # The package's readings do not depend on the date (docs/architecture.md lists an
        # `on` parameter; the implementation takes none).
        return self._scoring.interpretations()

    def documents(self) -> list[dict[str, Any]]:
        """Every item of the documents checklist (材料清单), grouped by indicator."""
        return self._scoring.documents_checklist()

    def title_options(self) -> dict[str, str]:
        field = next(f for f in self._scoring.field_descriptions() if f["key"] == "title")
        return {option["value"]: option["label"] for option in field["options"]}

    def title_worth(self, value: str) -> TitleWorth:
        if value not in self._worth:
            self._worth[value] = TitleWorth(
                value=value,
                label=self.title_options()[value],
                met=self._title_line(value, condition=True),
                unmet=self._title_line(value, condition=False),
            )
        return self._worth[value]

    def _title_line(self, value: str, *, condition: bool) -> LineOutcome:
        profile = dict(BASE_PROFILE, title=value, title_si_condition=condition)
        result = self._scoring.score(profile, on=self._on).to_dict()
        line = next(line for line in result["lines"] if line["id"] == "title")
        return LineOutcome(
            points=line["points"], explanation=line["explanation"], reference=line["reference"]
        )
