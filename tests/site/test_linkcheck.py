"""The link checker itself finds what it must (so a passing check means something)."""

from __future__ import annotations

from pathlib import Path

from .linkcheck import broken_links


def write(path: Path, html: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def test_link_checker_reports_each_kind_of_broken_link(tmp_path: Path) -> None:
    write(tmp_path / "index.html", (
        '<a href="a/">ok</a><a href="a/#sec">ok</a><a href="#top" id="top">ok</a>'
        '<a href="https://example.org/">external</a><img src="data:,">'
        '<a href="missing/">1</a><a href="a/#nope">2</a><a href="/elsewhere/">3</a>'
        '<script src="app.js"></script>'
    ))
    write(tmp_path / "a" / "index.html",
          '<h2 id="sec">s</h2><a href="../calculator/#title=x">c</a>')
    write(tmp_path / "calculator" / "index.html", "")

    problems = broken_links(tmp_path, "/repo/")
    assert problems == [
        "(home): href='missing/' (no such file)",
        "(home): href='a/#nope' (no element with id 'nope')",
        "(home): href='/elsewhere/' (leaves the site's base URL /repo/)",
        "(home): src='app.js' (no such file)",
    ]
