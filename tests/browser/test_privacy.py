"""Privacy and security: nothing typed leaves the device; every page carries the CSP."""

from __future__ import annotations

import re
import urllib.parse
from html.parser import HTMLParser

import pytest
from playwright.sync_api import expect

from site_builder.calculator import start_script
from site_builder.html_policy import script_hash
from site_builder.render import CSP, CSP_WASM, csp_allowing
from tests.browser.calc import fill_profile, open_calculator, wait_for_total

pytestmark = pytest.mark.browser

# Values that cannot occur by chance in a URL, header (ports stop at 65535) or file name.
PROFILE = {"age": 37, "education": "bachelor_degree", "si_months": 137,
           "investment_annual_tax_cny": 4242424, "spouse_hukou_years": 13}
EDITED = {**PROFILE, "investment_local_hires": 98765, "suburb_years": 11}
SECRETS = ["4242424", "98765", "bachelor_degree", "si_months", "investment_", "spouse_hukou"]


def test_a_session_sends_nothing_anywhere(context, site):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.origin)
    seen = []
    context.on("request", lambda request: seen.append(request))
    page = context.new_page()
    fragment = urllib.parse.urlencode(PROFILE)
    open_calculator(page, site, fragment)
    wait_for_total(page, PROFILE)
    fill_profile(page, EDITED)
    wait_for_total(page, EDITED)
    page.locator("#copy-link").click()
    expect(page.locator("#copy-status")).to_contain_text("已复制")
    page.reload()
    wait_for_total(page, EDITED)

    assert seen, "the browser recorded no requests at all"
    for request in seen:
        assert request.url.startswith(site.origin + "/"), f"left the origin: {request.url}"
        assert request.method == "GET", f"{request.method} {request.url}"
        assert "#" not in request.url
        assert not request.post_data
        for secret in SECRETS:
            assert secret not in request.url, f"{secret!r} sent in {request.url}"
    # What actually reached the server, headers and bodies included (this also covers the
    # worker's and the service worker's requests).
    assert site.requests
    for recorded in site.requests:
        assert recorded.method == "GET", recorded
        assert not recorded.body
        sent = recorded.path + "\n" + "\n".join(f"{k}: {v}" for k, v in recorded.headers.items())
        for secret in SECRETS:
            assert secret not in sent, f"{secret!r} reached the server: {sent}"
        assert "Referer" not in recorded.headers or "#" not in recorded.headers["Referer"]


class _Head(HTMLParser):
    """Collects the CSP meta tags, inline scripts and inline handlers/styles of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.csp: list[str] = []
        self.problems: list[str] = []
        self.inline: list[str] = []  # the text of each inline script
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == \
                "content-security-policy":
            self.csp.append(attributes.get("content") or "")
        # A JSON data block is never executed; any other script must come from a file, or be
        # one the page's CSP names by its hash (checked below).
        if tag == "script" and not attributes.get("src") and \
                attributes.get("type") != "application/json":
            self.inline.append("")
            self._in_script = True
        for name in attributes:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{name}= on <{tag}>")
        for name in ("src", "href"):
            value = attributes.get(name) or ""
            if re.match(r"^(https?:)?//", value) and tag in ("script", "link", "img", "iframe"):
                self.problems.append(f"third-party {tag} {value}")


    def handle_data(self, data):
        if self._in_script:
            self.inline[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def test_every_page_has_the_csp_meta_and_no_inline_code(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        parser = _Head()
        parser.feed(path.read_text(encoding="utf-8"))
        name = path.relative_to(built_site)
        # Only the calculator, whose worker runs WebAssembly, may compile it; and it alone runs
        # one script inline, start.js exactly, which its policy names by hash.
        if name.as_posix() == "calculator/index.html":
            expected = csp_allowing(CSP_WASM, start_script())
            assert parser.inline == [start_script()], f"{name}: inline scripts"
            assert expected.count("'sha256-") == 1
            assert f"script-src 'self' 'wasm-unsafe-eval' {script_hash(start_script())};" \
                in expected
        else:
            expected = CSP
            assert parser.inline == [], f"{name}: inline scripts {parser.inline!r}"
        assert parser.csp == [expected], f"{name}: CSP meta {parser.csp!r}"
        assert not parser.problems, f"{name}: {parser.problems}"
    for fragment in ("default-src 'self'", "script-src 'self';", "connect-src 'self'"):
        assert fragment in CSP
    assert "wasm-unsafe-eval" not in CSP
    assert "script-src 'self' 'wasm-unsafe-eval';" in CSP_WASM
    assert str(CSP_WASM).replace(" 'wasm-unsafe-eval'", "") == str(CSP)
    for policy in (CSP, CSP_WASM):
        assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy


def test_pages_other_than_the_calculator_load_no_webassembly(page, site, built_site):
    entry = next(p for p in sorted((built_site / "catalogue").glob("*/*/index.html")))
    url = site.url(entry.parent.relative_to(built_site).as_posix() + "/")
    loaded = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert loaded
    assert not [u for u in loaded if "pyodide" in u or u.endswith((".wasm", ".whl"))], loaded
