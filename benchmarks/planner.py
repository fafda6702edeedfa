"""How long `scoring.plan` takes: it reruns on every keystroke in the calculator.

Plans many varied, valid profiles (a fixed random seed, so runs are comparable) and reports
the median, 95th percentile and slowest time on this interpreter. The target is a 95th
percentile well under 50 ms on CPython: Pyodide in a browser is roughly ten times slower, and
the plan must still feel instant there. Also run alone: ``python -m benchmarks.planner``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import scoring

TARGET_P95_MS = 50.0
START = "2026-11"


def _choice(rng: random.Random, key: str, weights: list[int]) -> str:
    field = next(f for f in scoring.field_descriptions() if f["key"] == key)
    return rng.choices([option["value"] for option in field["options"]], weights)[0]


def varied_profile(rng: random.Random) -> dict:
    """A valid profile like the ones people type: mostly working age and short of the standard
    score (the expensive case), some of everything."""
    age = rng.choice([rng.randint(22, 45), rng.randint(18, 60)])
    years_working = age - 16
    profile = {
        "age": age,
        # none, college, bachelor, bachelor_degree, master, doctor
        "education": _choice(rng, "education", [4, 4, 2, 3, 1, 1]),
        # none, junior, skill_5 … skill_1, intermediate, senior
        "title": _choice(rng, "title", [8, 2, 1, 1, 1, 1, 2, 1, 1]),
        "title_si_condition": rng.random() < 0.4,
        "si_months": rng.randint(0, min(years_working * 12, 240)),
        # none, 0.8x, 1x, 2x, 3x
        "si_base_tier": _choice(rng, "si_base_tier", [6, 3, 2, 1, 1]),
    }
    if rng.random() < 0.2:
        profile["shortage_major"] = True
    if rng.random() < 0.1:
        profile["fresh_graduate"] = True
    for key in ("suburb_years", "public_service_years", "spouse_hukou_years"):
        if rng.random() < 0.15:
            profile[key] = rng.randint(0, min(12, years_working))
    if rng.random() < 0.05:
        profile["detention_count"] = 1
    if rng.random() < 0.05:
        profile["award"] = _choice(rng, "award", [0, 2, 1, 1])
    if rng.random() < 0.02:
        profile["serious_criminal_record"] = True
    return profile


def measure(count: int, seed: int) -> dict[str, list[float]]:
    """Milliseconds per plan for `count` profiles, by the plan's status."""
    rng = random.Random(seed)
    profiles = [varied_profile(rng) for _ in range(count)]
    scoring.plan(profiles[0], START)  # load the rule data once, outside the timing
    times: dict[str, list[float]] = {}
    for profile in profiles:
        started = time.perf_counter()
        result = scoring.plan(profile, START)
        times.setdefault(result["status"], []).append((time.perf_counter() - started) * 1000)
    return times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _line(label: str, times: list[float]) -> str:
    return (f"{label}: {len(times)} plans, median {statistics.median(times):.1f} ms, "
            f"p95 {_p95(times):.1f} ms, slowest {max(times):.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.planner", description=__doc__)
    parser.add_argument("--profiles", type=int, default=400, help="how many profiles to plan")
    parser.add_argument("--seed", type=int, default=5, help="random seed of the profiles")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    by_status = measure(args.profiles, args.seed)
    every = [ms for times in by_status.values() for ms in times]
    p95 = _p95(every)
    verdict = "ok" if p95 < TARGET_P95_MS else "SLOWER THAN TARGET"
    print(f"planner on Python {sys.version.split()[0]}, "
          f"target p95 < {TARGET_P95_MS:.0f} ms: {verdict}")
    print("  " + _line("all", every))
    for status, times in sorted(by_status.items()):
        print("  " + _line(status, times))
    return 0 if p95 < TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
