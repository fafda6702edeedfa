"""The planner (scoring.plan): the cases in scoring/cases/plan_*.toml, and properties checked
against brute force — every month scored, every option applied as a user would apply it."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring import bridge
from scoring.cases import DEFAULT_START, load_plan_cases
from scoring.planner.levers import candidate_levers
from scoring.planner.projection import Timeline, horizon, project
from scoring.planner.search import compose

CASES = load_plan_cases()


def total_in(plan: dict, month: str) -> int:
    """The no-change total in `month`: the last timeline row at or before it."""
    rows = [row for row in plan["no_change"]["timeline"] if row["month"] <= month]
    return rows[-1]["total"]


def test_the_suite_covers_the_issue_and_names_are_unique():
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names))
    statuses = {case["expect"].get("status") for case in CASES}
    assert {"vetoed", "over_age", "reached", "reachable", "not_reached"} <= statuses


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(case):
    plan = scoring.plan(case["profile"], case.get("start", DEFAULT_START))
    expect = case["expect"]
    for key in ("status", "current_total", "margin"):
        if key in expect:
            assert plan[key] == expect[key], key
    if "vetoed" in expect:
        assert bool(plan["veto_reasons"]) is expect["vetoed"]
    if "no_change_month" in expect:
        wanted = None if expect["no_change_month"] == "never" else expect["no_change_month"]
        assert plan["no_change"]["reaches_threshold_month"] == wanted
    if "last_month" in expect:
        assert plan["no_change"]["last_month"] == expect["last_month"]
    for month, total in expect.get("totals", {}).items():
        assert total_in(plan, month) == total, month
        # The timeline is a shortcut: the month itself, scored directly, must agree.
        k = _months_between(plan["start"], month)
        clean = scoring.validate(case["profile"])
        assert scoring.score(project(clean, k), month).total == total, month
    options = {option["id"]: option for option in plan["options"]}
    if "option_ids" in expect:
        assert [option["id"] for option in plan["options"]] == expect["option_ids"]
    for wanted in expect.get("options", []):
        assert wanted["id"] in options, f"{wanted['id']} not offered: {sorted(options)}"
        for key, value in wanted.items():
            assert options[wanted["id"]][key] == value, (wanted["id"], key)
    for absent in expect.get("absent", []):
        assert absent not in options, absent
    risks = {risk["id"]: risk for risk in plan["risks"]}
    for wanted in expect.get("risks", []):
        assert wanted["id"] in risks, f"{wanted['id']} not among risks: {sorted(risks)}"
        for key, value in wanted.items():
            assert risks[wanted["id"]][key] == value, (wanted["id"], key)
    for absent in expect.get("absent_risks", []):
        assert absent not in risks, absent
    assumption_ids = {item["id"] for item in plan["assumptions"]}
    assert set(expect.get("assumptions", [])) <= assumption_ids


def _months_between(start: str, month: str) -> int:
    (y0, m0), (y1, m1) = (map(int, start.split("-")), map(int, month.split("-")))
    return (y1 - y0) * 12 + m1 - m0


# --- Properties ---------------------------------------------------------------------------

def _values(key: str) -> list[str]:
    field = next(f for f in scoring.field_descriptions() if f["key"] == key)
    return [option["value"] for option in field["options"]]


@st.composite
def profiles(draw) -> dict:
    """Valid profiles, weighted towards those short of the standard score."""
    age = draw(st.integers(18, 62))
    years = age - 16
    # The first options (none, the lowest levels) are listed twice: most people asking for a
    # plan are short of the standard score.
    education, title, tier = _values("education"), _values("title"), _values("si_base_tier")
    profile = {
        "age": age,
        "education": draw(st.sampled_from(education[:3] + education)),
        "title": draw(st.sampled_from(title[:3] + title)),
        "title_si_condition": draw(st.booleans()),
        "si_months": draw(st.integers(0, years * 12)),
        "si_base_tier": draw(st.sampled_from(tier[:2] + tier)),
        "shortage_major": draw(st.sampled_from([False] * 4 + [True])),
        "fresh_graduate": draw(st.sampled_from([False] * 4 + [True])),
    }
    for key in ("suburb_years", "public_service_years", "spouse_hukou_years"):
        profile[key] = draw(st.integers(0, min(12, years)))
    profile["detention_count"] = draw(st.sampled_from([0, 0, 0, 1, 2]))
    profile["family_planning_violation"] = draw(st.sampled_from([False] * 9 + [True]))
    return profile


months = st.sampled_from(["2023-01", "2026-11", "2027-08", "2027-12", "2031-05"])
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _changed_timeline(profile: dict, start: str, option: dict) -> Timeline:
    clean = scoring.validate(profile)
    first = scoring.engine.parse_date(start)
    by_id = {lever.id: lever for lever in candidate_levers(clean, first)}
    levers = tuple(by_id[lever_id] for lever_id in option["levers"])
    return Timeline(clean, first, compose(levers))


@SETTINGS
@given(profiles(), months)
def test_every_option_applied_gives_the_total_it_claims(profile, start):
    plan = scoring.plan(profile, start)
    for option in plan["options"]:
        applied = {**profile, **option["profile_changes"]}
        assert scoring.score(applied, option["earliest_month"]).total == option["total"]
        assert option["gain"] == option["total"] - option["baseline_total"]
        assert option["gain"] > 0, option["id"]
        if option["id"] != "keep-contributing":
            # The baseline is the no-change profile in the same month.
            unchanged = project(scoring.validate(profile), option["months_needed"])
            baseline = scoring.score(unchanged, option["earliest_month"])
            assert baseline.total == option["baseline_total"]


@SETTINGS
@given(profiles(), months)
def test_the_plan_is_deterministic_plain_json(profile, start):
    plan = scoring.plan(profile, start)
    assert json.loads(json.dumps(plan, ensure_ascii=False)) == plan
    assert scoring.plan(dict(profile), start) == plan


@SETTINGS
@given(profiles(), months)
def test_the_no_change_month_matches_scoring_every_month(profile, start):
    """The planner scores only months where something can change; scoring every month of the
    projection must find the same first month at the standard score."""
    plan = scoring.plan(profile, start)
    if plan["status"] in ("vetoed", "over_age"):
        assert plan["options"] == [] and plan["no_change"] is None
        return
    clean = scoring.validate(profile)
    first = scoring.engine.parse_date(start)
    last = horizon(clean, first)
    base = Timeline(clean, first)
    brute = next((k for k in range(last + 1) if base.reaches(k)), None)
    assert plan["no_change"]["months_to_threshold"] == brute
    assert plan["no_change"]["months_projected"] == last
    if plan["status"] == "reached":
        assert plan["margin"] == base.total(0) - plan["threshold"] >= 0
        assert plan["options"] == []
    for row in plan["no_change"]["timeline"]:
        assert base.total(row["months"]) == row["total"]


@SETTINGS
@given(profiles(), months)
def test_each_option_reaches_the_standard_in_the_month_it_claims(profile, start):
    plan = scoring.plan(profile, start)
    no_change = plan["no_change"] and plan["no_change"]["months_to_threshold"]
    for option in plan["options"]:
        if option["id"] == "keep-contributing":
            assert option["months_to_threshold"] == no_change
            continue
        changed = _changed_timeline(profile, start, option)
        earliest, reach = option["months_needed"], option["months_to_threshold"]
        if reach is None:
            assert not option["reaches_threshold"]
            continue
        assert earliest <= reach
        assert not any(changed.reaches(k) for k in range(earliest, reach))
        assert changed.reaches(reach)
        if no_change is not None:
            assert reach < no_change, "an option must reach the standard sooner than no change"


@SETTINGS
@given(profiles(), months, st.data())
def test_gains_never_shrink_and_two_changes_add_at_most_both_gains(profile, start, data):
    """The two facts the combination search relies on to skip hopeless pairs."""
    clean = scoring.validate(profile)
    if clean["age"] > 60:
        return
    first = scoring.engine.parse_date(start)
    last = horizon(clean, first)
    levers = candidate_levers(clean, first)
    base = Timeline(clean, first)
    pairs = [(a, b) for a, b in combinations(levers, 2) if a.slot != b.slot]
    if not pairs:
        return
    a, b = data.draw(st.sampled_from(pairs))
    k1 = data.draw(st.integers(max(a.wait, b.wait), max(a.wait, b.wait, last)))
    k2 = data.draw(st.integers(k1, max(k1, last)))
    gain = {}
    for name, levers_used in (("a", (a,)), ("b", (b,)), ("ab", (a, b))):
        changed = Timeline(clean, first, compose(levers_used))
        gain[name] = [changed.total(k) - base.total(k) for k in (k1, k2)]
    assert gain["a"][0] <= gain["a"][1] and gain["b"][0] <= gain["b"][1]
    assert gain["ab"][1] <= gain["a"][1] + gain["b"][1]


@SETTINGS
@given(profiles(), months)
def test_options_needing_something_obtained_follow_and_are_never_dated_this_month(profile, start):
    """Time-only options first; an option that first needs a degree, a certificate or a job
    says "如果……" and never promises anything "本月"."""
    plan = scoring.plan(profile, start)
    groups = [option["obtain_time_not_counted"] for option in plan["options"]]
    assert groups == sorted(groups), "time-only options must come first"
    for option in plan["options"]:
        if option["obtain_time_not_counted"]:
            assert option["summary"].startswith("如果")
            assert "本月" not in option["summary"] + option["detail"]


@SETTINGS
@given(profiles(), months)
def test_deduction_risks_only_for_records_the_person_has(profile, start):
    plan = scoring.plan(profile, start)
    records = sum(profile[key] for key in ("detention_count",) if key in profile)
    if not records:
        assert all(risk["id"] != "deduction" for risk in plan["risks"])


def test_a_bad_profile_or_month_names_the_field():
    with pytest.raises(scoring.ProfileError) as error:
        scoring.plan({"age": 30, "si_months": -1})
    assert error.value.field == "si_months"
    with pytest.raises(scoring.ScoringError) as error:
        scoring.plan({"age": 30}, "2026-13")
    assert error.value.field == "start"
    with pytest.raises(scoring.ScoringError) as error:
        scoring.plan({"age": 30}, "2017-06")
    assert error.value.field == "start"


def test_the_bridge_answers_plan_requests():
    reply = json.loads(bridge.handle(json.dumps(
        {"op": "plan", "profile": {"age": 35, "education": "college", "si_months": 167},
         "start": DEFAULT_START})))
    assert reply["ok"] and reply["plan"]["no_change"]["reaches_threshold_month"] == "2026-12"
    reply = json.loads(bridge.handle(json.dumps({"op": "plan", "profile": {"age": "x"}})))
    assert not reply["ok"] and reply["error"]["field"] == "age"


def test_option_texts_are_chinese_and_links_site_relative():
    plan = scoring.plan({"age": 30, "education": "college", "si_months": 0}, DEFAULT_START)
    assert plan["options"]
    for option in plan["options"]:
        for key in ("title", "detail", "summary", "timing"):
            assert option[key] and "," not in option[key] and ";" not in option[key], key
        for link in option["links"]:
            assert not link["href"].startswith("/") and link["href"].endswith("/")
            assert link["href"].split("/")[0] in ("policy", "catalogue")
    titles = {o["id"]: o for o in plan["options"]}
    skill = next(o for o in plan["options"] if o["id"].startswith("title-skill"))
    assert "catalogue/skills/" in {link["href"] for link in skill["links"]}
    assert "社保缴费基数" in titles["si-base-3x"]["detail"]


def _run_cli(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scoring", "plan", *args], input=stdin,
                          capture_output=True, text=True, check=False)


def test_the_command_line_prints_the_plan_in_chinese_or_json():
    profile = json.dumps({"age": 35, "education": "college", "si_months": 60,
                          "title": "intermediate"})
    text = _run_cli("--date", DEFAULT_START, stdin=profile)
    assert text.returncode == 0, text.stderr
    assert "当前积分 95 分" in text.stdout
    assert "满足职称（技能等级）积分的社保基数条件" in text.stdout
    assert "推算假设" in text.stdout
    as_json = _run_cli("-", "--date", DEFAULT_START, "--json", stdin=profile)
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout) == scoring.plan(json.loads(profile), DEFAULT_START)


def test_the_command_line_rejects_bad_input_with_exit_2_naming_the_field():
    bad = _run_cli(stdin=json.dumps({"age": 30, "education": "phd"}))
    assert bad.returncode == 2 and "education" in bad.stderr and "教育" not in bad.stdout
    month = _run_cli("--date", "2026-13", stdin=json.dumps({"age": 30}))
    assert month.returncode == 2 and "start" in month.stderr
    broken = _run_cli(stdin="{not json")
    assert broken.returncode == 2
