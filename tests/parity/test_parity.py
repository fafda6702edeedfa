"""Parity: the scoring package inside Pyodide (Node.js + the npm package) answers exactly as
it does under CPython.

The wheel and the standard library are the ones the site ships (`site_builder.wheel`,
precompiled to Python 3.14 bytecode by `site_builder.bytecode`), installed the way the
browser worker installs them; every test runs twice, once after a normal start and once
after restoring the site's memory snapshot (`site_builder.snapshot`), as a repeat visit
does. Requests: the full scoring case suite (bridge op ``cases``), the planner case suite
(``plan_cases``), the form and schema, a few hundred generated profiles (valid and invalid)
scored on a fixed date, plans for some of them from a fixed month (op ``plan``, as the
calculator asks), and malformed requests. Every reply must be the same text, byte for byte.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

import scoring
from scoring.bridge import handle
from scoring.cases import load_cases, load_plan_cases
from site_builder.bytecode import Precompiled, precompile
from site_builder.pyodide_runtime import Runtime, find_runtime
from site_builder.snapshot import snapshot
from site_builder.wheel import ENGINE_PATH, Wheel, build_wheel

from .unpacked import unpack

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[2]
PYODIDE = ROOT / "node_modules" / "pyodide"
RUNNER = Path(__file__).with_name("runner.mjs")
DATE = "2026-11-21"
START = "2026-11"
PLANS = 40  # plans of generated profiles: each costs far more than a score inside Pyodide
CASES = json.dumps({"op": "cases"})
PLAN_CASES = json.dumps({"op": "plan_cases"})


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


def plan_profiles(count: int, seed: int = 5) -> list[dict]:
    """Valid, unvetoed profiles of working age, mostly short of the standard score: the ones
    that give a plan its options, combinations, projection and risks."""
    rng = random.Random(seed)
    options = {f["key"]: [o["value"] for o in f.get("options") or []]
               for f in scoring.field_descriptions()}

    def pick(key: str) -> str:  # the first option ("none", the lowest) half of the time
        return options[key][0] if rng.random() < 0.5 else rng.choice(options[key])

    profiles = []
    for _ in range(count):
        age = rng.randint(20, 59)
        profile = {
            "age": age,
            "education": pick("education"),
            "title": options["title"][0] if rng.random() < 0.7 else pick("title"),
            "title_si_condition": rng.random() < 0.4,
            "si_months": rng.randint(0, min((age - 16) * 12, 200)),
            "si_base_tier": options["si_base_tier"][0] if rng.random() < 0.6 else pick(
                "si_base_tier"),
            "shortage_major": rng.random() < 0.2,
        }
        for key in ("suburb_years", "public_service_years", "spouse_hukou_years"):
            if rng.random() < 0.2:
                profile[key] = rng.randint(0, min(12, age - 18))
        if rng.random() < 0.1:
            profile["detention_count"] = 1
        profiles.append(profile)
    return profiles


def requests() -> list[str]:
    bodies: list[object] = [{"op": "fields"}, {"op": "schema"}]
    profiles = generated_profiles(300)
    bodies += [{"op": "score", "profile": p, "date": DATE} for p in profiles]
    bodies += [{"op": "plan", "profile": p, "start": START} for p in plan_profiles(PLANS)]
    bodies += [{"op": "score", "profile": {"age": 30}, "date": "1999-01-01"},
               {"op": "plan", "profile": {"age": 30}, "start": "1999-01"}, {"op": "nope"}, []]
    texts = [json.dumps(body, ensure_ascii=False) for body in bodies]
    return [CASES, PLAN_CASES, *texts, "not json", "", *HOSTILE]


# Hostile requests (issue 10 #5): Pyodide must refuse them as CPython does, without a fatal
# error (deep nesting used to overflow the WebAssembly stack).
HOSTILE = [
    '{"op": "score", "profile": ' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"op": "score", "profile": ' + '{"a": ' * 5_000 + "1" + "}" * 5_000 + "}",
    '{"op": "score", "profile": {"age": 1' + "0" * 5_000 + "}}",
    '{"op": "score", "profile": {"age": 99, "age": 30}}',
    '{"op": "plan", "profile": {"age": 30}, "start": "9990-01"}',
    '{"op": "plan", "profile": {"age": 30}, "start": "10000-01"}',
    '{"op": "score", "profile": {"age": 30, "\u001b[2Jx\u202e": 1}}',
    '{"op": "score", "profile": {"age": NaN}}',
]


def engine_inputs() -> tuple[Runtime, Precompiled, Wheel]:
    """What the site build makes the engine from: the pinned Pyodide from node_modules, the
    scoring wheel, and both precompiled for it (the snapshot's inputs too)."""
    runtime = find_runtime(ROOT / "node_modules")
    source = build_wheel(ROOT / "scoring", scoring.__version__)
    return runtime, precompile(runtime, source), source


@pytest.fixture(scope="module", params=["normal start", "restored snapshot"])
def pyodide_run(request, tmp_path_factory):
    """Every request answered inside Pyodide: after a normal start (a first visit), and after
    restoring the site's memory snapshot (a repeat visit); every test runs on both."""
    node = shutil.which("node")
    assert node, "Node.js is required for the parity test (./dev test installs npm packages)"
    assert (PYODIDE / "pyodide.mjs").is_file(), "node_modules/pyodide is missing: run `npm ci`"
    work = tmp_path_factory.mktemp("parity")
    runtime, compiled, source = engine_inputs()
    wheel = compiled.wheel
    wheel_path = work / wheel.filename
    wheel_path.write_bytes(wheel.data)
    stdlib_path = work / compiled.stdlib_filename
    stdlib_path.write_bytes(compiled.stdlib)
    extra = []
    if request.param == "restored snapshot":
        heap = snapshot(runtime, compiled, source)
        # As the worker has it once unzipped and unpacked (checked against the build's record
        # in test_snapshot_build.py, and the worker's own unpacking in the browser tests).
        unpacked = unpack(gzip.decompress(heap.data), heap.raw_bytes, heap.initial,
                          heap.heap_offset)
        assert hashlib.sha256(unpacked).hexdigest() == heap.raw_sha256
        (work / "snapshot.bin").write_bytes(unpacked)
        extra.append(str(work / "snapshot.bin"))
    texts = requests()
    (work / "requests.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [node, str(RUNNER), str(PYODIDE), str(wheel_path), ENGINE_PATH, str(work / "requests.json"),
         str(stdlib_path), *extra],
        # Pyodide under Node mounts the working directory as its home, which is first on
        # sys.path: run from an empty folder, or `import scoring` would find the checkout.
        cwd=work, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return texts, {**json.loads(proc.stdout), "wheel_version": wheel.version}


def test_runs_inside_pyodide_from_the_wheel(pyodide_run):
    _texts, run = pyodide_run
    assert run["python"].startswith("3.14"), run["python"]  # Pyodide's CPython, not ours
    # Imported from the wheel file itself (zipimport), not from the checkout.
    assert run["scoring"] == f"{ENGINE_PATH}/scoring/__init__.pyc", run["scoring"]
    assert run["version"] == run["wheel_version"]


def test_runs_the_precompiled_bytecode_the_site_ships(pyodide_run):
    _texts, run = pyodide_run
    bridge, json_module = run["files"]
    assert bridge == f"{ENGINE_PATH}/scoring/bridge.pyc", bridge
    assert json_module.endswith(".zip/json/__init__.pyc"), json_module


def _suite_matches(pyodide_run, request: str, key: str, count: int) -> None:
    """The suite's reply inside Pyodide equals CPython's; on a difference, name the case."""
    texts, run = pyodide_run
    theirs_text = run["replies"][texts.index(request)]
    expected = handle(request)
    reply = json.loads(theirs_text)
    assert reply["ok"] and len(reply[key]) == count > 0
    if theirs_text != expected:
        ours = json.loads(expected)[key]
        for mine, theirs in zip(ours, reply[key], strict=True):
            assert theirs == mine, f"case {mine['name']!r} differs inside Pyodide"
    assert theirs_text == expected


def test_case_suite_matches_cpython_exactly(pyodide_run):
    _suite_matches(pyodide_run, CASES, "cases", len(load_cases()))


def test_planner_case_suite_matches_cpython_exactly(pyodide_run):
    _suite_matches(pyodide_run, PLAN_CASES, "plans", len(load_plan_cases()))


def test_every_reply_matches_cpython_exactly(pyodide_run):
    texts, run = pyodide_run
    assert len(run["replies"]) == len(texts)
    ok = sum(json.loads(r).get("ok") is True for r in run["replies"])
    assert 0 < ok < len(texts)  # the suite exercises both results and errors
    plans = [json.loads(r).get("plan") for r in run["replies"]]
    statuses = {plan["status"] for plan in plans if plan}
    assert {"reachable", "not_reached", "reached"} <= statuses, statuses
    for text, theirs in zip(texts, run["replies"], strict=True):
        mine = handle(text)
        if theirs != mine:
            diff = "\n".join(difflib.unified_diff(
                json.dumps(json.loads(mine), indent=1, ensure_ascii=False).splitlines(),
                json.dumps(json.loads(theirs), indent=1, ensure_ascii=False).splitlines(),
                "cpython", "pyodide", lineterm="",
            ))
            pytest.fail(f"reply differs for request {text[:200]}:\n{diff}")


def test_hostile_requests_are_refused_inside_pyodide(pyodide_run):
    texts, run = pyodide_run
    for text in HOSTILE:
        reply = json.loads(run["replies"][texts.index(text)])
        assert reply["ok"] is False and reply["error"]["message_en"], text[:80]
