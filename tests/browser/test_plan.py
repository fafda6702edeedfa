"""The plan under the result (“怎样达到 120 分”): what `scoring.plan` says, shown live, with
options that can be tried on the form and undone.

Expected plans and totals come from `scoring.plan` / `scoring.score` in the test process, for
the month and day the page computed for (its own clock). Each test opens its own page, so an
option tried in one test cannot leak into another.
"""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

import scoring
from tests.browser.calc import (
    READY_TIMEOUT_MS,
    current_fragment,
    open_calculator,
    poll,
    profile_from_fragment,
    wait_for_plan,
    wait_for_total,
)

pytestmark = pytest.mark.browser

# Short of 120: one change that counts in six months (the title's base condition), keeping on
# contributing, and a degree that counts once obtained.
BELOW = {"age": 35, "education": "bachelor", "title": "intermediate", "si_months": 24}
ABOVE = {"age": 40, "education": "bachelor", "title": "intermediate",
         "title_si_condition": True, "si_months": 24}
# Far from 120: options that help without getting there, so more can be tried on top.
LOW = {"age": 30, "education": "college", "si_months": 0}
VETOED = {"age": 40, "education": "master", "si_months": 60, "serious_criminal_record": True}


def fragment(profile: dict) -> str:
    return urllib.parse.urlencode(
        {k: (int(v) if isinstance(v, bool) else v) for k, v in profile.items()}
    )


def open_with_plan(page, site, profile: dict) -> tuple[dict, dict]:
    open_calculator(page, site, fragment(profile))
    return wait_for_total(page, profile), wait_for_plan(page, profile)


def month_words(month: str) -> str:
    year, number = month.split("-")
    return f"{int(year)} 年 {int(number)} 月"


