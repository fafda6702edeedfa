"""The rules' version: a short content hash of the rule data files in `scoring/rules/`.

Every result carries it (`rules_version` in the result JSON), so a person, a printout or a
test can tell which rule data produced a total. It is computed from the bytes of the TOML
files as shipped, so CPython, the wheel the site builds and Pyodide all agree, and it
changes exactly when any rule file does (a new value, a new file, a renamed file).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable

SUFFIX = ".toml"
LENGTH = 12  # hex digits: short enough to print, far too long to collide by chance


def rules_version_of(files: Iterable[tuple[str, bytes]]) -> str:
    """The version of rule files given as ``(file name, bytes)`` pairs, in any order."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        # Length-prefix each part so that moving bytes between names changes the hash.
        for part in (name.encode("utf-8"), data):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()[:LENGTH]


def rule_files(folder: Traversable) -> list[tuple[str, bytes]]:
    """The rule data files of a rules folder (``*.toml``, hidden files left out)."""
    return [
        (entry.name, entry.read_bytes())
        for entry in folder.iterdir()
        if entry.name.endswith(SUFFIX) and not entry.name.startswith(".") and entry.is_file()
    ]


def rules_version_of_folder(folder: Traversable) -> str:
    """The version of the rules in `folder` (e.g. a source checkout's ``scoring/rules``)."""
    return rules_version_of(rule_files(folder))


@functools.cache
def rules_version() -> str:
    """The version of the rules this package scores with (read once: package data)."""
    return rules_version_of_folder(resources.files("scoring").joinpath("rules"))
