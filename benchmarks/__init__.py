"""Benchmarks: ``python -m benchmarks [NAME ...]`` (``./dev bench``).

Each module in this package with a ``main(argv: list[str]) -> int`` function is one
benchmark, named after its module (``site_build``, and later ``calculator``,
``planner``); adding a module is all it takes to add one.
"""
