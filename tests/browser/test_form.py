"""The form a person on a phone meets (issue 8): a few questions at a time, the total in view,
GOV.UK-style errors, links from catalogue entries, answers saved to a file and old links.

Runs at a phone's 390×844 and a desktop's 1280×800. Expected results come from the engine
(`scoring`), wording from the field descriptions (`scoring.form_description()`)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

import scoring
from tests.browser.calc import (
    PageProblems,
    fill_profile,
    fragment_params,
    open_calculator,
    poll,
    wait_for_total,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VISIBLE_CONTROLS = """() => Array.from(
    document.querySelectorAll('#calc-form input, #calc-form select'))
    .filter(el => el.getClientRects().length > 0).map(el => el.name || el.id)"""
FORM = scoring.form_description()
FIELDS = {field["key"]: field for field in FORM["fields"]}


def message(name: str, key: str, **values) -> str:
    field = FIELDS[key]
    filled = {"label": field["label"], "noun": field.get("noun", ""), "min": field.get("min"),
              "max": field.get("max"), "example": field.get("example", ""),
              "unit": field.get("unit", ""), **values}
    return FORM["messages"][name].format(**filled)


@pytest.fixture(params=[PHONE, DESKTOP], ids=["390", "1280"])
def viewport(request):
    return request.param


@pytest.fixture
def calc(browser, site, viewport):
    context = browser.new_context(locale="zh-CN", viewport=viewport, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    yield page
    context.close()
    assert not problems.errors, "\n".join(problems.errors)


def test_first_screen_asks_at_most_eight_questions(calc, site):
    open_calculator(calc, site)
    shown = calc.evaluate(VISIBLE_CONTROLS)
    assert 0 < len(shown) <= 8, shown
    # What everyone answers is there; the situations' questions are not (yet).
    assert {"age", "education", "title", "si_months", "si_base_tier"} <= set(shown)
    assert not {key for key, field in FIELDS.items() if field.get("situation")} & set(shown)
    # Opening a situation reveals its questions.
    calc.locator("#toggle-investment").click()
    expect(calc.locator('[name="investment_annual_tax_cny"]')).to_be_visible()


def test_title_condition_is_asked_only_for_qualifying_titles(calc, site):
    open_calculator(calc, site, "age=35&si_months=60")
    condition = calc.locator('[name="title_si_condition"]')
    qualifying = FIELDS["title_si_condition"]["applies_when"]["in"]
    for option in FIELDS["title"]["options"]:
        calc.locator('[name="title"]').select_option(option["value"])
        if option["value"] in qualifying:
            expect(condition).to_be_visible()
        else:
            expect(condition).to_be_hidden()
    # Asked right there: the next question after the title.
    order = calc.evaluate(VISIBLE_CONTROLS)
    assert order.index("title_si_condition") == order.index("title") + 1


def test_total_stays_in_view_while_any_field_is_focused_on_a_phone(calc, site, viewport):
    if viewport != PHONE:
        pytest.skip("the bar is for phones; on a desktop the result sits beside the form")
    profile = {"age": 35, "education": "college", "si_months": 60}
    open_calculator(calc, site, "age=35&education=college&si_months=60")
    result = wait_for_total(calc, profile)
    bar = calc.locator("#total-bar")
    expect(calc.locator("#bar-total")).to_have_text(str(result["total"]))
    expect(bar).to_contain_text(f"还差 {result['status']['gap']} 分")
    expect(bar).to_contain_text("查看明细")
    for toggle in calc.locator(".situation-toggle").all():
        toggle.click()
    for name in calc.evaluate(VISIBLE_CONTROLS):
        calc.locator(f'[name="{name}"]').focus()
        box = bar.bounding_box()
        assert box is not None and box["y"] >= -1 and box["y"] + box["height"] <= PHONE["height"]
        # The focused field itself is not hidden under the bar.
        field_top = calc.evaluate("() => document.activeElement.getBoundingClientRect().top")
        assert field_top >= box["height"] - 2, name


# Whether the browser has laid out an element: false inside a part with
# `content-visibility: auto` while the part is skipped, away from the viewport.
RENDERED = "(s) => document.querySelector(s).checkVisibility({contentVisibilityAuto: true})"


def test_parts_below_the_first_screen_are_laid_out_when_they_come_into_view(calc, site, viewport):
    profile = {"age": 35, "education": "college", "si_months": 60}
    open_calculator(calc, site, "age=35&education=college&si_months=60")
    result = wait_for_total(calc, profile)
    # Skipped while the engine starts and the first result is drawn: what is far below the
    # first screen; on a phone also the situations and the result (below the form).
    below = [".calc-share > h2", ".site-footer .wrap"]
    if viewport == PHONE:
        below += [".situation", "#result"]
    for selector in below:
        assert not calc.evaluate(RENDERED, selector), selector
    if viewport == PHONE:
        calc.locator("#bar-link").click()
        poll(lambda: calc.evaluate(RENDERED, "#result"))
        expect(calc.locator("#score-total")).to_be_in_viewport()
        expect(calc.locator("#score-total")).to_have_text(str(result["total"]))
    else:
        expect(calc.locator("#score-total")).to_have_text(str(result["total"]))
        expect(calc.locator("#score-total")).to_be_in_viewport()
    calc.locator(".site-footer").scroll_into_view_if_needed()
    poll(lambda: calc.evaluate(RENDERED, ".site-footer .wrap"))
    expect(calc.locator(".site-footer")).to_contain_text("本站为非官方网站")
    expect(calc.locator(".site-footer")).to_be_in_viewport()


def test_errors_are_plain_and_listed_in_a_summary(calc, site):
    open_calculator(calc, site, "age=35&si_months=60")
    wait_for_total(calc, {"age": 35, "si_months": 60})
    expect(calc.locator("#breakdown")).to_be_visible()
    calc.locator('[name="age"]').fill("200")
    calc.locator('[name="si_months"]').fill("abc")
    summary = calc.locator("#error-summary")
    expect(summary).to_be_visible()
    expected_age = message("range", "age", value="200")
    expected_months = message("not_number", "si_months", value="abc")
    expect(calc.locator("#err-age")).to_have_text(expected_age)
    expect(calc.locator("#err-si_months")).to_have_text(expected_months)
    links = summary.locator("a")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_have_text(expected_age)
    expect(calc.locator("#score-total")).to_have_text("—")
    # No total, so no lines: the last result's ("35 周岁 +30") would read as current.
    expect(calc.locator("#breakdown")).to_be_hidden()
    # A summary link takes you to the field, and the address keeps the answers.
    links.nth(1).click()
    expect(calc.locator('[name="si_months"]')).to_be_focused()
    # The answers stay in the address (a number out of range included); only text that is
    # not a number at all is left out of it.
    # (The address is written a moment after the last edit: wait for it.)
    poll(lambda: fragment_params(calc).get("age") == "200"
         and "si_months" not in fragment_params(calc))
    # An emptied box is an error, never a silent 0.
    calc.locator('[name="si_months"]').fill("")
    expect(calc.locator("#err-si_months")).to_have_text(message("empty", "si_months"))
    calc.locator('[name="age"]').fill("35")
    calc.locator('[name="si_months"]').fill("60")
    wait_for_total(calc, {"age": 35, "si_months": 60})
    expect(summary).to_be_hidden()
    expect(calc.locator("#breakdown")).to_be_visible()


def test_tax_accepts_wan_and_says_how_it_was_read(calc, site):
    open_calculator(calc, site, "age=40&si_months=60")
    calc.locator("#toggle-investment").click()
    box = calc.locator('[name="investment_annual_tax_cny"]')
    box.fill("10万")
    profile = {"age": 40, "si_months": 60, "investment_annual_tax_cny": 100000}
    wait_for_total(calc, profile)
    expect(calc.locator("#read-investment_annual_tax_cny")).to_contain_text("100000")
    poll(lambda: fragment_params(calc).get("investment_annual_tax_cny") == "100000")
    box.fill("十万")
    expect(calc.locator("#err-investment_annual_tax_cny")).to_have_text(
        message("not_number", "investment_annual_tax_cny", value="十万"))


def test_catalogue_link_prefills_the_title_says_so_and_asks_the_condition(calc, site):
    # The link an entry page's button makes (contract 1), built here from the real catalogue.
    import tomllib
    from pathlib import Path

    data = tomllib.loads(Path("catalogue/qualifications.toml").read_text(encoding="utf-8"))
    entry = data["entries"][0]
    folder = data["catalogue"]["id"]
    open_calculator(calc, site, f"title=intermediate&from={folder}/{entry['id']}")
    notice = calc.locator("#prefill-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(f"已按《{entry['name']}》填入")
    expect(notice).to_contain_text("中级职称")
    condition = calc.locator('[name="title_si_condition"]')
    expect(condition).to_be_visible()
    expect(condition).to_be_focused()
    expect(calc.locator("#fragment-message")).to_be_hidden()
    # `from` is not an answer: it does not stay in the address, the title does.
    poll(lambda: fragment_params(calc) == {"title": "intermediate"})
    # An unknown entry is ignored with a plain message; the rest still applies.
    calc.evaluate("() => { location.hash = 'age=33&title=senior&from=quals/no-such-entry'; }")
    expect(notice).to_contain_text("无法识别")
    expect(calc.locator('[name="title"]')).to_have_value("senior")


def test_export_then_import_restores_the_answers(calc, site, tmp_path):
    profile = {"age": 44, "education": "master", "title": "skill_2", "title_si_condition": True,
               "si_months": 90, "suburb_years": 6, "investment_annual_tax_cny": 250000}
    open_calculator(calc, site)
    fill_profile(calc, profile)
    wait_for_total(calc, profile)
    before = fragment_params(calc)
    with calc.expect_download() as download:
        calc.locator("#export-answers").click()
    path = tmp_path / "answers.json"
    download.value.save_as(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["answers"] == profile
    # Start again, then import the file.
    calc.evaluate("() => { location.hash = 'age=20'; }")
    wait_for_total(calc, {"age": 20})
    calc.locator("#import-file").set_input_files(str(path))
    poll(lambda: fragment_params(calc) == before)
    wait_for_total(calc, profile)
    expect(calc.locator('[name="suburb_years"]')).to_be_visible()
    # A file is input like any other: a bad one is refused with a message, nothing applied.
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "shanghai-points-answers", "answers": {"age": "x<script>"}}',
                   encoding="utf-8")
    calc.locator("#import-file").set_input_files(str(bad))
    expect(calc.locator("#answers-file-status")).to_contain_text("无法识别")


def test_old_share_links_restore_exactly(calc, site):
    # A link made by the calculator before this form (issue 5), with every kind of answer.
    old = ("age=40&education=master&title=senior&title_si_condition=1&si_months=100"
           "&si_base_tier=2x&shortage_major=1&spouse_hukou_years=6&detention_count=1"
           "&investment_annual_tax_cny=350000&fresh_graduate=1&family_planning_violation=0")
    open_calculator(calc, site, old)
    expect(calc.locator("#fragment-message")).to_be_hidden()
    expected = dict(pair.split("=") for pair in old.split("&"))
    del expected["family_planning_violation"]  # the default: links leave it out
    poll(lambda: fragment_params(calc) == expected)
    profile = {"age": 40, "education": "master", "title": "senior", "title_si_condition": True,
               "si_months": 100, "si_base_tier": "2x", "shortage_major": True,
               "spouse_hukou_years": 6, "detention_count": 1,
               "investment_annual_tax_cny": 350000, "fresh_graduate": True}
    wait_for_total(calc, profile)
    for key in ("shortage_major", "spouse_hukou_years", "detention_count", "fresh_graduate"):
        expect(calc.locator(f'[name="{key}"]')).to_be_visible()


def test_no_data_sent_line_is_shown_only_when_true(calc, site):
    open_calculator(calc, site, "age=35&si_months=60")
    line = calc.locator("#no-data-sent")
    expect(line).to_be_visible()
    expect(line).to_contain_text("本页自加载以来没有发送任何数据")
    calc.locator('[name="age"]').fill("36")
    wait_for_total(calc, {"age": 36, "si_months": 60})
    expect(line).to_be_visible()
    # A request after the engine is ready makes the line go away.
    calc.evaluate("() => fetch('../robots.txt')")
    expect(line).to_be_hidden()


def test_a_request_just_after_ready_is_counted(calc, site):
    # The check runs a moment after the engine is ready (the first result is drawn first), but
    # counts from ready: a request in between takes the line away too.
    calc.goto(site.url("calculator/#age=35&si_months=60"), wait_until="commit")
    engine = calc.locator("#calculator")
    poll(lambda: engine.get_attribute("data-engine") == "ready", timeout=90, interval=0.01)
    calc.evaluate("() => fetch('../robots.txt')")
    wait_for_total(calc, {"age": 35, "si_months": 60})
    poll(lambda: engine.get_attribute("data-requests-after-ready") == "1", timeout=10)
    expect(calc.locator("#no-data-sent")).to_be_hidden()
