"""The scoring case suite (scoring/cases/score_*.toml): both sides of every boundary."""

from __future__ import annotations

import pytest

from scoring.cases import load_cases, run_case

CASES = load_cases()


def test_the_suite_is_not_empty_and_names_are_unique():
    names = [case["name"] for case in CASES]
    assert len(names) > 80
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(case):
    outcome = run_case(case)
    if "error" in case:
        assert not outcome["ok"], f"expected an error on {case['error']}, got a score"
        error = outcome["error"]
        assert error["field"] == case["error"]
        assert error["message_zh"] and error["message_en"]
        return
    assert outcome["ok"], outcome.get("error")
    result, expect = outcome["result"], case["expect"]
    assert result["total"] == expect["total"]
    assert result["total"] == sum(line["points"] for line in result["lines"])
    points = {line["id"]: line["points"] for line in result["lines"]}
    for line_id, expected in expect.get("lines", {}).items():
        assert points[line_id] == expected, line_id
    counted = {line["id"]: line["counted"] for line in result["lines"]}
    for line_id, expected in expect.get("counted", {}).items():
        assert counted[line_id] is expected, line_id
    for key in ("reaches_threshold", "gap", "vetoed"):
        if key in expect:
            assert result[key] == expect[key], key
    # A warning is named by its id, or by "kind:id" when its kind matters (a reading and a
    # consequence may share an id; the user must see both).
    named = {w["id"] for w in result["warnings"]} | {
        f"{w['kind']}:{w['id']}" for w in result["warnings"]}
    assert set(expect.get("warnings", [])) <= named
    assert not set(expect.get("no_warnings", [])) & named
    explanations = {line["id"]: line["explanation"] for line in result["lines"]}
    for line_id, text in expect.get("explanations", {}).items():
        assert explanations[line_id] == text, line_id
    if "status" in expect:
        status = result["status"]
        assert status["state"] == expect["status"]["state"]
        for key in ("gap", "margin"):
            if key in expect["status"]:
                assert status[key] == expect["status"][key], key
        if "reasons" in expect["status"]:
            assert [r["id"] for r in status["reasons"]] == expect["status"]["reasons"]
        assert all(r["text"] for r in status["reasons"])
    if "edition" in expect:
        assert result["edition"]["id"] == expect["edition"]
