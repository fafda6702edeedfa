"""Launching Chromium for tests and benchmarks: Debian's build when present, else Playwright's."""

from __future__ import annotations

import os
from pathlib import Path

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def executable() -> str | None:
    """The Chromium binary to drive, or None for Playwright's own download."""
    for candidate in (os.environ.get("PLAYWRIGHT_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def launch(playwright, **options):
    """A headless Chromium browser with the project's standard flags."""
    return playwright.chromium.launch(
        executable_path=executable(), args=ARGS, headless=True, **options
    )


def launch_profile(browser_type, user_data_dir: str | Path):
    """A headless Chromium context on a browser profile kept in `user_data_dir`, as a
    visitor's browser keeps one. A context from `Browser.new_context()` is off the record:
    Chromium 156 keeps no compiled WebAssembly for it, so a repeat visit there never reuses
    any (compiled JavaScript it does keep)."""
    return browser_type.launch_persistent_context(
        str(user_data_dir), executable_path=executable(), args=ARGS, headless=True
    )
