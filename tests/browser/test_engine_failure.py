"""When the engine cannot start, the page says so plainly and the form keeps working."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.calc import READY_TIMEOUT_MS, fragment_params, poll

pytestmark = pytest.mark.browser


def test_missing_runtime_is_reported_and_the_form_still_works(context, site):
    context.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="gone"))
    page = context.new_page()
    page.goto(site.url("calculator/#age=30"))
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "failed", timeout=READY_TIMEOUT_MS
    )
    expect(page.locator("#calc-status-text")).to_contain_text("计算引擎未能启动")
    expect(page.locator("#calc-progress")).to_be_hidden()
    expect(page.locator("#result-note")).to_contain_text("暂时无法计算")
    page.locator('[name="education"]').select_option("master")
    poll(lambda: fragment_params(page) == {"age": "30", "education": "master"})
