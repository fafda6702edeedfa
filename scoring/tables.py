"""Generic evaluators for rule tables. Every indicator is one of these shapes, so a policy
change is new data, never a new branch of code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


def step(bands: Sequence[Mapping], value: float) -> Mapping:
    """Return the band that `value` falls in.

    Bands are sorted by their lower bound `min` (inclusive); a band reaches up to the next
    band's lower bound. A value below the first band has no band: that is a data error.
    """
    chosen = None
    for band in bands:
        if value >= band["min"]:
            chosen = band
        else:
            break
    if chosen is None:
        raise ValueError(f"{value} is below the first band (min {bands[0]['min']})")
    return chosen


def band_upper(bands: Sequence[Mapping], index: int) -> float | None:
    """The largest whole value in band `index`, or None for the last (open) band."""
    if index + 1 >= len(bands):
        return None
    return bands[index + 1]["min"] - 1


@dataclass(frozen=True)
class PerUnit:
    """The outcome of a per-unit rule: how many full units, the points before and after caps."""

    units: int
    raw_points: int
    points: int
    below_threshold: bool
    capped: bool


def per_unit(
    quantity: float,
    unit_size: float,
    points_per_unit: int,
    threshold_units: int = 0,
    cap: int | None = None,
) -> PerUnit:
    """Points for every full `unit_size` in `quantity` (partial units never count).

    Nothing counts until `threshold_units` full units are reached; from then on every full
    unit counts. The result never exceeds `cap` when one is set.
    """
    units = int(quantity // unit_size)
    below = units < threshold_units
    raw = 0 if below else units * points_per_unit
    capped = cap is not None and raw > cap
    return PerUnit(units, units * points_per_unit, cap if capped else raw, below, capped)
