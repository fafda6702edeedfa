"""Phase two: render the loaded `Site` into files, and the hook for extra parts.

One Jinja2 `Environment` is made here (`make_environment`), with autoescaping and
`StrictUndefined`, so a template typo is an error rather than an empty string. Core
pages come from `pages.py`; `build.py` runs them, then the producers, then the sitemap.

Extra parts of the site (the calculator) plug in as `Producer`s:

    Producer(
        name="calculator",
        provides=("calculator/",),      # page URLs it renders, known before rendering
        produce=render_calculator,      # called with the `RenderContext`
    )

`provides` is read before any page is rendered, so the header and the entry pages link
to the calculator only when a producer renders it (`ctx.has_page("calculator/")`).
A producer renders pages with `ctx.render_page(url, template, ...)` (templates extend
``base.html`` and get the header, footer, CSP and canonical link for free), writes other
files with `ctx.write_bytes` / `ctx.write_text` / `ctx.copy_file`, and can template the
versioned URL of a copied file with ``asset(path)``. After all producers ran, each URL
in `provides` must have been rendered.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .errors import BuildError
from .html_policy import script_hash
from .markdown_html import MarkdownRenderer
from .model import Site
from .output import OutputTree
from .rules import Rules
from .urls import normalise_base_url, normalise_site_url, output_path, relative

SITE_NAME = "上海居住证积分指南"
# A constant with no data in it, so it is written as is: the policy's quotes then read
# the same in the HTML source as in the header a server would send.
# Pages that run no WebAssembly get no permission to compile it; only the calculator page
# (whose worker runs Pyodide) uses CSP_WASM. Servers that send the policy as a header must
# send CSP_WASM with calculator/worker.js: a worker takes its policy from its own response.
CSP = Markup(
    "default-src 'self'; script-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; style-src 'self'; worker-src 'self'; base-uri 'self'; "
    "form-action 'none'; object-src 'none'"
)
CSP_WASM = Markup(str(CSP).replace("script-src 'self';", "script-src 'self' 'wasm-unsafe-eval';"))


def csp_allowing(policy: str, text: str) -> Markup:
    """`policy` with the inline script `text`, and no other, added to its script-src."""
    directives = [d.strip() for d in str(policy).split(";")]
    found = [i for i, d in enumerate(directives) if d.split()[:1] == ["script-src"]]
    if len(found) != 1:
        raise ValueError("the policy must have one script-src")
    directives[found[0]] += f" {script_hash(text)}"
    return Markup("; ".join(directives))
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class BuildOptions:
    """How the output is addressed (`base_url` path on the host, absolute `site_url`) and
    the date whose rules the figures show (`on`, default today)."""

    base_url: str = "/"
    site_url: str | None = None  # None: canonical links relative, sitemap on the default
    on: datetime.date | None = None

    def __post_init__(self) -> None:
        # Accept what people type ("repo", "https://x.org/repo") and store one spelling.
        object.__setattr__(self, "base_url", normalise_base_url(self.base_url))
        if self.site_url is not None:
            object.__setattr__(self, "site_url", normalise_site_url(self.site_url))


@dataclass(frozen=True)
class Producer:
    """An extra part of the site rendered alongside the core pages (see module docstring)."""

    name: str
    provides: tuple[str, ...]
    produce: Callable[[RenderContext], None]


@dataclass(frozen=True)
class NavItem:
    key: str
    url: str
    label: str


def make_environment() -> jinja2.Environment:
    """The build's one Jinja2 environment."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["zh_date"] = zh_date
    return env


