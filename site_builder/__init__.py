"""Build the static site from catalogue/, content/ and the scoring package's rules.

Phase one (`load`) reads and validates every input into a `model.Site`; phase two
(`render`, `pages`) writes the pages. `build.build()` runs both into a fresh folder and
swaps it into place; `cli` is the command line (``python -m site_builder``).
"""
