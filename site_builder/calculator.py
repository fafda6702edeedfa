"""The calculator page `/calculator/`: the `scoring` package running on Pyodide, privately.

`PRODUCER` plugs into the build (see `render.py`). It writes, under the output folder:

- `calculator/index.html`: the form, rendered here from `scoring.field_descriptions()` so it
  is usable before Pyodide loads; each control's `name` is its profile key;
- `calculator/calculator.js` (with the modules it imports, `engine.js`, `form.js`,
  `result.js`, `share.js` and `dom.js`, in the same file: `page_bundle.py`), `plan.js`
  (imported on demand) and `calculator.css`: the page's script and styles, linked with
  ``?v=<hash>``;
- `calculator/worker.js`: the module Web Worker that runs the engine, with an ENGINE block
  naming the engine files (`write_engine`), so it starts every download at once;
- `calculator/scoring-<version>+<sha8>-cp314-none-any.whl`: a deterministic wheel of the
  package (`wheel.py`) with its modules precompiled (`bytecode.py`), installed in the worker
  without micropip;
- `calculator/python_stdlib-<pyodide version>-<sha8>.zip`: the standard-library modules the
  calculator imports, precompiled (`bytecode.py`), stored (a first visit downloads its brotli
  copy);
- `calculator/snapshot-<pyodide version>-<sha8>.bin`: the engine's memory snapshot, packed
  without the blocks the binary's fresh instance holds (zeros and its data), gzipped and
  checked at build time (`snapshot.py`), restored on repeat visits;
- `pyodide/<version>/…`: the pinned runtime from node_modules (`pyodide_runtime.py`);
- `.br` and `.gz` copies of those large files, for hosts that serve precompressed files
  (`precompress.py`);
- the engine files for the site's service worker (`offline.py`): every file above (and the
  site stylesheet) with its SHA-256, so the calculator works offline once it has run;
- `calculator/sw.js`: the retired calculator-only service worker, which unregisters itself
  for visitors who still have it.

All links are relative, so the output works under any base URL.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, urljoin

from markupsafe import Markup

from .brotli_decoder import find_decoder
from .bytecode import precompile
from .errors import BuildError, display_path
from .page_bundle import bundle
from .precompress import compressed_copies
from .pyodide_runtime import find_runtime
from .render import CSP_WASM, STATIC, Producer, RenderContext, csp_allowing
from .snapshot import BLOCK as SNAPSHOT_BLOCK
from .snapshot import snapshot
from .urls import output_path, relative
from .wheel import ENGINE_PATH, build_wheel

URL = "calculator/"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CALC_STATIC = STATIC / "calc"
# The package the wheel is built from (its rules give the page's `rules_version`).
SCORING_DIR = PROJECT_ROOT / "scoring"

# The form's sections, in the order the rules list the indicator groups.
GROUPS = {
    "basic": ("基础指标", "每位申请人都按这几项计分。"),
    "bonus": ("加分指标", "符合条件的才填写；不符合的保持默认即可。"),
    "deduction": ("减分指标", "有相应记录的才填写。"),
    "veto": ("一票否决指标", "有以下情形之一的，不予积分。"),
}
FIELD_TYPES = ("integer", "number", "boolean", "choice")
# The note under the first screen's questions.
START_NOTE = "每位申请人都要回答这几项。"

# The page's scripts (static/calc/): ES modules, each entry written as one file holding every
# module it imports (page_bundle.py): calculator.js is the page's script, plan.js is imported on
# demand, by the versioned URL the page names (so the calculator scores even if it fails).
PAGE_ENTRIES = ("calculator.js", "plan.js")
PAGE_MODULES = ("dom.js", "engine.js", "form.js", "result.js", "share.js", *PAGE_ENTRIES)
# The classic script that starts the engine's worker: inline, the first script of the page's
# head, allowed by its hash in the page's CSP (start_script).
START_SCRIPT = "start.js"

# Page assets the service worker must also keep: stylesheets and scripts the page links.
ASSET_RE = re.compile(
    r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"|<script\b[^>]*\bsrc="([^"]+)"'
)


def form_model(description: dict) -> dict:
    """`scoring.form_description()` → what the template renders: the first screen's
    questions, the situations with the questions each reveals, and the error wording.

    Stops the build (naming scoring/rules/fields.toml, the field and the key) on a group or
    type the form cannot render, an unknown situation, or an `applies_when` that names a
    field not asked before it."""
    situations = {s["id"]: {**s, "fields": []} for s in description.get("situations", [])}
    start: list[dict] = []
    seen: dict[str, dict] = {}
    for field in description["fields"]:
        key = field.get("key")
        if field.get("group") not in GROUPS:
            raise _field_error(key, "group", f"{field.get('group')!r} is not one of "
                               f"{', '.join(GROUPS)}")
        if field.get("type") not in FIELD_TYPES:
            raise _field_error(key, "type", f"{field.get('type')!r}: the calculator form "
                               f"renders {', '.join(FIELD_TYPES)}")
        condition = field.get("applies_when")
        if condition is not None:
            _check_condition(key, condition, seen)
        item = control(field, seen)
        seen[key] = item
        situation = field.get("situation")
        if situation is None:
            start.append(item)
        elif situation in situations:
            situations[situation]["fields"].append(item)
        else:
            raise _field_error(key, "situation", f"{situation!r} is not a [[situations]] id "
                               f"({', '.join(situations) or 'none defined'})")
    return {
        "start": start,
        "situations": [s for s in situations.values() if s["fields"]],
        "messages": json.dumps(description.get("messages", {}), ensure_ascii=False,
                               sort_keys=True),
    }


def form_groups(fields: list[dict]) -> list[dict]:
    """Field descriptions alone (no situations) → the first screen's controls, checked."""
    return form_model({"fields": fields})["start"]


