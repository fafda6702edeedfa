"""Check every internal link of a built site: each `href`/`src` must reach a file.

Used by the tests on the real site and the fixture site. Links are resolved the way a
browser does, from the page's own URL under the site's base URL; fragment links to
HTML pages must name an element id there (calculator state fragments such as
``#title=intermediate`` are state, not anchors, and are not checked as ids).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ORIGIN = "http://site.test"
EXTERNAL_SCHEMES = ("http", "https", "mailto", "tel", "data")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (attribute, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((name, value))
            elif name == "id" and value:
                self.ids.add(value)


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def page_url(dist: Path, path: Path) -> str:
    """The site-relative URL a file is served at (folders for index.html)."""
    relative = path.relative_to(dist).as_posix()
    return relative[: -len("index.html")] if relative.endswith("index.html") else relative


def links_of(dist: Path) -> dict[str, list[tuple[str, str]]]:
    """Every href/src of every HTML page, by site-relative page URL."""
    return {
        page_url(dist, path): parse(path).links for path in sorted(dist.rglob("*.html"))
    }


def broken_links(dist: Path, base_url: str = "/") -> list[str]:
    """Problems, one line each: ``<page>: <link> (<why>)``; empty when all links resolve."""
    pages = sorted(dist.rglob("*.html"))
    parsed = {page_url(dist, path): parse(path) for path in pages}
    problems = []
    for url, collector in parsed.items():
        # 404.html is served at any path; its links must work from anywhere (base-relative).
        here = ORIGIN + base_url + ("does/not/exist/" if url == "404.html" else url)
        for attribute, link in collector.links:
            if link.startswith("#"):  # same document, wherever it is served
                fragment = unquote(link[1:])
                why = None if fragment in collector.ids else f"no element with id {fragment!r}"
            else:
                why = _check(dist, base_url, parsed, here, link)
            if why:
                problems.append(f"{url or '(home)'}: {attribute}={link!r} ({why})")
    return problems


def _check(dist: Path, base_url: str, parsed: dict, here: str, link: str) -> str | None:
    scheme = urlsplit(link).scheme
    if scheme in EXTERNAL_SCHEMES:
        return None
    if scheme:
        return f"unexpected scheme {scheme!r}"
    target = urlsplit(urljoin(here, link))
    prefix = urlsplit(ORIGIN + base_url).path
    if not target.path.startswith(prefix):
        return f"leaves the site's base URL {base_url}"
    site_path = unquote(target.path[len(prefix):])
    file = dist / site_path
    if site_path == "" or site_path.endswith("/"):
        file = file / "index.html"
    if not file.is_file():
        return "no such file"
    fragment = unquote(target.fragment)
    if fragment and "=" not in fragment and file.suffix == ".html":
        ids = parsed[page_url(dist, file)].ids
        if fragment not in ids:
            return f"no element with id {fragment!r}"
    return None
