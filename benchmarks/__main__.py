"""Run every benchmark, or those named: ``python -m benchmarks [--list] [NAME ...]``.

Options after ``--`` go to the one benchmark named before it, e.g.
``python -m benchmarks calculator -- --runs 5 --baseline main`` (``./dev bench`` passes its
arguments here)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import benchmarks


def available() -> list[str]:
    """Names of the benchmark modules in this package, sorted."""
    return sorted(
        info.name for info in pkgutil.iter_modules(benchmarks.__path__)
        if not info.name.startswith("_")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*",
                        help=f"benchmarks to run (default: all of {available()})")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    argv = list(sys.argv[1:] if argv is None else argv)
    passed: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, passed = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(available()))
        return 0
    unknown = sorted(set(args.names) - set(available()))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {available()}")
    if passed and len(args.names) != 1:
        parser.error("options after -- go to one benchmark: name exactly one before --, "
                     f"e.g. calculator -- {' '.join(passed)}")
    status = 0
    for name in args.names or available():
        print(f"== {name} ==", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        status = max(status, module.main(passed))
    return status


if __name__ == "__main__":
    sys.exit(main())