def _field_error(key, name: str, message: str) -> BuildError:
    return BuildError(message, file="scoring/rules/fields.toml", entry=f"field {key!r}",
                      field=name)


def _check_condition(key: str, condition, seen: dict[str, dict]) -> None:
    if not isinstance(condition, dict) or set(condition) not in ({"field", "in"},
                                                                  {"field", "at_least"}):
        raise _field_error(key, "applies_when", "expected { field = \"…\", in = [...] } or "
                           "{ field = \"…\", at_least = n }")
    if condition["field"] not in seen:
        raise _field_error(key, "applies_when", f"{condition['field']!r} is not a field asked "
                           "before this one")
    target = seen[condition["field"]]
    if "in" in condition:
        values = {o["value"] for o in target["options"]}
        unknown = [v for v in condition["in"] if v not in values]
        if target["type"] != "choice" or unknown:
            raise _field_error(key, "applies_when", f"{condition['field']!r} has no option(s) "
                               f"{unknown}")
    elif target["type"] not in ("integer", "number"):
        raise _field_error(key, "applies_when", f"at_least needs a number field, "
                           f"{condition['field']!r} is {target['type']}")


def _applies(condition, seen: dict[str, dict]) -> bool:
    """Whether a conditional question shows for the other fields' default answers."""
    if condition is None:
        return True
    target = seen[condition["field"]]
    if "in" in condition:
        return target["default"] in condition["in"]
    return target["default"] != "" and float(target["default"]) >= condition["at_least"]


def control(field: dict, seen: dict[str, dict] | None = None) -> dict:
    """One field description → what the template needs for its control."""
    kind = field["type"]
    default = field.get("default")
    if kind == "boolean":
        default_raw = "1" if default else "0"
    elif default is None:
        default_raw = ""
    else:
        default_raw = _number_text(default) if kind in ("integer", "number") else str(default)
    condition = field.get("applies_when")
    return {
        "key": field["key"],
        "type": kind,
        "label": field["label"],
        "help": field.get("help") or "",
        "required": bool(field.get("required")),
        "default": default_raw,
        "min": _number_text(field.get("min")),
        "max": _number_text(field.get("max")),
        "options": field.get("options") or [],
        "unit": field.get("unit", ""),
        "noun": field.get("noun", ""),
        "example": field.get("example", ""),
        "indicator": field.get("indicator", ""),
        "multipliers": json.dumps(field.get("multipliers") or {}, ensure_ascii=False),
        "applies_when": json.dumps(condition, ensure_ascii=False) if condition else "",
        "shown": _applies(condition, seen or {}),
    }


