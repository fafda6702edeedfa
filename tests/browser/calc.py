"""Helpers for driving the calculator page like a user, and for the answers to expect.

Expected results always come from calling `scoring.score` in the test process, never from
numbers written into the tests, so the browser is checked against the real engine.
"""

from __future__ import annotations

import time
import urllib.parse

from playwright.sync_api import Page, expect

import scoring

READY_TIMEOUT_MS = 120_000  # the first Pyodide boot on a slow CI machine


class PageProblems:
    """Uncaught errors and Content-Security-Policy violations seen on a page."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if message.type == "error" and "Content Security Policy" in text:
            self.errors.append(f"CSP: {text}")


def fields() -> list[dict]:
    return scoring.field_descriptions()


def open_calculator(page: Page, site, fragment: str = "") -> None:
    """Open /calculator/ (optionally with `#fragment`) and wait until the engine is ready."""
    page.goto(site.url("calculator/") + (f"#{fragment}" if fragment else ""))
    wait_ready(page)


def wait_ready(page: Page) -> None:
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS
    )


def fill_profile(page: Page, profile: dict) -> None:
    """Answer every question like a person: the profile's value, or the field's default when
    it has none. A question in a situation (“以下哪些情况适用于您？”) is reached by opening
    that situation; a conditional question is answered once it has appeared (fields come in
    form order, so the answer it depends on is given first); one that stays hidden is left."""
    for field in fields():
        key = field["key"]
        value = profile.get(key, field.get("default"))
        control = page.locator(f'[name="{key}"]')
        situation = field.get("situation")
        if situation and value != field.get("default"):
            toggle = page.locator(f"#toggle-{situation}")
            if toggle.get_attribute("aria-expanded") != "true":
                toggle.click()
        if not control.is_visible():
            assert value == field.get("default"), f"{key} is not asked for this profile"
            continue
        if field["type"] == "boolean":
            control.set_checked(bool(value))
        elif field["type"] == "choice":
            control.select_option(value)
        else:
            control.fill("" if value is None else str(value))


def expected_result(page: Page, profile: dict) -> dict:
    """What the engine says for `profile`, on the date the page computed for."""
    on = page.locator("#calculator").get_attribute("data-date")
    return scoring.score(profile, on=on).to_dict()


def wait_for_total(page: Page, profile: dict) -> dict:
    """Wait until the page shows the result for the form as it is now, and check its total
    against the real engine's for `profile`; return that result."""
    root = page.locator("#calculator")
    # The page marks which answers (in fragment form) the shown result belongs to.
    poll(lambda: root.get_attribute("data-scored") == current_fragment(page))
    expect(root).to_have_attribute("data-state", "scored")
    result = expected_result(page, profile)
    expect(page.locator("#score-total")).to_have_text(str(result["total"]))
    return result


def wait_for_plan(page: Page, profile: dict) -> dict:
    """Wait until the plan on the page belongs to the form as it is now, and check its summary
    against the real planner's for `profile` (from the month the page scored for); return
    that plan."""
    root = page.locator("#calculator")
    # Like data-scored: which answers (in fragment form) the plan on screen was made for.
    poll(lambda: root.get_attribute("data-planned") == current_fragment(page))
    on = root.get_attribute("data-date")
    plan = scoring.plan(profile, start=on[:7])
    expect(page.locator("#plan")).to_have_attribute("data-plan", plan["status"])
    expect(page.locator("#plan-summary")).to_have_text(plan["summary"])
    return plan


def profile_from_fragment(page: Page) -> dict:
    """The profile the page's fragment holds, typed as the engine takes it."""
    types = {field["key"]: field["type"] for field in fields()}
    profile: dict = {}
    for key, raw in fragment_params(page).items():
        kind = types[key]
        if kind == "boolean":
            profile[key] = raw == "1"
        elif kind == "integer":
            profile[key] = int(raw)
        elif kind == "number":
            profile[key] = float(raw)
        else:
            profile[key] = raw
    return profile


def current_fragment(page: Page) -> str:
    # Read from the page: Playwright's page.url can lag behind history.replaceState.
    return page.evaluate("() => location.hash.slice(1)")


def fragment_params(page: Page) -> dict[str, str]:
    """The profile the page's URL fragment holds, as a dict of raw strings."""
    fragment = current_fragment(page)
    return dict(urllib.parse.parse_qsl(fragment, keep_blank_values=True))


def poll(check, timeout: float = 30.0, interval: float = 0.1):
    """Call `check()` until it returns something truthy (the CSP forbids string predicates)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {check}")
        time.sleep(interval)
