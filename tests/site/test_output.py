"""Builds are deterministic, swapped in atomically, and links work at any base URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.errors import BuildError
from site_builder.output import OutputTree, replace_folder
from site_builder.render import BuildOptions, Producer
from site_builder.urls import normalise_base_url, normalise_site_url, relative

from .conftest import FIXTURE, build_fixture
from .fake_rules import FakeRules
from .golden import output_files
from .linkcheck import broken_links, links_of


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build_fixture(FIXTURE, tmp_path / "a")
    build_fixture(FIXTURE, tmp_path / "b")
    assert output_files(tmp_path / "a") == output_files(tmp_path / "b")


@pytest.mark.parametrize("base_url", ["/", "/some-repo/"])
def test_fixture_links_all_resolve(tmp_path: Path, base_url: str) -> None:
    build_fixture(FIXTURE, tmp_path / "dist", base_url=base_url)
    assert broken_links(tmp_path / "dist", base_url) == []


def test_only_the_404_page_uses_the_base_url(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_fixture(FIXTURE, out, base_url="/some-repo/")
    for url, links in links_of(out).items():
        rooted = [value for _, value in links if value.startswith("/")]
        if url == "404.html":
            assert rooted and all(value.startswith("/some-repo/") for value in rooted)
        else:
            assert rooted == [], f"{url} has root-relative links {rooted}"
    not_found = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="/some-repo/static/site.css?v=' in not_found


def test_canonical_and_open_graph_urls(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_fixture(FIXTURE, out, site_url="https://someone.github.io/repo")
    html = (out / "catalogue/quals/accountant/index.html").read_text(encoding="utf-8")
    absolute = "https://someone.github.io/repo/catalogue/quals/accountant/"
    assert f'<link rel="canonical" href="{absolute}">' in html
    assert f'<meta property="og:url" content="{absolute}">' in html

    build_fixture(FIXTURE, out, site_url=None)
    html = (out / "catalogue/quals/accountant/index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="../../../catalogue/quals/accountant/">' in html
    assert "og:url" not in html
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.invalid/catalogue/quals/accountant/</loc>" in sitemap


def test_every_page_has_language_and_content_security_policy(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_fixture(FIXTURE, out)
    csp = (
        # No 'wasm-unsafe-eval': only the calculator page (not in the fixture site) runs wasm.
        "default-src 'self'; script-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; style-src 'self'; worker-src 'self'; base-uri 'self'; "
        "form-action 'none'; object-src 'none'"
    )
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 13
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert html.startswith('<!doctype html>\n<html lang="zh-CN">'), page
        assert f'<meta http-equiv="Content-Security-Policy" content="{csp}">' in html, page


def test_failed_render_keeps_previous_output_and_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_fixture(FIXTURE, out)
    before = output_files(out)

    def broken(ctx) -> None:
        ctx.write_text("calculator/index.html", "<p onclick=\"x()\">x</p>")

    producer = Producer(name="broken", provides=("calculator/",), produce=broken)
    with pytest.raises(BuildError, match="inline event handler"):
        build(FIXTURE, out, BuildOptions(), rules=FakeRules(), producers=[producer])
    assert output_files(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_producer_pages_join_navigation_and_sitemap(tmp_path: Path) -> None:
    def produce(ctx) -> None:
        ctx.copy_file(FIXTURE / "content" / "overview.md", "calculator/source.md")
        ctx.render_page("calculator/", "404.html", title="计算器", description="测试",
                        nav="calculator")

    out = tmp_path / "dist"
    build(FIXTURE, out, BuildOptions(), rules=FakeRules(),
          producers=[Producer(name="calc", provides=("calculator/",), produce=produce)])
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="calculator/">积分计算器</a>' in home
    entry = (out / "catalogue/quals/accountant/index.html").read_text(encoding="utf-8")
    # Contract 1: one link per level, naming the entry it comes from.
    assert 'href="../../../calculator/#title=intermediate&amp;from=quals/accountant"' in entry
    assert "<loc>https://example.invalid/calculator/</loc>" in (out / "sitemap.xml").read_text()
    assert (out / "calculator/source.md").is_file()
    assert broken_links(out) == []


def test_producer_must_render_what_it_declares(tmp_path: Path) -> None:
    lazy = Producer(name="lazy", provides=("calculator/",), produce=lambda ctx: None)
    with pytest.raises(BuildError, match="'lazy' did not render"):
        build(FIXTURE, tmp_path / "dist", BuildOptions(), rules=FakeRules(), producers=[lazy])


def test_without_calculator_nothing_links_to_it(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_fixture(FIXTURE, out)
    for url, links in links_of(out).items():
        assert not [v for _, v in links if "calculator" in v], url


def test_replace_folder_swaps_contents(tmp_path: Path) -> None:
    out, new = tmp_path / "dist", tmp_path / "new"
    (out / "old-only").mkdir(parents=True)
    (out / "old-only" / "a.txt").write_text("old")
    new.mkdir()
    (new / "b.txt").write_text("new")
    replace_folder(new, out)
    assert [p.name for p in out.iterdir()] == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_output_tree_refuses_a_path_written_twice_or_outside(tmp_path: Path) -> None:
    tree = OutputTree(tmp_path)
    tree.write("a/b.txt", b"1")
    with pytest.raises(BuildError, match="both write"):
        tree.write("a/b.txt", b"2")
    for bad in ("../x", "/etc/x", "a//b"):
        with pytest.raises(BuildError, match="plain relative path"):
            tree.write(bad, b"")


def test_relative_links() -> None:
    assert relative("", "") == "./"
    assert relative("", "catalogue/") == "catalogue/"
    assert relative("policy/age/", "") == "../../"
    assert relative("policy/age/", "policy/age/#x") == "../../policy/age/#x"
    assert relative("404.html", "static/site.css") == "static/site.css"


def test_base_and_site_url_spellings() -> None:
    assert normalise_base_url("/") == "/"
    assert normalise_base_url("some-repo") == "/some-repo/"
    assert normalise_base_url("/a/b") == "/a/b/"
    assert normalise_site_url("https://x.org/repo") == "https://x.org/repo/"
    with pytest.raises(BuildError, match="--base-url must be a path"):
        normalise_base_url("https://x.org/repo/")
    with pytest.raises(BuildError, match="--site-url must be an absolute address"):
        normalise_site_url("/repo/")