def _number_text(value) -> str:
    """Numbers as a form shows them: ``0`` not ``0.0``; ``None`` → ``""``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class EngineFile:
    """A file the engine needs: its site-relative path, bytes' SHA-256 and size (and for the
    packed snapshot, the size of what is inside once unpacked, where the heap starts in it and
    how many of its first blocks may come from a fresh instance's memory: `snapshot.py`)."""

    path: str
    sha256: str
    size: int
    unpacked: int | None = None
    heap_offset: int | None = None
    initial_blocks: int | None = None


# The files a first visit downloads as their brotli copies (worker.js, brotliFile), by role:
# what each is, and how the file itself starts (a WebAssembly module, a zip's first member).
PACKED = {"wasm": ("the WebAssembly binary", b"\0asm"),
          "stdlib": ("the standard library", b"PK\x03\x04")}


def write_engine(ctx: RenderContext) -> tuple[dict[str, EngineFile], dict[str, EngineFile]]:
    """Write everything the worker loads; returns it by role, and what a first visit fetches
    instead (by role: ``wasm`` and ``stdlib`` their brotli copies, ``module`` and ``decoder``
    the brotli decoder's module and WebAssembly, `brotli_decoder.py`).

    Roles: ``loader`` (pyodide.mjs), ``runtime`` (pyodide.asm.mjs), ``wasm``, ``stdlib``
    (precompiled, `bytecode.py`), ``wheel`` (precompiled) and ``snapshot`` (the memory
    snapshot, `snapshot.py`, used on repeat visits). This one mapping feeds the worker's ENGINE
    block, the download size the page states and the service worker's manifest, so the three
    can never disagree.
    """
    import scoring  # the real package: the wheel, the form and the browser all use it

    runtime = find_runtime(PROJECT_ROOT / "node_modules")
    pure = build_wheel(SCORING_DIR, scoring.__version__)
    compiled = precompile(runtime, pure)
    heap = snapshot(runtime, compiled, pure)
    files: dict[str, tuple[str, bytes]] = {}
    for role, source in zip(("loader", "runtime", "wasm"), runtime.sources, strict=True):
        files[role] = (runtime.folder + source.name, source.read_bytes())
    files["stdlib"] = (URL + compiled.stdlib_filename, compiled.stdlib)
    files["wheel"] = (URL + compiled.wheel.filename, compiled.wheel.data)
    files["snapshot"] = (URL + heap.filename, heap.data)
    engine = {}
    for role, (path, data) in files.items():
        ctx.write_bytes(path, data)
        engine[role] = _file(path, data)
    # The worker unpacks the snapshot into a buffer of this size as it reads it, and fills in
    # what the packed file leaves out from the binary's fresh instance.
    engine["snapshot"] = replace(engine["snapshot"], unpacked=heap.raw_bytes,
                                 heap_offset=heap.heap_offset,
                                 initial_blocks=heap.initial_blocks)
    # The brotli decoder a first visit uses instead of the binary (see the docstring).
    decoder = find_decoder(PROJECT_ROOT / "node_modules")
    brotli = {}
    for role, source in (("module", decoder.module), ("decoder", decoder.wasm)):
        files[role] = (decoder.folder + source.name, source.read_bytes())
        ctx.write_bytes(*files[role])
        brotli[role] = _file(*files[role])
    for licence in decoder.licences:
        ctx.write_bytes(decoder.folder + licence.name, licence.read_bytes())
    # For hosts that serve precompressed files (README, Hosting); browsers never ask for them
    # by name (but for the brotli copies below), so they are not in the service
    # worker's manifest. (The snapshot is gzip data already: no copies.)
    large = dict(value for role, value in files.items() if role != "snapshot")
    copies = compressed_copies(large)
    for path, data in copies.items():
        ctx.write_bytes(path, data)
    # The worker downloads these copies on a first visit. It passes bytes that start like the
    # file itself on as they are (a host decoded the copy on the way), so no brotli data may
    # start so.
    for role, (what, magic) in PACKED.items():
        path = engine[role].path + ".br"
        packed = copies.get(path)
        if packed is None or packed[:4] == magic:
            raise BuildError(f"no usable brotli copy of {what} (the calculator's first visit "
                             "downloads it)", file=path)
        brotli[role] = _file(path, packed)
    return engine, brotli


