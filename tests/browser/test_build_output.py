"""What the calculator's producer writes: checked on the files, no browser needed."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import urllib.parse
import zipfile

import pytest

from site_builder import calculator
from site_builder.errors import BuildError
from site_builder.pyodide_runtime import RUNTIME_FILES, find_runtime
from tests.browser.test_offline import worker_engine


def manifest(built_site) -> dict:
    text = (built_site / "sw.js").read_text(encoding="utf-8")
    match = re.search(r"^const MANIFEST = (\{.*\});$", text, re.MULTILINE)
    assert match, "sw.js has no manifest"
    return json.loads(match.group(1))


def test_service_worker_manifest_lists_real_files_with_their_hashes(built_site):
    data = manifest(built_site)
    base = "https://x.invalid/sw.js"  # the site's root
    paths = {}
    for kind in ("shell", "engine"):
        for path, sha256 in data[kind]:
            url = urllib.parse.urljoin(base, path)
            site_path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).removeprefix("/")
            if site_path.endswith("/"):
                site_path += "index.html"
            file = built_site / site_path
            assert file.is_file(), path
            assert hashlib.sha256(file.read_bytes()).hexdigest() == sha256, path
            paths[site_path] = kind
    # The engine: the page, its scripts and styles, the worker, the wheel, the whole runtime.
    version = find_runtime(calculator.PROJECT_ROOT / "node_modules").version
    modules = (f"calculator/{name}" for name in calculator.PAGE_ENTRIES)
    for needed in ("calculator/index.html", *modules, "calculator/worker.js",
                   "calculator/calculator.css",
                   *(f"pyodide/{version}/{name}" for name in RUNTIME_FILES)):
        assert paths.get(needed) == "engine", needed
    assert any(p.startswith("calculator/scoring-") and p.endswith("-cp314-none-any.whl")
               and paths[p] == "engine" for p in paths)
    assert any(p.startswith("calculator/python_stdlib-") and p.endswith(".zip")
               and paths[p] == "engine" for p in paths)
    # The shell every page needs offline: the stylesheet and the site's scripts.
    for needed in ("static/site.css", "static/js/offline.js"):
        assert paths.get(needed) == "shell", needed
    assert re.fullmatch(r"[0-9a-f]{16}", data["version"])


def test_the_calculator_page_names_the_rules_version_of_its_wheel(built_site):
    import scoring

    html = (built_site / "calculator" / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="zh-CN" data-rules-version="{scoring.rules_version()}">' in html


def test_the_retired_calculator_service_worker_unregisters_itself(built_site):
    # Visitors of earlier versions have calculator/sw.js registered for calculator/: the
    # browser's next update check must get a worker that steps aside.
    text = (built_site / "calculator" / "sw.js").read_text(encoding="utf-8")
    assert "registration.unregister()" in text
    assert "fetch" not in text  # it answers no request: the site-wide worker does


def test_only_the_runtime_files_the_browser_needs_are_copied(built_site):
    copied = sorted(p.name for p in built_site.glob("pyodide/*/*")
                    if p.suffix not in (".br", ".gz"))
    assert copied == sorted(RUNTIME_FILES)


def test_large_files_have_precompressed_copies_that_decompress_to_them(built_site):
    wasm = next(built_site.glob("pyodide/*/pyodide.asm.wasm"))
    original = wasm.read_bytes()
    gz = wasm.with_name(wasm.name + ".gz").read_bytes()
    assert gzip.decompress(gz) == original and len(gz) < len(original) * 0.5
    br = wasm.with_name(wasm.name + ".br")
    script = ("const z = require('node:zlib'), fs = require('node:fs');"
              "process.stdout.write(require('node:crypto').createHash('sha256')"
              ".update(z.brotliDecompressSync(fs.readFileSync(process.argv[1]))).digest('hex'))")
    digest = subprocess.run(["node", "-e", script, str(br)], capture_output=True, text=True,
                            check=True).stdout
    assert digest == hashlib.sha256(original).hexdigest()
    assert br.stat().st_size < len(gz)
    # Small files get no copies: not worth a file.
    assert not list(built_site.glob("calculator/*.js.br"))


def test_worker_names_the_brotli_copies_and_their_decoder_with_their_sizes(built_site):
    # A first visit downloads these instead of the binary and the standard library; the sizes
    # drive its progress.
    engine = worker_engine(built_site)
    folder = built_site / "calculator"
    copy = folder / urllib.parse.unquote(engine["wasm_brotli"])
    stdlib = folder / urllib.parse.unquote(engine["stdlib"])
    stdlib_copy = folder / urllib.parse.unquote(engine["stdlib_brotli"])
    module = folder / urllib.parse.unquote(engine["brotli"]["module"])
    decoder = folder / urllib.parse.unquote(engine["brotli"]["wasm"])
    assert copy.name == "pyodide.asm.wasm.br"
    assert stdlib_copy.name == stdlib.name + ".br"
    assert engine["bytes_brotli"] == {
        "wasm": copy.stat().st_size, "stdlib": stdlib_copy.stat().st_size,
        "brotli": module.stat().st_size + decoder.stat().st_size}
    assert decoder.read_bytes()[:4] == b"\0asm"
    # The worker passes bytes that start like the file itself on as they are (a host decoded
    # them).
    assert copy.read_bytes()[:4] != b"\0asm"
    assert stdlib_copy.read_bytes()[:4] != b"PK\x03\x04"
    # The standard library's members are stored, so its brotli copy is small: deflated members
    # would not compress further.
    with zipfile.ZipFile(stdlib) as zf:
        assert {info.compress_type for info in zf.infolist()} == {zipfile.ZIP_STORED}
    assert stdlib_copy.stat().st_size < stdlib.stat().st_size * 0.3
    # Hosts that serve precompressed files send the decoder compressed too.
    assert decoder.with_name(decoder.name + ".br").stat().st_size < decoder.stat().st_size * 0.6
    # The decoder is someone else's work: its licence goes with it.
    assert "MIT" in (decoder.parent / "LICENSE-MIT.txt").read_text(encoding="utf-8")


def test_worker_names_the_engine_files_with_their_sizes(built_site):
    engine = worker_engine(built_site)
    folder = built_site / "calculator"
    files = {
        "loader": folder / engine["pyodide"] / "pyodide.mjs",
        "runtime": folder / engine["pyodide"] / "pyodide.asm.mjs",
        "wasm": folder / engine["pyodide"] / "pyodide.asm.wasm",
        "stdlib": folder / urllib.parse.unquote(engine["stdlib"]),
        "wheel": folder / urllib.parse.unquote(engine["wheel"]),
    }
    # The sizes drive the page's progress display: they must be the files' real sizes.
    assert engine["bytes"] == {role: path.stat().st_size for role, path in files.items()}
    with zipfile.ZipFile(files["stdlib"]) as stdlib:
        names = set(stdlib.namelist())
    # The modules the calculator imports, as bytecode, and nothing else (no sources, no
    # modules it never imports: they were two thirds of the download).
    assert {"json/__init__.pyc", "tomllib/_parser.pyc", "datetime.pyc"} <= names
    assert all(name.endswith(".pyc") for name in names), names
    assert not names & {"smtplib.pyc", "smtplib.py", "tkinter/__init__.pyc"}
    with zipfile.ZipFile(files["wheel"]) as wheel:
        names = set(wheel.namelist())
    assert "scoring/bridge.pyc" in names and not any(n.endswith(".py") for n in names)


def test_page_points_at_files_that_exist(built_site):
    html = (built_site / "calculator" / "index.html").read_text(encoding="utf-8")
    for attribute in ("data-wheel", "data-worker", "data-plan-js"):
        value = re.search(rf'{attribute}="([^"]+)"', html).group(1)
        path = urllib.parse.unquote(value.split("?")[0])
        assert (built_site / "calculator" / path).resolve().is_file(), attribute
    pyodide = re.search(r'data-pyodide="([^"]+)"', html).group(1)
    assert (built_site / "calculator" / pyodide / "pyodide.mjs").resolve().is_file()
    assert 'href="/' not in html and 'src="/' not in html  # relative links only


def test_missing_node_modules_says_to_run_npm_ci(tmp_path):
    with pytest.raises(BuildError, match="npm ci"):
        find_runtime(tmp_path / "node_modules")


def test_unknown_field_group_or_type_stops_the_build():
    field = {"key": "x", "type": "integer", "group": "basic", "label": "X"}
    assert calculator.form_groups([field])[0]["key"] == "x"
    with pytest.raises(BuildError, match="group"):
        calculator.form_groups([{**field, "group": "extra"}])
    with pytest.raises(BuildError, match="type"):
        calculator.form_groups([{**field, "type": "date"}])


def test_page_script_is_one_file_holding_its_modules(built_site):
    # One request for the page's script (site_builder/page_bundle.py): every module it imports
    # is in it, once, and it fetches none of them; the page links it by its content's hash, so
    # a browser (or the service worker) never combines files from two builds.
    folder = built_site / "calculator"
    entry = (folder / "calculator.js").read_text(encoding="utf-8")
    for name in ("dom.js", "engine.js", "form.js", "result.js", "share.js"):
        assert entry.count(f"// ==== {name}\n") == 1, name
        assert not (folder / name).exists(), name
    assert not re.search(r'(\bfrom\s*|\bimport\s*\(?\s*)["\']\./', entry)
    html = (folder / "index.html").read_text(encoding="utf-8")
    digest = hashlib.sha256(entry.encode("utf-8")).hexdigest()[:10]
    assert f'<script type="module" src="../calculator/calculator.js?v={digest}">' in html
    assert re.findall(r'<link rel="modulepreload" href="([^"]+)"', html) == [
        f"../calculator/calculator.js?v={digest}"]


def test_calculator_page_is_first_drawn_with_all_its_main_content(built_site):
    # The browser draws the page once the parser has reached the last element of its main
    # content, not after the first part of the HTML and again for the rest: one layout of the
    # form, the result and the plan instead of two, and the page's script (and so the first
    # score) no longer waits behind the second. The element it waits for must exist, once, and
    # come after everything the page shows before its footer; else the browser would wait for
    # the end of the page or, pointing too early, draw it twice again.
    html = (built_site / "calculator" / "index.html").read_text(encoding="utf-8")
    head, body = html.split("</head>", 1)
    [target] = re.findall(r'<link rel="expect" href="#([\w-]+)" blocking="render">', head)
    assert body.count(f'id="{target}"') == 1
    main = body[body.index("<main"):body.index("</main>")]
    element = re.search(rf'<(\w+)[^>]*\bid="{target}"', main)
    assert element and not re.search(r"<(?!/)[a-z]", main[element.end():]), (
        "elements follow the one the first drawing waits for")


def test_form_descriptions_that_cannot_be_asked_stop_the_build():
    age = {"key": "age", "type": "integer", "group": "basic", "label": "年龄", "min": 16,
           "max": 100}
    flag = {"key": "flag", "type": "boolean", "group": "basic", "label": "F", "default": False}
    ok = calculator.form_model({"fields": [age, {**flag, "applies_when": {
        "field": "age", "at_least": 20}}], "situations": []})
    assert [f["key"] for f in ok["start"]] == ["age", "flag"]
    for bad, key in (
        ({**flag, "applies_when": {"field": "later", "in": ["x"]}}, "applies_when"),
        ({**flag, "applies_when": {"field": "age", "in": ["x"]}}, "applies_when"),
        ({**flag, "situation": "nowhere"}, "situation"),
    ):
        with pytest.raises(BuildError, match=key) as raised:
            calculator.form_model({"fields": [age, bad], "situations": []})
        assert "fields.toml" in str(raised.value)


def test_first_screen_of_the_real_form_has_at_most_eight_questions():
    import scoring

    form = calculator.form_model(scoring.form_description())
    assert len([f for f in form["start"] if f["shown"]]) <= 8
    assert form["situations"] and all(s["fields"] for s in form["situations"])


def test_the_gunzipped_snapshot_is_kept_under_the_snapshot_url_and_a_query(built_site):
    # The worker and the service worker must name the copy alike; a query (never a path of
    # its own, e.g. a percent-encoded "?") keeps it beside the file it comes from.
    engine = worker_engine(built_site)
    [(path, copy)] = manifest(built_site)["unzip"]
    assert copy == f"{path}?unzipped"
    assert urllib.parse.urljoin("https://h/calculator/worker.js", engine["snapshot_unzipped"]) \
        == f"https://h/{copy}"
