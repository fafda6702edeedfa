"""Pinned dependencies: the Python lock files and the Pyodide runtime copied into builds."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from site_builder.brotli_decoder import find_decoder
from site_builder.errors import BuildError
from site_builder.pyodide_runtime import find_runtime

ROOT = Path(__file__).resolve().parents[2]
PIN_RE = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)")


def _pins(lock: Path) -> dict[str, str]:
    """Package → pinned version; asserts every pin carries at least one sha256 hash."""
    pins: dict[str, str] = {}
    requirements = re.split(r"\n(?=\S)", lock.read_text(encoding="utf-8"))
    for requirement in requirements:
        if not requirement.strip() or requirement.startswith("#"):
            continue
        match = PIN_RE.match(requirement)
        assert match, f"{lock.name}: not an exact pin: {requirement.splitlines()[0]!r}"
        assert "--hash=sha256:" in requirement, f"{lock.name}: {match[1]} has no hash"
        pins[match[1].lower().replace("_", "-")] = match[2]
    return pins


@pytest.mark.parametrize("extra", ["build", "test"])
def test_lock_pins_every_dependency_of_the_extra_with_hashes(extra):
    pins = _pins(ROOT / "requirements" / f"{extra}.lock")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["optional-dependencies"][extra]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement)[0].lower().replace("_", "-")
        if name == "shanghai-points":  # test includes build
            continue
        assert name in pins, f"{name} from pyproject.toml is missing in {extra}.lock"


def test_build_lock_agrees_with_test_lock():
    build, test = (_pins(ROOT / "requirements" / f"{x}.lock") for x in ("build", "test"))
    assert {name: test.get(name) for name in build} == build


def test_dev_installs_from_the_lock_with_hashes_and_stamps_its_content():
    script = (ROOT / "dev").read_text(encoding="utf-8")
    assert "--require-hashes" in script
    assert "--upgrade pip" not in script
    assert " -nt " not in script  # stamps hold content hashes, not file dates


def _pinned_pyodide() -> dict:
    return json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/pyodide"]


def _fake_node_modules(tmp_path: Path, *, installed_integrity: str, version: str) -> Path:
    """A project folder whose node_modules holds a stand-in Pyodide package."""
    shutil.copy(ROOT / "package-lock.json", tmp_path / "package-lock.json")
    pinned = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    package = tmp_path / "node_modules" / "pyodide"
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": version}))
    (package / "pyodide-lock.json").write_text(json.dumps({"info": {}}))
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        (package / name).write_bytes(b"stand-in")
    installed = dict(pinned["node_modules/pyodide"], integrity=installed_integrity, version=version)
    (tmp_path / "node_modules" / ".package-lock.json").write_text(
        json.dumps({"packages": {"node_modules/pyodide": installed}})
    )
    return tmp_path / "node_modules"


def test_pyodide_matching_the_lock_is_accepted(tmp_path):
    pinned = _pinned_pyodide()
    node_modules = _fake_node_modules(
        tmp_path, installed_integrity=pinned["integrity"], version=pinned["version"]
    )
    assert find_runtime(node_modules).version == pinned["version"]


def test_pyodide_with_other_integrity_or_version_stops_the_build(tmp_path):
    pinned = _pinned_pyodide()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    node_modules = _fake_node_modules(
        tmp_path / "a", installed_integrity="sha512-tampered", version=pinned["version"]
    )
    with pytest.raises(BuildError, match="integrity.*npm ci"):
        find_runtime(node_modules)
    node_modules = _fake_node_modules(
        tmp_path / "b", installed_integrity=pinned["integrity"], version="0.0.1"
    )
    with pytest.raises(BuildError, match="version.*npm ci"):
        find_runtime(node_modules)


def test_the_real_node_modules_matches_the_lock():
    find_runtime(ROOT / "node_modules")  # raises if `npm ci` was not run from this lock


def _fake_decoder(tmp_path: Path, *, installed_integrity: str) -> Path:
    """A project folder whose node_modules holds a stand-in brotli decoder package."""
    shutil.copy(ROOT / "package-lock.json", tmp_path / "package-lock.json")
    pinned = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    key = "node_modules/brotli-dec-wasm"
    package = tmp_path / "node_modules" / "brotli-dec-wasm"
    (package / "pkg").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": pinned[key]["version"]}))
    for name in ("pkg/brotli_dec_wasm.js", "pkg/brotli_dec_wasm_bg.wasm", "LICENSE-MIT.txt",
                 "LICENSE-Apache.txt"):
        (package / name).write_bytes(b"stand-in")
    installed = dict(pinned[key], integrity=installed_integrity)
    (tmp_path / "node_modules" / ".package-lock.json").write_text(
        json.dumps({"packages": {key: installed}})
    )
    return tmp_path / "node_modules"


def test_the_brotli_decoder_must_match_the_lock_too(tmp_path):
    pinned = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    wanted = pinned["node_modules/brotli-dec-wasm"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    good = _fake_decoder(tmp_path / "a", installed_integrity=wanted["integrity"])
    assert find_decoder(good).version == wanted["version"]
    tampered = _fake_decoder(tmp_path / "b", installed_integrity="sha512-tampered")
    with pytest.raises(BuildError, match="brotli-dec-wasm.*integrity.*npm ci"):
        find_decoder(tampered)
    find_decoder(ROOT / "node_modules")  # raises if `npm ci` was not run from this lock