def _file(path: str, data: bytes) -> EngineFile:
    return EngineFile(path, hashlib.sha256(data).hexdigest(), len(data))


def unzipped_path(path: str) -> str:
    """Where the service worker keeps its gunzipped copy of the gzip file at `path` (already
    percent-encoded: the query must stay a query): a key in Cache Storage, never requested
    from a server (the worker reads it with caches.match)."""
    return path + "?unzipped"


def first_visit(engine: dict[str, EngineFile]) -> dict[str, EngineFile]:
    """The engine files a first visit downloads before its first score: all but the memory
    snapshot, which the service worker fetches afterwards for the next visit."""
    return {role: file for role, file in engine.items() if role != "snapshot"}


def first_download(engine: dict[str, EngineFile], brotli: dict[str, EngineFile]) -> int:
    """Bytes a first visit downloads before its first score: the WebAssembly binary and the
    standard library as their brotli copies, with the decoder (a host may compress the
    JavaScript further)."""
    files = {**first_visit(engine), **brotli}
    return sum(file.size for file in files.values())


def engine_link(engine: dict[str, EngineFile], role: str) -> str:
    """How the calculator page and its worker (both in calculator/) name an engine file: a
    relative link, percent-encoded ("+" in a path means a space to some static hosts, e.g.
    S3). The page's preloads and the worker's requests must name a file alike to share it."""
    return quote(relative(URL, engine[role].path))


# The engine files the page preloads on a first visit (start.js), largest first: those the worker
# fetches (the modules it imports cannot take the preloads' downloads), not the snapshot.
PRELOADED = ("wasm", "stdlib", "wheel")


def preloads(engine: dict[str, EngineFile], brotli: dict[str, EngineFile]) -> list[str]:
    """What start.js preloads, as the worker names it: the brotli copies of the WebAssembly
    binary and the standard library in their place, and the decoder's WebAssembly after the
    binary's copy (see worker.js, BROTLI)."""
    links = [engine_link(brotli if role in brotli else engine, role) for role in PRELOADED]
    links.insert(1, engine_link(brotli, "decoder"))
    return links


