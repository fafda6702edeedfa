"""Share and resume: the profile lives in the URL fragment, both ways."""

from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import expect

from tests.browser.calc import (
    fill_profile,
    fragment_params,
    open_calculator,
    poll,
    wait_for_total,
)

pytestmark = pytest.mark.browser


def test_fragment_fills_the_form_and_scores_it(page, site):
    profile = {"age": 30, "education": "bachelor_degree", "si_months": 36,
               "title_si_condition": True, "title": "intermediate"}
    fragment = ("age=30&education=bachelor_degree&si_months=36"
                "&title_si_condition=1&title=intermediate")
    open_calculator(page, site, fragment)
    expect(page.locator('[name="age"]')).to_have_value("30")
    expect(page.locator('[name="education"]')).to_have_value("bachelor_degree")
    expect(page.locator('[name="title"]')).to_have_value("intermediate")
    expect(page.locator('[name="title_si_condition"]')).to_be_checked()
    expect(page.locator('[name="si_months"]')).to_have_value("36")
    wait_for_total(page, profile)
    expect(page.locator("#fragment-message")).to_be_hidden()


def test_typing_updates_the_fragment_without_history_entries(page, site):
    open_calculator(page, site)
    history_length = page.evaluate("() => history.length")
    profile = {"age": 41, "education": "master", "shortage_major": True, "si_months": 100}
    fill_profile(page, profile)
    poll(lambda: fragment_params(page) == {
        "age": "41", "education": "master", "shortage_major": "1", "si_months": "100",
    })
    wait_for_total(page, profile)
    assert page.evaluate("() => history.length") == history_length  # replaceState, not push
    # The link resumes the same answers in a fresh tab.
    link = page.url
    other = page.context.new_page()
    other.goto(link)
    expect(other.locator('[name="education"]')).to_have_value("master")
    expect(other.locator('[name="shortage_major"]')).to_be_checked()
    wait_for_total(other, profile)
    other.close()


def test_unticked_box_drops_out_of_the_fragment(page, site):
    # Booleans travel as 1/0; only answers that differ from the defaults are kept.
    open_calculator(page, site, "age=35&fresh_graduate=1&entrepreneur=0")
    expect(page.locator('[name="fresh_graduate"]')).to_be_checked()
    expect(page.locator('[name="entrepreneur"]')).not_to_be_checked()
    expect(page.locator("#fragment-message")).to_be_hidden()
    page.locator('[name="fresh_graduate"]').set_checked(False)
    poll(lambda: fragment_params(page) == {"age": "35"})
    wait_for_total(page, {"age": 35})


def test_hashchange_applies_a_new_profile(page, site):
    open_calculator(page, site, "age=30&education=college")
    wait_for_total(page, {"age": 30, "education": "college"})
    page.evaluate("() => { location.hash = 'age=52&title=senior&title_si_condition=1'; }")
    expect(page.locator('[name="title"]')).to_have_value("senior")
    # Answers the new fragment leaves out go back to their defaults.
    expect(page.locator('[name="education"]')).to_have_value("none")
    wait_for_total(page, {"age": 52, "title": "senior", "title_si_condition": True})


def test_malformed_fragment_says_what_was_ignored_and_keeps_the_rest(page, site):
    fragment = "age=36&education=phd_from_mars&colour=blue&si_months=abc&award=provincial&%E0%A4%A"
    open_calculator(page, site, fragment)
    message = page.locator("#fragment-message")
    expect(message).to_be_visible()
    expect(message).to_contain_text("无法识别")
    expect(message).to_contain_text("phd_from_mars")
    expect(message).to_contain_text("colour")
    expect(message).to_contain_text("abc")
    expect(page.locator('[name="age"]')).to_have_value("36")
    expect(page.locator('[name="award"]')).to_have_value("provincial")
    expect(page.locator('[name="education"]')).to_have_value("none")
    wait_for_total(page, {"age": 36, "award": "provincial"})
    # The address now holds only what the form understood.
    assert fragment_params(page) == {"age": "36", "award": "provincial"}
    # A good link afterwards clears the message.
    page.evaluate("() => { location.hash = 'age=37'; }")
    expect(message).to_be_hidden()
    wait_for_total(page, {"age": 37})


def test_out_of_range_value_from_a_link_is_flagged_at_its_field(page, site):
    open_calculator(page, site, "age=130")
    expect(page.locator('[name="age"]')).to_have_value("130")
    expect(page.locator("#err-age")).to_be_visible()
    expect(page.locator("#score-total")).to_have_text("—")


def test_skip_link_anchor_is_not_taken_for_a_profile(page, site):
    open_calculator(page, site, "age=44&education=master")
    wait_for_total(page, {"age": 44, "education": "master"})
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link: #main
    expect(page.locator("#fragment-message")).to_be_hidden()
    expect(page.locator('[name="education"]')).to_have_value("master")


def test_copy_link_copies_the_current_address(page, site):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.origin)
    open_calculator(page, site, "age=29&education=doctor")
    page.locator("#copy-link").click()
    expect(page.locator("#copy-status")).to_contain_text("已复制")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url
    assert urllib.parse.urlsplit(copied).fragment == "age=29&education=doctor"
