"""Parity: the scoring package inside Pyodide (Node.js + the npm package) answers exactly as
it does under CPython.

The wheel is the one the site ships (`site_builder.wheel`), installed the way the browser
worker installs it. Requests: the full case suite (bridge op ``cases``), the form and schema,
a few hundred generated profiles (valid and invalid) on a fixed date, and malformed
requests. Every reply must be the same text, byte for byte.
"""

from __future__ import annotations

import difflib
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

import scoring
from scoring.bridge import handle
from scoring.cases import load_cases
from site_builder.wheel import build_wheel

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[2]
PYODIDE = ROOT / "node_modules" / "pyodide"
RUNNER = Path(__file__).with_name("runner.mjs")
DATE = "2026-11-21"


def generated_profiles(count: int, seed: int = 20261121) -> list[dict]:
    """Profiles drawn from the form's own field descriptions, some deliberately invalid."""
    rng = random.Random(seed)
    fields = scoring.field_descriptions()
    profiles = []
    for _ in range(count):
        profile = {}
        for field in fields:
            if not field.get("required") and rng.random() < 0.4:
                continue  # leave it to the default
            kind = field["type"]
            if kind == "boolean":
                value = rng.random() < 0.5
            elif kind == "choice":
                value = rng.choice(field["options"])["value"]
            else:
                low, high = field.get("min", 0), min(field.get("max", 10**6), 10**6)
                value = rng.randint(low, min(high, low + rng.choice([5, 50, 500])))
                if kind == "number" and rng.random() < 0.3:
                    value = value + rng.choice([0.5, 0.25, 0.999])
            profile[field["key"]] = value
        if rng.random() < 0.15:  # invalid input must fail the same way in both
            key = rng.choice(fields)["key"]
            profile[key] = rng.choice([-1, "x", None, 10**9, 1.5, [], "none"])
        profiles.append(profile)
    return profiles


def requests() -> list[str]:
    bodies: list[object] = [{"op": "cases"}, {"op": "fields"}, {"op": "schema"}]
    bodies += [{"op": "score", "profile": p, "date": DATE} for p in generated_profiles(300)]
    bodies += [{"op": "score", "profile": {"age": 30}, "date": "1999-01-01"}, {"op": "nope"}, []]
    texts = [json.dumps(body, ensure_ascii=False) for body in bodies]
    return [*texts, "not json", ""]


@pytest.fixture(scope="module")
def pyodide_run(tmp_path_factory):
    node = shutil.which("node")
    assert node, "Node.js is required for the parity test (./dev test installs npm packages)"
    assert (PYODIDE / "pyodide.mjs").is_file(), "node_modules/pyodide is missing: run `npm ci`"
    work = tmp_path_factory.mktemp("parity")
    wheel = build_wheel(ROOT / "scoring", scoring.__version__)
    wheel_path = work / wheel.filename
    wheel_path.write_bytes(wheel.data)
    texts = requests()
    (work / "requests.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [node, str(RUNNER), str(PYODIDE), str(wheel_path), str(work / "requests.json")],
        # Pyodide under Node mounts the working directory as its home, which is first on
        # sys.path: run from an empty folder, or `import scoring` would find the checkout.
        cwd=work, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return texts, {**json.loads(proc.stdout), "wheel_version": wheel.version}


def test_runs_inside_pyodide_from_the_wheel(pyodide_run):
    _texts, run = pyodide_run
    assert run["python"].startswith("3.14"), run["python"]  # Pyodide's CPython, not ours
    assert "site-packages" in run["scoring"], run["scoring"]  # the wheel, not the checkout
    assert run["version"] == run["wheel_version"]


def test_case_suite_matches_cpython_exactly(pyodide_run):
    texts, run = pyodide_run
    expected = handle(texts[0])
    reply = json.loads(run["replies"][0])
    assert reply["ok"] and len(reply["cases"]) == len(load_cases()) > 0
    if run["replies"][0] != expected:
        ours = json.loads(expected)["cases"]
        for mine, theirs in zip(ours, reply["cases"], strict=True):
            assert theirs == mine, f"case {mine['name']!r} differs inside Pyodide"
    assert run["replies"][0] == expected


def test_every_reply_matches_cpython_exactly(pyodide_run):
    texts, run = pyodide_run
    assert len(run["replies"]) == len(texts)
    ok = sum(json.loads(r).get("ok") is True for r in run["replies"])
    assert 0 < ok < len(texts)  # the suite exercises both results and errors
    for text, theirs in zip(texts, run["replies"], strict=True):
        mine = handle(text)
        if theirs != mine:
            diff = "\n".join(difflib.unified_diff(
                json.dumps(json.loads(mine), indent=1, ensure_ascii=False).splitlines(),
                json.dumps(json.loads(theirs), indent=1, ensure_ascii=False).splitlines(),
                "cpython", "pyodide", lineterm="",
            ))
            pytest.fail(f"reply differs for request {text[:200]}:\n{diff}")
