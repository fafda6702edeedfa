// Parity runner: load the pinned Pyodide from node_modules, install the site's scoring wheel
// exactly as the browser worker does, and answer bridge requests.
//
//   node runner.mjs <pyodide dir> <wheel file> <path inside Pyodide> <requests.json>
//                   [<stdlib zip> [<snapshot>]]
//
// With a stdlib zip (the site's precompiled one), Pyodide loads it instead of its own, as the
// browser worker does. With a snapshot too (the site's, unzipped and unpacked by the caller),
// Pyodide restores it first, as the worker does on a repeat visit, and the wheel file is
// written again to its path.
// requests.json holds a JSON array of request *texts*, so both interpreters parse the very
// same bytes; stdout gets {python, scoring, replies}: Pyodide's Python version, where the
// package was imported from, and the bridge's reply text for each request (compared byte for
// byte by the caller).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [pyodideDir, wheelPath, wheelAt, requestsPath, stdlibPath, snapshotPath] =
  process.argv.slice(2);
if (!requestsPath) {
  console.error(
    "usage: node runner.mjs <pyodide dir> <wheel file> <path inside Pyodide> <requests.json>",
  );
  process.exit(2);
}
const indexURL = path.resolve(pyodideDir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const lock = JSON.parse(readFileSync(path.join(indexURL, "pyodide-lock.json"), "utf8"));
const pyodide = await loadPyodide({
  indexURL,
  // The same empty lock file the browser worker uses: no package but ours.
  lockFileContents: JSON.stringify({ info: lock.info, packages: {} }),
  ...(stdlibPath ? { stdLibURL: path.resolve(stdlibPath) } : {}),
  ...(snapshotPath ? { _loadSnapshot: new Uint8Array(readFileSync(snapshotPath)) } : {}),
  stdout: (line) => console.error(line),
  stderr: (line) => console.error(line),
});
// The wheel as one file on sys.path, at the site's path (site_builder/wheel.py ENGINE_PATH;
// a restored snapshot already has it on sys.path), as the browser worker installs it.
// Node Buffers are not typed arrays Pyodide accepts; copy into a Uint8Array.
pyodide.FS.writeFile(wheelAt, new Uint8Array(readFileSync(wheelPath)));
const at = JSON.stringify(wheelAt);
pyodide.runPython(`import sys\nif ${at} not in sys.path: sys.path.append(${at})`);
const handle = pyodide.pyimport("scoring.bridge").handle;
const requests = JSON.parse(readFileSync(requestsPath, "utf8"));
const replies = requests.map((text) => handle(text));
const python = pyodide.runPython("import sys; sys.version.split()[0]");
const scoring = pyodide.runPython("import scoring; scoring.__file__");
// The installed version from the wheel's METADATA (importlib.metadata is not in the site's
// trimmed standard library: the calculator never needs it).
const version = pyodide.runPython(`
import zipfile
with zipfile.ZipFile(${at}) as wheel:
    meta = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    text = wheel.read(meta).decode()
next(l.split(": ", 1)[1] for l in text.splitlines() if l.startswith("Version: "))
`);
// Where the bridge and a standard-library module were loaded from (.pyc when precompiled).
const files = pyodide.runPython("import scoring.bridge, json; [scoring.bridge.__file__, json.__file__]").toJs();
process.stdout.write(JSON.stringify({ python, scoring, version, files, replies }));