def form_values(page) -> list:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("#calc-form [data-field]"),
            (el) => [el.name, el.type === "checkbox" ? el.checked : el.value])"""
    )


def option_item(page, option_id: str):
    return page.locator(f'#plan .plan-options > li[data-option="{option_id}"]')


def focused(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, option: document.activeElement.dataset.option})"
    )


def test_plan_shows_the_planners_options_and_months(page, site):
    _result, plan = open_with_plan(page, site, BELOW)
    # The plan starts in the month of the user's own clock.
    browser_month = page.evaluate(
        "() => { const d = new Date();"
        " return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`; }"
    )
    assert plan["start"] == browser_month
    assert plan["status"] == "reachable" and len(plan["options"]) >= 3

    items = page.locator("#plan-options > li")
    shown = items.evaluate_all("items => items.map((li) => li.dataset.option)")
    # Same options, same order; those that first need a degree or certificate (their time
    # to obtain not counted) in a group of their own, “如果取得……”.
    assert shown == [o["id"] for o in plan["options"] if not o.get("obtain_time_not_counted")]
    later = page.locator("#plan-options-if > li").evaluate_all(
        "items => items.map((li) => li.dataset.option)")
    assert later == [o["id"] for o in plan["options"] if o.get("obtain_time_not_counted")]
    if later:
        expect(page.locator("#plan-options-if-block h3")).to_have_text("如果取得……")
        expect(page.locator("#plan-options-if .plan-option-when").first).not_to_contain_text("本月")
    for option in plan["options"]:
        item = option_item(page, option["id"])
        expect(item.locator("h4")).to_contain_text(option["title"])
        expect(item.locator(".plan-gain")).to_have_text(f"+{option['gain']} 分")
        expect(item).to_contain_text(option["detail"])
        expect(item).to_contain_text(option["summary"])
        if option["obtain_time_not_counted"]:
            # Nobody knows when a degree or certificate comes: no month, never "本月".
            expect(item).not_to_contain_text("本月")
        else:
            expect(item).to_contain_text(month_words(option["earliest_month"]))
            expect(item).to_contain_text(month_words(option["reaches_threshold_month"]))
        expect(item.get_by_role("button", name="试试这个做法")).to_be_visible()

    # The no-change projection: when 120 is reached, and each month the total changes.
    projection = plan["no_change"]
    timeline = page.locator("#plan-timeline")
    expect(timeline.locator("summary")).to_contain_text(
        month_words(projection["reaches_threshold_month"])
    )
    timeline.locator("summary").click()
    rows = page.locator("#plan-timeline-rows > li")
    assert rows.evaluate_all("rows => rows.map((li) => li.dataset.month)") == [
        row["month"] for row in projection["timeline"]
    ]
    for index, row in enumerate(projection["timeline"]):
        expect(rows.nth(index)).to_contain_text(f"{row['total']} 分")
    expect(page.locator("#plan-risks-block")).to_be_hidden()

    assumptions = page.locator("#plan-assumptions")
    expect(assumptions.locator("li").first).to_be_hidden()  # collapsed until asked for
    assumptions.locator("summary").click()
    for item in plan["assumptions"]:
        expect(assumptions).to_contain_text(item["text"])


def test_links_in_the_plan_resolve_on_this_site(page, site, built_site):
    _result, plan = open_with_plan(page, site, BELOW)
    wanted = {site.url(link["href"]) for o in plan["options"] for link in o["links"]}
    assert wanted
    hrefs = set(page.locator("#plan a").evaluate_all("links => links.map((a) => a.href)"))
    assert hrefs == wanted
    for href in hrefs:
        assert href.startswith(site.root)  # same origin, under the base URL
        path = urllib.parse.urlsplit(href).path.removeprefix(site.base)
        assert (built_site / path / "index.html").is_file(), href
        with urllib.request.urlopen(href) as response:
            assert response.status == 200


def test_trying_an_option_that_counts_now_gives_its_total_and_undo_restores(page, site):
    before, plan = open_with_plan(page, site, BELOW)
    option = next((o for o in plan["options"] if o["earliest_month"] == plan["start"]), None)
    assert option, "the profile should have an option that counts this month"
    values, address = form_values(page), current_fragment(page)

    option_item(page, option["id"]).get_by_role("button", name="试试这个做法").click()
    tried = {**BELOW, **option["profile_changes"]}
    after = wait_for_total(page, tried)
    assert after["total"] == option["total"] != before["total"]
    banner = page.locator("#plan-applied")
    expect(banner).to_be_visible()
    expect(banner.locator("#plan-applied-title")).to_have_text(f"已应用：{option['title']}")
    assert scoring.validate(profile_from_fragment(page)) == scoring.validate(tried)
    wait_for_plan(page, tried)  # the plan follows the tried answers too

    banner.get_by_role("button", name="撤销").click()
    expect(banner).to_be_hidden()
    wait_for_total(page, BELOW)
    expect(page.locator("#score-total")).to_have_text(str(before["total"]))
    assert current_fragment(page) == address
    assert form_values(page) == values
    wait_for_plan(page, BELOW)


def test_trying_a_later_option_fills_in_the_months_until_it_counts(page, site):
    _before, plan = open_with_plan(page, site, BELOW)
    option = next((o for o in plan["options"] if o["earliest_month"] != plan["start"]), None)
    assert option, "the profile should have an option that counts only later"
    option_item(page, option["id"]).get_by_role("button", name="试试这个做法").click()
    tried = {**BELOW, **option["profile_changes"]}
    # The form now holds the profile plus the option's changes (months included) …
    assert scoring.validate(profile_from_fragment(page)) == scoring.validate(tried)
    # … scored for today, as every answer in the calculator is.
    wait_for_total(page, tried)
    note = page.locator("#plan-applied-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text(month_words(option["earliest_month"]))


def test_apply_and_undo_by_keyboard_one_step_at_a_time(page, site):
    before, plan = open_with_plan(page, site, LOW)
    # An option after which the plan still has options, so that a second can be tried.
    first = next((o for o in plan["options"]
                  if scoring.plan({**LOW, **o["profile_changes"]}, plan["start"])["options"]),
                 None)
    assert first, "the profile should have an option that leaves more to try"
    button = option_item(page, first["id"]).get_by_role("button", name="试试这个做法")
    button.focus()
    page.keyboard.press("Enter")
    # The focus moves to the banner, which says what was applied and holds the undo.
    assert focused(page)["id"] == "plan-applied"
    tried = {**LOW, **first["profile_changes"]}
    wait_for_total(page, tried)
    address_after_first = current_fragment(page)

    # A second option, from the plan for the tried answers.
    second = wait_for_plan(page, tried)["options"][0]
    option_item(page, second["id"]).get_by_role("button", name="试试这个做法").click()
    wait_for_total(page, {**tried, **second["profile_changes"]})
    expect(page.locator("#plan-applied-title")).to_have_text(f"已应用：{second['title']}")

    page.keyboard.press("Tab")
    assert focused(page)["id"] == "plan-undo"
    page.keyboard.press("Enter")  # back to the answers after the first option
    wait_for_total(page, tried)
    assert current_fragment(page) == address_after_first
    expect(page.locator("#plan-applied-title")).to_have_text(f"已应用：{first['title']}")
    assert focused(page)["id"] == "plan-applied"

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # and back to the person's own answers
    expect(page.locator("#plan-applied")).to_be_hidden()
    expect(page.locator("#plan-status")).to_contain_text("已撤销")
    wait_for_total(page, LOW)
    expect(page.locator("#score-total")).to_have_text(str(before["total"]))
    wait_for_plan(page, LOW)
    # The focus returns to the button of the option that was undone.
    poll(lambda: focused(page)["option"] == first["id"])


def test_vetoed_profile_gets_only_the_reason(page, site):
    result, plan = open_with_plan(page, site, VETOED)
    assert result["vetoed"] and plan["status"] == "vetoed"
    for reason in result["veto_reasons"]:
        expect(page.locator("#plan-summary")).to_contain_text(reason)
    for block in ("#plan-timeline", "#plan-options-block", "#plan-risks-block",
                  "#plan-assumptions"):
        expect(page.locator(block)).to_be_hidden()
    expect(page.locator("#plan button")).to_have_count(0)


def test_profile_at_120_gets_the_margin_and_the_risks(page, site):
    result, plan = open_with_plan(page, site, ABOVE)
    assert plan["status"] == "reached" and plan["risks"]
    expect(page.locator("#plan-summary")).to_contain_text(f"高出 {plan['margin']} 分")
    assert plan["margin"] == result["total"] - result["threshold"]
    risks = page.locator("#plan-risks > li")
    expect(risks).to_have_count(len(plan["risks"]))
    for index, risk in enumerate(plan["risks"]):
        expect(risks.nth(index)).to_contain_text(risk["title"])
        expect(risks.nth(index)).to_contain_text(risk["detail"])
    expect(page.locator("#plan-options-block")).to_be_hidden()


def test_plan_keeps_up_with_fast_typing(page, site):
    open_with_plan(page, site, BELOW)
    with pytest.raises(scoring.ProfileError):
        scoring.validate({**BELOW, "si_months": 1234})
    field = page.locator('[name="si_months"]')
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1234")  # four edits in quick succession, ending above the limit
    expect(page.locator("#err-si_months")).to_be_visible()
    expect(page.locator("#plan-body")).to_be_hidden()  # no plan for answers that cannot count
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")  # 12
    final = {**BELOW, "si_months": 12}
    wait_for_total(page, final)
    wait_for_plan(page, final)  # the last answers' plan, not a stale one


def test_a_plan_that_cannot_load_leaves_the_score_working(context, site):
    context.route(re.compile(r".*/plan\.js(\?.*)?$"), lambda route: route.abort())
    page = context.new_page()
    page.goto(site.url("calculator/#" + fragment(BELOW)))
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS
    )
    wait_for_total(page, BELOW)
    expect(page.locator("#plan-note")).to_contain_text("积分方案暂时无法显示")
    page.locator('[name="si_months"]').fill("60")
    wait_for_total(page, {**BELOW, "si_months": 60})


def test_print_shows_the_plan_summary_only_and_a_tried_option(page, site):
    _result, plan = open_with_plan(page, site, BELOW)
    option = plan["options"][0]
    option_item(page, option["id"]).get_by_role("button", name="试试这个做法").click()
    wait_for_total(page, {**BELOW, **option["profile_changes"]})
    pdf = page.pdf(format="A4")  # in print media, before any emulation (which pdf() follows)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.emulate_media(media="print")
    # The plan's answer in one paragraph; its options and timeline are for the screen.
    expect(page.locator("#plan-summary")).to_be_visible()
    expect(page.locator("#plan-options")).to_be_hidden()
    expect(page.locator("#plan-timeline")).to_be_hidden()
    expect(page.locator("#plan-applied")).to_be_visible()
    expect(page.locator("#plan-applied")).to_contain_text(option["title"])
    expect(page.locator("#plan-undo")).to_be_hidden()
