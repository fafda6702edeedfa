// Precompile the calculator's Python to bytecode with the pinned Pyodide itself (build time).
//
//   node precompile.mjs <pyodide dir> <job.json>
//
// job.json: {"stdlib_in", "stdlib_out", "wheel_in", "wheel_out": paths, "wheel_path": where
// the wheel goes inside Pyodide (site_builder/wheel.py ENGINE_PATH), "warmup": [{"request":
// bridge request text, "ok": whether the bridge must accept it}]}. The script boots Pyodide,
// puts the wheel on sys.path the way the calculator's worker does and answers the warm-up
// requests (a score and a plan), so that `sys.modules` then holds every standard-library
// module the calculator needs. It writes:
// - stdlib_out: a python_stdlib.zip holding just those modules, each as an unchecked
//   hash-based `.pyc` (PEP 552: no timestamps). Modules the calculator never imports are left
//   out (they were two thirds of the download): the warm-up covers everything the engine does
//   (the bridge's case suites, plans, the form, errors and hostile input), and the parity tests
//   run every request kind against this very zip, so a missing module fails a test, not a
//   visitor;
// - wheel_out: the wheel's members with every `.py` compiled the same way (the caller
//   rewrites the wheel's RECORD and tag).
// Code objects are compiled under the file name the module has inside Pyodide, so
// tracebacks name the right file, and at optimization level 2 (what `python -OO` does, a mode
// CPython supports for its whole standard library): docstrings and `assert` statements are
// left out. That made the standard library 18% smaller (1.06 MB -> 0.86 MB, deflated) and
// the heap the memory snapshot saves smaller too. Nothing the calculator runs reads a docstring or relies
// on an assert (the engine has neither), and the parity tests run every request kind against
// these very files. Output zips have sorted members and a fixed date: the same
// input gives the same bytes. The standard library's members are stored, not deflated: a
// first visit downloads the zip's brotli copy (0.59 MB, where the zip with deflated members
// was 0.86 MB: deflated members do not compress further), and Python reads stored members
// without unzipping them. The wheel's members are deflated: it is downloaded as it is, and
// GitHub Pages does not compress `.zip` or `.whl` responses.
//
// Why Pyodide and not the build machine's CPython: bytecode is specific to the Python minor
// version (Pyodide 314.x runs Python 3.14), and the build may run on 3.11.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, jobPath] = process.argv.slice(2);
if (!jobPath) {
  console.error("usage: node precompile.mjs <pyodide dir> <job.json>");
  process.exit(2);
}
const job = JSON.parse(readFileSync(jobPath, "utf8"));
const indexURL = path.resolve(pyodideDir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const lock = JSON.parse(readFileSync(path.join(indexURL, "pyodide-lock.json"), "utf8"));
const pyodide = await loadPyodide({
  indexURL,
  lockFileContents: JSON.stringify({ info: lock.info, packages: {} }),
  stdLibURL: path.resolve(job.stdlib_in),
  // Compile without column positions (PEP 657): about 10% smaller bytecode; tracebacks then
  // name the line without underlining the expression.
  env: { PYTHONNODEBUGRANGES: "1" },
  stdout: (line) => console.error(line),
  stderr: (line) => console.error(line),
});
// The wheel as one file on sys.path, imported from the zip (as the worker does).
pyodide.FS.writeFile(job.wheel_path, new Uint8Array(readFileSync(job.wheel_in)));
pyodide.runPython(`import sys; sys.path.append(${JSON.stringify(job.wheel_path)})`);
const handle = pyodide.pyimport("scoring.bridge").handle;
for (const { request, ok } of job.warmup) {
  const reply = JSON.parse(handle(request));
  if (reply.ok !== ok) {
    throw new Error(`warm-up request ${request.slice(0, 200)}: expected ok=${ok}, got ` +
      JSON.stringify(reply).slice(0, 2000));
  }
}

const compileZip = pyodide.runPython(`
import importlib.util
import io
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

EPOCH = (1980, 1, 1, 0, 0, 0)


def used_modules(prefix):
    """Members (zip-relative .py names) of the modules imported so far from under prefix."""
    names = set()
    for module in list(sys.modules.values()):
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
        if origin.startswith(prefix) and origin.endswith(".py"):
            names.add(origin[len(prefix):])
    return names


def compile_zip(data, prefix, only, stored):
    """Zip bytes in -> zip bytes out: .py members become .pyc; with \`only\` (a set of member
    names), every other member is left out; \`stored\`: every member stored, not deflated."""
    out = io.BytesIO()
    members = []
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as source:
        for info in source.infolist():
            if info.is_dir():
                continue
            body = source.read(info)
            name = info.filename
            if only is not None and name not in only:
                continue
            if name.endswith(".py"):
                code = compile(body, prefix + name, "exec", dont_inherit=True, optimize=2)
                hashed = importlib.util.source_hash(body)
                body = bytes(_code_to_hash_pyc(code, hashed, checked=False))
                name = name[:-3] + ".pyc"
                kind = zipfile.ZIP_DEFLATED
            else:
                kind = info.compress_type
            if stored:
                kind = zipfile.ZIP_STORED
            members.append((name, body, info.external_attr, kind))
    with zipfile.ZipFile(out, "w") as target:
        for name, body, attr, kind in sorted(members):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.create_system = 3
            info.external_attr = attr or (0o100644 << 16)
            info.compress_type = kind
            target.writestr(info, body, compresslevel=9)
    return out.getvalue()


def run(stdlib, wheel, wheel_path):
    stdlib_prefix = "/lib/python%d%d.zip/" % sys.version_info[:2]
    used = used_modules(stdlib_prefix)
    if not used:
        raise RuntimeError("no standard-library module imported from " + stdlib_prefix)
    return (compile_zip(stdlib, stdlib_prefix, used, True),
            compile_zip(wheel, wheel_path + "/", None, False))


run
`);

const [stdlib, wheel] = compileZip(
  new Uint8Array(readFileSync(job.stdlib_in)),
  new Uint8Array(readFileSync(job.wheel_in)),
  job.wheel_path,
).toJs();
writeFileSync(job.stdlib_out, stdlib);
writeFileSync(job.wheel_out, wheel);
