"""The whole calculator with the keyboard alone: reach, fill, read the result, copy the link."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.calc import open_calculator, wait_for_total

pytestmark = pytest.mark.browser


def focused(page) -> dict:
    return page.evaluate(
        "() => ({name: document.activeElement.name || '', id: document.activeElement.id || ''})"
    )


def tab_to(page, *, name: str = "", element_id: str = "", limit: int = 120) -> int:
    """Press Tab until the wanted control has focus; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        now = focused(page)
        if (name and now["name"] == name) or (element_id and now["id"] == element_id):
            return presses
    raise AssertionError(f"Tab never reached {name or element_id}")


def test_keyboard_only_path(page, site):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.origin)
    open_calculator(page, site)
    page.locator("body").focus()
    tab_to(page, name="age")
    page.keyboard.type("35")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "education"
    for _ in range(3):  # none → college → bachelor → bachelor_degree
        page.keyboard.press("ArrowDown")
    expect(page.locator('[name="education"]')).to_have_value("bachelor_degree")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "title"
    for _ in range(6):  # none → junior → skill 5, 4, 3, 2 → intermediate
        page.keyboard.press("ArrowDown")
    expect(page.locator('[name="title"]')).to_have_value("intermediate")
    # The title's condition is asked right after it, now that it applies.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "title_si_condition"
    page.keyboard.press("Space")
    expect(page.locator('[name="title_si_condition"]')).to_be_checked()
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "si_months"
    page.keyboard.press("Control+A")
    page.keyboard.type("72")
    profile = {"age": 35, "education": "bachelor_degree", "title": "intermediate",
               "title_si_condition": True, "si_months": 72}
    wait_for_total(page, profile)
    # Every line's explainer link can be reached too, then the copy button.
    tab_to(page, element_id="copy-link", limit=200)
    page.keyboard.press("Enter")
    expect(page.locator("#copy-status")).to_contain_text("已复制")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url


def test_focus_is_visible_on_controls(page, site):
    open_calculator(page, site)
    page.locator("body").focus()
    tab_to(page, name="age")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


def test_enter_in_a_field_does_not_submit_or_navigate(page, site):
    open_calculator(page, site, "age=30")
    url = page.url
    page.locator('[name="age"]').focus()
    page.keyboard.press("Enter")
    page.keyboard.type("1")  # still on the same page, still in the field: age 301 → error
    expect(page.locator("#err-age")).to_be_visible()
    assert page.url.split("#")[0] == url.split("#")[0]
