"""Pinyin search keys, and the filter box on a catalogue page (in Chromium)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.pinyin import full_pinyin, initials, search_keys

from .conftest import FIXTURE, build_fixture


def test_pinyin_keys_follow_phrase_readings() -> None:
    assert full_pinyin("会计专业技术资格") == "kuaijizhuanyejishuzige"
    assert initials("会计专业技术资格") == "kjzyjszg"
    assert full_pinyin("起重工") == "qizhonggong"  # 重 read zhong in 起重
    assert initials("CAD工程师（一级）") == "cadgcsyj"  # ASCII kept, punctuation dropped
    assert search_keys(["焊工", "电焊工"]) == ("hangong dianhangong", "hg dhg")


def test_catalogue_page_and_index_json_carry_the_search_keys(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_fixture(FIXTURE, out)
    html = (out / "catalogue/quals/index.html").read_text(encoding="utf-8")
    assert 'data-pinyin="kuaijizhuanyejishuzigezhongji"' in html
    assert 'data-initials="kjzyjszgzj"' in html

    data = json.loads((out / "catalogue/index.json").read_text(encoding="utf-8"))
    entry = next(e for e in data["entries"] if e["id"] == "economist")
    assert entry == {
        "catalogue": "quals", "id": "economist", "seq": 3, "name": "经济专业技术资格",
        "aliases": ["中级经济师", "经济师 & 审计"], "titles": ["经济师", "审计师"], "code": None,
        "url": "catalogue/quals/economist/",
        "pinyin": "jingjizhuanyejishuzige zhongjijingjishi jingjishishenji",
        "initials": "jjzyjszg zjjjs jjssj",
    }
    assert [(e["catalogue"], e["seq"]) for e in data["entries"]] == [
        ("quals", 1), ("quals", 2), ("quals", 3), ("skills", 1), ("skills", 2)
    ]
    for entry in data["entries"]:
        assert (out / entry["url"] / "index.html").is_file()


@pytest.fixture
def served_fixture(tmp_path: Path):
    import threading

    from site_builder.serve import make_server

    out = tmp_path / "dist"
    build_fixture(FIXTURE, out)
    server = make_server(out, "/", "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def visible_names(page) -> list[str]:
    return page.locator("#entry-list > li:visible > a").all_inner_texts()


@pytest.mark.browser
def test_filter_matches_names_pinyin_initials_and_codes(served_fixture: str) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.chromium import launch

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

        page.goto(served_fixture + "catalogue/quals/")
        box = page.locator("#filter-input")
        assert box.is_visible()
        assert len(visible_names(page)) == 3
        for query, expected in [
            ("kuaiji", ["会计专业技术资格（中级）"]),
            ("KJ", ["会计专业技术资格（中级）"]),
            ("会计", ["会计专业技术资格（中级）"]),
            ("yjzc", ["注册消防工程师（一级）"]),  # initials of the alias 一级注册消防工程师
            ("jingji zj", ["经济专业技术资格"]),  # every word must match
            ("zzzz", []),
            ("", ["注册消防工程师（一级）", "会计专业技术资格（中级）", "经济专业技术资格"]),
        ]:
            box.fill(query)
            assert visible_names(page) == expected, query
        box.fill("zzzz")
        assert page.locator("#filter-status").inner_text() == "没有找到匹配的条目。"

        page.goto(served_fixture + "catalogue/skills/")
        page.locator("#filter-input").fill("6-18")
        assert visible_names(page) == ["焊工"]
        assert errors == []

        no_js = browser.new_page(java_script_enabled=False)
        no_js.goto(served_fixture + "catalogue/quals/")
        assert not no_js.locator("#filter-input").is_visible()
        assert len(visible_names(no_js)) == 3
        browser.close()
