"""The catalogue search: index size and time to first result, real site and 10,000 entries.

The index (catalogue/search.json) is built with the real rules; the matching code is the
site's own static/js/search.js, run in Node (its first half has no DOM code). "Time to
first result" is what a visitor waits for after the file arrives: parse the JSON, take in
the index, answer one query. Baseline, in the same run: parsing the same file with
JSON.parse, which no design can avoid. Target: the first result within
TARGET_RATIO x that parse time on a synthetic catalogue of 10,000 entries (so matching
adds little to reading the file). The time of each further query is shown, not judged.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from site_builder.build import build
from site_builder.render import STATIC, BuildOptions

from .site_build import REPO, synthetic_root

SYNTHETIC_ENTRIES = 10_000
TARGET_RATIO = 2.0  # time to first result / JSON.parse time of the same index
QUERIES = ["kj", "gongchengshi", "工程师", "jsy", "zhuangtiao", "不存在的名称"]
RUNS = 5

RUNNER = """
import { prepare, search } from "./search.mjs";
import { readFileSync } from "node:fs";
const [file, runs, ...queries] = process.argv.slice(2);
const text = readFileSync(file, "utf8");
const parse = [];
const first = [];
const each = [];
let matches = 0;
for (let run = 0; run < Number(runs); run += 1) {
  let started = performance.now();
  JSON.parse(text);
  parse.push(performance.now() - started);
  started = performance.now();
  const prepared = prepare(JSON.parse(text));
  search(prepared, queries[0]);
  first.push(performance.now() - started);
  for (const query of queries) {
    const t = performance.now();
    matches += search(prepared, query).length;
    each.push(performance.now() - t);
  }
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({
  parse: median(parse), first: median(first), query: median(each), matches,
}));
"""


def measure(index: Path, work: Path) -> dict:
    """Median time to first result and per query (ms) for the index file, in Node."""
    shutil.copy(STATIC / "js" / "search.js", work / "search.mjs")
    (work / "runner.mjs").write_text(RUNNER, encoding="utf-8")
    done = subprocess.run(
        ["node", str(work / "runner.mjs"), str(index), str(RUNS), *QUERIES],
        check=True, capture_output=True, text=True,
    )
    return json.loads(done.stdout)


def build_index(root: Path, out: Path) -> Path:
    build(root, out, BuildOptions(), producers=[])
    return out / "catalogue" / "search.json"


def describe(label: str, index: Path, figures: dict) -> str:
    data = index.read_bytes()
    entries = len(json.loads(data)["entries"])
    packed = len(gzip.compress(data, 9))
    return (f"{label}: {entries} entries, index {len(data) / 1024:.0f} KiB "
            f"({packed / 1024:.0f} KiB gzip, {len(data) / entries:.0f} bytes per entry); "
            f"JSON.parse {figures['parse']:.1f} ms, first result {figures['first']:.1f} ms "
            f"({figures['first'] / max(figures['parse'], 0.01):.2f}x parse), "
            f"each further query {figures['query']:.2f} ms")


def main(argv: list[str]) -> int:
    # No options; parsing still answers --help and refuses an unknown option.
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search", description=__doc__)
    parser.parse_args(argv)
    if shutil.which("node") is None:
        print("node not found: skipped")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        real = build_index(REPO, work / "real")
        real_figures = measure(real, work)
        print(describe("real site", real, real_figures))
        root = synthetic_root(work / "synthetic-src", SYNTHETIC_ENTRIES)
        synthetic = build_index(root, work / "synthetic")
        figures = measure(synthetic, work)
        print(describe("synthetic", synthetic, figures))
        ratio = figures["first"] / max(figures["parse"], 0.01)
        verdict = "ok" if ratio < TARGET_RATIO else "SLOWER THAN TARGET"
        print(f"  {SYNTHETIC_ENTRIES} entries: first result {ratio:.2f}x the parse time "
              f"(target < {TARGET_RATIO:.0f}x: {verdict}); "
              f"{figures['first'] / max(real_figures['first'], 0.01):.0f}x the real site's")
    return 0 if ratio < TARGET_RATIO else 1
