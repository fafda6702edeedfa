"""The search over every catalogue, as a visitor uses it on the real site (issue 12).

From the home page and from /catalogue/, typing a name, its full pinyin or its initials
shows a visible link to the entry; a query matching nothing says so and shows the way on;
a catalogue's own page narrows its list and points to the other lists.
"""

from __future__ import annotations

import pytest

from tests.browser.calc import poll

pytestmark = pytest.mark.browser

# (query, the entry a visitor expects to find, whether it must be the first result)
QUERIES = [
    ("kj", "会计专业技术资格（中级）", True),
    ("kuaiji", "会计专业技术资格（中级）", True),
    ("zhuangtiao", "汽车装调工", False),
    ("zhuangtiao", "机床装调维修工", False),
    ("电工", "电工", True),
    ("jsj", "计算机技术与软件专业技术资格（中级、高级）", False),
    ("xiaofang", "注册消防工程师（一级）", True),
    ("中级会计", "会计专业技术资格（中级）", True),
]


def result_names(page) -> list[str]:
    return page.locator("#search-results a:visible .result-name").all_inner_texts()


def search(page, query: str) -> None:
    box = page.locator("#search-input")
    box.fill(query)
    if not query:
        return
    # The index loads once; then results follow every keystroke. Wait for the status line.
    page.locator("#search-status").filter(has_text="项").or_(
        page.locator("#search-status").filter(has_text="没有")
    ).wait_for()


@pytest.mark.parametrize("start", ["", "catalogue/"])
def test_search_finds_entries_by_name_pinyin_and_initials(site, page, start) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.url(start))
    box = page.locator("#search-input")
    assert box.is_visible()
    assert box.get_attribute("type") == "search"
    # On a phone the box is in the first screen, not below the introduction.
    assert box.bounding_box()["y"] + box.bounding_box()["height"] < 844

    for query, expected, first in QUERIES:
        search(page, query)
        names = result_names(page)
        assert expected in names, (query, names)
        if first:
            assert names[0] == expected, (query, names)
        link = page.locator("#search-results a").filter(has_text=expected).first
        assert link.is_visible()
        height = link.bounding_box()["height"]
        assert height >= 44, f"tap target of {expected!r} is {height:.0f} px"

    # Results say which list and what the entry is worth, from the rules.
    search(page, "电工")
    first = page.locator("#search-results li").first
    assert "高技能人才目录" in first.inner_text()
    assert "技能三级起 60 分" in first.inner_text()
    # A name the list does not use is found, and marked as such.
    search(page, "一级建造师")
    assert result_names(page)[0] == "建造师（一级）"
    assert "不是目录中的名称" in page.locator("#search-results li").first.inner_text()

    page.locator("#search-results a").first.click()
    page.wait_for_url("**/catalogue/qualifications/*/")
    assert page.locator("h1").inner_text() == "建造师（一级）"


def test_a_query_matching_nothing_shows_the_way_on(site, page) -> None:
    page.goto(site.url(""))
    search(page, "量子厨师")
    assert "没有找到与“量子厨师”相符的条目" in page.locator("#search-status").inner_text()
    way_on = page.locator("#search-none")
    assert way_on.is_visible()
    hrefs = way_on.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for target in ("catalogue/qualifications/", "catalogue/skills/", "catalogue/lingang/",
                   "policy/title-skill/", "calculator/"):
        assert target in hrefs, (target, hrefs)


def test_catalogue_page_narrows_its_list_and_points_to_the_others(site, page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.url("catalogue/skills/"))
    heights = page.locator("#entry-list > li > a").evaluate_all(
        "links => links.map(a => a.getBoundingClientRect().height)")
    assert len(heights) == 63 and min(heights) >= 44, "every entry link is a 44 px tap target"
    hint = page.locator("#search-hint").inner_text()
    example = hint.rsplit("：", 1)[1].split("、")
    for query in example:  # the hint's examples find something in this list
        search(page, query)
        assert page.locator("#entry-list > li:visible").count() >= 1, query

    search(page, "zhuangtiao")
    visible = page.locator("#entry-list > li:visible .entry-name").all_inner_texts()
    assert visible[:2] == ["汽车装调工", "机床装调维修工"]

    search(page, "会计")  # in another list only
    assert page.locator("#entry-list > li:visible").count() == 0
    assert "本目录没有" in page.locator("#search-status").inner_text()
    assert "会计专业技术资格（中级）" in result_names(page)

    search(page, "")
    assert page.locator("#entry-list > li:visible").count() == 63


def test_without_javascript_the_lists_still_lead_to_every_entry(site, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url(""))
    assert not page.locator("#search-input").is_visible()
    page.goto(site.url("catalogue/skills/"))
    assert page.locator("#entry-list > li a:visible").count() == 63
    context.close()


def index_requests(site) -> int:
    return sum("/search.json" in r.path for r in site.requests)


def test_the_index_loads_only_when_the_visitor_turns_to_the_box(site, page) -> None:
    # Most visits never search: the page does not load the index with itself (the service
    # worker fetches it in the background, once, for offline use).
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "search.json" in r.url else None)
    page.goto(site.url(""), wait_until="networkidle")
    assert asked == []
    page.locator("#search-input").focus()
    poll(lambda: len(asked) == 1)
    search(page, "kj")
    assert result_names(page)[0] == "会计专业技术资格（中级）"
    # A catalogue's page narrows its list from the same index, also loaded on demand.
    asked.clear()
    page.goto(site.url("catalogue/skills/"), wait_until="networkidle")
    assert asked == []
    search(page, "电工")
    assert page.locator("#entry-list > li:visible").count() >= 1