def write_worker(ctx: RenderContext, engine: dict[str, EngineFile],
                 brotli: dict[str, EngineFile], lock: dict) -> str:
    """Write `calculator/worker.js` with its ENGINE block; returns its versioned link."""
    config = {
        "pyodide": relative(URL, engine["loader"].path.rsplit("/", 1)[0] + "/"),
        "stdlib": engine_link(engine, "stdlib"),
        "wheel": engine_link(engine, "wheel"),
        # Where the wheel goes inside Pyodide: the snapshot was made with it there.
        "wheel_path": ENGINE_PATH,
        "snapshot": engine_link(engine, "snapshot"),
        # The service worker's gunzipped copy of it (read first when the device has it).
        "snapshot_unzipped": unzipped_path(engine_link(engine, "snapshot")),
        "snapshot_bytes": engine["snapshot"].size,
        "snapshot_size": engine["snapshot"].unpacked,
        "snapshot_block": SNAPSHOT_BLOCK,
        "snapshot_heap_offset": engine["snapshot"].heap_offset,
        "snapshot_initial_blocks": engine["snapshot"].initial_blocks,
        "lock": lock,
        # What a first visit downloads (the progress shown): the snapshot is not among it.
        "bytes": {role: file.size for role, file in first_visit(engine).items()},
        # A first visit fetches the binary and the standard library as their brotli copies and
        # unpacks them with the decoder.
        "wasm_brotli": engine_link(brotli, "wasm"),
        "stdlib_brotli": engine_link(brotli, "stdlib"),
        "brotli": {"module": engine_link(brotli, "module"),
                   "wasm": engine_link(brotli, "decoder")},
        "bytes_brotli": {"wasm": brotli["wasm"].size, "stdlib": brotli["stdlib"].size,
                         "brotli": brotli["module"].size + brotli["decoder"].size},
    }
    template = (CALC_STATIC / "worker.js").read_text(encoding="utf-8")
    if template.count('"__ENGINE__"') != 1:
        raise BuildError("site_builder/static/calc/worker.js must contain \"__ENGINE__\" once")
    data = json.dumps(config, separators=(",", ":"), sort_keys=True)
    ctx.write_asset(URL + "worker.js", template.replace('"__ENGINE__"', data).encode("utf-8"))
    return ctx.asset_url(URL, URL + "worker.js")


def produce(ctx: RenderContext) -> None:
    """Write the calculator page, its scripts, the engine files and the service worker."""
    import scoring  # the real package: the wheel, the form and the browser all use it
    from scoring.rules_version import rules_version_of_folder

    out_root = ctx.out.root
    runtime = find_runtime(PROJECT_ROOT / "node_modules")
    engine, brotli = write_engine(ctx)
    worker_url = write_worker(ctx, engine, brotli, runtime.lock_info)

    ctx.copy_file(CALC_STATIC / "calculator.css", URL + "calculator.css")
    module_urls = copy_page_modules(ctx)
    start = start_script()
    ctx.copy_file(CALC_STATIC / "sw.js", URL + "sw.js")
    # Imported by calculator.js from this URL (with its version), not from a static import.
    plan_url = ctx.asset_url(URL, URL + "plan.js")
    topics = sorted(page.slug for page in ctx.site.pages)

    ctx.render_page(
        URL, "calculator.html",
        title="积分计算器",
        description="按现行规定计算上海市居住证积分：逐项列出得分、依据和注意事项。"
        "计算在您的浏览器中完成，填写的内容不会发送到任何服务器。",
        nav="calculator",
        # The engine's worker compiles WebAssembly; start.js runs inline, by its hash.
        csp=csp_allowing(CSP_WASM, start),
        start_script=Markup(start),
        form=form_model(scoring.form_description()),
        start_note=START_NOTE,
        wages=ctx.rules.wage_table(),
        catalogue_entries=catalogue_entries_json(ctx),
        threshold=ctx.rules.threshold(),
        engine={
            "pyodide": relative(URL, runtime.folder),
            "wheel": engine_link(engine, "wheel"),
            "worker": worker_url,
            # What start.js preloads on a first visit, as the worker names it (ENGINE).
            "preload": " ".join(preloads(engine, brotli)),
            "plan_js": plan_url,
            "lock": json.dumps(runtime.lock_info, separators=(",", ":"), sort_keys=True),
            "policy": relative(URL, "policy/"),
            # The site's root from this page: plan links are site-relative (policy/…/).
            "site_root": relative(URL, ""),
            # Explainers that exist: a breakdown line links to its topic only if it is here.
            "topics": " ".join(topics),
        },
        # The version of the rules the wheel carries: the page notices when it changes.
        rules_version=rules_version_of_folder(SCORING_DIR / "rules"),
        # What a first visit downloads for the engine, for the page to say plainly.
        download_mb=max(1, round(first_download(engine, brotli) / 1e6)),
        # What the service worker keeps on top, for quick starts later.
        snapshot_mb=max(1, round(engine["snapshot"].size / 1e6)),
    )

    page = out_root / output_path(URL)
    html = page.read_text(encoding="utf-8")
    linked = [href or src for href, src in ASSET_RE.findall(html)]
    # Paths relative to the site root, as the page requests them; "calculator/" is the page.
    ctx.add_engine_file(URL, _sha256(page))
    for link in [*linked, worker_url, *module_urls]:
        path, mark, query = _site_path(link)
        if not path.startswith("static/"):  # the site's own files are in the shell already
            ctx.add_engine_file(path + mark + query, _sha256(out_root / path))
    for file in engine.values():
        ctx.add_engine_file(quote(file.path), file.sha256)
    snapshot_path = quote(engine["snapshot"].path)
    ctx.keep_unzipped(snapshot_path, unzipped_path(snapshot_path))


