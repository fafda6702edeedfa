"""The calculator page: filling the form gives the real engine's result, explained line by line.

One page is shared by the tests in this module (booting Pyodide takes seconds); each test
sets every control, so no test depends on another's answers.
"""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

import scoring
from tests.browser.calc import (
    PageProblems,
    fields,
    fill_profile,
    open_calculator,
    poll,
    wait_for_total,
)

pytestmark = pytest.mark.browser

PROFILES = [
    {"age": 30, "education": "bachelor_degree", "si_months": 36},
    {"age": 45, "education": "master", "title": "intermediate", "title_si_condition": True,
     "si_months": 120, "si_base_tier": "2x", "shortage_major": True},
    {"age": 24, "education": "doctor", "fresh_graduate": True, "award": "provincial"},
    {"age": 50, "investment_annual_tax_cny": 350000, "spouse_hukou_years": 12,
     "suburb_years": 7, "public_service_years": 6},
    {"age": 33, "education": "college", "title": "skill_2", "title_si_condition": False,
     "si_months": 60, "entrepreneur": True, "detention_count": 1},
    {"age": 40, "education": "bachelor", "serious_criminal_record": True, "si_months": 24},
]
# Deductions beyond the points earned: the total must go below zero, never be clamped.
NEGATIVE = {"age": 58, "false_material_count": 2, "criminal_count": 3}


@pytest.fixture(scope="module")
def calc(browser, site):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    open_calculator(page, site)
    yield page
    context.close()
    assert not problems.errors, "\n".join(problems.errors)


def test_profiles_give_the_engines_totals(calc):
    totals = []
    for profile in PROFILES:
        fill_profile(calc, profile)
        totals.append(wait_for_total(calc, profile)["total"])
    assert len(set(totals)) == len(totals)  # each profile really changed the result


def test_breakdown_lists_every_line_with_its_explanation(calc, site):
    profile = PROFILES[1]
    fill_profile(calc, profile)
    result = wait_for_total(calc, profile)
    rows = calc.locator("#breakdown li[data-indicator]")
    expect(rows).to_have_count(len(result["lines"]))
    for line in result["lines"]:
        row = calc.locator(f'#breakdown li[data-indicator="{line["id"]}"]')
        expect(row.locator(".line-label")).to_have_text(line["label"])
        shown = (f"+{line['points']}" if line["points"] > 0 else str(line["points"])) \
            if line["counted"] else "不计入"
        expect(row.locator(".points")).to_have_text(shown)
        expect(row.locator(".explanation")).to_have_text(line["explanation"])
        expect(row.locator(".reference")).to_have_text(line["reference"])
    # Lines that count come first, grouped; the zero lines are folded away, counted.
    shown_first = [line for line in result["lines"] if line["points"] != 0 or not line["counted"]]
    expect(calc.locator("#score-lines li[data-indicator]")).to_have_count(len(shown_first))
    zero = len(result["lines"]) - len(shown_first)
    expect(calc.locator("#zero-lines-summary")).to_have_text(f"其余 {zero} 项均为 0 分（展开）")
    groups = calc.locator("#score-lines section").evaluate_all(
        "sections => sections.map(s => s.dataset.group)")
    assert groups == [g for g in ("basic", "bonus", "deduction", "veto")
                      if any(line["group"] == g for line in shown_first)]
    # Each link names its topic; each line can go back to its question.
    for link in calc.locator("#score-lines a.explainer-link").all():
        label = link.locator("xpath=ancestor::li[1]").locator(".line-label").inner_text()
        expect(link).to_have_text(f"“{label}”的规则说明")
    edit = calc.locator('#score-lines li[data-indicator="si_years"] a.edit-link')
    edit.click()
    expect(calc.locator('[name="si_months"]')).to_be_focused()
    # Explainer links lead to pages that exist.
    links = calc.locator("#breakdown a.explainer-link")
    assert links.count() > 0
    for href in links.evaluate_all("links => links.map(a => a.href)"):
        assert href.startswith(site.root + "policy/")
        with urllib.request.urlopen(href) as response:
            assert response.status == 200
    status = calc.locator("#score-status")
    expect(status).to_have_attribute("data-state", result["status"]["state"])
    for warning in result["warnings"]:
        expect(calc.locator("#score-warnings")).to_contain_text(warning["text"])
    edition = result["edition"]
    expect(calc.locator("#score-edition")).to_contain_text(edition["number"])
    year, month, day = (int(part) for part in edition["effective_until"].split("-"))
    expect(calc.locator("#score-edition")).to_contain_text(f"{year}年{month}月{day}日")
    expect(calc.locator("#score-edition")).not_to_contain_text(edition["effective_until"])


