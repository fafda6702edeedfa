"""Words and pinyin of catalogue names, the search index file, and entry pages.

The search itself, as a visitor uses it, is tested in Chromium: tests/browser/test_search.py.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from site_builder.errors import BuildError
from site_builder.pinyin import full_pinyin, initials, search_keys, segments

from .conftest import FIXTURE, REPO, build_fixture

READINGS = Path(__file__).with_name("heteronym_readings.toml")


def catalogue_names() -> list[str]:
    """Every name, alias and search aid of the real catalogues, once each."""
    names: dict[str, None] = {}
    for path in sorted((REPO / "catalogue").glob("*.toml")):
        for entry in tomllib.loads(path.read_text(encoding="utf-8"))["entries"]:
            for name in [entry["name"], *entry.get("aliases", []), *entry.get("search_aids", [])]:
                names[name] = None
    return list(names)


def has_heteronym(name: str) -> bool:
    """Whether pypinyin knows more than one toneless reading of a character of `name`."""
    import pypinyin

    return any(  # character by character: a phrase would give only its own reading
        len(set(pypinyin.pinyin(char, style=pypinyin.Style.NORMAL, heteronym=True)[0])) > 1
        for char in name
    )


def test_every_name_with_a_heteronym_has_its_checked_reading() -> None:
    expected = tomllib.loads(READINGS.read_text(encoding="utf-8"))
    names = [name for name in catalogue_names() if has_heteronym(name)]
    assert sorted(names) == sorted(expected), (
        "names to add to (or remove from) tests/site/heteronym_readings.toml: "
        f"{sorted(set(names) ^ set(expected))}"
    )
    wrong = {
        name: " ".join(s for _, syllables in segments(name) for s in syllables)
        for name in names
    }
    wrong = {name: got for name, got in wrong.items() if got != expected[name]}
    assert wrong == {}, "readings that differ from the checked ones (got these)"


def test_heteronyms_are_read_in_context() -> None:
    assert full_pinyin("汽车装调工") == "qichezhuangtiaogong"
    assert full_pinyin("工程机械装配调试工") == "gongchengjixiezhuangpeitiaoshigong"
    assert full_pinyin("会计专业技术资格") == "kuaijizhuanyejishuzige"
    assert full_pinyin("起重工") == "qizhonggong"  # 重 read zhong in 起重
    assert full_pinyin("刨插工") == "baochagong"  # 刨 read bao: a planing machine


def test_names_are_cut_into_words_for_initials() -> None:
    words = [text for text, _ in segments("多工序数控机床操作调整工")]
    assert words == ["多工序", "数控", "机床", "操作", "调整工"]  # 控机 is not a word start
    assert [text for text, _ in segments("会计专业技术资格（中级）")] == [
        "会计", "专业", "技术", "资格", "（", "中级", "）"
    ]
    assert initials("会计专业技术资格") == "kjzyjszg"
    assert initials("CAD工程师（一级）") == "cadgcsyj"  # ASCII kept, punctuation dropped
    assert search_keys(["焊工", "电焊工"]) == ("hangong dianhangong", "hg dhg")


def test_search_index_is_one_static_file_with_points_from_the_rules(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_fixture(FIXTURE, out)
    index = json.loads((out / "catalogue/search.json").read_text(encoding="utf-8"))
    assert index["v"] == 1
    # Figures from the (stand-in) rules: intermediate 100 with the condition; skill 3 → 60.
    assert [(c["id"], c["points"]) for c in index["catalogues"]] == [
        ("quals", "中级 · 100 分（需满足社保基数条件）"),
        ("skills", "技能三级起 60 分；二级 100 分需满足社保基数条件"),
    ]
    accountant = next(e for e in index["entries"] if e[1] == "accountant")
    assert accountant[:4] == [0, "accountant", 2, ""]
    assert accountant[4] == [
        [0, "会计|专业|技术|资格|（|中级|）", "kuai ji|zhuan ye|ji shu|zi ge||zhong ji|",
         "kuaijizhuanyejishuzigezhongji", "kjzyjszgzj"],
        [2, "中级|会计", "zhong ji|kuai ji", "zhongjikuaiji", "zjkj"],  # a search aid
    ]
    welder = next(e for e in index["entries"] if e[1] == "welder")
    assert welder[3] == "6-18-02-04"

    # Every page with a search box points at the index, versioned by its content.
    for page in ("index.html", "catalogue/index.html", "catalogue/skills/index.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert 'type="search"' in html, page
        assert "search.json?v=" in html, page
    # The search aid is not shown as a name of the list on the entry page.
    entry = (out / "catalogue/quals/accountant/index.html").read_text(encoding="utf-8")
    assert "中级会计" not in entry

    data = json.loads((out / "catalogue/index.json").read_text(encoding="utf-8"))
    economist = next(e for e in data["entries"] if e["id"] == "economist")
    assert economist == {
        "catalogue": "quals", "id": "economist", "seq": 3, "name": "经济专业技术资格",
        "aliases": ["中级经济师", "经济师 & 审计"], "titles": ["经济师", "审计师"], "code": None,
        "url": "catalogue/quals/economist/",
        "pinyin": "jingjizhuanyejishuzige zhongjijingjishi jingjishishenji",
        "initials": "jjzyjszg zjjjs jjssj", "search_aids": [],
    }
    accountant = next(e for e in data["entries"] if e["id"] == "accountant")
    assert accountant["search_aids"] == ["中级会计"]


def test_a_name_holding_the_index_separator_stops_the_build(fixture_root: Path,
                                                           tmp_path: Path) -> None:
    path = fixture_root / "catalogue/quals.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'search_aids = ["中级会计"]', 'search_aids = ["中级|会计"]'), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build_fixture(fixture_root, tmp_path / "dist")
    message = str(caught.value)
    assert "quals.toml" in message and 'id "accountant"' in message
    assert "search_aids" in message
    assert not (tmp_path / "dist").exists()


def test_entry_page_answers_what_it_is_worth_first(real_dist: Path) -> None:
    """The real accountant entry: worth per level from the rules, conditions, the list
    and its edition, and one calculator link per level (contract 1)."""
    from site_builder.rules import ScoringRules

    rules = ScoringRules()
    html = (real_dist / "catalogue/qualifications/accountant-intermediate/index.html").read_text(
        encoding="utf-8")
    main = html[html.index("<main"):]
    worth = rules.title_worth("intermediate")
    first_section = main[:main.index('id="entry-conditions"')]
    assert "《专业技术人员职业资格及对应职称目录》</a>（2023 年版）第 20 项" in first_section
    assert f'<span class="points">{worth.met.points} 分</span>' in first_section
    assert f"否则计 {worth.unmet.points} 分" in first_section
    assert first_section.count('class="button"') == 1
    assert ('href="../../../calculator/#title=intermediate&amp;from=qualifications/'
            'accountant-intermediate"') in first_section
    conditions = main[main.index('id="entry-conditions"'):main.index('id="entry-facts"')]
    for text in ("在本市工作期间取得", "注册后给予加分", "与所聘岗位相符", "6 个月"):
        assert text in conditions, text

    skills = (real_dist / "catalogue/skills/electrician/index.html").read_text(encoding="utf-8")
    for value in ("skill_3", "skill_2", "skill_1"):
        assert f"#title={value}&amp;from=skills/electrician" in skills
    assert "注册后给予加分" not in skills  # registration concerns qualifications only
