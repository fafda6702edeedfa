"""The city average wage (上年度全市职工社会平均工资, 社平工资) per social-insurance year, as
dated data (`rules/wages.toml`), and the 元/月 figures of the base tiers derived from it.

A help to answer the base-tier question only: no score depends on these figures (the person
chooses the tier), and none of them is confirmed by an official notice, so every figure carries
its source, confidence and `verified` flag. The tier multiples come from the rules
(`indicators.toml`, si_base, 第七条（加分指标）缴纳职工社会保险费基数).

The years shown are those the base tiers look at: the social-insurance year (1 July – 30 June)
containing `on` and the earlier ones the widest window (48 months) reaches into.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

from .engine import parse_date
from .parameters import _read, rules


@functools.cache
def _years() -> tuple[dict, ...]:
    data = _read("wages.toml")
    return tuple(sorted((dict(y) for y in data["years"]), key=lambda y: y["year_from"]))


def insurance_year_start(on: dt.date) -> dt.date:
    """The first day of the social-insurance year (from 1 July) that contains `on`."""
    return dt.date(on.year if on.month >= 7 else on.year - 1, 7, 1)


def base_thresholds(on: dt.date | str | None = None) -> dict:
    """Monthly 元 thresholds of each base tier for the years the tier windows cover.

    ``{"tiers": [{"id": "0.8x", "multiple": 0.8}, …], "unit": "元/月",
       "years": [{"label": "2025年7月至2026年6月", "year_from": "2025-07-01",
                  "monthly": 12434 | None, "thresholds": [9947, …] | None,
                  "source": "…", "confidence": "low", "verified": False}, …]}``
    newest first; a year without a figure has ``monthly: None``.
    """
    date = parse_date(on)
    tiers = rules().indicators["si_base"].at(date)["tiers"]
    window = max(tier["window_months"] for tier in tiers)
    first_month = _add_months(dt.date(date.year, date.month, 1), -(window - 1))
    start = insurance_year_start(date)
    known = {y["year_from"]: y for y in _years()}
    years = []
    while True:
        figure = known.get(start)
        end = dt.date(start.year + 1, 6, 30)
        years.append({
            "label": f"{start.year}年7月至{end.year}年6月",
            "year_from": start.isoformat(),
            "monthly": figure["monthly"] if figure else None,
            "thresholds": [math.ceil(figure["monthly"] * t["min_multiple"]) for t in tiers]
            if figure else None,
            "source": figure["source"] if figure else None,
            "confidence": figure["confidence"] if figure else None,
            "verified": bool(figure and figure.get("verified")),
        })
        if start <= first_month:
            break
        start = dt.date(start.year - 1, 7, 1)
    return {
        "tiers": [{"id": t["id"], "multiple": t["min_multiple"]} for t in tiers],
        "unit": "元/月",
        "years": years,
    }


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
