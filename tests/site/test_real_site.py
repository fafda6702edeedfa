"""The real site, built from catalogue/, content/ and the scoring package."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from site_builder.build import build, default_producers
from site_builder.render import BuildOptions

from .conftest import REPO
from .golden import output_files
from .linkcheck import broken_links, links_of, page_url


def catalogue_files() -> list[dict]:
    return [tomllib.loads(p.read_text(encoding="utf-8"))
            for p in sorted((REPO / "catalogue").glob("*.toml"))]


def test_every_entry_has_a_page_with_its_name(real_dist: Path) -> None:
    count = 0
    for data in catalogue_files():
        catalogue_id = data["catalogue"]["id"]
        for entry in data["entries"]:
            page = real_dist / "catalogue" / catalogue_id / entry["id"] / "index.html"
            html = page.read_text(encoding="utf-8")
            name = entry["name"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            assert f"<h1>{name}</h1>" in html, page
            count += 1
    assert count > 0


def test_the_three_official_lists_are_complete() -> None:
    counts = sorted(len(data["entries"]) for data in catalogue_files())
    assert counts == [20, 56, 63]


def test_every_internal_link_resolves(real_dist: Path) -> None:
    assert broken_links(real_dist) == []


def test_every_internal_link_resolves_under_a_sub_path(real_dist_subpath: Path) -> None:
    assert broken_links(real_dist_subpath, "/some-repo/") == []


def test_no_root_relative_links_under_a_sub_path(real_dist_subpath: Path) -> None:
    for url, links in links_of(real_dist_subpath).items():
        rooted = [value for _, value in links if value.startswith("/")]
        allowed = "/some-repo/" if url == "404.html" else None
        assert all(allowed and value.startswith(allowed) for value in rooted), (url, rooted)
    for path in real_dist_subpath.rglob("*"):
        if path.suffix in (".css", ".js", ".mjs", ".html"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not re.search(r"""url\(\s*['"]?/(?!/)""", text), path


def test_sitemap_lists_every_page(real_dist: Path) -> None:
    sitemap = (real_dist / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>https://points\.example\.org/([^<]*)</loc>", sitemap))
    pages = {page_url(real_dist, p) for p in real_dist.rglob("index.html")}
    assert pages and listed == pages
    robots = (real_dist / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://points.example.org/sitemap.xml" in robots


def test_catalogue_index_json_lists_every_entry(real_dist: Path) -> None:
    data = json.loads((real_dist / "catalogue/index.json").read_text(encoding="utf-8"))
    expected = {(c["catalogue"]["id"], e["id"]) for c in catalogue_files() for e in c["entries"]}
    assert {(e["catalogue"], e["id"]) for e in data["entries"]} == expected
    for entry in data["entries"]:
        assert (real_dist / entry["url"] / "index.html").is_file()
        assert entry["pinyin"] and entry["initials"]
    accounting = [e for e in data["entries"] if "会计" in e["name"]]
    assert accounting and all("kuaiji" in e["pinyin"] for e in accounting)


def test_entry_pages_show_points_from_the_rules(real_dist: Path) -> None:
    import scoring

    for data in catalogue_files():
        catalogue = data["catalogue"]
        entry = data["entries"][0]
        html = (real_dist / "catalogue" / catalogue["id"] / entry["id"] / "index.html").read_text(
            encoding="utf-8")
        for value in catalogue["title_levels"]:
            profile = {"age": 30, "title": value, "title_si_condition": True}
            line = next(li for li in scoring.score(profile).to_dict()["lines"]
                        if li["id"] == "title")
            assert f'<span class="points">{line["points"]} 分</span>' in html


def test_every_indicator_topic_has_an_explainer(real_dist: Path) -> None:
    # The calculator links each result line to /policy/<topic>/.
    import scoring

    topics = {scoring.indicator_table(i).get("topic") for i in scoring.INDICATOR_IDS} - {None}
    if not topics:  # indicator_table does not carry the topic: use the rules' own lines
        topics = {line["topic"] for line in scoring.score({"age": 30}).to_dict()["lines"]}
    missing = sorted(t for t in topics if not (real_dist / "policy" / t / "index.html").is_file())
    assert missing == []


def test_real_site_builds_are_byte_identical(real_dist: Path, tmp_path: Path) -> None:
    again = tmp_path / "dist"
    build(REPO, again, BuildOptions(site_url="https://points.example.org/"),
          producers=default_producers())
    assert output_files(again) == output_files(real_dist)


def test_the_documents_page_lists_every_checklist_item_with_its_source(real_dist: Path) -> None:
    """The explainer is generated from scoring/rules/documents.toml, so it cannot drift."""
    import html as html_lib

    import scoring

    page = (real_dist / "policy" / "documents" / "index.html").read_text(encoding="utf-8")
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", page))
    for group in scoring.documents_checklist():
        assert group["label"] in text
        for item in group["items"]:
            assert item["text"] in text, item["text"]
            assert f"依据：{item['source']}" in text, item["source"]
    home = (real_dist / "index.html").read_text(encoding="utf-8")
    for slug in ("documents", "hukou", "how-to-apply"):
        assert f'href="policy/{slug}/"' in home, slug
