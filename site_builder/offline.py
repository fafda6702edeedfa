"""The site's service worker, `sw.js` at the site's root: offline copies and fresh rules.

Every page registers it (``static/js/offline.js``). It keeps the pages a visitor opened
readable offline, the calculator working offline once it has run, and takes over at once when
a new version is deployed. The builder writes it last, from ``static/sw.js`` with a manifest:

- ``shell``: every file copied under ``static/`` (stylesheet, scripts) and the search index,
  precached at install (so search works offline after one visit to any page, though pages
  fetch the index only when the visitor turns to the search box);
- ``engine``: the calculator's files (page, scripts, wheel, Pyodide), which producers add with
  `RenderContext.add_engine_file`; cached only for visitors who use the calculator;

each as ``[path relative to the site root (with its ?v= query), sha256]``;

- ``unzip``: engine files that are gzip data (the memory snapshot) which the service worker,
  once it holds the engine, also keeps gunzipped, as ``[path, key of the copy]``
  (`RenderContext.keep_unzipped`): the calculator's worker reads that copy as it is, instead
  of unzipping 8.4 MB at the start of every return visit (a few hundred ms on a phone);

and a ``version``
derived from them all, so each deploy gets its own caches and a new deploy changes the bytes
of ``sw.js`` (which is how browsers notice an update). See docs/architecture.md.
"""

from __future__ import annotations

import hashlib
import json

from .errors import BuildError
from .render import STATIC, RenderContext
from .search import INDEX_PATH

URL = "sw.js"
TEMPLATE = STATIC / "sw.js"
PLACEHOLDER = '"__MANIFEST__"'


def shell_files(ctx: RenderContext) -> list[tuple[str, str]]:
    """Every copied file under ``static/`` and the search index, as linked (with its version),
    and its SHA-256."""
    files = []
    for path, version in ctx.copied_assets().items():
        if path.startswith("static/") or path == INDEX_PATH:
            data = (ctx.out.root / path).read_bytes()
            files.append((f"{path}?v={version}", hashlib.sha256(data).hexdigest()))
    return sorted(files)


def manifest(ctx: RenderContext) -> dict:
    shell = shell_files(ctx)
    engine = sorted(set(ctx.engine_files))
    unzip = sorted(set(ctx.unzipped_files))
    version = hashlib.sha256(
        json.dumps({"shell": shell, "engine": engine, "unzip": unzip}).encode("utf-8")
    ).hexdigest()[:16]
    return {"version": version, "shell": shell, "engine": engine, "unzip": unzip}


def write_service_worker(ctx: RenderContext) -> None:
    """Write ``sw.js`` (call after every page and file of the site is written)."""
    template = TEMPLATE.read_text(encoding="utf-8")
    if template.count(PLACEHOLDER) != 1:
        raise BuildError(f"site_builder/static/sw.js must contain {PLACEHOLDER} once")
    data = json.dumps(manifest(ctx), separators=(",", ":"))
    ctx.write_text(URL, template.replace(PLACEHOLDER, data))