def start_script() -> str:
    """start.js as the page carries it, inline: its first script runs as the parser reaches it,
    with no request (a round trip, and on a first visit a wait for a connection the engine's
    downloads share) and no turn of the page's thread spent waiting for it. The page's CSP
    allows it by its SHA-256 and nothing else inline. It must not be able to end the element
    it sits in."""
    text = (CALC_STATIC / START_SCRIPT).read_text(encoding="utf-8")
    lowered = text.lower()
    if "</script" in lowered or "<!--" in lowered or "<script" in lowered:
        raise BuildError(f"{START_SCRIPT} is put inline in the calculator page: it may not "
                         "contain \"</script\", \"<script\" or \"<!--\"",
                         file=str(CALC_STATIC / START_SCRIPT))
    return text


def copy_page_modules(ctx: RenderContext) -> list[str]:
    """Write each of PAGE_ENTRIES as one file with the modules it imports (page_bundle.py):
    one request for the page's script instead of one per module. A module in two of them
    would run twice, each copy with its own state: that stops the build. Returns their links
    from the page (``?v=<hash>``: a browser or the service worker never mixes two builds)."""
    where = f"{display_path(CALC_STATIC, PROJECT_ROOT)}/"

    def read(name: str) -> str:
        source = CALC_STATIC / name
        if name not in PAGE_MODULES or not source.is_file():
            raise LookupError(f"they are {', '.join(PAGE_MODULES)}")
        return source.read_text(encoding="utf-8")

    owner: dict[str, str] = {}  # module → the entry whose file holds it
    for entry in PAGE_ENTRIES:
        text, modules = bundle(entry, read, where=where)
        for module in modules:
            if module in owner:
                raise BuildError(f"{module} is imported by both {owner[module]} and {entry}: "
                                 "each is one file, so it would run twice with its own state",
                                 file=where + entry)
            owner[module] = entry
        ctx.write_asset(URL + entry, text.encode("utf-8"))
    return [ctx.asset_url(URL, URL + entry) for entry in PAGE_ENTRIES]


def catalogue_entries_json(ctx: RenderContext) -> Markup:
    """The deep-link map (contract 1): ``<catalogue folder>/<entry id>`` → the entry's name and
    its list's title, as JSON safe inside a ``<script type="application/json">`` element."""
    entries = {
        entry.key: [entry.name, catalogue.title]
        for catalogue in ctx.site.catalogues
        for entry in catalogue.entries
    }
    text = json.dumps({"entries": entries}, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True)
    # "<" ">" "&" escaped: the text can never close the element or be read as markup.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _site_path(link: str) -> tuple[str, str, str]:
    """A link from the calculator page → (site-relative path of the file, "?", query)."""
    absolute = urljoin("https://site.invalid/" + URL, link)
    path, mark, query = absolute.split("#", 1)[0].partition("?")
    if not path.startswith("https://site.invalid/"):
        raise BuildError(f"the calculator page links {link!r}, which is not on this site")
    return path.removeprefix("https://site.invalid/"), mark, query


PRODUCER = Producer(name="calculator", provides=(URL,), produce=produce)