def zh_date(value: datetime.date | str) -> str:
    """``2026-11-21`` → ``2026年11月21日``."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return f"{value.year}年{value.month}月{value.day}日"


class RenderContext:
    """What page producers work with: the model, the rules, and writing into the output."""

    def __init__(
        self,
        site: Site,
        rules: Rules,
        options: BuildOptions,
        out: OutputTree,
        declared: Iterable[str],
    ) -> None:
        self.site = site
        self.rules = rules
        self.options = options
        self.out = out
        self.env = make_environment()
        self.markdown = MarkdownRenderer()
        self.sitemap_urls: list[str] = []
        self.rendered: set[str] = set()
        self._declared = frozenset(declared)
        self._asset_versions: dict[str, str] = {}
        # The calculator's files the service worker keeps once the calculator has run:
        # (path relative to the site root, as requested, sha256). See offline.py.
        self.engine_files: list[tuple[str, str]] = []
        # Engine files (gzip data) the service worker also keeps gunzipped: (path, key of the
        # copy). See offline.py.
        self.unzipped_files: list[tuple[str, str]] = []
        self._globals = {
            "site_name": SITE_NAME,
            "csp": CSP,
            "edition": rules.edition(),
            "nav": self._nav(),
            "has_page": self.has_page,
        }

    def has_page(self, url: str) -> bool:
        """Whether the site has (or will have) the page at `url`."""
        return url in self._declared

    def _nav(self) -> list[NavItem]:
        items = [
            NavItem("home", "", "首页"),
            NavItem("calculator", "calculator/", "积分计算器"),
            NavItem("policy", "policy/", "政策解读"),
            NavItem("catalogue", "catalogue/", "目录"),
        ]
        return [item for item in items if self.has_page(item.url)]

    # --- files -------------------------------------------------------------------------

    def write_bytes(self, path: str, data: bytes) -> None:
        """Write a file at site-relative `path`."""
        self.out.write(path, data)

    def write_text(self, path: str, text: str) -> None:
        """Write a UTF-8 text file at site-relative `path`."""
        self.out.write(path, text.encode("utf-8"))

    def copy_file(self, source: Path, path: str) -> None:
        """Copy `source` to `path`; templates can then link it with ``asset(path)``."""
        self._asset_versions[path] = self.out.copy(source, path)

    def write_asset(self, path: str, data: bytes) -> None:
        """Write generated bytes at `path`; templates can then link it with ``asset(path)``."""
        self.out.write(path, data)
        self._asset_versions[path] = hashlib.sha256(data).hexdigest()[:10]

    def copied_assets(self) -> dict[str, str]:
        """Every file written with `copy_file` or `write_asset` so far: path → version."""
        return dict(self._asset_versions)

    def add_engine_file(self, path: str, sha256: str) -> None:
        """Have the service worker keep `path` (relative to the site root, with any query)
        for the calculator's offline use, checked against `sha256`."""
        self.engine_files.append((path, sha256))

    def keep_unzipped(self, path: str, copy: str) -> None:
        """Have the service worker keep engine file `path` (gzip data) also gunzipped, under
        the key `copy`, once it has the engine."""
        self.unzipped_files.append((path, copy))

    def asset_url(self, from_url: str, path: str) -> str:
        """Link from page `from_url` to a copied file, versioned by its content hash.

        The ``?v=`` query changes whenever the file does, so browsers never mix an old
        stylesheet or script with a new page.
        """
        return f"{relative(from_url, path)}?v={self._asset_version(path)}"

    def _asset_version(self, path: str) -> str:
        if path not in self._asset_versions:
            raise BuildError(f"asset {path!r} is linked but was not copied into the site")
        return self._asset_versions[path]

    # --- pages -------------------------------------------------------------------------

    def render_page(
        self,
        url: str,
        template: str,
        *,
        title: str,
        description: str,
        nav: str | None = None,
        sitemap: bool = True,
        absolute_links: bool = False,
        **variables: Any,
    ) -> None:
        """Render `template` to the page at site-relative `url`.

        `nav` is the header item to mark as current. `absolute_links` makes ``url()``
        and ``asset()`` return links from the base URL instead of page-relative ones,
        for pages a server shows at any path (404.html).
        """
        if absolute_links:
            def link(target: str) -> str:
                return self.options.base_url + target
        else:
            def link(target: str) -> str:
                return relative(url, target)

        def asset(path: str) -> str:
            return f"{link(path)}?v={self._asset_version(path)}"

        site_url = self.options.site_url
        page = {
            "url": url,
            "title": title,
            "description": description,
            "nav": nav,
            "canonical": None if absolute_links else (site_url + url if site_url else link(url)),
            "og_url": site_url + url if site_url and not absolute_links else None,
        }
        html = self.env.get_template(template).render(
            self._globals, page=page, url=link, asset=asset, **variables
        )
        self.write_text(output_path(url), html)
        self.rendered.add(url)
        if sitemap:
            self.sitemap_urls.append(url)

    def render_fragment(self, template: str, **variables: Any) -> str:
        """Render a partial template (e.g. a shortcode's table) to escaped HTML."""
        return self.env.get_template(template).render(self._globals, **variables)