def test_total_below_zero_is_shown_unclamped(calc):
    fill_profile(calc, NEGATIVE)
    result = wait_for_total(calc, NEGATIVE)
    assert result["total"] < 0
    expect(calc.locator("#score-status")).to_have_attribute("data-state", "ineligible")


# One profile per headline state; the states themselves come from the engine's result.
STATES = {
    "vetoed": {"age": 40, "education": "doctor", "serious_criminal_record": True,
               "si_months": 120},
    "ineligible": {"age": 61, "education": "doctor", "si_months": 120, "si_base_tier": "1x"},
    "reached": {"age": 30, "education": "bachelor_degree", "si_months": 120,
                "si_base_tier": "1x"},
    "short": {"age": 35, "education": "college", "si_months": 60},
}


@pytest.mark.parametrize("state", STATES)
def test_eligibility_decides_the_headline(calc, state):
    profile = STATES[state]
    fill_profile(calc, profile)
    result = wait_for_total(calc, profile)
    assert result["status"]["state"] == state
    status = calc.locator("#score-status")
    expect(status).to_have_attribute("data-state", state)
    expect(calc.locator("#score-status[data-state]")).to_have_count(1)
    if state in ("vetoed", "ineligible"):
        for reason in result["status"]["reasons"]:
            expect(status).to_contain_text(reason["text"])
        # Never the arithmetic of an application that cannot be made.
        expect(status).not_to_contain_text("还差")
        expect(status).not_to_contain_text("已达到")
        expect(calc.locator("#score-threshold")).to_contain_text("仅供参考")
    if state == "vetoed":
        expect(status).to_contain_text("不能申请积分")
    if state == "ineligible":
        expect(status).to_contain_text("目前不符合申请条件：")
    if state == "reached":
        expect(status).to_contain_text(f"超出 {result['status']['margin']} 分")
    if state == "short":
        expect(status).to_contain_text(f"还差 {result['status']['gap']} 分")
    # The total still shows, for reference.
    expect(calc.locator("#score-total")).to_have_text(str(result["total"]))


def test_invalid_value_gets_a_message_at_its_field(calc):
    profile = {"age": 12}
    with pytest.raises(scoring.ProfileError) as raised:
        scoring.validate(profile)
    assert raised.value.field == "age"
    fill_profile(calc, profile)
    error = calc.locator("#err-age")
    # In the words of the field description's messages, naming what is allowed.
    field = next(f for f in fields() if f["key"] == "age")
    wording = scoring.form_description()["messages"]["range"]
    expect(error).to_have_text(wording.format(min=field["min"], max=field["max"],
                                              noun=field["noun"], value="12"))
    expect(calc.locator('[name="age"]')).to_have_attribute("aria-invalid", "true")
    expect(calc.locator("#score-total")).to_have_text("—")
    fill_profile(calc, {"age": 32})
    wait_for_total(calc, {"age": 32})
    expect(error).to_be_hidden()
    expect(calc.locator('[name="age"]')).not_to_have_attribute("aria-invalid", "true")


def test_missing_required_answer_asks_for_it(calc):
    fill_profile(calc, {"age": None})
    expect(calc.locator("#score-total")).to_have_text("—")
    expect(calc.locator("#result-note")).to_contain_text("年龄")
    expect(calc.locator("#err-age")).to_be_hidden()  # not an error: just not answered yet


def test_form_is_rendered_from_the_field_descriptions(calc):
    for field in fields():
        control = calc.locator(f'[name="{field["key"]}"]')
        expect(control).to_have_count(1)
        label = calc.locator(f'label[for="{control.get_attribute("id")}"]')
        expect(label).to_contain_text(field["label"])
        if field["type"] == "choice":
            values = control.locator("option").evaluate_all("os => os.map(o => o.value)")
            assert values == [option["value"] for option in field["options"]]
        elif field["type"] in ("integer", "number") and "max" in field:
            assert control.get_attribute("data-max") == str(field["max"])


def test_engine_answers_quickly_after_an_edit(calc):
    # Not a benchmark (see benchmarks/calculator.py): a guard against a page that re-boots
    # the engine or re-renders the form on every keystroke.
    fill_profile(calc, PROFILES[0])
    wait_for_total(calc, PROFILES[0])
    calc.locator('[name="si_months"]').fill("48")
    poll(lambda: calc.evaluate(
        "() => performance.getEntriesByName('calc-update').length"
    ) > 0)
    slowest = calc.evaluate(
        "() => Math.max(...performance.getEntriesByName('calc-update').map(m => m.duration))"
    )
    assert slowest < 2000
