"""One HTML policy (issue 10 #7): no raw HTML in content, links limited to http(s), mailto and
site-relative; pages checked on parsed HTML, so escaped text never counts as a tag."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.errors import BuildError
from site_builder.html_policy import link_problem, page_problems, tags_in_text
from site_builder.render import BuildOptions, Producer

from .conftest import FIXTURE
from .fake_rules import FakeRules


@pytest.mark.parametrize("url", [
    "https://www.shanghai.gov.cn/", "http://x.org", "mailto:a@b.c", "../age/", "#top",
    "?q=1", "/policy/", "calculator/#title=intermediate", "HTTPS://X.ORG",
])
def test_allowed_links(url):
    assert link_problem(url) is None


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)",
    "\x01javascript:x", "data:text/html,x", "vbscript:x", "file:///etc/passwd",
    "//evil.example/", "\\\\evil.example", "/\\evil.example",
])
def test_refused_links(url):
    assert link_problem(url)


@pytest.mark.parametrize("page, problem", [
    ('<img src="x"/onerror=alert(1)>', "onerror"),
    ("<IMG SRC=x ONERROR=y>", "onerror"),
    ("<script>alert(1)</script>", "inline <script>"),
    ("<svg><script>1</script></svg>", "inline <script>"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "refresh"),
    ('<p style="color:red">x</p>', "style attribute"),
])
def test_page_problems_found_on_parsed_html(page, problem):
    problems = page_problems(f"<!doctype html>\n<p>x</p>\n{page}")
    assert problems and problem in problems[0].message and problems[0].line == 3


def test_escaped_text_and_data_blocks_are_not_problems():
    page = (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        '<a title="&lt;img src=x onerror=y&gt;" href="x/">x</a>'
        '<script type="application/json">{"name": "\\u003cscript\\u003e"}</script>'
        '<script type="module" src="a.js"></script>'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">"
    )
    assert page_problems(page) == []


def test_tag_like_text_outside_code_is_found():
    assert tags_in_text("<p>&lt;div onclick=1&gt;</p><code>&lt;b&gt;</code>") == [
        "<div onclick=1>"]
    assert tags_in_text("<p>积分 &lt; 120 分，1 &lt;2</p>") == []


def test_escaped_script_in_a_catalogue_name_builds_in_a_data_block_and_attribute(tmp_path):
    name = '<script>alert("x")</script><img src=x onerror=alert(1)>会计'

    escaped = html.escape(name)

    def produce(ctx) -> None:
        ctx.write_text("calculator/index.html", (
            "<!doctype html>\n"
            f'<p title="{escaped}">{escaped}</p>\n'
            '<script type="application/json">'
            + '{"n": "' + name.replace("<", "\\u003c").replace('"', '\\"') + '"}'
            + "</script>\n"
        ))
        ctx.rendered.add("calculator/")

    build(FIXTURE, tmp_path / "dist", BuildOptions(), rules=FakeRules(),
          producers=[Producer(name="calc", provides=("calculator/",), produce=produce)])
    assert "&lt;script&gt;" in (tmp_path / "dist/calculator/index.html").read_text()


def test_a_producer_page_with_an_event_handler_stops_the_build(tmp_path: Path):
    def produce(ctx) -> None:
        ctx.write_text("calculator/index.html", '<p>\n<img src="x"/onerror=alert(1)>')

    with pytest.raises(BuildError, match=r"calculator/index.html: line 2: .*onerror"):
        build(FIXTURE, tmp_path / "dist", BuildOptions(), rules=FakeRules(),
              producers=[Producer(name="calc", provides=("calculator/",), produce=produce)])


def test_an_inline_script_is_allowed_only_when_the_page_policy_names_its_hash():
    from site_builder.render import CSP, csp_allowing

    script = "window.started = 1;"

    def page(policy: str, text: str = script) -> str:
        return (f'<!doctype html>\n<meta http-equiv="Content-Security-Policy" content="{policy}">'
                f"\n<script>{text}</script>")

    assert page_problems(page(csp_allowing(CSP, script))) == []
    # Another page's policy, or the same script changed by a byte: refused, as a browser would.
    assert "inline <script>" in page_problems(page(CSP))[0].message
    assert "inline <script>" in page_problems(page(csp_allowing(CSP, script),
                                                   script + " "))[0].message
    # Only the directive a browser reads for a <script> counts, in every policy of the page.
    hashed = csp_allowing(CSP, script)
    assert page_problems(page(f"{hashed}; script-src-elem 'self'"))
    assert page_problems(page(f"script-src 'self'; {hashed}"))  # a second script-src is ignored
    assert page_problems(page(hashed) + f'\n<meta http-equiv="Content-Security-Policy" '
                                        f'content="{CSP}">')
    # The hash allows that script once; a second inline script needs its own.
    twice = page(csp_allowing(CSP, script)) + "<script>window.other = 2;</script>"
    assert [p.line for p in page_problems(twice)] == [3]
