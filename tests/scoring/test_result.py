"""What every result promises a user: references, explanations, threshold and gap."""

from __future__ import annotations

import json

import scoring


def test_every_line_carries_its_document_and_article():
    result = scoring.score({"age": 30}, "2026-11-21").to_dict()
    assert [line["id"] for line in result["lines"]] == list(scoring.INDICATOR_IDS)
    for line in result["lines"]:
        assert "沪府规〔2022〕21号" in line["reference"]
        assert "第" in line["reference"] and "条" in line["reference"]
        assert line["explanation"]
        assert line["group"] in {"basic", "bonus", "deduction", "veto"}
        assert line["topic"]


def test_reference_follows_the_edition_in_force():
    line = scoring.score({"age": 30}, "2020-05-01").line("age")
    assert "沪府发〔2017〕98号" in line.reference


def test_threshold_gap_and_edition_are_reported():
    result = scoring.score({"age": 30, "education": "bachelor"}, "2026-11-21").to_dict()
    assert result["threshold"] == 120
    assert result["gap"] == 120 - result["total"]
    assert result["edition"] == {
        "id": "2023",
        "document": "上海市居住证积分管理办法",
        "number": "沪府规〔2022〕21号",
        "effective_from": "2023-01-01",
        "effective_until": "2027-12-31",
    }
    json.dumps(result)  # plain JSON


def test_explanation_shows_the_arithmetic():
    line = scoring.score({"age": 30, "si_months": 90}, "2026-11-21").line("si_years")
    assert "× 7" in line.explanation and "21 分" in line.explanation


def test_total_is_never_clamped_below_zero():
    result = scoring.score({"age": 40, "criminal_count": 3}, "2026-11-21")
    assert result.total == 30 - 450


def test_field_descriptions_cover_every_profile_key_with_chinese_labels():
    fields = scoring.field_descriptions()
    keys = [field["key"] for field in fields]
    assert set(keys) == set(scoring.profile_json_schema()["properties"])
    assert "age" in keys and len(keys) == 22
    for field in fields:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in field["label"]), field["key"]
        if field["type"] == "choice":
            assert field["options"] and all(option["label"] for option in field["options"])
        if field["type"] in ("integer", "number"):
            assert field["min"] <= field["max"]


def test_indicator_tables_come_from_the_rule_data():
    table = scoring.indicator_table("age", "2026-11-21")
    assert table["rows"][0] == ["43 周岁及以下", "30"]
    assert ["56–60 周岁", "5"] in table["rows"]
    for indicator_id in scoring.INDICATOR_IDS:
        table = scoring.indicator_table(indicator_id, "2026-11-21")
        assert table["rows"] and all(len(row) == len(table["columns"]) for row in table["rows"])
        assert "沪府规〔2022〕21号" in table["reference"]


def test_interpretations_are_listed_for_the_about_page():
    ids = {item["id"] for item in scoring.interpretations()}
    assert {"investment-larger-of-two", "threshold-then-all-years", "entrepreneur-once"} <= ids


def test_tables_mark_this_sites_readings_and_name_what_each_deduction_counts():
    age = scoring.indicator_table("age", "2026-11-21")
    assert age["rows"][-1] == ["61 周岁及以上（本站解读）", "0"]
    assert any(note.startswith("本站解读：") and "60 周岁" in note for note in age["notes"])
    assert all("本站解读" not in row[0] for row in age["rows"][:-1])
    assert scoring.indicator_table("detention")["rows"][0][0] == "5 年内每条"
    assert scoring.indicator_table("false_material")["rows"][0][0] == "3 年内每次"


def test_application_condition_is_asked_exactly_when_the_engine_can_use_the_answer():
    # The form shows the yes/no question only from the number of months at which the engine
    # stops answering it by itself (scoring/status.py).
    from scoring.status import MIN_RECENT_INSURED_MONTHS

    field = next(f for f in scoring.field_descriptions() if f["key"] == "application_condition")
    assert field["applies_when"] == {"field": "si_months", "at_least": MIN_RECENT_INSURED_MONTHS}
    assert field["default"] is True  # older profiles and links keep their meaning


def test_wage_figures_are_dated_and_unverified_and_none_is_invented():
    from scoring.wages import base_thresholds

    table = base_thresholds("2026-12-02")
    labels = [year["label"] for year in table["years"]]
    # The current social-insurance year first, back to the one the 48-month window reaches.
    assert labels[0] == "2026年7月至2027年6月" and labels[-1] == "2022年7月至2023年6月"
    assert table["years"][0]["monthly"] is None  # no figure found for it: none invented
    known = [year for year in table["years"] if year["monthly"]]
    assert known and not any(year["verified"] for year in known)
    for year in known:
        multiples = [tier["multiple"] for tier in table["tiers"]]
        assert year["thresholds"] == [-(-year["monthly"] * m // 1) for m in multiples]
