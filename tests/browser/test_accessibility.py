"""axe-core on one page of each kind: zero serious or critical violations.

axe is served by the test server from the site's own origin (tests only), because the
pages' CSP rightly refuses both inline scripts and other origins.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.calc import fill_profile, open_calculator, wait_for_plan, wait_for_total
from tests.browser.conftest import AXE, AXE_PATH

pytestmark = pytest.mark.browser

RUN_AXE = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
}"""


def serious(page, site) -> list[dict]:
    assert AXE.is_file(), "node_modules/axe-core is missing: run `npm ci`"
    page.add_script_tag(url=site.origin + AXE_PATH)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]


def sample_pages(built_site) -> dict[str, str]:
    catalogue = sorted(p for p in (built_site / "catalogue").iterdir() if p.is_dir())[0]
    entry = sorted(p for p in catalogue.iterdir() if p.is_dir())[0]
    explainer = sorted(p for p in (built_site / "policy").iterdir() if p.is_dir())[0]
    return {
        "home": "",
        "catalogue index": "catalogue/",
        "catalogue": catalogue.relative_to(built_site).as_posix() + "/",
        "entry": entry.relative_to(built_site).as_posix() + "/",
        "explainer": explainer.relative_to(built_site).as_posix() + "/",
    }


@pytest.mark.parametrize("kind", ["home", "catalogue index", "catalogue", "entry", "explainer"])
def test_site_pages_have_no_serious_violations(page, site, built_site, kind):
    page.goto(site.url(sample_pages(built_site)[kind]))
    assert serious(page, site) == []


def test_calculator_has_no_serious_violations_in_any_state(page, site):
    open_calculator(page, site, "age=40&education=master&award=provincial&detention_count=1")
    wait_for_total(page, {"age": 40, "education": "master", "award": "provincial",
                          "detention_count": 1})
    assert serious(page, site) == [], "with a result"
    fill_profile(page, {"age": 12})
    page.locator("#err-age").wait_for(state="visible")
    assert serious(page, site) == [], "with a field error"


def test_calculator_plan_and_a_tried_option_have_no_serious_violations(page, site):
    profile = {"age": 35, "education": "bachelor", "title": "intermediate", "si_months": 24}
    open_calculator(page, site, "age=35&education=bachelor&title=intermediate&si_months=24")
    wait_for_total(page, profile)
    wait_for_plan(page, profile)
    page.locator("#plan-timeline summary").click()
    page.locator("#plan-assumptions summary").click()
    assert serious(page, site) == [], "with a plan"
    page.locator("#plan-options button").first.click()
    expect(page.locator("#plan-applied")).to_be_visible()
    assert serious(page, site) == [], "with an option tried"
