"""The calculator page's modules in one file (site_builder/page_bundle.py): the bundle must
behave as the modules do when the browser loads them one by one, and anything the bundler
cannot carry over faithfully must stop the build, naming the file and the line."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from site_builder.calculator import CALC_STATIC, PAGE_ENTRIES
from site_builder.errors import BuildError
from site_builder.page_bundle import bundle

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js runs the modules")

# Each module notes when it runs; the entry exports what it saw of the others.
MODULES = {
    "util.js": 'globalThis.ran.push("util");\n'
               "export const $ = (x) => `<${x}>`;\n"
               "export function twice(n) {\n  return 2 * n;\n}\n",
    "state.js": 'import { twice } from "./util.js";\n'
                'globalThis.ran.push("state");\n'
                "let count = 0;\n"
                "export function bump() {\n  count = twice(count + 1);\n  return count;\n}\n"
                "export async function later() {\n  return bump();\n}\n"
                "export class Box {\n  constructor(v) { this.v = v; }\n}\n",
    "entry.js": 'import { $, twice } from "./util.js";\n'
                "import * as state from \"./state.js\";\n"
                "import {\n  Box,\n  bump,\n} from \"./state.js\";\n"
                'globalThis.ran.push("entry");\n'
                "export const seen = [$(\"a\"), twice(4), bump(), state.bump(), new Box(7).v,\n"
                "  Object.keys(state)];\n"
                "export async function viaNamespace() {\n  return state.later();\n}\n",
}


def run_in_node(folder: Path, entry: str) -> dict:
    script = (f"globalThis.ran = []; const m = await import({json.dumps(str(folder / entry))});"
              "console.log(JSON.stringify({ran: globalThis.ran, seen: m.seen,"
              " later: await m.viaNamespace(), exports: Object.keys(m).sort()}));")
    done = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout)


@needs_node
def test_the_bundle_runs_as_the_separate_modules_do(tmp_path):
    separate = tmp_path / "separate"
    separate.mkdir()
    for name, text in MODULES.items():
        (separate / name).write_text(text, encoding="utf-8")
    text, order = bundle("entry.js", MODULES.__getitem__)
    assert order == ["util.js", "state.js", "entry.js"]
    assert 'from "./' not in text  # nothing left to fetch
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "entry.js").write_text(text, encoding="utf-8")
    # (.js files as ES modules, for Node)
    for folder in (separate, bundled):
        (folder / "package.json").write_text('{"type": "module"}', encoding="utf-8")

    expected = run_in_node(separate, "entry.js")
    assert expected["seen"] == ["<a>", 8, 2, 6, 7, ["Box", "bump", "later"]]
    assert run_in_node(bundled, "entry.js") == expected


@needs_node
def test_the_pages_modules_bundle_into_valid_modules(tmp_path):
    def read(name: str) -> str:
        return (CALC_STATIC / name).read_text(encoding="utf-8")

    for entry in PAGE_ENTRIES:
        text, order = bundle(entry, read)
        assert order[-1] == entry
        path = tmp_path / (entry.removesuffix(".js") + ".mjs")
        path.write_text(text, encoding="utf-8")
        subprocess.run([NODE, "--check", str(path)], check=True, timeout=60)


UNTAKEN_IMPORT = "an import the page bundler does not take"
UNTAKEN_EXPORT = "an export the page bundler does not take"


@pytest.mark.parametrize("module, line, message", [
    ('import util from "./util.js";\n', 1, UNTAKEN_IMPORT),
    ('import "./util.js";\n', 1, UNTAKEN_IMPORT),
    ('import { $ as dollar } from "./util.js";\n', 1, "cannot read .a name renamed"),
    ('import {\n  $, // the helper\n} from "./util.js";\n', 1, "cannot read"),
    ('import { twice } from "./util.js";\nexport let n = 1;\n', 2, UNTAKEN_EXPORT),
    ('export default 1;\n', 1, UNTAKEN_EXPORT),
    ('const a = 1;\nexport { a };\n', 2, UNTAKEN_EXPORT),
    ('export * from "./util.js";\n', 1, UNTAKEN_EXPORT),
    ('export const a = [1, 2], b = "x, y";\n', 1, "more than one name"),
    ('if (true) {\n  import { twice } from "./util.js";\n}\n', 2, "does not start its line"),
    ('const m = () => import("./util.js");\n', 1, "dynamic import"),
    ('\n\nimport { thrice } from "./util.js";\n', 3, "thrice from util.js"),
    ('export const x = 1;\nimport { y } from "./nowhere.js";\n', 2, "imports nowhere.js"),
])
def test_what_it_cannot_carry_over_stops_the_build(module, line, message):
    sources = {**MODULES, "entry.js": module}
    with pytest.raises(BuildError, match=message) as raised:
        bundle("entry.js", sources.__getitem__, where="calc/")
    assert raised.value.file == "calc/entry.js"
    assert raised.value.field == f"line {line}"


def test_one_name_per_export_const_is_read_past_brackets_and_strings():
    sources = {"entry.js": 'export const a = f([1, 2], { b: "3, 4" }, `5, ${6}`);\n'
                           "export const c = (x) => { const y = x, z = 1; return y + z; };\n"}
    text, _order = bundle("entry.js", sources.__getitem__)
    assert text.endswith("export const { a, c } = module$entry;\n")


def test_modules_importing_each_other_in_a_circle_stop_the_build():
    sources = {**MODULES, "util.js": 'import { bump } from "./state.js";\nexport const $ = 1;\n'}
    circle = "circle: entry.js → util.js → state.js → util.js"
    with pytest.raises(BuildError, match=circle) as raised:
        bundle("entry.js", sources.__getitem__, where="calc/")
    # Named where the circle closes: the import in state.js.
    assert (raised.value.file, raised.value.field) == ("calc/state.js", "line 1")
