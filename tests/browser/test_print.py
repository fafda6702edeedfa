"""Printing: one clean page with the answers and the breakdown."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.calc import open_calculator, wait_for_plan, wait_for_total

pytestmark = pytest.mark.browser

PROFILE = {"age": 40, "education": "master", "title": "senior", "title_si_condition": True,
           "si_months": 100, "si_base_tier": "2x", "shortage_major": True,
           "spouse_hukou_years": 6, "detention_count": 1}
FRAGMENT = ("age=40&education=master&title=senior&title_si_condition=1&si_months=100"
            "&si_base_tier=2x&shortage_major=1&spouse_hukou_years=6&detention_count=1")


def test_print_is_short_with_answers_breakdown_and_documents(page, site):
    open_calculator(page, site, FRAGMENT)
    result = wait_for_total(page, PROFILE)
    wait_for_plan(page, PROFILE)
    pdf = page.pdf(format="A4")
    # One sheet at most front and back, even with the documents checklist of eight lines.
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 2

    page.emulate_media(media="print")
    expect(page.locator("#calc-form")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("#copy-link")).to_be_hidden()
    summary = page.locator("#answers-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("硕士研究生学历学位")  # the option's label, not its value
    expect(summary).to_contain_text("100")
    expect(page.locator("#score-total")).to_be_visible()
    for line in result["lines"]:
        row = page.locator(f'#score-lines li[data-indicator="{line["id"]}"]')
        if line["points"] != 0:
            expect(row).to_be_visible()
    expect(page.locator("#score-edition")).to_be_visible()
    if result.get("documents"):
        expect(page.locator("#documents-block")).to_be_visible()
    # What makes the paper useful later: the site, the day, the link back, the plan, the rules.
    header = page.locator("#print-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text("上海居住证积分指南")
    day = page.locator("#calculator").get_attribute("data-date")
    year, month, date = (int(part) for part in day.split("-"))
    expect(header).to_contain_text(f"{year}年{month}月{date}日")
    expect(page.locator("#print-link")).to_have_text(page.url)
    expect(page.locator("#plan-summary")).to_be_visible()
    expect(page.locator("#rules-version")).to_contain_text(result["rules_version"])
    # No ISO dates in what is printed.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page.locator("#result").inner_text())
    expect(page.locator(".calc-disclaimer")).to_be_visible()
