"""One build: load and validate everything, render into a fresh folder, swap it in.

`build()` is what the CLI, the dev server, the tests and the benchmark call. Nothing is
written before the whole input has loaded and validated; a failure while rendering
deletes the half-built folder. Either way the previous output stays as it was.
"""

from __future__ import annotations

import datetime
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import offline, pages, sitemap
from .errors import BuildError
from .load import load_site
from .model import Site
from .output import OutputTree, check_output_folder, new_build_folder, replace_folder
from .render import STATIC, BuildOptions, Producer, RenderContext
from .rules import Rules, ScoringRules

# The builder's own static files (the calculator's producer copies its own).
CORE_ASSETS = ("site.css", "js/search.js", "js/offline.js")


@dataclass(frozen=True)
class BuildReport:
    """What a finished build wrote, and how long it took."""

    out: Path
    pages: int
    files: int
    seconds: float


def default_producers() -> list[Producer]:
    """The extra parts every real build includes: the in-browser calculator.

    Tests of the core builder pass `producers=[]` to build without it.
    """
    from . import calculator

    return [calculator.PRODUCER]


def build(
    root: Path,
    out: Path,
    options: BuildOptions | None = None,
    *,
    rules: Rules | None = None,
    producers: Iterable[Producer] | None = None,
) -> BuildReport:
    """Build the site from `root` (holding catalogue/ and content/) into `out`.

    `rules` defaults to the `scoring` package's rules in force on `options.on`; `producers` to
    `default_producers()`. Raises `BuildError` for any problem in the input, and for an `out`
    the build may not replace (`output.check_output_folder`), before anything is written.
    """
    started = time.perf_counter()
    check_output_folder(out, root)
    options = options or BuildOptions()
    rules = rules or ScoringRules(options.on)
    producers = default_producers() if producers is None else list(producers)
    site = load_site(root, rules, options.on or datetime.date.today())

    folder = new_build_folder(out)
    try:
        ctx = render_site(site, rules, options, OutputTree(folder), producers)
        check_output_folder(out, root)  # again: it may have changed while we rendered
        replace_folder(folder, out)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return BuildReport(
        out=out,
        pages=len(ctx.rendered),
        files=len(ctx.out.paths),
        seconds=time.perf_counter() - started,
    )


def render_site(
    site: Site, rules: Rules, options: BuildOptions, out: OutputTree, producers: list[Producer]
) -> RenderContext:
    """Render core pages, then each producer's, then the service worker and the sitemap."""
    declared = set(pages.core_urls(site))
    for producer in producers:
        declared.update(producer.provides)
    ctx = RenderContext(site, rules, options, out, declared)
    for path in CORE_ASSETS:
        ctx.copy_file(STATIC / path, f"static/{path}")
    pages.render_core_pages(ctx)
    for producer in producers:
        producer.produce(ctx)
        missing = sorted(set(producer.provides) - ctx.rendered)
        if missing:
            raise BuildError(f"page producer {producer.name!r} did not render {missing}")
    # Last: the service worker lists the files everything before it wrote.
    offline.write_service_worker(ctx)
    sitemap.write_sitemap(ctx)
    return ctx
