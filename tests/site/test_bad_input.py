"""A broken data or content file stops the build with a message naming the file, the
entry and the field (or line), and leaves the previous output exactly as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.errors import BuildError

from .conftest import build_fixture
from .golden import output_files

QUALS = "catalogue/quals.toml"
SKILLS = "catalogue/skills.toml"
OVERVIEW = "content/overview.md"


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# (file, old text, new text, fragments the message must contain)
CASES = {
    "duplicate id": (
        QUALS, 'id = "accountant"', 'id = "economist"',
        [QUALS, 'id "economist"', 'field "id"', "duplicate id"],
    ),
    "duplicate seq": (
        QUALS, "seq = 2", "seq = 3", [QUALS, 'field "seq"', "duplicate seq 3"],
    ),
    "missing field": (
        QUALS, 'name = "会计专业技术资格（中级）"\n', "",
        [QUALS, 'id "accountant"', 'field "name"', "required field is missing"],
    ),
    "missing catalogue field": (
        SKILLS, 'short_title = "技能人才目录"\n', "",
        [SKILLS, 'field "catalogue.short_title"', "required field is missing"],
    ),
    "unknown key": (
        QUALS, 'titles = ["会计师"]', 'titles = ["会计师"]\ntitel = "typo"',
        [QUALS, 'id "accountant"', 'field "titel"', "unknown key"],
    ),
    "wrong type": (
        QUALS, "seq = 2", 'seq = "2"',
        [QUALS, 'id "accountant"', 'field "seq"', "expected an integer, found a string"],
    ),
    "malformed TOML": (
        SKILLS, 'name = "焊工"', 'name = "焊工',
        [SKILLS, "not valid TOML", "line"],
    ),
    "dangling related reference": (
        QUALS, 'related = ["skills/aircraft-maintenance"]', 'related = ["skills/no-such-entry"]',
        [QUALS, 'id "registered-fire-engineer-1"', 'field "related[0]"', "skills/no-such-entry"],
    ),
    "malformed related reference": (
        QUALS, 'related = ["skills/aircraft-maintenance"]', 'related = ["aircraft-maintenance"]',
        [QUALS, 'field "related[0]"', "<catalogue id>/<entry id>"],
    ),
    "note defined twice": (
        SKILLS, "[[entries]]", '[[notes]]\nid = "match-job"\ntext = "again"\n\n[[entries]]',
        [SKILLS, 'notes (id "match-job")', "already defined in catalogue/quals.toml"],
    ),
    "dangling note reference": (
        QUALS, 'notes = ["engineering-degree"]', 'notes = ["no-such-note"]',
        [QUALS, 'id "registered-fire-engineer-1"', 'field "notes[0]"', "no-such-note"],
    ),
    "invalid entry id": (
        SKILLS, 'id = "welder"', 'id = "Welder_1"',
        [SKILLS, 'field "id"', "not a valid id"],
    ),
    "unknown title level": (
        SKILLS, 'title_levels = ["skill_3", "skill_2"]', 'title_levels = ["skill_9"]',
        [SKILLS, 'field "catalogue.title_levels[0]"', "skill_9"],
    ),
    "catalogue id differs from file name": (
        SKILLS, 'id = "skills"', 'id = "skill-list"', [SKILLS, "must match the file name"],
    ),
    "unknown shortcode": (
        OVERVIEW, "{{< edition >}}", "{{< editon >}}",
        [OVERVIEW, "line 17", "unknown shortcode 'editon'"],
    ),
    "unknown indicator id": (
        OVERVIEW, "{{< points-table age >}}", "{{< points-table agee >}}",
        [OVERVIEW, "line 27", "unknown indicator id 'agee'"],
    ),
    "shortcode inside a line": (
        OVERVIEW, "年龄分值见下表：", "年龄分值见下表：{{< edition >}}",
        [OVERVIEW, "line 25", "must stand alone"],
    ),
    "shortcode inside a quote": (
        OVERVIEW, "{{< edition >}}", "> {{< edition >}}", [OVERVIEW, "line 17", "must stand alone"],
    ),
    "missing front matter field": (
        OVERVIEW, "reviewed = 2026-11-21\n", "",
        [OVERVIEW, 'field "front matter.reviewed"', "required field is missing"],
    ),
    "date given as a string": (
        OVERVIEW, "reviewed = 2026-11-21", 'reviewed = "2026-11-21"',
        [OVERVIEW, 'field "front matter.reviewed"', "expected a date"],
    ),
    "unknown source key": (
        OVERVIEW, 'note = "第六条"', 'page = "第六条"',
        [OVERVIEW, 'field "front matter.sources[0].page"', "unknown key"],
    ),
    "unclosed front matter": (
        OVERVIEW, 'url = "https://example.org/policy"\n+++\n', 'url = "https://example.org/policy"\n',
        [OVERVIEW, "front matter is not closed"],
    ),
    "inline style in Markdown": (
        OVERVIEW, "基础指标包括年龄、教育背景等。", '<p style="color:red">基础指标</p>',
        [OVERVIEW, "line 21", "raw HTML is not allowed"],
    ),
    "meta refresh in Markdown": (
        OVERVIEW, "基础指标包括年龄、教育背景等。",
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        [OVERVIEW, "line 21", "raw HTML is not allowed", "http-equiv"],
    ),
    "image with an event handler": (
        OVERVIEW, "基础指标包括年龄、教育背景等。", '<img src="x"/onerror=alert(1)>',
        [OVERVIEW, "line 21", "raw HTML is not allowed", "onerror"],
    ),
    "HTML comment": (
        OVERVIEW, "基础指标包括年龄、教育背景等。", "基础指标 <!-- hidden --> 包括",
        [OVERVIEW, "line 21", "raw HTML is not allowed"],
    ),
    "javascript link in Markdown": (
        OVERVIEW, "基础指标包括年龄、教育背景等。", "[基础指标](javascript:alert(1))",
        [OVERVIEW, "line 21", "not javascript:"],
    ),
    "javascript link hidden by a tab and entity": (
        OVERVIEW, "基础指标包括年龄、教育背景等。", "[基础指标]( java&#9;script:alert(1))",
        [OVERVIEW, "not javascript:"],
    ),
    "data URL image in Markdown": (
        OVERVIEW, "基础指标包括年龄、教育背景等。", "![x](data:image/svg+xml,abc)",
        [OVERVIEW, "line 21", "not data:"],
    ),
    "protocol-relative link": (
        OVERVIEW, "基础指标包括年龄、教育背景等。", "[x](//evil.example/)",
        [OVERVIEW, "line 21", "protocol-relative"],
    ),
    "javascript reference link": (
        OVERVIEW, "基础指标包括年龄、教育背景等。", "[x][a]\n\n[a]: javascript:alert(1)",
        [OVERVIEW, "line 23", "not javascript:"],
    ),
    "javascript source URL in front matter": (
        OVERVIEW, 'url = "https://example.org/policy"', 'url = "javascript:alert(1)"',
        [OVERVIEW, 'field "front matter.sources[1].url"', "not javascript:"],
    ),
    "review date after the build date": (
        OVERVIEW, "reviewed = 2026-11-21", "reviewed = 2099-01-01",
        [OVERVIEW, 'field "front matter.reviewed"', "2099-01-01 is after the build date"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_clearly_and_keeps_previous_output(
    case: str, fixture_root: Path, tmp_path: Path
) -> None:
    relative, old, new, fragments = CASES[case]
    out = tmp_path / "dist"
    build_fixture(fixture_root, out)
    before = output_files(out)

    edit(fixture_root, relative, old, new)
    with pytest.raises(BuildError) as caught:
        build_fixture(fixture_root, out)

    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from: {message}"
    assert output_files(out) == before, "the previous output was changed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "src"], "temporary folder left"


def test_entry_name_with_script_tag_is_escaped(fixture_root: Path, tmp_path: Path) -> None:
    name = '<script>alert("x")</script>会计'
    edit(fixture_root, QUALS, 'name = "会计专业技术资格（中级）"', f"name = '{name}'")
    out = tmp_path / "dist"
    build_fixture(fixture_root, out)

    for page in ("catalogue/quals/accountant/index.html", "catalogue/quals/index.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;会计" in html
    # Every <script> left on any page loads a file: no inline script came through.
    for page in out.rglob("*.html"):
        for tag in re.findall(r"<script[^>]*>", page.read_text(encoding="utf-8")):
            assert " src=" in tag, f"{page}: {tag}"


def test_missing_catalogue_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    with pytest.raises(BuildError, match="catalogue folder not found"):
        build_fixture(tmp_path, tmp_path / "dist")
    assert not (tmp_path / "dist").exists()
