"""A policy change is new dated data: adding an edition and values needs no code change."""

from __future__ import annotations

import pytest

import scoring
from scoring import parameters


@pytest.fixture
def future_edition(monkeypatch):
    """Rule data with a made-up 2028 edition that raises the 0.8x base tier to 30 points."""
    original = parameters._read

    def read(name):
        data = original(name)
        if name == "editions.toml":
            import datetime as dt

            data["editions"].append({
                "id": "2028", "document": "上海市居住证积分管理办法", "number": "测试〔2027〕1号",
                "effective_from": dt.date(2028, 1, 1), "effective_until": dt.date(2032, 12, 31),
            })
        if name == "indicators.toml":
            values = data["si_base"]["values"]
            newer = {**values["2018-01-01"]}
            newer["tiers"] = [
                dict(tier, points=30) if tier["id"] == "0.8x" else tier for tier in newer["tiers"]
            ]
            values["2028-01-01"] = newer
        return data

    monkeypatch.setattr(parameters, "_read", read)
    parameters.rules.cache_clear()
    yield
    parameters.rules.cache_clear()


def test_new_dated_values_apply_from_their_date_only(future_edition):
    profile = {"age": 40, "si_base_tier": "0.8x"}
    before = scoring.score(profile, "2027-12-31")
    after = scoring.score(profile, "2028-01-01")
    assert before.line("si_base").points == 25
    assert after.line("si_base").points == 30
    assert after.edition.number == "测试〔2027〕1号"
    assert "after-expiry" not in {w.id for w in after.warnings}


def test_scoring_before_the_first_edition_is_an_error():
    with pytest.raises(scoring.EditionError) as info:
        scoring.score({"age": 30}, "2017-06-30")
    assert info.value.field == "date"
    assert "2018-01-01" in str(info.value)


def test_every_indicator_has_unit_article_and_dated_values():
    data = parameters.rules()
    for indicator in data.indicators.values():
        assert indicator.unit and indicator.article.startswith("第")
        assert indicator.values and indicator.values[0][0].isoformat() == "2018-01-01"
